"""The permission matrix: every route, as every kind of person, on a story in every state.

The expected outcomes are data (tests/web/permission_matrix.py); this module knows how to
call each route and how to tell that it did what it should, or nothing at all:

- an allowed request answers with the route's status and has its effect in the database;
- a denied read of something the subject may not see is 404 (never 403), a signed-out
  request for an editorial page is a redirect to the sign-in page;
- a denied write changes nothing: a digest of the database (states, versions, revisions,
  comments, users, roles, organisations, autosaves, unread notifications, audit events, media,
  campaigns, site pages) is the same before and after; a GET never changes it either;
- public pages, feeds and API answers show nothing of texts that are not live (titles,
  slugs), and editorial pages (reach figures included) show outsiders nothing of the
  organisation's stories (titles, the author's name);
- a denied answer names nothing of the object: not its title, slug or author;
- signed-in pages are ``Cache-Control: private, no-store``.

Each subject is one test: the world (a story per state, written by ``author``) is built once
and every (state, route) is tried on it, collecting all mismatches into one failure message.
Requests that are expected to move a text to another state get a fresh story of their own, so
that the shared ones stay in their states.
"""

from __future__ import annotations

import functools
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.media.images import make_renditions
from content.models import (
    AuditEvent,
    Autosave,
    Campaign,
    CampaignText,
    MediaAsset,
    MediaText,
    Notification,
    Organisation,
    ReviewComment,
    Revision,
    SitePage,
    Story,
    Translation,
    User,
    UserRole,
)
from content.services import reach as reach_services
from content.services import translations as translation_services
from content.services.stories import CHECKLIST
from tests.conftest import PASSWORD, Browser
from tests.web.permission_matrix import (
    ACT_TARGET,
    ACTIONS,
    EDIT_TARGET,
    GLOBAL_MATRIX,
    OBJECT_MATRIX,
    OUTSIDERS,
    STATES,
    SUBJECTS,
    Outcome,
)


def _hex() -> str:
    return uuid.uuid4().hex[:10]


@dataclass(frozen=True)
class Obj:
    """One story's original text, as the test knows it."""

    state: str
    t_id: int
    story_id: int
    rev_id: int
    slug: str
    title: str
    asset_id: int  # a ready image of the story


@dataclass
class Ctx:
    subject: str
    session: Session
    browser: Browser
    user: User | None
    author: User
    org: Organisation
    bystander: User
    campaign: tuple[int, str]  # id, slug: every story is in it
    new_object: Callable[..., Obj]
    world: dict[str, Obj] = field(default_factory=dict)
    token: str = ""
    signed_in: bool = False
    baseline: tuple = ()
    problems: list[str] = field(default_factory=list)
    scratch_asset: int = 0  # made by an operation's prepare step


# --- what the database looks like ---------------------------------------------------------

DIGEST_PARTS = (
    "translations",
    "stories",
    "revisions",
    "comments",
    "audit events",
    "users",
    "roles",
    "organisations",
    "autosaves",
    "unread notifications",
    "media",
    "campaigns",
    "site pages",
)


def digest(session: Session) -> tuple:
    """Everything a request could change that matters here, as plain tuples."""
    session.rollback()  # see what requests committed

    def rows(stmt):
        return tuple(tuple(r) for r in session.execute(stmt).all())

    result = (
        rows(
            select(
                Translation.id,
                Translation.state,
                Translation.is_live,
                Translation.latest_revision_id,
                Translation.live_revision_id,
                Translation.claimed_by_id,
                Translation.version,
                Translation.slug,
            ).order_by(Translation.id)
        ),
        rows(select(Story.id, Story.region, Story.kind, Story.themes).order_by(Story.id)),
        session.scalar(select(func.count(Revision.id))),
        session.scalar(select(func.count(ReviewComment.id))),
        session.scalar(select(func.count(AuditEvent.id))),
        rows(select(User.id, User.name, User.is_active, User.preferred_language).order_by(User.id)),
        rows(select(UserRole.user_id, UserRole.role).order_by(UserRole.user_id, UserRole.role)),
        rows(
            select(Organisation.id, Organisation.name, Organisation.description).order_by(
                Organisation.id
            )
        ),
        rows(select(Autosave.user_id, Autosave.scope).order_by(Autosave.user_id, Autosave.scope)),
        rows(select(Notification.id).where(Notification.read_at.is_(None)).order_by("id")),
        rows(
            select(
                MediaAsset.id,
                MediaAsset.status,
                MediaAsset.credit,
                MediaAsset.shows_people,
                func.count(MediaText.id),
            )
            .outerjoin(MediaText, MediaText.asset_id == MediaAsset.id)
            .group_by(MediaAsset.id)
            .order_by(MediaAsset.id)
        ),
        rows(
            select(Campaign.id, Campaign.slug, CampaignText.lang, CampaignText.title)
            .outerjoin(CampaignText, CampaignText.campaign_id == Campaign.id)
            .order_by(Campaign.id, CampaignText.lang)
        ),
        rows(
            select(SitePage.slug, SitePage.lang, SitePage.title, SitePage.version).order_by(
                SitePage.slug, SitePage.lang
            )
        ),
    )
    session.rollback()
    return result


def changed_parts(before: tuple, after: tuple) -> list[str]:
    return [name for name, a, b in zip(DIGEST_PARTS, before, after, strict=True) if a != b]


def _translation(ctx: Ctx, obj: Obj) -> Translation:
    ctx.session.rollback()
    return ctx.session.get(Translation, obj.t_id, populate_existing=True)


