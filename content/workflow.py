"""The publishing workflow as data, and every permission question the hub asks.

One table of transitions (state, action) -> new state, who may, extra rules. Services call
``transition()`` before changing anything; routes and templates ask ``can()`` and
``available_actions()`` and never restate these rules. Reads follow ``can_view()``.

Who may act is decided per translation by the actor's *parties* to it:
- ``writer``: for the source text, a contributor of the story's organisation; for another
  language, the translator of that language who claimed it;
- ``editor``: an editor working in the translation's language;
- ``admin``.
A deactivated user is party to nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from content.errors import InvalidTransition, NotAllowed
from content.models import Role, Story, Translation, User


class State(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    ARCHIVED = "archived"


class Action(enum.StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    UNPUBLISH = "unpublish"
    ARCHIVE = "archive"
    RESTORE = "restore"


class Party(enum.StrEnum):
    WRITER = "writer"
    EDITOR = "editor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Policy:
    """Deployment settings that change the rules (HUB_FOUR_EYES)."""

    four_eyes: bool = True


DEFAULT_POLICY = Policy()


# --- conditions and rules ---------------------------------------------------------------
# A *condition* selects between rows for the same (state, action); a *rule* refuses.


def _is_live(user: User, t: Translation, policy: Policy) -> bool:
    return t.is_live


def _has_live_text(user: User, t: Translation, policy: Policy) -> bool:
    return t.live_revision_id is not None and t.live_revision_id == t.latest_revision_id


def _no_live_text(user: User, t: Translation, policy: Policy) -> bool:
    return not _has_live_text(user, t, policy)


def _not_own_revision(user: User, t: Translation, policy: Policy) -> bool:
    if not policy.four_eyes:
        return True
    latest = t.latest_revision
    return latest is None or latest.author_id != user.id


def media_problems(t: Translation) -> list[tuple[object, str]]:
    """What the story's media lack before ``t`` may be published: alt text in ``t``'s
    language for every image, consent for every image or video that shows people, and no
    upload left unfinished."""
    problems = []
    for asset in t.story.assets:
        if asset.status != "ready":
            problems.append((asset, "upload_unfinished"))
            continue
        if asset.kind == "image":
            text = asset.text(t.lang)
            if text is None or not text.alt_text.strip():
                problems.append((asset, "alt_text_missing"))
        if asset.kind in ("image", "video") and asset.shows_people and not asset.consent_recorded:
            problems.append((asset, "consent_missing"))
    return problems


def _media_complete(user: User, t: Translation, policy: Policy) -> bool:
    return not media_problems(t)


Check = Callable[[User, Translation, Policy], bool]

RULE_REASONS: dict[Check, str] = {
    _is_live: "not_live",
    _not_own_revision: "four_eyes",
    _media_complete: "media_incomplete",
}


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State | None  # None: the state does not change
    parties: frozenset[Party]
    rules: tuple[Check, ...] = ()
    when: Check | None = None


WRITERS = frozenset({Party.WRITER, Party.EDITOR, Party.ADMIN})
EDITORS = frozenset({Party.EDITOR, Party.ADMIN})
S, A = State, Action
_LIVE_STATES = (S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED)

TRANSITIONS: tuple[Transition, ...] = (
    # Writing: every save is a revision.
    Transition(S.DRAFT, A.EDIT, S.DRAFT, WRITERS),
    Transition(S.CHANGES_REQUESTED, A.EDIT, S.CHANGES_REQUESTED, WRITERS),
    Transition(S.IN_REVIEW, A.EDIT, S.IN_REVIEW, EDITORS),
    Transition(S.APPROVED, A.EDIT, S.DRAFT, EDITORS),
    Transition(S.SCHEDULED, A.EDIT, S.DRAFT, EDITORS),
    Transition(S.PUBLISHED, A.EDIT, S.DRAFT, WRITERS),
    Transition(S.UNPUBLISHED, A.EDIT, S.DRAFT, WRITERS),
    # Review.
    Transition(S.DRAFT, A.SUBMIT, S.IN_REVIEW, WRITERS),
    Transition(S.CHANGES_REQUESTED, A.SUBMIT, S.IN_REVIEW, WRITERS),
    Transition(S.IN_REVIEW, A.WITHDRAW, S.DRAFT, WRITERS),
    Transition(S.IN_REVIEW, A.REQUEST_CHANGES, S.CHANGES_REQUESTED, EDITORS),
    Transition(S.APPROVED, A.REQUEST_CHANGES, S.CHANGES_REQUESTED, EDITORS),
    Transition(
        S.IN_REVIEW, A.APPROVE, S.APPROVED, EDITORS, rules=(_not_own_revision, _media_complete)
    ),
    # Publishing.
    Transition(S.APPROVED, A.PUBLISH, S.PUBLISHED, EDITORS, rules=(_media_complete,)),
    Transition(S.SCHEDULED, A.PUBLISH, S.PUBLISHED, EDITORS, rules=(_media_complete,)),
    Transition(S.UNPUBLISHED, A.PUBLISH, S.PUBLISHED, EDITORS, rules=(_media_complete,)),
    Transition(S.APPROVED, A.SCHEDULE, S.SCHEDULED, EDITORS, rules=(_media_complete,)),
    Transition(S.SCHEDULED, A.UNSCHEDULE, S.APPROVED, EDITORS),
    Transition(S.PUBLISHED, A.UNPUBLISH, S.UNPUBLISHED, EDITORS),
    # A published text with a new draft on top can be taken offline without losing the draft.
    *(Transition(s, A.UNPUBLISH, None, EDITORS, rules=(_is_live,)) for s in _LIVE_STATES),
    # Archive and restore.
    *(Transition(s, A.ARCHIVE, S.ARCHIVED, EDITORS) for s in State if s is not S.ARCHIVED),
    Transition(S.ARCHIVED, A.RESTORE, S.UNPUBLISHED, EDITORS, when=_has_live_text),
    Transition(S.ARCHIVED, A.RESTORE, S.DRAFT, EDITORS, when=_no_live_text),
)


# --- parties and reads ------------------------------------------------------------------


def parties(user: User | None, t: Translation) -> frozenset[Party]:
    if user is None or not user.is_active:
        return frozenset()
    found = set()
    roles = user.roles
    if Role.ADMIN in roles:
        found.add(Party.ADMIN)
    if Role.EDITOR in roles and user.works_in(t.lang):
        found.add(Party.EDITOR)
    if t.is_source:
        if Role.CONTRIBUTOR in roles and user.organisation_id == t.story.organisation_id:
            found.add(Party.WRITER)
    elif Role.TRANSLATOR in roles and user.works_in(t.lang) and t.claimed_by_id == user.id:
        found.add(Party.WRITER)
    return frozenset(found)


def can_view_story(user: User | None, story: Story) -> bool:
    """May ``user`` see this story's editorial pages (drafts included)?"""
    if user is None or not user.is_active:
        return False
    roles = user.roles
    if Role.ADMIN in roles or Role.EDITOR in roles:
        return True
    if Role.CONTRIBUTOR in roles and user.organisation_id == story.organisation_id:
        return True
    if Role.TRANSLATOR in roles:
        return any(
            user.works_in(t.lang) for t in story.translations if t.lang != story.source_language
        )
    return False


