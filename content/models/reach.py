"""Reach counters for monitoring and evaluation, and the public site's content generation.

Counters hold no personal data at all: no IP address, no cookie, no user agent, only a day,
what was read, shared or downloaded, and how many times. One row per thing per day, so a
busy day is one upsert per counter, not one row per visit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from content.models.base import Base

# Networks a story can be shared to through the counting redirect.
SHARE_NETWORKS = ("whatsapp", "facebook", "x", "telegram", "email")


class ReachView(Base):
    """Page views of a published translation on one day (UTC)."""

    __tablename__ = "reach_views"

    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReachShare(Base):
    """Share clicks of a translation to one network on one day."""

    __tablename__ = "reach_shares"

    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    network: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReachDownload(Base):
    """Downloads of a media asset (its file, or as part of a campaign kit) on one day."""

    __tablename__ = "reach_downloads"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("media_assets.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class SiteState(Base):
    """Small named counters the whole site shares, such as the public content generation
    that page caches and HTTP validators are keyed on."""

    __tablename__ = "site_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