# --- the operations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    name: str  # the matrix row
    endpoint: str
    method: str
    url: Callable[[Ctx, Obj | None], str]
    data: Callable[[Ctx, Obj | None], dict] | None = None
    status: int = 200  # when allowed
    refused_status: int = 303  # when the subject sees the object but may not do this
    # Checks an allowed write's effect: returns what is wrong, or None.
    effect: Callable[[Ctx, Obj | None, dict], str | None] | None = None
    prepare: Callable[[Ctx, Obj | None], None] | None = None
    fresh: bool = False  # allowed: moves the workflow, so it gets a story of its own
    # Allowed: the page shows the object's title (for a route about no story in particular,
    # the published story's).
    shows_title: bool = False
    public: bool = False  # a page of the public site, or of the read API
    # Where a redirect this route answers with (allowed or refused) leads: a page of the hub
    # ("/path", any query), or the start of another site's address.
    location: Callable[[Ctx, Obj | None], str] | None = None


def _t(suffix: str = ""):
    return lambda ctx, obj: f"/editorial/t/{obj.t_id}{suffix}"


def _fixed(url: str):
    return lambda ctx, obj: url


def _version(ctx: Ctx, obj: Obj) -> str:
    return str(_translation(ctx, obj).version)


# Effects of allowed writes.


def _edit_data(ctx, obj):
    return {
        "title": f"Revised {_hex()}",
        "summary": "",
        "body": "A new paragraph.",
        "base_revision_id": str(_translation(ctx, obj).latest_revision_id),
        "note": "",
    }


def _saved(ctx, obj, data):
    t = _translation(ctx, obj)
    title = t.latest_revision.title if t.latest_revision else None
    if title != data["title"] or t.state != EDIT_TARGET[obj.state]:
        return f"saved as {title!r} in {t.state}, expected a revision in {EDIT_TARGET[obj.state]}"
    return None


def _act_data(action: str):
    def data(ctx, obj):
        fields = {
            "action": action,
            "version": _version(ctx, obj),
            "checklist": list(CHECKLIST),
            "scheduled_at": "2099-01-01T10:00",
        }
        if action == "request_changes":
            fields["note"] = "Please check the names."
        return fields

    return data


def _moved(action: str):
    def effect(ctx, obj, data):
        t = _translation(ctx, obj)
        target = ACT_TARGET[(obj.state, action)]
        if t.state != target:
            return f"state {t.state}, expected {target}"
        if t.is_live != (target == "published"):
            return f"is_live {t.is_live} in {target}"
        return None

    return effect


def _details_data(ctx, obj):
    return {
        "kind": "story",
        "byline_mode": "named",
        "region": "sindh",
        "campaign": str(ctx.campaign[0]),  # stays in the campaign (its kit is tested too)
        "themes": ["peace"],
    }


def _region_set(ctx, obj, data):
    ctx.session.rollback()
    story = ctx.session.get(Story, obj.story_id, populate_existing=True)
    return None if story.region == "sindh" else f"region {story.region}"


def _comment_data(ctx, obj):
    return {"body": f"Comment {_hex()}"}


def _commented(ctx, obj, data):
    ctx.session.rollback()
    n = ctx.session.scalar(
        select(func.count(ReviewComment.id)).where(
            ReviewComment.translation_id == obj.t_id, ReviewComment.body == data["body"]
        )
    )
    return None if n == 1 else f"{n} comments saved"


def _claimed(ctx, obj, data):
    t = _translation(ctx, obj)
    return None if t.claimed_by_id == ctx.user.id else "not claimed"


def _released(ctx, obj, data):
    t = _translation(ctx, obj)
    return None if t.claimed_by_id is None else "still claimed"


def _urdu_requested(ctx, obj, data):
    ctx.session.rollback()
    found = ctx.session.scalar(
        select(Translation.id).where(Translation.story_id == obj.story_id, Translation.lang == "ur")
    )
    return None if found else "no Urdu translation requested"


def _scope(obj: Obj | None) -> str:
    return f"translation:{obj.t_id}" if obj is not None else "new-story"


def _autosave_data(ctx, obj):
    return {
        "scope": _scope(obj),
        "title": "Unsaved",
        "summary": "",
        "body": "Half a thought",
        "base_revision_id": str(obj.rev_id) if obj else "",
    }


def _autosave_row(ctx, obj):
    ctx.session.rollback()
    if ctx.user is None:
        return None
    return ctx.session.scalar(
        select(Autosave.id).where(Autosave.user_id == ctx.user.id, Autosave.scope == _scope(obj))
    )


def _autosave_kept(ctx, obj, data):
    return None if _autosave_row(ctx, obj) else "nothing kept"


def _ensure_autosave(ctx, obj):
    """Give the subject an unsaved text to discard (so that a wrong discard shows)."""
    if ctx.user is not None and _autosave_row(ctx, obj) is None:
        ctx.session.add(Autosave(user_id=ctx.user.id, scope=_scope(obj), data={"body": "x"}))
        ctx.session.commit()


def _autosave_gone(ctx, obj, data):
    return None if _autosave_row(ctx, obj) is None else "still kept"


def _media_store(ctx: Ctx):
    return ctx.browser.client.application.extensions["hub.media"]


def _scratch_asset(status: str):
    """An asset of the object's story made for one operation: the subject's own unfinished
    upload (``pending``), or a finished file (``ready``) to delete."""

    def prepare(ctx, obj):
        uploader = ctx.user or ctx.author
        key = f"stories/{obj.story_id}/scratch-{_hex()}"
        asset = MediaAsset(
            story_id=obj.story_id,
            uploaded_by_id=uploader.id,
            status=status,
            key=key,
            filename="scratch.pdf",
        )
        if status == "ready":
            stored = _media_store(ctx).put(key, io.BytesIO(b"%PDF-1.4\nx"), "application/pdf")
            asset.kind, asset.mime, asset.size = "document", "application/pdf", stored.size
        ctx.session.add(asset)
        ctx.session.commit()
        ctx.scratch_asset = asset.id

    return prepare


def _scratch_gone(ctx, obj, data):
    ctx.session.rollback()
    return None if ctx.session.get(MediaAsset, ctx.scratch_asset) is None else "still there"


def _upload_data(ctx, obj):
    return {"file": (io.BytesIO(b"%PDF-1.4\nkit"), f"kit-{_hex()}.pdf")}


