"""Who may do what through the web, written down as data.

One row per operation (a route, and for the workflow route one row per action), one column
per subject. A cell is an ``Outcome``; for operations on a story it may instead be a mapping
state -> Outcome. tests/web/test_permissions.py turns every cell into a request and checks
the answer and what it did (or did not do) to the database.

The objects are the original (English) texts of one story per state, written by ``author``,
a contributor of the organisation the story belongs to; each story has a finished image and
belongs to one campaign. ``editor`` works in English and Urdu; ``translator`` works only in
Sindhi, belongs to no organisation, and so has no part in any of the stories. Routes about no
story in particular (dashboards, reach figures, administration, campaigns, sign-in, the public
site's lists, feeds and sitemap, the read API) are in GLOBAL_MATRIX, one cell per subject.
The rows restate DESIGN.md sections 4 and 7 and content/workflow.py's intent by hand: they are
not computed from the code under test. The public site and the read API answer everybody the
same, and show published content only.
"""

from __future__ import annotations

from typing import NamedTuple


class Outcome(NamedTuple):
    kind: str  # allow, refused, not_found, forbidden, login
    status: int | None = None  # None: the operation's usual status for this kind

    def __str__(self) -> str:
        return self.kind if self.status is None else f"{self.kind}({self.status})"


ALLOW = Outcome("allow")
# The subject may see the object but not do this: the page says why, nothing changes.
REFUSED = Outcome("refused")
NOT_FOUND = Outcome("not_found", 404)
FORBIDDEN = Outcome("forbidden", 403)
LOGIN = Outcome("login", 302)  # a redirect to /auth/login


def allow(status: int) -> Outcome:
    return Outcome("allow", status)


def refused(status: int) -> Outcome:
    return Outcome("refused", status)


STATES = (
    "draft",
    "in_review",
    "changes_requested",
    "approved",
    "scheduled",
    "published",
    "unpublished",
    "archived",
)
SUBJECTS = (
    "anonymous",
    "author",
    "same_org",
    "other_org",
    "translator",
    "editor",
    "admin",
    "deactivated",
)
SIGNED_OUT = ("anonymous", "deactivated")
SIGNED_IN = tuple(s for s in SUBJECTS if s not in SIGNED_OUT)
# May open the story's editorial pages; the others have no part in it and get 404.
READERS = ("author", "same_org", "editor", "admin")
OUTSIDERS = ("other_org", "translator")
WRITERS = ("author", "same_org")  # contributors of the story's organisation
EDITORS = ("editor", "admin")

# --- the workflow, as it shows through the web ----------------------------------------------

WRITER_EDITABLE = ("draft", "changes_requested", "published", "unpublished")
# Media are managed by whoever may write the original text, until the story is archived.
MEDIA_STATES = tuple(s for s in STATES if s != "archived")
EDITOR_EDITABLE = tuple(s for s in STATES if s != "archived")
COMMENTABLE = tuple(s for s in STATES if s != "archived")

# The state after saving a new revision.
EDIT_TARGET = {
    "draft": "draft",
    "changes_requested": "changes_requested",
    "in_review": "in_review",
    "approved": "draft",
    "scheduled": "draft",
    "published": "draft",
    "unpublished": "draft",
}

# (state, action) -> new state, for the original texts made by make_story: only "published"
# is live, and "unpublished"/"archived" keep the published text as their latest revision.
ACT_TARGET = {
    ("draft", "submit"): "in_review",
    ("changes_requested", "submit"): "in_review",
    ("in_review", "withdraw"): "draft",
    ("in_review", "request_changes"): "changes_requested",
    ("approved", "request_changes"): "changes_requested",
    ("in_review", "approve"): "approved",
    ("approved", "publish"): "published",
    ("scheduled", "publish"): "published",
    ("unpublished", "publish"): "published",
    ("approved", "schedule"): "scheduled",
    ("scheduled", "unschedule"): "approved",
    ("published", "unpublish"): "unpublished",
    **{(s, "archive"): "archived" for s in STATES if s != "archived"},
    ("archived", "restore"): "unpublished",
}
WRITER_ACTIONS = frozenset({"submit", "withdraw"})
ACTIONS = (
    "edit",  # never through the action form: editing is a new revision
    "submit",
    "withdraw",
    "request_changes",
    "approve",
    "publish",
    "schedule",
    "unschedule",
    "unpublish",
    "archive",
    "restore",
)


def by_state(allowed, otherwise: Outcome) -> dict[str, Outcome]:
    return {s: ALLOW if s in allowed else otherwise for s in STATES}


def story_row(**cells) -> dict:
    """A row for an operation on a story: signed out -> sign in, outsiders -> 404."""
    row = dict.fromkeys(SIGNED_OUT, LOGIN) | dict.fromkeys(OUTSIDERS, NOT_FOUND)
    row.update(cells)
    assert set(row) == set(SUBJECTS), set(SUBJECTS) ^ set(row)
    return row


