"""Administration: organisations, users and the audit log. Admins only (others get 404)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from content import services, workflow
from content.errors import InvalidInput
from content.models import Organisation, Role
from content.services import queries
from hub.admin.forms import ActiveForm, AuditFilterForm, OrganisationForm, UserForm
from hub.auth.manager import acting_user
from hub.extensions import db
from hub.forms_support import apply_error
from hub.i18n import enabled_language_objects
from hub.messages import ACTION_LABELS, ROLE_LABELS, label

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def require_admin():
    if not workflow.is_admin(acting_user()):
        abort(404)


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


# --- organisations ------------------------------------------------------------------------


@bp.get("/organisations")
def organisations():
    return render_template(
        "admin/organisations.html", organisations=queries.organisations(db.session)
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            services.create_organisation(
                db.session,
                actor=acting_user(),
                slug=form.slug.data,
                name=form.name.data,
                description=form.description.data or "",
            )
        except InvalidInput as exc:
            apply_error(form, exc)
        else:
            flash(_("The organisation is created."), "success")
            return redirect(url_for("admin.organisations"), code=303)
    return render_template("admin/organisation_form.html", form=form, org=None)


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
def edit_organisation(org_id: int):
    org = db.session.get(Organisation, org_id) or abort(404)
    form = OrganisationForm(obj=org)
    form.slug.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            services.update_organisation(
                db.session,
                actor=acting_user(),
                org=org,
                name=form.name.data,
                description=form.description.data or "",
            )
        except InvalidInput as exc:
            apply_error(form, exc)
        else:
            flash(_("The organisation is saved."), "success")
            return redirect(url_for("admin.organisations"), code=303)
    return render_template("admin/organisation_form.html", form=form, org=org)


# --- users ---------------------------------------------------------------------------------


def _fill_user_form(form: UserForm) -> None:
    form.roles.choices = [(r.value, label(ROLE_LABELS, r.value)) for r in Role]
    form.organisation.choices = [("", _("No organisation"))] + [
        (str(o.id), o.name) for o in queries.organisations(db.session)
    ]
    form.languages.choices = [(lang.code, lang.native_name) for lang in enabled_language_objects()]


@bp.get("/users")
def users():
    page = queries.users(db.session, page=request.args.get("page", 1, type=int))
    return render_template("admin/users.html", page=page, active_form=ActiveForm())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    _fill_user_form(form)
    if form.validate_on_submit():
        org = form.organisation.data
        try:
            services.create_user(
                db.session,
                actor=acting_user(),
                email=form.email.data,
                name=form.name.data,
                password=form.password.data or "",
                roles=form.roles.data or [],
                organisation_id=int(org) if org else None,
                languages_=form.languages.data or [],
                all_languages=bool(form.all_languages.data),
            )
        except InvalidInput as exc:
            apply_error(form, exc, {"languages_": "languages"})
        else:
            flash(_("The user is created."), "success")
            return redirect(url_for("admin.users"), code=303)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = queries.user_by_id(db.session, user_id) or abort(404)
    form = UserForm()
    _fill_user_form(form)
    del form.password
    form.email.render_kw = {"readonly": True}
    if request.method == "GET":
        form.email.data = user.email
        form.name.data = user.name
        form.roles.data = sorted(r.value for r in user.roles)
        form.organisation.data = str(user.organisation_id or "")
        form.languages.data = sorted(user.languages)
        form.all_languages.data = user.all_languages
    if form.validate_on_submit():
        org = form.organisation.data
        try:
            services.update_user(
                db.session,
                actor=acting_user(),
                user=user,
                name=form.name.data,
                roles=form.roles.data or [],
                organisation_id=int(org) if org else None,
                languages_=form.languages.data or [],
                all_languages=bool(form.all_languages.data),
            )
        except InvalidInput as exc:
            db.session.rollback()
            apply_error(form, exc, {"languages_": "languages"})
        else:
            flash(_("The user is saved."), "success")
            return redirect(url_for("admin.users"), code=303)
    return render_template("admin/user_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    user = queries.user_by_id(db.session, user_id) or abort(404)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    activate = request.form.get("active") == "1"
    try:
        services.set_user_active(db.session, actor=acting_user(), user=user, active=activate)
    except InvalidInput as exc:
        apply_error(form, exc)
    else:
        if activate:
            flash(_("%(name)s can sign in again.", name=user.name), "success")
        else:
            flash(_("%(name)s is deactivated and signed out.", name=user.name), "success")
    return redirect(url_for("admin.users"), code=303)


# --- audit log ------------------------------------------------------------------------------


@bp.get("/audit")
def audit():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("Any action"))] + [
        (key, str(value)) for key, value in ACTION_LABELS.items()
    ]
    form.object_type.choices = [
        ("", _("Anything")),
        ("translation", _("Stories and translations")),
        ("user", _("Users")),
        ("organisation", _("Organisations")),
    ]
    people = queries.users(db.session, per_page=500).items
    form.actor.choices = [("", _("Anyone"))] + [(str(u.id), u.name) for u in people]
    story = (form.story.data or "").strip()
    actor = form.actor.data
    page = queries.audit_log(
        db.session,
        action=form.action.data or None,
        object_type=form.object_type.data or None,
        actor_id=int(actor) if actor and actor.isdigit() else None,
        story_id=int(story) if story.isdigit() else None,
        page=request.args.get("page", 1, type=int),
    )
    return render_template("admin/audit.html", page=page, form=form)
