"""Organisations and user accounts: create, change, deactivate, authenticate."""

from __future__ import annotations

import re
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from content import languages
from content.errors import InvalidInput, NotAllowed, NotFound
from content.models import Organisation, Role, User, UserLanguage, UserRole, utcnow
from content.services._base import audit, unit_of_work

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MIN_PASSWORD_LENGTH = 10
# scrypt (Werkzeug's default) is memory-hard; the hash string records its parameters.
PASSWORD_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
# Compared against when the e-mail is unknown, so that both paths cost the same.
_DUMMY_HASH = generate_password_hash("not a real password", method=PASSWORD_METHOD)


def _require_admin(actor: User | None) -> None:
    if actor is not None and not (actor.is_active and Role.ADMIN in actor.roles):
        raise NotAllowed("admin only")


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidInput("email", "invalid") from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", "too_short", minimum=MIN_PASSWORD_LENGTH)
    if len(password) > 1024:
        raise InvalidInput("password", "too_long")


def _parse_roles(roles: Iterable[str]) -> list[Role]:
    parsed = []
    for role in roles:
        try:
            value = Role(role)
        except ValueError:
            raise InvalidInput("roles", "unknown_role", role=role) from None
        if value not in parsed:
            parsed.append(value)
    if not parsed:
        raise InvalidInput("roles", "required")
    return parsed


def _parse_languages(codes: Iterable[str]) -> tuple[str, ...]:
    try:
        return languages.parse_codes(codes)
    except languages.UnknownLanguageError as exc:
        raise InvalidInput("languages", "unknown_language", code=str(exc)) from None


def get_organisation(session: Session, slug: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound("organisation")
    return org


@unit_of_work
def create_organisation(
    session: Session, *, actor: User | None, slug: str, name: str, description: str = ""
) -> Organisation:
    """Create an organisation. ``actor`` None means the command line."""
    _require_admin(actor)
    slug = slug.strip().lower()
    name = name.strip()
    if not SLUG_RE.match(slug):
        raise InvalidInput("slug", "invalid")
    if not name:
        raise InvalidInput("name", "required")
    if session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        raise InvalidInput("slug", "taken")
    org = Organisation(slug=slug, name=name, description=description.strip())
    session.add(org)
    session.flush()
    audit(session, actor=actor, action="create", object_type="organisation", object_id=org.id)
    return org


@unit_of_work
def update_organisation(
    session: Session, *, actor: User, org: Organisation, name: str, description: str = ""
) -> Organisation:
    _require_admin(actor)
    if not name.strip():
        raise InvalidInput("name", "required")
    org.name = name.strip()
    org.description = description.strip()
    audit(session, actor=actor, action="update", object_type="organisation", object_id=org.id)
    return org


def _apply_profile(
    session: Session,
    user: User,
    *,
    roles: list[Role],
    organisation_id: int | None,
    languages_: tuple[str, ...],
    all_languages: bool,
) -> None:
    if Role.CONTRIBUTOR in roles and organisation_id is None:
        raise InvalidInput("organisation", "required_for_contributor")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise InvalidInput("organisation", "unknown")
    if (
        {Role.TRANSLATOR, Role.EDITOR} & set(roles)
        and not languages_
        and not (all_languages and Role.EDITOR in roles)
    ):
        raise InvalidInput("languages", "required_for_role")
    user.organisation_id = organisation_id
    user.all_languages = bool(all_languages and Role.EDITOR in roles)
    user.role_rows = [UserRole(role=str(r)) for r in roles]
    user.language_rows = [UserLanguage(lang=code) for code in languages_]


@unit_of_work
def create_user(
    session: Session,
    *,
    actor: User | None,
    email: str,
    name: str,
    password: str,
    roles: Iterable[str],
    organisation_id: int | None = None,
    languages_: Iterable[str] = (),
    all_languages: bool = False,
    preferred_language: str = "en",
) -> User:
    _require_admin(actor)
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise InvalidInput("name", "required")
    if len(name) > 200:
        raise InvalidInput("name", "too_long")
    check_password_strength(password)
    if not languages.is_known(preferred_language):
        raise InvalidInput("preferred_language", "unknown_language")
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise InvalidInput("email", "taken")
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
        preferred_language=preferred_language,
    )
    _apply_profile(
        session,
        user,
        roles=_parse_roles(roles),
        organisation_id=organisation_id,
        languages_=_parse_languages(languages_),
        all_languages=all_languages,
    )
    session.add(user)
    session.flush()
    audit(
        session,
        actor=actor,
        action="create",
        object_type="user",
        object_id=user.id,
        note=",".join(sorted(r.role for r in user.role_rows)),
    )
    return user


@unit_of_work
def update_user(
    session: Session,
    *,
    actor: User,
    user: User,
    name: str,
    roles: Iterable[str],
    organisation_id: int | None,
    languages_: Iterable[str],
    all_languages: bool = False,
) -> User:
    _require_admin(actor)
    if not name.strip():
        raise InvalidInput("name", "required")
    parsed = _parse_roles(roles)
    if user.id == actor.id and Role.ADMIN not in parsed:
        # An admin cannot lock everybody out by removing their own admin role.
        raise InvalidInput("roles", "cannot_drop_own_admin")
    user.name = name.strip()
    _apply_profile(
        session,
        user,
        roles=parsed,
        organisation_id=organisation_id,
        languages_=_parse_languages(languages_),
        all_languages=all_languages,
    )
    audit(
        session,
        actor=actor,
        action="update",
        object_type="user",
        object_id=user.id,
        note=",".join(sorted(str(r) for r in parsed)),
    )
    return user


@unit_of_work
def set_user_active(session: Session, *, actor: User | None, user: User, active: bool) -> User:
    _require_admin(actor)
    if actor is not None and user.id == actor.id and not active:
        raise InvalidInput("user", "cannot_deactivate_self")
    user.is_active = active
    audit(
        session,
        actor=actor,
        action="activate" if active else "deactivate",
        object_type="user",
        object_id=user.id,
    )
    return user


@unit_of_work
def set_preferred_language(session: Session, *, actor: User, code: str) -> User:
    if not languages.is_known(code):
        raise InvalidInput("preferred_language", "unknown_language")
    actor.preferred_language = code
    return actor


@unit_of_work
def change_password(session: Session, *, actor: User, current: str, new: str) -> User:
    if not check_password_hash(actor.password_hash, current):
        raise InvalidInput("current_password", "wrong")
    check_password_strength(new)
    actor.password_hash = generate_password_hash(new, method=PASSWORD_METHOD)
    audit(session, actor=actor, action="change_password", object_type="user", object_id=actor.id)
    return actor


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Constant work either way."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        email = ""
    user = session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    session.commit()
    return user