def _uploaded(ctx, obj, data):
    ctx.session.rollback()
    name = data["file"][1]
    found = ctx.session.scalar(
        select(MediaAsset.id).where(
            MediaAsset.story_id == obj.story_id,
            MediaAsset.filename == name,
            MediaAsset.status == "ready",
        )
    )
    return None if found else "no file attached"


def _credited(ctx, obj, data):
    ctx.session.rollback()
    asset = ctx.session.get(MediaAsset, obj.asset_id, populate_existing=True)
    return None if asset is not None and asset.credit == data["credit"] else "credit unchanged"


def _media_url(suffix: str):
    return lambda ctx, obj: f"/editorial/media/{obj.asset_id}{suffix}"


OBJECT_OPS: tuple[Op, ...] = (
    # Reads.
    Op(
        "public.story",
        "public.story",
        "GET",
        lambda ctx, obj: f"/en/stories/{obj.slug}",
        shows_title=True,
        public=True,
    ),
    Op(
        "public.story_by_id",
        "public.story_by_id",
        "GET",
        lambda ctx, obj: f"/en/s/{obj.story_id}",
        status=302,
        public=True,
    ),
    Op(
        "public.share",
        "public.share",
        "GET",
        lambda ctx, obj: f"/en/share/{obj.t_id}/whatsapp",
        status=302,
        public=True,
        location=_fixed("https://wa.me/?text="),
    ),
    Op(
        "api.story",
        "api.story",
        "GET",
        lambda ctx, obj: f"/api/v1/stories/{obj.story_id}",
        shows_title=True,
        public=True,
    ),
    Op(
        "media.serve",
        "media.serve",
        "GET",
        lambda ctx, obj: f"/media/{obj.asset_id}/thumb",
    ),
    Op("editorial.translation", "editorial.translation", "GET", _t(), shows_title=True),
    Op(
        "editorial.revision",
        "editorial.revision",
        "GET",
        lambda ctx, obj: f"/editorial/t/{obj.t_id}/revisions/{obj.rev_id}",
        shows_title=True,
    ),
    Op("editorial.edit", "editorial.edit", "GET", _t("/edit"), shows_title=True),
    Op(
        "editorial.story_details",
        "editorial.story_details",
        "GET",
        lambda ctx, obj: f"/editorial/stories/{obj.story_id}/details",
    ),
    Op(
        "editorial.search",
        "editorial.search",
        "GET",
        # By the title's unique word: the page repeats the query, not the whole title.
        lambda ctx, obj: f"/editorial/search?q={obj.title.split()[-1]}",
        shows_title=True,
    ),
    Op(
        "editorial.media",
        "editorial.media",
        "GET",
        lambda ctx, obj: f"/editorial/stories/{obj.story_id}/media",
    ),
    # Writes that leave the workflow state alone: on the shared story.
    Op(
        "editorial.comment",
        "editorial.comment",
        "POST",
        _t("/comments"),
        data=_comment_data,
        status=303,
        effect=_commented,
    ),
    Op("editorial.claim", "editorial.claim", "POST", _t("/claim"), status=303, effect=_claimed),
    Op(
        "editorial.release",
        "editorial.release",
        "POST",
        _t("/release"),
        status=303,
        effect=_released,
    ),
    Op(
        "editorial.autosave",
        "editorial.autosave",
        "POST",
        _fixed("/editorial/autosave"),
        data=_autosave_data,
        effect=_autosave_kept,
    ),
    Op(
        "editorial.discard_autosave",
        "editorial.discard_autosave",
        "POST",
        _fixed("/editorial/autosave/discard"),
        data=lambda ctx, obj: {"scope": _scope(obj)},
        status=303,
        prepare=_ensure_autosave,
        effect=_autosave_gone,
    ),
    Op(
        "editorial.story_details:post",
        "editorial.story_details",
        "POST",
        lambda ctx, obj: f"/editorial/stories/{obj.story_id}/details",
        data=_details_data,
        status=303,
        effect=_region_set,
    ),
    Op(
        "editorial.request_translations",
        "editorial.request_translations",
        "POST",
        lambda ctx, obj: f"/editorial/stories/{obj.story_id}/translations",
        data=lambda ctx, obj: {"languages": ["ur"]},
        status=303,
        effect=_urdu_requested,
    ),
    Op(
        "editorial.upload",
        "editorial.upload",
        "POST",
        lambda ctx, obj: f"/editorial/stories/{obj.story_id}/media/upload",
        data=_upload_data,
        status=303,
        effect=_uploaded,
    ),
    Op(
        "editorial.direct_upload",
        "editorial.direct_upload",
        "POST",
        lambda ctx, obj: f"/editorial/stories/{obj.story_id}/media/direct",
        data=lambda ctx, obj: {"filename": "film.mp4"},
        status=200,
        refused_status=409,
    ),
    Op(
        "editorial.update_media",
        "editorial.update_media",
        "POST",
        _media_url(""),
        data=lambda ctx, obj: {"credit": f"Photo {_hex()}", "licence": "CC BY 4.0"},
        status=303,
        effect=_credited,
    ),
    Op(
        "editorial.complete_upload",
        "editorial.complete_upload",
        "POST",
        _media_url("/complete"),
        status=200,
        refused_status=400,
    ),
    Op(
        "editorial.cancel_upload",
        "editorial.cancel_upload",
        "POST",
        lambda ctx, obj: f"/editorial/media/{ctx.scratch_asset}/cancel",
        prepare=_scratch_asset("pending"),
        effect=_scratch_gone,
    ),
    Op(
        "editorial.delete_media",
        "editorial.delete_media",
        "POST",
        lambda ctx, obj: f"/editorial/media/{ctx.scratch_asset}/delete",
        status=303,
        prepare=_scratch_asset("ready"),
        effect=_scratch_gone,
    ),
    # Writes that move the workflow: a fresh story each time they are allowed.
    Op(
        "editorial.edit:post",
        "editorial.edit",
        "POST",
        _t("/edit"),
        data=_edit_data,
        status=303,
        effect=_saved,
        fresh=True,
    ),
    *(
        Op(
            f"editorial.act:{action}",
            "editorial.act",
            "POST",
            _t("/action"),
            data=_act_data(action),
            status=303,
            effect=_moved(action),
            fresh=True,
        )
        for action in ACTIONS
    ),
)