def can_view(user: User | None, t: Translation) -> bool:
    """May ``user`` see this translation in the editorial area?"""
    if not can_view_story(user, t.story):
        return False
    roles = user.roles
    if roles & {Role.ADMIN, Role.EDITOR}:
        return True
    if Role.CONTRIBUTOR in roles and user.organisation_id == t.story.organisation_id:
        return True
    # A translator (whatever else they are elsewhere) sees the original and their languages.
    return Role.TRANSLATOR in roles and (t.is_source or user.works_in(t.lang))


def can_comment(user: User | None, t: Translation) -> bool:
    return can_view(user, t) and t.state != State.ARCHIVED and bool(parties(user, t))


def can_create_story(user: User | None) -> bool:
    if user is None or not user.is_active:
        return False
    roles = user.roles
    if Role.CONTRIBUTOR in roles and user.organisation_id is not None:
        return True
    return bool(roles & {Role.EDITOR, Role.ADMIN})


def can_choose_organisation(user: User | None) -> bool:
    """Editors and admins write for any organisation; contributors for their own only."""
    return user is not None and user.is_active and bool(user.roles & {Role.EDITOR, Role.ADMIN})


def reach_scope(user: User | None) -> int | None:
    """Whose reach figures ``user`` may see: None for every organisation's (editors and
    admins), else the id of their own organisation (contributors and translators, for their
    monitoring and evaluation reports). Raises NotAllowed for anyone else."""
    if user is None or not user.is_active:
        raise NotAllowed("reach figures need a signed-in user")
    roles = user.roles
    if roles & {Role.EDITOR, Role.ADMIN}:
        return None
    if roles & {Role.CONTRIBUTOR, Role.TRANSLATOR} and user.organisation_id is not None:
        return user.organisation_id
    raise NotAllowed("no organisation to report on")


