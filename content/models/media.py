"""Media assets and their per-language alt text and captions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.models.base import Base, UTCDateTime, utcnow


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