# Effects of the routes that are not about one story.


def _story_created(ctx, obj, data):
    ctx.session.rollback()
    found = ctx.session.scalar(select(Revision.id).where(Revision.title == data["title"]))
    return None if found else "no story created"


def _all_read(ctx, obj, data):
    ctx.session.rollback()
    n = ctx.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == ctx.user.id, Notification.read_at.is_(None)
        )
    )
    return None if n == 0 else f"{n} still unread"


def _org_created(ctx, obj, data):
    ctx.session.rollback()
    found = ctx.session.scalar(select(Organisation.id).where(Organisation.slug == data["slug"]))
    return None if found else "no organisation created"


def _org_edited(ctx, obj, data):
    ctx.session.rollback()
    org = ctx.session.get(Organisation, ctx.org.id, populate_existing=True)
    return None if org.description == data["description"] else "description unchanged"


def _user_created(ctx, obj, data):
    ctx.session.rollback()
    found = ctx.session.scalar(select(User.id).where(User.email == data["email"]))
    return None if found else "no user created"


def _bystander(ctx) -> User:
    ctx.session.rollback()
    return ctx.session.get(User, ctx.bystander.id, populate_existing=True)


def _user_edited(ctx, obj, data):
    return None if _bystander(ctx).name == data["name"] else "name unchanged"


def _deactivated(ctx, obj, data):
    return None if not _bystander(ctx).is_active else "still active"


def _preferred(code: str):
    def effect(ctx, obj, data):
        ctx.session.rollback()
        user = ctx.session.get(User, ctx.user.id, populate_existing=True)
        return None if user.preferred_language == code else f"language {user.preferred_language}"

    return effect


def _signed_out(ctx, obj, data):
    after = ctx.browser.client.get("/editorial/")
    ctx.signed_in = False
    if after.status_code != 302 or urlsplit(after.headers["Location"]).path != "/auth/login":
        return f"still signed in ({after.status_code})"
    return None


def _login_data(ctx, obj):
    if ctx.subject == "anonymous":
        return {"email": ctx.author.email, "password": "not the password", "next": ""}
    return {"email": ctx.user.email, "password": PASSWORD, "next": ""}


def _new_story_data(ctx, obj):
    return {
        "source_language": "en",
        "kind": "story",
        "region": "",
        "byline_mode": "named",
        "campaign": "",
        "organisation": str(ctx.org.id),
        "title": f"New story {_hex()}",
        "summary": "",
        "body": "A first paragraph.",
    }


def _campaign_created(ctx, obj, data):
    ctx.session.rollback()
    found = ctx.session.scalar(select(Campaign.id).where(Campaign.slug == data["slug"]))
    return None if found else "no campaign created"


def _campaign_text_saved(ctx, obj, data):
    ctx.session.rollback()
    title = ctx.session.scalar(
        select(CampaignText.title).where(
            CampaignText.campaign_id == ctx.campaign[0], CampaignText.lang == "ur"
        )
    )
    return None if title == data["ur-title"] else f"Urdu title {title!r}"


def _admin_url(path: str):
    return lambda ctx, obj: path.format(org=ctx.org.id, user=ctx.bystander.id)


def _about_en(ctx) -> SitePage | None:
    return ctx.session.scalar(
        select(SitePage).where(SitePage.slug == "about", SitePage.lang == "en")
    )


def _site_page_data(ctx, obj):
    ctx.session.rollback()
    page = _about_en(ctx)
    version = str(page.version) if page is not None else ""  # as the form was opened on
    ctx.session.rollback()
    return {
        "title": f"About the network {_hex()}",
        "body": "Young people from many towns meet to talk about peace.",
        "version": version,
    }


def _site_page_saved(ctx, obj, data):
    ctx.session.rollback()
    page = _about_en(ctx)
    title = page.title if page is not None else None
    ctx.session.rollback()
    return None if title == data["title"] else f"English about page titled {title!r}"


def _viewed(ctx, obj):
    """Figures to report: views of the published story today, as the public's visits leave
    them (the test client is a script, and scripts are not counted)."""
    today = datetime.now(UTC).date()
    published = ctx.world["published"]
    reach_services.write_counts(
        ctx.session, {(reach_services.VIEW, published.t_id, today, None): 3}
    )


def _campaign_url(suffix: str = ""):
    return lambda ctx, obj: f"/en/campaigns/{ctx.campaign[1]}{suffix}"


