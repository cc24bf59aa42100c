"""The editorial area: the blueprint, its login guard and the helpers the editorial views
share; the dashboard, the editorial search and the review queue.

Thin views: parse the form, call one service with the acting user, turn domain errors into
messages. Anything a user may not see answers 404. The other editorial pages register on
the same blueprint from their own modules: writing, reviewing, translating, campaigns and
media.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from content import languages, services, workflow
from content.errors import ContentError
from content.models import Campaign
from content.segments import diff_html
from content.services import queries
from content.services import translations as translation_services
from hub.auth.manager import acting_user
from hub.editorial.forms import QueueFilterForm
from hub.extensions import db
from hub.i18n import current_language, enabled_language_objects
from hub.messages import STATE_LABELS

bp = Blueprint("editorial", __name__)


@bp.before_request
@login_required
def require_login():
    """Every editorial page needs a signed-in, active user."""


def _policy() -> workflow.Policy:
    return current_app.extensions["hub.policy"]


def _translation(translation_id: int):
    try:
        return services.visible_translation(db.session, acting_user(), translation_id)
    except ContentError:
        abort(404)


def _diff(old: str, new: str) -> Markup:
    return Markup(diff_html(old, new))  # noqa: S704 - diff_html escapes every piece of text


def _changes_view(t):
    """What changed in the source since this translation was made, as safe diff HTML."""
    if t.is_source:
        return []
    return [
        (
            change,
            _diff(change.old.text if change.old else "", change.new.text if change.new else ""),
        )
        for change in translation_services.source_changes(db.session, t)
    ]


def _campaign_choices() -> list[tuple[str, str]]:
    chain = languages.fallback_chain(current_language().code)
    choices = []
    for campaign in db.session.query(Campaign).order_by(Campaign.slug):
        text = campaign.text_in(chain)
        choices.append((str(campaign.id), text.title if text else campaign.slug))
    return choices


def _language_choices() -> list[tuple[str, str]]:
    return [(lang.code, lang.native_name) for lang in enabled_language_objects()]


# --- dashboard and lists ------------------------------------------------------------------


@bp.get("/")
def dashboard():
    actor = acting_user()
    state = request.args.get("state") or None
    if state not in STATE_LABELS:
        state = None
    page = request.args.get("page", 1, type=int)
    work = queries.my_work(db.session, actor, state=state, page=page)
    return render_template(
        "editorial/dashboard.html",
        work=work,
        state=state,
        can_create=workflow.can_create_story(actor),
        can_review=workflow.can_review(actor),
    )


@bp.get("/search")
def search():
    """Drafts and submissions, as far as the user may see them (not the public index)."""
    actor = acting_user()
    q = (request.args.get("q") or "").strip()[:200]
    results = queries.editorial_search(db.session, actor, q) if q else []
    return render_template("editorial/search.html", q=q, results=results)


@bp.get("/review")
def review_queue():
    actor = acting_user()
    if not workflow.can_review(actor):
        abort(404)
    form = QueueFilterForm(request.args)
    form.lang.choices = [("", _("All my languages")), *_language_choices()]
    form.organisation.choices = [("", _("All organisations"))] + [
        (str(o.id), o.name) for o in queries.organisations(db.session)
    ]
    form.state.choices = [(s, str(label)) for s, label in STATE_LABELS.items()]
    state = form.state.data if form.state.data in STATE_LABELS else "in_review"
    form.state.data = state
    org = form.organisation.data
    queue = queries.review_queue(
        db.session,
        actor,
        lang=form.lang.data or None,
        organisation_id=int(org) if org and org.isdigit() else None,
        state=state,
        page=request.args.get("page", 1, type=int),
    )
    return render_template("editorial/queue.html", queue=queue, form=form)