def readers(outcome) -> dict:
    return dict.fromkeys(READERS, outcome)


def _writing(writer_states) -> dict:
    return story_row(
        **dict.fromkeys(WRITERS, by_state(writer_states, FORBIDDEN)),
        **dict.fromkeys(EDITORS, by_state(EDITOR_EDITABLE, FORBIDDEN)),
    )


def _act(action: str) -> dict:
    def states_for(who: tuple[str, ...]) -> tuple[str, ...]:
        if who == WRITERS and action not in WRITER_ACTIONS:
            return ()
        return tuple(s for (s, a) in ACT_TARGET if a == action)

    return story_row(
        **dict.fromkeys(WRITERS, by_state(states_for(WRITERS), REFUSED)),
        **dict.fromkeys(EDITORS, by_state(states_for(EDITORS), REFUSED)),
    )


OBJECT_MATRIX: dict[str, dict] = {
    # The public page of a text: live texts only, the same for everybody.
    "public.story": dict.fromkeys(SUBJECTS, by_state(("published",), NOT_FOUND)),
    # /<lang>/s/<story id>: a redirect to the live text's page, else nothing.
    "public.story_by_id": dict.fromkeys(SUBJECTS, by_state(("published",), NOT_FOUND)),
    # /<lang>/share/<translation id>/<network>: a redirect to the network for a live text.
    "public.share": dict.fromkeys(SUBJECTS, by_state(("published",), NOT_FOUND)),
    # /api/v1/stories/<story id>: a story with a live text, else 404 as for no story at all.
    "api.story": dict.fromkeys(SUBJECTS, by_state(("published",), NOT_FOUND)),
    # A story's media: public once a text is live, else only for those who see the story.
    "media.serve": {s: by_state(("published",), NOT_FOUND) for s in SUBJECTS} | readers(ALLOW),
    "editorial.translation": story_row(**readers(ALLOW)),
    "editorial.revision": story_row(**readers(ALLOW)),
    "editorial.edit": _writing(WRITER_EDITABLE),
    "editorial.edit:post": _writing(WRITER_EDITABLE),
    "editorial.story_details": _writing(WRITER_EDITABLE),
    "editorial.story_details:post": _writing(WRITER_EDITABLE),
    **{f"editorial.act:{a}": _act(a) for a in ACTIONS},
    "editorial.comment": story_row(**readers(by_state(COMMENTABLE, REFUSED))),
    # Originals are never claimed: there is nothing to take or release.
    "editorial.claim": story_row(**readers(REFUSED)),
    "editorial.release": story_row(**readers(REFUSED)),
    # Translations are requested by editors of the target language (here Urdu) and admins.
    "editorial.request_translations": story_row(
        **dict.fromkeys(WRITERS, REFUSED), **dict.fromkeys(EDITORS, ALLOW)
    ),
    # Searching drafts answers everybody, listing only what they may see (checked by title).
    "editorial.search": story_row(**readers(ALLOW), other_org=ALLOW, translator=ALLOW),
    "editorial.media": story_row(**readers(ALLOW)),
    "editorial.upload": story_row(**readers(by_state(MEDIA_STATES, REFUSED))),
    "editorial.update_media": story_row(**readers(by_state(MEDIA_STATES, REFUSED))),
    "editorial.delete_media": story_row(**readers(by_state(MEDIA_STATES, REFUSED))),
    # The local store has no direct (browser to S3) upload.
    "editorial.direct_upload": story_row(**readers(refused(409))),
    # On an asset that is already complete: refused, and the asset stays.
    "editorial.complete_upload": story_row(**readers(refused(400))),
    # On the subject's own unfinished upload.
    "editorial.cancel_upload": story_row(**readers(ALLOW)),
    # Keeping and discarding one's own unsaved text needs only sight of the story.
    "editorial.autosave": story_row(**readers(ALLOW)),
    "editorial.discard_autosave": story_row(**readers(ALLOW)),
}


def signed_in(default: Outcome = ALLOW, **cells: Outcome) -> dict:
    row = dict.fromkeys(SIGNED_OUT, LOGIN) | dict.fromkeys(SIGNED_IN, default)
    row.update(cells)
    return row


def editors_only() -> dict:
    return signed_in(NOT_FOUND, editor=ALLOW, admin=ALLOW)


def admins_only(outcome: Outcome = ALLOW) -> dict:
    return signed_in(NOT_FOUND, admin=outcome)