GLOBAL_OPS: tuple[Op, ...] = (
    # Reads.
    Op("public.root", "public.root", "GET", _fixed("/"), status=302, public=True),
    Op("public.home", "public.home", "GET", _fixed("/en/"), public=True),
    Op("public.healthz", "public.healthz", "GET", _fixed("/healthz"), public=True),
    Op(
        "public.search_page",
        "public.search_page",
        "GET",
        _fixed("/en/search?q=harmony+walk"),
        public=True,
    ),
    Op(
        "public.campaign",
        "public.campaign",
        "GET",
        lambda ctx, obj: f"/en/campaigns/{ctx.campaign[1]}",
        public=True,
    ),
    Op(
        "public.campaign_kit",
        "public.campaign_kit",
        "GET",
        lambda ctx, obj: f"/en/campaigns/{ctx.campaign[1]}/kit.zip",
        public=True,
    ),
    Op(
        "public.stories",
        "public.stories",
        "GET",
        _fixed("/en/stories/"),
        shows_title=True,
        public=True,
    ),
    Op("public.campaigns", "public.campaigns", "GET", _fixed("/en/campaigns/"), public=True),
    Op(
        "public.organisations",
        "public.organisations",
        "GET",
        _fixed("/en/organisations/"),
        public=True,
    ),
    Op(
        "public.organisation",
        "public.organisation",
        "GET",
        lambda ctx, obj: f"/en/organisations/{ctx.org.slug}",
        shows_title=True,
        public=True,
    ),
    Op("public.about", "public.about", "GET", _fixed("/en/about"), public=True),
    Op(
        "public.feed",
        "public.feed",
        "GET",
        _fixed("/en/feed.atom"),
        shows_title=True,
        public=True,
    ),
    Op(
        "public.campaign_feed",
        "public.campaign_feed",
        "GET",
        _campaign_url("/feed.atom"),
        shows_title=True,
        public=True,
    ),
    Op("public.sitemap", "public.sitemap", "GET", _fixed("/sitemap.xml"), public=True),
    Op(
        "public.sitemap_page",
        "public.sitemap_page",
        "GET",
        _fixed("/sitemap-1.xml"),
        public=True,
    ),
    Op("public.robots", "public.robots", "GET", _fixed("/robots.txt"), public=True),
    Op("public.favicon", "public.favicon", "GET", _fixed("/favicon.ico"), public=True),
    Op("api.index", "api.index", "GET", _fixed("/api/v1/"), public=True),
    Op(
        "api.openapi_document",
        "api.openapi_document",
        "GET",
        _fixed("/api/v1/openapi.json"),
        public=True,
    ),
    Op("api.languages", "api.languages", "GET", _fixed("/api/v1/languages"), public=True),
    Op(
        "api.stories",
        "api.stories",
        "GET",
        _fixed("/api/v1/stories"),
        shows_title=True,
        public=True,
    ),
    Op("api.campaigns", "api.campaigns", "GET", _fixed("/api/v1/campaigns"), public=True),
    Op(
        "api.campaign",
        "api.campaign",
        "GET",
        lambda ctx, obj: f"/api/v1/campaigns/{ctx.campaign[1]}",
        shows_title=True,
        public=True,
    ),
    Op(
        "api.search",
        "api.search",
        "GET",
        _fixed("/api/v1/search?q=harmony+walk"),
        public=True,
    ),
    Op("api.unknown", "api.unknown", "GET", _fixed("/api/v1/stories/all/drafts"), public=True),
    Op("editorial.campaigns", "editorial.campaigns", "GET", _fixed("/editorial/campaigns")),
    Op(
        "editorial.new_campaign",
        "editorial.new_campaign",
        "GET",
        _fixed("/editorial/campaigns/new"),
    ),
    Op(
        "editorial.campaign",
        "editorial.campaign",
        "GET",
        lambda ctx, obj: f"/editorial/campaigns/{ctx.campaign[0]}",
    ),
    Op("editorial.dashboard", "editorial.dashboard", "GET", _fixed("/editorial/")),
    Op("editorial.review_queue", "editorial.review_queue", "GET", _fixed("/editorial/review")),
    Op(
        "editorial.translation_grid",
        "editorial.translation_grid",
        "GET",
        _fixed("/editorial/translations/grid"),
    ),
    Op(
        "editorial.translation_queue",
        "editorial.translation_queue",
        "GET",
        _fixed("/editorial/translations"),
    ),
    Op(
        "editorial.notifications",
        "editorial.notifications",
        "GET",
        _fixed("/editorial/notifications"),
    ),
    Op("editorial.new_story", "editorial.new_story", "GET", _fixed("/editorial/stories/new")),
    Op(
        "editorial.reach",
        "editorial.reach",
        "GET",
        _fixed("/editorial/reach"),
        prepare=_viewed,
        shows_title=True,
    ),
    Op(
        "editorial.reach_csv",
        "editorial.reach_csv",
        "GET",
        _fixed("/editorial/reach.csv"),
        refused_status=302,
        prepare=_viewed,
        shows_title=True,
        location=_fixed("/editorial/reach"),
    ),
    Op("auth.login", "auth.login", "GET", _fixed("/auth/login")),
    Op("auth.account", "auth.account", "GET", _fixed("/auth/account")),
    Op("admin.index", "admin.index", "GET", _fixed("/admin/"), status=302),
    Op("admin.audit", "admin.audit", "GET", _fixed("/admin/audit")),
    Op("admin.organisations", "admin.organisations", "GET", _fixed("/admin/organisations")),
    Op(
        "admin.new_organisation",
        "admin.new_organisation",
        "GET",
        _fixed("/admin/organisations/new"),
    ),
    Op(
        "admin.edit_organisation",
        "admin.edit_organisation",
        "GET",
        _admin_url("/admin/organisations/{org}"),
    ),
    Op("admin.users", "admin.users", "GET", _fixed("/admin/users")),
    Op("admin.new_user", "admin.new_user", "GET", _fixed("/admin/users/new")),
    Op("admin.edit_user", "admin.edit_user", "GET", _admin_url("/admin/users/{user}")),
    Op("admin.site_pages_index", "admin.site_pages_index", "GET", _fixed("/admin/pages/")),
    Op("admin.edit_site_page", "admin.edit_site_page", "GET", _fixed("/admin/pages/about/en")),
    # Writes.
    Op(
        "editorial.preview",
        "editorial.preview",
        "POST",
        _fixed("/editorial/preview"),
        data=lambda ctx, obj: {"body": "**strong words**"},
    ),
    Op(
        "editorial.autosave:new",
        "editorial.autosave",
        "POST",
        _fixed("/editorial/autosave"),
        data=_autosave_data,
        effect=_autosave_kept,
    ),
    Op(
        "editorial.discard_autosave:new",
        "editorial.discard_autosave",
        "POST",
        _fixed("/editorial/autosave/discard"),
        data=lambda ctx, obj: {"scope": "new-story"},
        status=303,
        prepare=_ensure_autosave,
        effect=_autosave_gone,
    ),
    Op(
        "editorial.new_story:post",
        "editorial.new_story",
        "POST",
        _fixed("/editorial/stories/new"),
        data=_new_story_data,
        status=303,
        effect=_story_created,
    ),
    Op(
        "editorial.new_campaign:post",
        "editorial.new_campaign",
        "POST",
        _fixed("/editorial/campaigns/new"),
        data=lambda ctx, obj: {
            "slug": f"week-{_hex()}",
            "lang": "en",
            "title": "Peace week",
            "description": "",
            "organisation": "",
        },
        status=303,
        effect=_campaign_created,
    ),
    Op(
        "editorial.campaign_text",
        "editorial.campaign_text",
        "POST",
        lambda ctx, obj: f"/editorial/campaigns/{ctx.campaign[0]}/text/ur",
        data=lambda ctx, obj: {
            "ur-csrf_token": ctx.token,
            "ur-title": f"امن {_hex()}",
            "ur-description": "",
        },
        status=303,
        effect=_campaign_text_saved,
    ),
    Op(
        "editorial.mark_read",
        "editorial.mark_read",
        "POST",
        _fixed("/editorial/notifications/read"),
        status=303,
        effect=_all_read,
    ),
    Op(
        "admin.new_organisation:post",
        "admin.new_organisation",
        "POST",
        _fixed("/admin/organisations/new"),
        data=lambda ctx, obj: {"slug": f"org-{_hex()}", "name": "Sulh Forum", "description": ""},
        status=303,
        effect=_org_created,
    ),
    Op(
        "admin.edit_organisation:post",
        "admin.edit_organisation",
        "POST",
        _admin_url("/admin/organisations/{org}"),
        data=lambda ctx, obj: {
            "slug": ctx.org.slug,
            "name": ctx.org.name,
            "description": f"Edited {_hex()}",
        },
        status=303,
        effect=_org_edited,
    ),
    Op(
        "admin.new_user:post",
        "admin.new_user",
        "POST",
        _fixed("/admin/users/new"),
        data=lambda ctx, obj: {
            "email": f"new-{_hex()}@example.org",
            "name": "New Person",
            "password": "a long enough password",
            "roles": ["contributor"],
            "organisation": str(ctx.org.id),
        },
        status=303,
        effect=_user_created,
    ),
    Op(
        "admin.edit_user:post",
        "admin.edit_user",
        "POST",
        _admin_url("/admin/users/{user}"),
        data=lambda ctx, obj: {
            "email": ctx.bystander.email,
            "name": f"Renamed {_hex()}",
            "roles": ["contributor"],
            "organisation": str(ctx.org.id),
        },
        status=303,
        effect=_user_edited,
    ),
    Op(
        "admin.set_active",
        "admin.set_active",
        "POST",
        _admin_url("/admin/users/{user}/active"),
        data=lambda ctx, obj: {"active": "0"},
        status=303,
        effect=_deactivated,
    ),
    Op(
        "admin.edit_site_page:post",
        "admin.edit_site_page",
        "POST",
        _fixed("/admin/pages/about/en"),
        data=_site_page_data,
        status=303,
        effect=_site_page_saved,
    ),
    # The read API answers no write, at any address it has (here: to the list, to a story and
    # to a campaign that exist), and changes nothing.
    *(
        Op(
            f"api.unknown:{method.lower()}",
            "api.unknown",
            method,
            url,
            refused_status=405,
            public=True,
        )
        for method, url in (
            ("POST", _fixed("/api/v1/stories")),
            ("PUT", lambda ctx, obj: f"/api/v1/stories/{ctx.world['published'].story_id}"),
            ("PATCH", lambda ctx, obj: f"/api/v1/campaigns/{ctx.campaign[1]}"),
            ("DELETE", lambda ctx, obj: f"/api/v1/stories/{ctx.world['draft'].story_id}"),
        )
    ),
    Op(
        "auth.login:post",
        "auth.login",
        "POST",
        _fixed("/auth/login"),
        data=_login_data,
        status=302,
        refused_status=200,
    ),
    # Last: these change the subject's own session and language.
    Op(
        "auth.account:post",
        "auth.account",
        "POST",
        _fixed("/auth/account"),
        data=lambda ctx, obj: {
            "prefs-csrf_token": ctx.token,
            "prefs-preferred_language": "ur",
            "prefs-submit": "Save",
        },
        status=302,
        effect=_preferred("ur"),
    ),
    Op(
        "auth.set_language",
        "auth.set_language",
        "POST",
        _fixed("/auth/language"),
        data=lambda ctx, obj: {"code": "en", "next": "/editorial/"},
        status=302,
        effect=_preferred("en"),
    ),
    Op(
        "auth.logout", "auth.logout", "POST", _fixed("/auth/logout"), status=302, effect=_signed_out
    ),
)


