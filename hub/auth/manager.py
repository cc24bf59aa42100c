"""Flask-Login wiring: loading the signed-in user, and who counts as signed in."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from content.models import User
from hub.extensions import db, login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        ident, _, fingerprint = user_id.partition(":")
        if not ident.isdigit():
            return None
        user = db.session.get(User, int(ident))
        if user is None or not user.is_active or user.session_fingerprint != fingerprint:
            return None
        return user


def acting_user() -> User | None:
    """The signed-in, active user, or None. What services receive as ``actor``."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