def can_request_translation(user: User | None, story: Story, lang: str) -> bool:
    if user is None or not user.is_active:
        return False
    return Role.ADMIN in user.roles or (Role.EDITOR in user.roles and user.works_in(lang))


def can_claim(user: User | None, t: Translation) -> bool:
    """A translator takes a requested translation so that nobody else starts it."""
    if user is None or not user.is_active or t.is_source:
        return False
    return (
        Role.TRANSLATOR in user.roles
        and user.works_in(t.lang)
        and t.claimed_by_id is None
        and t.state in (State.DRAFT, State.CHANGES_REQUESTED)
    )


def can_release_claim(user: User | None, t: Translation) -> bool:
    if user is None or not user.is_active or t.claimed_by_id is None:
        return False
    return t.claimed_by_id == user.id or bool(parties(user, t) & EDITORS)


def can_manage_media(user: User | None, story: Story) -> bool:
    """Attach, delete and describe (credit, licence, consent) the story's media: whoever may
    edit its original text."""
    source = story.source
    if source is None or source.state == State.ARCHIVED:
        return False
    return bool(parties(user, source))


def can_describe_media(user: User | None, story: Story, lang: str) -> bool:
    """Write alt text and captions in ``lang``: the media managers, or whoever works on the
    story's ``lang`` translation."""
    if can_manage_media(user, story):
        return True
    t = story.translation(lang)
    return t is not None and t.state != State.ARCHIVED and bool(parties(user, t))


def is_admin(user: User | None) -> bool:
    return user is not None and user.is_active and Role.ADMIN in user.roles


def can_review(user: User | None) -> bool:
    """May see the review queue at all."""
    return user is not None and user.is_active and bool(user.roles & {Role.EDITOR, Role.ADMIN})


# --- transitions --------------------------------------------------------------------------


def _rows(state: str, action: Action) -> list[Transition]:
    return [row for row in TRANSITIONS if row.source == state and row.action == action]


def find_transition(
    user: User | None, action: Action, t: Translation, policy: Policy = DEFAULT_POLICY
) -> Transition | None:
    for row in _rows(t.state, action):
        if row.when is None or row.when(user, t, policy):
            return row
    return None


def refusal(
    user: User | None, action: Action, t: Translation, policy: Policy = DEFAULT_POLICY
) -> str | None:
    """Why ``user`` may not take ``action`` on ``t`` now, or None when they may."""
    row = find_transition(user, action, t, policy)
    if row is None:
        return "invalid_transition"
    if not parties(user, t) & row.parties:
        return "not_allowed"
    for rule in row.rules:
        if not rule(user, t, policy):
            return RULE_REASONS.get(rule, "not_allowed")
    return None


def can(
    user: User | None, action: Action | str, t: Translation, policy: Policy = DEFAULT_POLICY
) -> bool:
    return refusal(user, Action(action), t, policy) is None


def transition(
    user: User, action: Action | str, t: Translation, policy: Policy = DEFAULT_POLICY
) -> State:
    """The state ``t`` moves to when ``user`` takes ``action``; raises when refused."""
    action = Action(action)
    reason = refusal(user, action, t, policy)
    if reason == "invalid_transition":
        raise InvalidTransition(f"cannot {action} from {t.state}", action=action, state=t.state)
    if reason is not None:
        raise NotAllowed(reason, action=action, reason=reason)
    row = find_transition(user, action, t, policy)
    return State(row.target) if row.target is not None else State(t.state)


def available_actions(
    user: User | None, t: Translation, policy: Policy = DEFAULT_POLICY
) -> list[Action]:
    return [a for a in Action if can(user, a, t, policy)]


# States in which the latest text differs from, or replaces, what the public sees.
REVIEWABLE_STATES = frozenset({State.IN_REVIEW})
EDITABLE_STATES = frozenset(row.source for row in TRANSITIONS if row.action == Action.EDIT)