# --- running one cell -----------------------------------------------------------------------


def _story_titles(ctx: Ctx) -> list[str]:
    """Every title of every text of the organisation's stories."""
    ctx.session.rollback()
    return list(
        ctx.session.scalars(
            select(Revision.title)
            .join(Translation, Translation.id == Revision.translation_id)
            .join(Story, Story.id == Translation.story_id)
            .where(Story.organisation_id == ctx.org.id)
        )
    )


def _unpublished(ctx: Ctx) -> list[str]:
    """What the public must not see: titles and slugs of texts that are not live, and the
    titles of drafts on top of live texts."""
    ctx.session.rollback()
    hidden = []
    for t in ctx.session.scalars(select(Translation)).unique():
        latest, live = t.latest_revision, t.live_revision
        if latest is None:
            continue
        if not t.is_live:
            hidden += [latest.title, t.slug]
        elif live is not None and latest.title != live.title:
            hidden.append(latest.title)
    ctx.session.rollback()
    return hidden


def _expected_status(op: Op, outcome: Outcome) -> int:
    if outcome.status is not None:
        return outcome.status
    return op.status if outcome.kind == "allow" else op.refused_status


def run(ctx: Ctx, op: Op, obj: Obj | None, outcome: Outcome) -> None:
    if op.prepare is not None:
        op.prepare(ctx, obj)
        ctx.baseline = digest(ctx.session)
    url = op.url(ctx, obj)
    data: dict = {}
    if op.method == "GET":
        response = ctx.browser.client.get(url)
    else:
        data = op.data(ctx, obj) if op.data is not None else {}
        form = {"csrf_token": ctx.token, **data}
        response = ctx.browser.client.open(url, method=op.method, data=form)
    body = response.get_data().decode("utf-8", "replace")
    response.close()  # as a browser does: a file sent from disk (the favicon) is let go
    was_signed_in = ctx.signed_in
    after = digest(ctx.session)
    wrong: list[str] = []

    want = _expected_status(op, outcome)
    if response.status_code != want:
        wrong.append(f"status {response.status_code}, expected {want}")
    if outcome.kind == "login" and response.status_code == 302:
        location = urlsplit(response.headers.get("Location", "")).path
        if location != "/auth/login":
            wrong.append(f"redirects to {location}, not to sign-in")
    elif op.location is not None and response.status_code == want and 300 <= want < 400:
        location = response.headers.get("Location", "")
        expected = op.location(ctx, obj)
        if expected.startswith("/"):  # a page of the hub (any query), however it is written
            location = urlsplit(location).path
            arrived = location == expected
        else:  # another site: its address starts so
            arrived = location.startswith(expected)
        if not arrived:
            wrong.append(f"redirects to {location}, not to {expected}")

    changed = changed_parts(ctx.baseline, after)
    if op.method == "GET" or outcome.kind != "allow":
        if changed:
            wrong.append(f"changed the database: {', '.join(changed)}")
    elif response.status_code == want and op.effect is not None:
        problem = op.effect(ctx, obj, data)
        if problem:
            wrong.append(f"no effect: {problem}")
        after = digest(ctx.session)

    if outcome.kind != "allow" and obj is not None:
        secrets = [obj.title]
        if op.name != "public.story":  # the slug is in the address the subject typed
            secrets.append(obj.slug)
        if ctx.subject != "author":
            secrets.append(ctx.author.name)
        wrong += [f"names {s!r}" for s in secrets if s in body]
    shown = outcome.kind == "allow" and response.status_code == 200
    sees_story = op.public or ctx.subject not in OUTSIDERS  # outsiders may search, not find
    titled = obj if obj is not None else ctx.world["published"]
    if shown and op.shows_title and sees_story and titled.title not in body:
        wrong.append(f"does not show the title {titled.title!r}")
    if op.method == "GET" and response.status_code == 200:
        wrong += _hidden_shown(ctx, op, obj, body)
    if shown and op.name == "editorial.preview":
        html = (response.json or {}).get("html", "")
        if "<strong>strong words</strong>" not in html:
            wrong.append("preview did not render")

    public_file = op.name == "media.serve" and obj.state == "published"
    cache = response.headers.get("Cache-Control", "")
    if was_signed_in and not public_file and "no-store" not in cache:
        wrong.append(f"Cache-Control {response.headers.get('Cache-Control')!r}")
    ctx.baseline = after
    if wrong:
        where = obj.state if obj is not None else "-"
        ctx.problems.append(
            f"{ctx.subject:<11} {where:<17} {op.method:<4} {op.name} (expected {outcome}): "
            + "; ".join(wrong)
        )
        if obj is not None and changed and ctx.world.get(obj.state) == obj:
            # Keep later checks meaningful: put a story in the right state back.
            ctx.world[obj.state] = ctx.new_object(obj.state)
            ctx.baseline = digest(ctx.session)


