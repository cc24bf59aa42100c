"""The declarative base, the UTC datetime type, and the vocabularies (roles, kinds, bylines,
themes, regions) shared by the tables."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    MetaData,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase

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
