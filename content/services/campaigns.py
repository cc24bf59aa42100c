"""Campaigns: a themed set of stories and materials, with a title and description per
language (each language's text edited by that language's editors)."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from content import languages
from content.errors import InvalidInput, NotAllowed
from content.models import Campaign, CampaignText, Organisation, Role, User
from content.services._base import audit, unit_of_work
from content.services.accounts import SLUG_RE

MAX_TITLE = 300
MAX_DESCRIPTION = 5000


def can_manage_campaigns(user: User | None) -> bool:
    return user is not None and user.is_active and bool(user.roles & {Role.EDITOR, Role.ADMIN})


def can_edit_campaign_text(user: User | None, lang: str) -> bool:
    if not can_manage_campaigns(user):
        return False
    return Role.ADMIN in user.roles or user.works_in(lang)


def _check_dates(starts_on: datetime | None, ends_on: datetime | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput("ends_on", "before_start")


@unit_of_work
def create_campaign(
    session: Session,
    *,
    actor: User,
    slug: str,
    lang: str,
    title: str,
    description: str = "",
    organisation_id: int | None = None,
    starts_on: datetime | None = None,
    ends_on: datetime | None = None,
) -> Campaign:
    if not can_manage_campaigns(actor):
        raise NotAllowed("campaign")
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise InvalidInput("slug", "invalid")
    if session.scalar(select(Campaign.id).where(Campaign.slug == slug)):
        raise InvalidInput("slug", "taken")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise InvalidInput("organisation", "unknown")
    _check_dates(starts_on, ends_on)
    campaign = Campaign(
        slug=slug, organisation_id=organisation_id, starts_on=starts_on, ends_on=ends_on
    )
    session.add(campaign)
    session.flush()
    _set_text(session, actor, campaign, lang, title, description)
    audit(session, actor=actor, action="create", object_type="campaign", object_id=campaign.id)
    return campaign


@unit_of_work
def update_campaign(
    session: Session,
    *,
    actor: User,
    campaign: Campaign,
    organisation_id: int | None,
    starts_on: datetime | None,
    ends_on: datetime | None,
) -> Campaign:
    if not can_manage_campaigns(actor):
        raise NotAllowed("campaign")
    _check_dates(starts_on, ends_on)
    campaign.organisation_id = organisation_id
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    audit(session, actor=actor, action="update", object_type="campaign", object_id=campaign.id)
    return campaign


def _set_text(session, actor, campaign, lang, title, description) -> CampaignText:
    if not languages.is_known(lang):
        raise InvalidInput("lang", "unknown_language")
    if not can_edit_campaign_text(actor, lang):
        raise NotAllowed("campaign_text")
    title = " ".join(unicodedata.normalize("NFC", title).split())
    description = unicodedata.normalize("NFC", description.replace("\r\n", "\n")).strip()
    if not title:
        raise InvalidInput("title", "required")
    if len(title) > MAX_TITLE:
        raise InvalidInput("title", "too_long", maximum=MAX_TITLE)
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput("description", "too_long", maximum=MAX_DESCRIPTION)
    text = next((t for t in campaign.texts if t.lang == lang), None)
    if text is None:
        text = CampaignText(campaign_id=campaign.id, lang=lang)
        session.add(text)
        campaign.texts.append(text)
    text.title = title
    text.description = description
    return text


@unit_of_work
def set_campaign_text(
    session: Session, *, actor: User, campaign: Campaign, lang: str, title: str, description: str
) -> CampaignText:
    text = _set_text(session, actor, campaign, lang, title, description)
    audit(
        session,
        actor=actor,
        action="translate",
        object_type="campaign",
        object_id=campaign.id,
        lang=lang,
    )
    return text


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.created_at.desc())))