def _hidden_shown(ctx: Ctx, op: Op, obj: Obj | None, body: str) -> list[str]:
    if op.public:
        hidden = _unpublished(ctx)
        if op.name == "public.story":  # the slug asked for is in the page's own links
            hidden = [h for h in hidden if h != obj.slug]
    elif ctx.subject in OUTSIDERS or not ctx.signed_in:
        hidden = [*_story_titles(ctx), ctx.author.name]
    else:
        return []
    return [f"shows {h!r}" for h in hidden if h in body]


# --- the world and the subjects ------------------------------------------------------------


@functools.cache
def _renditions():
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 120, 90)).save(image, "PNG")
    image.seek(0)
    return tuple(make_renditions(image))


def _subject_user(subject: str, make_user, org) -> User | None:
    if subject == "anonymous":
        return None
    if subject == "same_org":
        return make_user("contributor", org=org)
    if subject == "other_org":
        return make_user("contributor")
    if subject == "translator":
        return make_user("translator", languages=("sd",))
    if subject == "editor":
        return make_user("editor", languages=("en", "ur"))
    if subject == "admin":
        return make_user("admin")
    if subject == "deactivated":
        # Would be allowed nearly everything, were they still active.
        return make_user(roles=["contributor", "editor"], org=org, all_languages=True)
    raise AssertionError(subject)


