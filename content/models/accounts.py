"""Organisations, users, their roles and their languages."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.models.base import Base, Role, UTCDateTime, utcnow


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
    # Loaded when read (the signed-in user's, mostly): the public pages load authors for
    # bylines and must not pay two queries per story for roles and languages they never show.
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan")
    language_rows: Mapped[list[UserLanguage]] = relationship(cascade="all, delete-orphan")

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
