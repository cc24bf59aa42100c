"""What the read API says about each thing: plain dicts, shaped as `hub.api.openapi`
describes them (the tests hold every response to that document).

Only public fields leave here. A story's byline follows its byline mode, and an anonymous
story names nobody: not its author, not its organisation, not its translators (nor theirs),
not the uploader of its media. URLs are absolute, so a partner site can use them as they are.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import current_app, url_for

from content import languages
from content.models import BylineMode, Campaign, MediaAsset, Organisation, Story, Translation
from content.services import queries
from content.services.api_queries import LiveCampaign

SOCIAL_RENDITION = "social"  # the 1200x630 JPEG made for link previews


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, to the second."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_url(endpoint: str, **values) -> str:
    return url_for(f"api.{endpoint}", _external=True, **values)


def story_page_url(t: Translation) -> str:
    return url_for("public.story", lang=t.lang, slug=t.slug, _external=True)


def media_url(asset: MediaAsset, rendition: str) -> str:
    """Where anyone fetches a published file: the CDN in front of ``/media/`` when one is
    configured (as on the story page), else the hub itself."""
    base = current_app.config.get("MEDIA_PUBLIC_BASE_URL")
    if base and current_app.config.get("MEDIA_BACKEND") != "s3":
        return base.rstrip("/") + url_for("media.serve", asset_id=asset.id, rendition=rendition)
    return url_for("media.serve", asset_id=asset.id, rendition=rendition, _external=True)


# --- small parts ----------------------------------------------------------------------------


def organisation(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"slug": org.slug, "name": org.name}


def byline(story: Story) -> dict:
    if story.byline_mode == BylineMode.NAMED:
        return {"type": "person", "name": story.author.name}
    if story.byline_mode == BylineMode.ORGANISATION:
        return {"type": "organisation", "name": story.organisation.name}
    return {"type": "anonymous"}


def translator(t: Translation) -> dict | None:
    """Who translated ``t``, as the story page credits them; None for the original text."""
    if t.is_source:
        return None
    mode = t.story.byline_mode
    person = queries.translator_of(t)
    if mode == BylineMode.ANONYMOUS or person is None:
        return {"type": "anonymous"}
    if mode == BylineMode.NAMED:
        return {"type": "person", "name": person.name}
    if person.organisation is not None:
        return {"type": "organisation", "name": person.organisation.name}
    return {"type": "anonymous"}


def _ready(story: Story) -> list[MediaAsset]:
    return [a for a in story.assets if a.status == "ready"]


def image(story: Story, lang: str) -> dict | None:
    """The story's link-preview picture (the first image's 1200x630 rendition), if any."""
    for asset in _ready(story):
        info = (asset.renditions or {}).get(SOCIAL_RENDITION)
        if asset.kind == "image" and info:
            text = asset.text(lang)
            return {
                "url": media_url(asset, SOCIAL_RENDITION),
                "width": info["width"],
                "height": info["height"],
                "alt": text.alt_text if text else "",
            }
    return None


def media_item(asset: MediaAsset, langs: Iterable[str]) -> dict:
    langs = set(langs)
    renditions = asset.renditions or {}
    item = {
        "id": asset.id,
        "kind": asset.kind,
        "mime": asset.mime,
        "credit": asset.credit or None,
        "licence": asset.licence or None,
        "texts": [
            {"lang": text.lang, "alt_text": text.alt_text, "caption": text.caption}
            for text in sorted(asset.texts, key=lambda x: x.lang)
            if text.lang in langs
        ],
    }
    if asset.kind == "image":
        fallback = renditions.get("fallback", {})
        widths = sorted(
            (info["width"], name) for name, info in renditions.items() if name[1:].isdigit()
        )
        item.update(
            url=media_url(asset, "fallback"),
            width=fallback.get("width"),
            height=fallback.get("height"),
            size=fallback.get("size"),
            sources=[
                {"url": media_url(asset, name), "width": width, "mime": "image/webp"}
                for width, name in widths
            ],
        )
    else:
        # The upload's own file name is left out: people name files after themselves.
        item.update(
            url=media_url(asset, "file"),
            width=asset.width,
            height=asset.height,
            size=asset.size,
            sources=[],
        )
    return item


def language(code: str) -> dict:
    lang = languages.get(code)
    return {
        "code": lang.code,
        "tag": lang.tag,
        "name": lang.english_name,
        "native_name": lang.native_name,
        "direction": lang.direction,
        "links": {
            "stories": api_url("stories", lang=lang.code),
            "home": url_for("public.home", lang=lang.code, _external=True),
        },
    }


# --- stories --------------------------------------------------------------------------------


def _story_meta(story: Story) -> dict:
    anonymous = story.byline_mode == BylineMode.ANONYMOUS
    return {
        "kind": story.kind,
        "themes": list(story.themes or ()),
        "region": story.region,
        "campaign": story.campaign.slug if story.campaign else None,
        # An anonymous story is not tied to its organisation either (as on the site): a
        # small organisation would narrow down who wrote it.
        "organisation": None if anonymous else organisation(story.organisation),
        "byline": byline(story),
    }


def story_summary(t: Translation) -> dict:
    """One live translation in a list."""
    rev = t.live_revision
    return {
        "id": t.id,
        "story_id": t.story_id,
        "lang": t.lang,
        "slug": t.slug,
        "title": rev.title,
        "summary": rev.summary,
        "url": story_page_url(t),
        "published_at": iso(t.first_published_at or t.published_at),
        "updated_at": iso(t.published_at),
        **_story_meta(t.story),
        "image": image(t.story, t.lang),
        "links": {"story": api_url("story", story_id=t.story_id)},
    }


def translation_detail(t: Translation) -> dict:
    rev = t.live_revision
    return {
        "id": t.id,
        "lang": t.lang,
        "direction": languages.get(t.lang).direction,
        "slug": t.slug,
        "title": rev.title,
        "summary": rev.summary,
        "body_html": rev.body_html,  # sanitised when the revision was saved
        "url": story_page_url(t),
        "published_at": iso(t.first_published_at or t.published_at),
        "updated_at": iso(t.published_at),
        "is_original": t.is_source,
        "translator": translator(t),
    }


def story_detail(translations: list[Translation]) -> dict:
    """A story with its live translations (at least one)."""
    story = translations[0].story
    langs = [t.lang for t in translations]
    preview_lang = story.source_language if story.source_language in langs else langs[0]
    detail = {
        "id": story.id,
        **_story_meta(story),
        "image": image(story, preview_lang),
        "media": [media_item(asset, langs) for asset in _ready(story)],
        "translations": [translation_detail(t) for t in translations],
        "links": {"self": api_url("story", story_id=story.id)},
    }
    if story.campaign is not None:
        detail["links"]["campaign"] = api_url("campaign", slug=story.campaign.slug)
    return detail


# --- campaigns ------------------------------------------------------------------------------


def _campaign_texts(campaign: Campaign, enabled: Iterable[str]) -> list[dict]:
    enabled = set(enabled)
    return [
        {
            "lang": text.lang,
            "title": text.title,
            "description": text.description,
            "url": url_for("public.campaign", lang=text.lang, slug=campaign.slug, _external=True),
        }
        for text in sorted(campaign.texts, key=lambda x: x.lang)
        if text.lang in enabled
    ]


def campaign_summary(item: LiveCampaign, enabled: Iterable[str]) -> dict:
    campaign = item.campaign
    return {
        "slug": campaign.slug,
        "organisation": organisation(item.organisation),
        "starts_on": iso(campaign.starts_on),
        "ends_on": iso(campaign.ends_on),
        "texts": _campaign_texts(campaign, enabled),
        "story_count": item.story_count,
        "links": {
            "self": api_url("campaign", slug=campaign.slug),
            "stories": api_url("stories", campaign=campaign.slug),
        },
    }


def campaign_detail(item: LiveCampaign, stories: list[Story], enabled: Iterable[str]) -> dict:
    enabled = tuple(enabled)
    detail = campaign_summary(item, enabled)
    detail["stories"] = []
    for story in stories:
        live = sorted(
            (t for t in story.translations if t.is_live and t.lang in enabled),
            key=lambda t: t.lang,
        )
        detail["stories"].append(
            {
                "id": story.id,
                "translations": [
                    {
                        "id": t.id,
                        "lang": t.lang,
                        "title": t.live_revision.title,
                        "url": story_page_url(t),
                    }
                    for t in live
                ],
                "links": {"self": api_url("story", story_id=story.id)},
            }
        )
    return detail


# --- search ---------------------------------------------------------------------------------

_MARK = re.compile(r"</?mark>")


def plain(fragment_html: str) -> str:
    """The text of a snippet whose only markup is <mark>."""
    return html.unescape(_MARK.sub("", fragment_html))


def search_hit(hit, t: Translation) -> dict:
    """A search hit: texts as indexed, URL and dates from the database (whose slug is the
    current one even if the index lags a moment behind)."""
    return {
        "id": t.id,
        "story_id": t.story_id,
        "lang": t.lang,
        "title": hit.title,
        "title_html": hit.title_html,
        "snippet": plain(hit.snippet_html),
        "snippet_html": hit.snippet_html,
        "url": story_page_url(t),
        "published_at": iso(t.first_published_at or t.published_at),
        "updated_at": iso(t.published_at),
        **_story_meta(t.story),
        "links": {"story": api_url("story", story_id=t.story_id)},
    }