def build(subject, app, session, make_org, make_user, make_story, browser_as) -> Ctx:
    org = make_org()
    author = make_user("contributor", org=org, name=f"Zarmeen Author {_hex()}")
    campaign = Campaign(
        slug=f"walks-{_hex()}", texts=[CampaignText(lang="en", title="Walks for peace")]
    )
    session.add(campaign)
    session.commit()
    store = app.extensions["hub.media"]

    def new_object(state: str, *, with_media: bool = True) -> Obj:
        t = make_story(author, state=state, title=f"Harmony walk {_hex()}", campaign_id=campaign.id)
        rev = t.latest_revision
        if not with_media:
            return Obj(state, t.id, t.story_id, rev.id, t.slug, rev.title, 0)
        # A finished image, as an upload leaves it (renditions only), described in English.
        # Made directly: nobody may attach media to an archived story.
        key = f"stories/{t.story_id}/{_hex()}"
        renditions = {}
        for r in _renditions():
            stored = store.put(f"{key}-{r.name}.{r.extension}", io.BytesIO(r.data), r.mime)
            renditions[r.name] = {
                "key": f"{key}-{r.name}.{r.extension}",
                "width": r.width,
                "height": r.height,
                "mime": r.mime,
                "size": stored.size,
            }
        asset = MediaAsset(
            story_id=t.story_id,
            uploaded_by_id=author.id,
            status="ready",
            kind="image",
            mime="image/png",
            key=key,
            size=sum(r["size"] for r in renditions.values()),
            filename=f"{t.slug}.png",
            renditions=renditions,
            width=64,
            height=64,
            texts=[MediaText(lang="en", alt_text="People walking together", caption="")],
        )
        session.add(asset)
        session.commit()
        return Obj(state, t.id, t.story_id, rev.id, t.slug, rev.title, asset.id)

    world = {state: new_object(state) for state in STATES}
    bystander = make_user("contributor", org=org)
    user = author if subject == "author" else _subject_user(subject, make_user, org)
    browser = Browser(app.test_client()) if user is None else browser_as(user)
    ctx = Ctx(
        subject=subject,
        session=session,
        browser=browser,
        user=user,
        author=author,
        org=org,
        bystander=bystander,
        campaign=(campaign.id, campaign.slug),
        new_object=new_object,
        world=world,
        signed_in=user is not None,
    )
    if subject == "deactivated":
        assert browser.get("/editorial/").status_code == 200  # signed in, and working
        admin = browser_as(make_user("admin"))
        r = admin.submit("/admin/users", {"active": "0"}, action=f"/admin/users/{user.id}/active")
        assert r.status_code == 303
        ctx.signed_in = False
        # Their very next request is treated as signed out.
        after = browser.get("/editorial/")
        assert after.status_code == 302, after.status_code
        assert urlsplit(after.headers["Location"]).path == "/auth/login"
    # A valid token from the subject's own session, as their browser would send it.
    ctx.token = browser.token("/editorial/" if ctx.signed_in else "/auth/login")
    ctx.baseline = digest(session)
    return ctx


def _cell(row: dict, subject: str, state: str | None) -> Outcome:
    cell = row[subject]
    return cell[state] if isinstance(cell, dict) else cell


@pytest.mark.parametrize("subject", SUBJECTS)
def test_permission_matrix(subject, app, session, make_org, make_user, make_story, browser_as):
    ctx = build(subject, app, session, make_org, make_user, make_story, browser_as)
    for state in STATES:
        turned_away = set()
        for op in OBJECT_OPS:
            outcome = _cell(OBJECT_MATRIX[op.name], subject, state)
            if op.endpoint == "editorial.act" and outcome.kind in ("not_found", "login"):
                # Turned away before the action is read: one action tells for all.
                if outcome in turned_away:
                    continue
                turned_away.add(outcome)
            obj = ctx.world[state]
            if op.fresh and outcome.kind == "allow":
                obj = ctx.new_object(state, with_media=False)
                ctx.baseline = digest(session)
            run(ctx, op, obj, outcome)
    for op in GLOBAL_OPS:
        run(ctx, op, None, _cell(GLOBAL_MATRIX[op.name], subject, None))
    assert not ctx.problems, f"{len(ctx.problems)} mismatches:\n" + "\n".join(ctx.problems)


# --- the matrix covers the application -------------------------------------------------------


def test_every_route_is_in_the_matrix(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(op.endpoint, op.method) for op in (*OBJECT_OPS, *GLOBAL_OPS)}
    missing = sorted(routes - covered)
    assert not missing, f"routes without a row in the permission matrix: {missing}"
    assert not covered - routes, f"rows for routes that do not exist: {sorted(covered - routes)}"


def test_matrix_rows_and_operations_agree():
    object_names = [op.name for op in OBJECT_OPS]
    global_names = [op.name for op in GLOBAL_OPS]
    assert len(set(object_names)) == len(object_names)
    assert len(set(global_names)) == len(global_names)
    assert set(object_names) == set(OBJECT_MATRIX)
    assert set(global_names) == set(GLOBAL_MATRIX)
    for name, row in (*OBJECT_MATRIX.items(), *GLOBAL_MATRIX.items()):
        assert set(row) == set(SUBJECTS), name
        for cell in row.values():
            if isinstance(cell, dict):
                assert set(cell) == set(STATES), name
                assert name in OBJECT_MATRIX, name


# --- translations ----------------------------------------------------------------------------


def test_a_translator_who_writes_for_another_organisation_sees_only_their_languages(
    session, make_user, make_story, browser_as
):
    """Translators see the original and their own languages of a story (DESIGN.md section 1);
    also being a contributor, of another organisation, must not open the story's other
    languages to them."""
    source = make_story(state="published", title=f"Harmony walk {_hex()}")
    editor = make_user("editor", all_languages=True)
    ur, sd = translation_services.request_translations(
        session, actor=editor, story=source.story, langs=["ur", "sd"]
    )
    both = browser_as(make_user(roles=["contributor", "translator"], languages=("ur",)))
    assert both.get(f"/editorial/t/{source.id}").status_code == 200
    assert both.get(f"/editorial/t/{ur.id}").status_code == 200
    assert both.get(f"/editorial/t/{sd.id}").status_code == 404
    assert both.get(f"/editorial/t/{sd.id}/edit").status_code == 404


# --- headers ---------------------------------------------------------------------------------


def test_anonymous_public_pages_set_no_cookie(app, make_story):
    t = make_story(state="published")
    for url in ("/en/", f"/en/stories/{t.slug}"):
        fresh = app.test_client()  # a first visit: no cookie sent, none must come back
        response = fresh.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_signed_in_pages_are_private(make_user, make_story, browser_as):
    editor = make_user("editor", all_languages=True)
    t = make_story(state="published")
    b = browser_as(editor)
    for url in ("/en/", f"/en/stories/{t.slug}", "/editorial/", f"/editorial/t/{t.id}"):
        response = b.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "private, no-store", url
