"""Pages of the public site that admins write, such as "about the network", per language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.models.accounts import User
from content.models.base import Base, UTCDateTime, utcnow

# The pages admins can edit; each has one text per language.
SITE_PAGES = ("about",)


class SitePage(Base):
    __tablename__ = "site_pages"
    __table_args__ = (UniqueConstraint("slug", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # Optimistic locking: an edit based on an older version is refused, never overwrites.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
