"""Signing in and out, and the user's own preferences."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from content import languages, services
from content.errors import InvalidInput
from hub.auth.forms import LanguageForm, LoginForm, LogoutForm, PasswordForm, PreferencesForm
from hub.auth.manager import acting_user
from hub.extensions import db, limiter
from hub.forms_support import apply_error
from hub.i18n import enabled_language_objects

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: an off-site (or scheme-relative) ``next`` is ignored."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def _login_limit() -> str:
    return current_app.config["HUB_LOGIN_RATE_LIMIT"]


def _login_key() -> str:
    # Limit per client address and, separately, per account being tried.
    from flask_limiter.util import get_remote_address

    return get_remote_address()


def _account_key() -> str:
    return "acct:" + (request.form.get("email", "").strip().lower()[:254] or "-")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_key)
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key)
def login():
    if acting_user() is not None:
        return redirect(safe_next(request.args.get("next"), url_for("editorial.dashboard")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            flash(_("The e-mail address or password is not correct."), "error")
        else:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(form.next.data, url_for("editorial.dashboard")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    actor = acting_user()
    prefs = PreferencesForm(prefix="prefs")
    prefs.preferred_language.choices = [
        (lang.code, lang.native_name) for lang in enabled_language_objects()
    ]
    password = PasswordForm(prefix="pw")
    if request.method == "GET":
        prefs.preferred_language.data = actor.preferred_language
    if prefs.submit.data and prefs.validate_on_submit():
        services.set_preferred_language(db.session, actor=actor, code=prefs.preferred_language.data)
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("auth.account"))
    if password.submit.data and password.validate_on_submit():
        try:
            services.change_password(
                db.session,
                actor=actor,
                current=password.current_password.data,
                new=password.new_password.data,
            )
        except InvalidInput as exc:
            apply_error(password, exc, {"password": "new_password"})
        else:
            # The session id follows the password: sign in again on this device.
            login_user(actor)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", prefs=prefs, password=password)


@bp.post("/language")
@login_required
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit() or not languages.is_known(form.code.data):
        abort(400)
    services.set_preferred_language(db.session, actor=acting_user(), code=form.code.data)
    return redirect(safe_next(form.next.data, url_for("editorial.dashboard")))
