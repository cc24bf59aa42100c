"""The hub's tables (SQLAlchemy 2.x declarative).

Plain data and small derived properties only; rules live in workflow.py and the use cases
in services/. Times are timezone-aware UTC everywhere (``UTCDateTime`` restores the zone
that SQLite drops).
"""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints from the first migration on, so later migrations can drop them by name
# on every backend (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A DateTime that is always aware UTC in Python, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(enum.StrEnum):
    CONTRIBUTOR = "contributor"
    TRANSLATOR = "translator"
    EDITOR = "editor"
    ADMIN = "admin"


class Kind(enum.StrEnum):
    STORY = "story"
    POSTER = "poster"
    VIDEO = "video"
    AUDIO = "audio"
    INFOGRAPHIC = "infographic"
    TOOLKIT = "toolkit"
    SOCIAL_POST = "social_post"


class BylineMode(enum.StrEnum):
    NAMED = "named"
    ORGANISATION = "organisation"
    ANONYMOUS = "anonymous"


THEMES = (
    "tolerance",
    "youth",
    "women",
    "victims_voices",
    "interfaith",
    "education",
    "media_literacy",
    "dialogue",
    "community",
    "peace",
)

REGIONS = (
    "punjab",
    "sindh",
    "khyber_pakhtunkhwa",
    "balochistan",
    "gilgit_baltistan",
    "azad_kashmir",
    "islamabad",
)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    # Editors and translators work in languages; editors may hold all of them.
    all_languages: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    language_rows: Mapped[list[UserLanguage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(r.lang for r in self.language_rows)

    # Flask-Login's user protocol, duck-typed (content/ does not import Flask).
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Session id: changes when the password does, which signs out other sessions."""
        return f"{self.id}:{self.session_fingerprint}"

    @property
    def session_fingerprint(self) -> str:
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def works_in(self, lang: str) -> bool:
        return self.all_languages or lang in self.languages

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class UserLanguage(Base):
    __tablename__ = "user_languages"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    starts_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    texts: Mapped[list[CampaignText]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def text_in(self, chain: tuple[str, ...]) -> CampaignText | None:
        by_lang = {t.lang: t for t in self.texts}
        for code in chain:
            if code in by_lang:
                return by_lang[code]
        return self.texts[0] if self.texts else None


class CampaignText(Base):
    __tablename__ = "campaign_texts"
    __table_args__ = (UniqueConstraint("campaign_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")


class Story(Base):
    """The language-independent work; its texts are Translations."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16), default=Kind.STORY)
    source_language: Mapped[str] = mapped_column(String(8))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    region: Mapped[str | None] = mapped_column(String(32))
    byline_mode: Mapped[str] = mapped_column(String(16), default=BylineMode.NAMED)
    is_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    author: Mapped[User] = relationship(lazy="joined")
    campaign: Mapped[Campaign | None] = relationship()
    translations: Mapped[list[Translation]] = relationship(
        back_populates="story", cascade="all, delete-orphan", lazy="selectin"
    )
    assets: Mapped[list[MediaAsset]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="MediaAsset.position, MediaAsset.id",
    )

    @property
    def source(self) -> Translation | None:
        for t in self.translations:
            if t.lang == self.source_language:
                return t
        return None

    def translation(self, lang: str) -> Translation | None:
        for t in self.translations:
            if t.lang == lang:
                return t
        return None


class Translation(Base):
    """One story in one language, with its own slug, revisions and workflow state."""

    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("story_id", "lang"),
        UniqueConstraint("lang", "slug", name="uq_translations_lang_slug"),
        Index("ix_translations_state_lang", "state", "lang"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    slug: Mapped[str] = mapped_column(String(160))
    state: Mapped[str] = mapped_column(String(24), default="draft")
    is_live: Mapped[bool] = mapped_column(Boolean, default=False)
    live_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    latest_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    # Set when the latest revision was approved: approval is of one revision only.
    approved_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Translation requests and claims (a source translation has neither).
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the source got a newer published revision whose segments changed since the
    # one this translation was made from; cleared when the translator catches up.
    is_outdated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking: two editors acting at once cannot both win.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    story: Mapped[Story] = relationship(back_populates="translations", lazy="joined")
    # Translations and revisions point at each other; the pointers are set through their
    # id columns by the services, so these are read-only views (no flush-order cycle).
    live_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[live_revision_id], viewonly=True, lazy="joined"
    )
    latest_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[latest_revision_id], viewonly=True, lazy="joined"
    )
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id], lazy="joined")

    @property
    def is_source(self) -> bool:
        return self.lang == self.story.source_language

    def __repr__(self) -> str:
        return f"<Translation {self.story_id}/{self.lang} {self.state}>"


class Revision(Base):
    """An immutable snapshot of one translation's text."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("translation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    renderer_version: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # For a translation: the source revision it was translated from.
    source_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


class Autosave(Base):
    """The editor's unsaved text for one user, so closing the browser loses nothing.

    Never touches revisions: restoring is an explicit choice of the user.
    """

    __tablename__ = "autosaves"
    __table_args__ = (UniqueConstraint("user_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(64))  # "translation:<id>" or "new-story"
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewComment(Base):
    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    lang: Mapped[str | None] = mapped_column(String(8))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(lazy="joined")


class Notification(Base):
    """Something a user should hear about; the text is made in their language when shown."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    translation: Mapped[Translation | None] = relationship(lazy="joined")


class SearchOutbox(Base):
    """Changes to public content waiting for the search indexer, in order (``id``)."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[str] = mapped_column(String(8))  # "upsert" or "delete"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MediaAsset(Base):
    """A file attached to a story: image (stored only as metadata-free renditions), video,
    audio or document. Recorded ``pending`` before any byte is stored, ``ready`` after."""

    __tablename__ = "media_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    kind: Mapped[str | None] = mapped_column(String(16))  # image, video, audio, document
    mime: Mapped[str | None] = mapped_column(String(80))
    # The stored file (not for images: only their renditions are kept).
    key: Mapped[str] = mapped_column(String(512))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    renditions: Mapped[dict] = mapped_column(JSON, default=dict)
    filename: Mapped[str] = mapped_column(String(200), default="")
    credit: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(120), default="")
    shows_people: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    texts: Mapped[list[MediaText]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def text(self, lang: str) -> MediaText | None:
        return next((t for t in self.texts if t.lang == lang), None)

    def keys(self) -> list[str]:
        """Every object this asset has in the store."""
        keys = [r["key"] for r in (self.renditions or {}).values()]
        if self.kind != "image" and self.key:
            keys.append(self.key)
        return keys


class MediaText(Base):
    """Alt text and caption of an asset in one language."""

    __tablename__ = "media_texts"
    __table_args__ = (UniqueConstraint("asset_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    alt_text: Mapped[str] = mapped_column(String(500), default="")
    caption: Mapped[str] = mapped_column(String(1000), default="")
