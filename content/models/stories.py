"""Campaigns, stories, their translations, revisions, autosaves and review comments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.models.base import Base, BylineMode, Kind, UTCDateTime, utcnow

if TYPE_CHECKING:
    from content.models.accounts import Organisation, User
    from content.models.media import MediaAsset


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