GLOBAL_MATRIX: dict[str, dict] = {
    "public.root": dict.fromkeys(SUBJECTS, allow(302)),
    "public.home": dict.fromkeys(SUBJECTS, ALLOW),
    "public.healthz": dict.fromkeys(SUBJECTS, ALLOW),
    "public.search_page": dict.fromkeys(SUBJECTS, ALLOW),
    "public.campaign": dict.fromkeys(SUBJECTS, ALLOW),
    "public.campaign_kit": dict.fromkeys(SUBJECTS, ALLOW),
    "public.stories": dict.fromkeys(SUBJECTS, ALLOW),
    "public.campaigns": dict.fromkeys(SUBJECTS, ALLOW),
    "public.organisations": dict.fromkeys(SUBJECTS, ALLOW),
    "public.organisation": dict.fromkeys(SUBJECTS, ALLOW),  # the author's: it signs a live text
    "public.about": dict.fromkeys(SUBJECTS, ALLOW),
    "public.feed": dict.fromkeys(SUBJECTS, ALLOW),
    "public.campaign_feed": dict.fromkeys(SUBJECTS, ALLOW),
    "public.sitemap": dict.fromkeys(SUBJECTS, ALLOW),
    # A small site has one sitemap: /sitemap-1.xml is nothing, for everybody.
    "public.sitemap_page": dict.fromkeys(SUBJECTS, NOT_FOUND),
    "public.robots": dict.fromkeys(SUBJECTS, ALLOW),
    "public.favicon": dict.fromkeys(SUBJECTS, ALLOW),
    # The read API: no sessions, the same for everybody.
    "api.index": dict.fromkeys(SUBJECTS, ALLOW),
    "api.openapi_document": dict.fromkeys(SUBJECTS, ALLOW),
    "api.languages": dict.fromkeys(SUBJECTS, ALLOW),
    "api.stories": dict.fromkeys(SUBJECTS, ALLOW),
    "api.campaigns": dict.fromkeys(SUBJECTS, ALLOW),
    "api.campaign": dict.fromkeys(SUBJECTS, ALLOW),
    "api.search": dict.fromkeys(SUBJECTS, ALLOW),
    # Any other address under /api/v1 is a JSON 404; writing to one that exists is a 405.
    "api.unknown": dict.fromkeys(SUBJECTS, NOT_FOUND),
    **{
        f"api.unknown:{method}": dict.fromkeys(SUBJECTS, refused(405))
        for method in ("post", "put", "patch", "delete")
    },
    "editorial.dashboard": signed_in(),
    "editorial.review_queue": editors_only(),
    "editorial.translation_grid": editors_only(),
    "editorial.translation_queue": signed_in(),
    "editorial.notifications": signed_in(),
    "editorial.mark_read": signed_in(),
    "editorial.new_story": signed_in(translator=NOT_FOUND),
    "editorial.new_story:post": signed_in(translator=NOT_FOUND),
    "editorial.preview": signed_in(),
    "editorial.autosave:new": signed_in(),
    "editorial.campaigns": editors_only(),
    "editorial.campaign": editors_only(),
    "editorial.new_campaign": editors_only(),
    "editorial.new_campaign:post": editors_only(),
    "editorial.campaign_text": editors_only(),  # Urdu: the editor works in it
    "editorial.discard_autosave:new": signed_in(),
    # Reach figures: editors and admins see every organisation's, contributors and
    # translators their own organisation's. The translator has none: the dashboard says so,
    # and the export sends them back to it.
    "editorial.reach": signed_in(translator=refused(200)),
    "editorial.reach_csv": signed_in(translator=refused(302)),
    "admin.index": admins_only(allow(302)),
    "admin.audit": admins_only(),
    "admin.organisations": admins_only(),
    "admin.new_organisation": admins_only(),
    "admin.new_organisation:post": admins_only(),
    "admin.edit_organisation": admins_only(),
    "admin.edit_organisation:post": admins_only(),
    "admin.users": admins_only(),
    "admin.new_user": admins_only(),
    "admin.new_user:post": admins_only(),
    "admin.edit_user": admins_only(),
    "admin.edit_user:post": admins_only(),
    "admin.set_active": admins_only(),
    "admin.site_pages_index": admins_only(),
    "admin.edit_site_page": admins_only(),
    "admin.edit_site_page:post": admins_only(),
    # Signed in already: straight on to the editorial area. A deactivated user is signed
    # out, and their password no longer signs them in.
    "auth.login": dict.fromkeys(SIGNED_OUT, ALLOW) | dict.fromkeys(SIGNED_IN, allow(302)),
    "auth.login:post": dict.fromkeys(SIGNED_OUT, refused(200))
    | dict.fromkeys(SIGNED_IN, allow(302)),
    "auth.account": signed_in(),
    "auth.account:post": signed_in(),
    "auth.set_language": signed_in(),
    "auth.logout": signed_in(),
}
