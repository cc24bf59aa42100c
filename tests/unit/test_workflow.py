"""The workflow table, checked against an expectation table written out here by hand.

Nothing below reads ``content.workflow.TRANSITIONS``: the expectations are restated from
DESIGN.md (section 4) so that a wrong row in the code's table shows up as a failure instead
of being copied into the test. The objects are plain model instances, never flushed: the
workflow is pure and needs no database.

Party kinds, relative to the translation ``t`` under test:

- ``writer``: for the original text a contributor of the story's organisation (the author);
  for a translation the translator who claimed it;
- ``editor``: an editor working in ``t``'s language; ``other_editor``: an editor of another
  language only;
- ``admin`` (no organisation);
- ``same_org``: another contributor of the story's organisation (a writer of the original,
  nothing to a translation); ``other_org``: a contributor of another organisation;
- ``translator``: a translator working in ``t``'s language who has not claimed it;
- ``deactivated``: a user who would hold every party (all roles, all languages, the story's
  organisation) but is deactivated; ``anonymous``: ``None``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from content.errors import ContentError, InvalidTransition, NotAllowed
from content.models import (
    MediaAsset,
    MediaText,
    Revision,
    Story,
    Translation,
    User,
    UserLanguage,
    UserRole,
)
from content.workflow import (
    DEFAULT_POLICY,
    Action,
    Policy,
    State,
    available_actions,
    can,
    can_comment,
    can_view,
    can_view_story,
    refusal,
    transition,
)

S, A = State, Action

ORG, OTHER_ORG = 1, 2
KINDS = (
    "writer",
    "editor",
    "other_editor",
    "admin",
    "same_org",
    "other_org",
    "translator",
    "deactivated",
    "anonymous",
)
CONTEXTS = ("source", "translation")

# --- the expectation table --------------------------------------------------------------
# (state, action) -> (target, who). ``target`` None: the state stays. ``who`` is "writers"
# (writer, editor, admin) or "editors" (editor, admin).

WRITERS = frozenset({"writer", "editor", "admin"})
EDITORS = frozenset({"editor", "admin"})
# States a published text can be in while a newer revision is being worked on.
DRAFT_ON_TOP_STATES = (S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED)

EXPECTED: dict[tuple[State, Action], tuple[State | None, frozenset[str]]] = {
    # Every save is a revision; saving over an approved or scheduled text reopens it.
    (S.DRAFT, A.EDIT): (S.DRAFT, WRITERS),
    (S.CHANGES_REQUESTED, A.EDIT): (S.CHANGES_REQUESTED, WRITERS),
    (S.IN_REVIEW, A.EDIT): (S.IN_REVIEW, EDITORS),
    (S.APPROVED, A.EDIT): (S.DRAFT, EDITORS),
    (S.SCHEDULED, A.EDIT): (S.DRAFT, EDITORS),
    (S.PUBLISHED, A.EDIT): (S.DRAFT, WRITERS),
    (S.UNPUBLISHED, A.EDIT): (S.DRAFT, WRITERS),
    # Review.
    (S.DRAFT, A.SUBMIT): (S.IN_REVIEW, WRITERS),
    (S.CHANGES_REQUESTED, A.SUBMIT): (S.IN_REVIEW, WRITERS),
    (S.IN_REVIEW, A.WITHDRAW): (S.DRAFT, WRITERS),
    (S.IN_REVIEW, A.REQUEST_CHANGES): (S.CHANGES_REQUESTED, EDITORS),
    (S.APPROVED, A.REQUEST_CHANGES): (S.CHANGES_REQUESTED, EDITORS),
    (S.IN_REVIEW, A.APPROVE): (S.APPROVED, EDITORS),  # and four-eyes
    # Publishing.
    (S.APPROVED, A.PUBLISH): (S.PUBLISHED, EDITORS),
    (S.SCHEDULED, A.PUBLISH): (S.PUBLISHED, EDITORS),
    (S.UNPUBLISHED, A.PUBLISH): (S.PUBLISHED, EDITORS),
    (S.APPROVED, A.SCHEDULE): (S.SCHEDULED, EDITORS),
    (S.SCHEDULED, A.UNSCHEDULE): (S.APPROVED, EDITORS),
    (S.PUBLISHED, A.UNPUBLISH): (S.UNPUBLISHED, EDITORS),
    # Unpublishing a live text with a new draft on top keeps the draft's state (only when live).
    **{(s, A.UNPUBLISH): (None, EDITORS) for s in DRAFT_ON_TOP_STATES},
    # Archive from anywhere; restore to unpublished when the latest text is the published one,
    # to draft otherwise (see restore_target).
    **{(s, A.ARCHIVE): (S.ARCHIVED, EDITORS) for s in State if s is not S.ARCHIVED},
    (S.ARCHIVED, A.RESTORE): (None, EDITORS),
}
ONLY_WHEN_LIVE = frozenset((s, A.UNPUBLISH) for s in DRAFT_ON_TOP_STATES)
PAIRS_NOT_IN_TABLE = sorted(
    (pair for pair in itertools.product(State, Action) if pair not in EXPECTED),
    key=lambda pair: (list(State).index(pair[0]), list(Action).index(pair[1])),
)

# Who each kind of person is to the translation under test.
PARTIES = {
    "source": {"writer": "writer", "same_org": "writer", "editor": "editor", "admin": "admin"},
    "translation": {"writer": "writer", "editor": "editor", "admin": "admin"},
}


def restore_target(t: Translation) -> State:
    has_live_text = t.live_revision_id is not None and t.live_revision_id == t.latest_revision_id
    return S.UNPUBLISHED if has_live_text else S.DRAFT


# --- building the objects in memory --------------------------------------------------------


def make_person(
    user_id: int,
    roles: tuple[str, ...],
    *,
    org: int | None = None,
    languages: tuple[str, ...] = (),
    all_languages: bool = False,
    active: bool = True,
) -> User:
    return User(
        id=user_id,
        email=f"u{user_id}@example.org",
        name=f"User {user_id}",
        password_hash="x",
        is_active=active,
        organisation_id=org,
        all_languages=all_languages,
        role_rows=[UserRole(role=r) for r in roles],
        language_rows=[UserLanguage(lang=code) for code in languages],
    )


def set_revisions(t: Translation, *, latest_author: int, live: str) -> None:
    """``live``: "none" (never published), "latest" (live == latest) or "older" (a newer
    revision on top of the live one)."""
    latest = Revision(id=t.id * 100 + 2, number=2, title="Latest", author_id=latest_author)
    t.latest_revision, t.latest_revision_id = latest, latest.id
    if live == "none":
        t.live_revision, t.live_revision_id = None, None
    elif live == "latest":
        t.live_revision, t.live_revision_id = latest, latest.id
    else:
        older = Revision(id=t.id * 100 + 1, number=1, title="Live", author_id=latest_author)
        t.live_revision, t.live_revision_id = older, older.id


@dataclass
class World:
    story: Story
    source: Translation  # en, of organisation ORG
    ur: Translation  # claimed by the ur translator
    sd: Translation  # requested, claimed by nobody
    people: dict[str, User | None]

    def target(self, context: str) -> Translation:
        return self.source if context == "source" else self.ur


def build_world(
    context: str = "source",
    state: State = S.DRAFT,
    *,
    live: str | None = None,
    latest_author: str = "writer",
) -> World:
    """A story of ORG in English with Urdu and Sindhi translations; the translation under
    test (English original or Urdu translation) is put in ``state``."""
    story = Story(id=1, organisation_id=ORG, author_id=1, source_language="en")
    source = Translation(id=1, story=story, lang="en", slug="s", state=S.PUBLISHED, is_live=True)
    ur = Translation(id=2, story=story, lang="ur", slug="u", state=S.DRAFT, is_live=False)
    sd = Translation(id=3, story=story, lang="sd", slug="d", state=S.DRAFT, is_live=False)
    lang = "en" if context == "source" else "ur"
    claimer = make_person(6, ("translator",), languages=("ur",))
    people: dict[str, User | None] = {
        "writer": make_person(1, ("contributor",), org=ORG) if context == "source" else claimer,
        "same_org": make_person(2, ("contributor",), org=ORG),
        "other_org": make_person(3, ("contributor",), org=OTHER_ORG),
        "editor": make_person(4, ("editor",), languages=(lang,)),
        "other_editor": make_person(5, ("editor",), languages=("sd",)),
        "admin": make_person(7, ("admin",)),
        "translator": make_person(8, ("translator",), languages=(lang,)),
        "deactivated": make_person(
            9,
            ("contributor", "translator", "editor", "admin"),
            org=ORG,
            all_languages=True,
            languages=("en", "ur", "sd"),
            active=False,
        ),
        "anonymous": None,
    }
    ur.claimed_by_id = claimer.id
    set_revisions(source, latest_author=1, live="latest")
    set_revisions(ur, latest_author=claimer.id, live="none")
    sd.latest_revision, sd.latest_revision_id = None, None

    t = source if context == "source" else ur
    if live is None:
        live = "latest" if state in (S.PUBLISHED, S.UNPUBLISHED, S.ARCHIVED) else "none"
    author = people[latest_author]
    set_revisions(t, latest_author=author.id, live=live)
    t.state = state
    t.is_live = state == S.PUBLISHED or (live != "none" and state in DRAFT_ON_TOP_STATES)
    return World(story=story, source=source, ur=ur, sd=sd, people=people)


def expectation(context: str, kind: str, action: Action, t: Translation, user: User | None):
    """The state ``t`` moves to, or the error class ``transition()`` must raise."""
    pair = (State(t.state), action)
    if pair not in EXPECTED:
        return InvalidTransition
    target, who = EXPECTED[pair]
    party = PARTIES[context].get(kind)
    if party not in who:
        return NotAllowed
    if pair in ONLY_WHEN_LIVE and not t.is_live:
        return NotAllowed
    if action == A.APPROVE and t.latest_revision.author_id == user.id:
        return NotAllowed  # four-eyes
    if action == A.RESTORE:
        return restore_target(t)
    return State(t.state) if target is None else target


def check(user, action, t, expected, *, policy: Policy = DEFAULT_POLICY) -> None:
    if isinstance(expected, State):
        assert can(user, action, t, policy), refusal(user, action, t, policy)
        assert transition(user, action, t, policy) == expected
        return
    assert not can(user, action, t, policy)
    with pytest.raises(expected):
        transition(user, action, t, policy)


# --- the whole table ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", list(Action), ids=str)
@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("context", CONTEXTS)
def test_every_state_action_and_party(context, state, action, kind):
    world = build_world(context, state)
    t = world.target(context)
    user = world.people[kind]
    check(user, action, t, expectation(context, kind, action, t, user))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("context", CONTEXTS)
def test_available_actions(context, state, kind):
    world = build_world(context, state)
    t = world.target(context)
    user = world.people[kind]
    expected = [a for a in Action if isinstance(expectation(context, kind, a, t, user), State)]
    assert available_actions(user, t) == expected


@pytest.mark.parametrize(("state", "action"), PAIRS_NOT_IN_TABLE, ids=str)
@pytest.mark.parametrize("context", CONTEXTS)
def test_pairs_outside_the_table_are_invalid_transitions(context, state, action):
    for live in ("none", "latest", "older"):
        world = build_world(context, state, live=live)
        t = world.target(context)
        for kind in ("writer", "editor", "admin", "deactivated"):
            user = world.people[kind]
            assert not can(user, action, t)
            with pytest.raises(InvalidTransition):
                transition(user, action, t)
            assert refusal(user, action, t) == "invalid_transition"


# --- four-eyes ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["editor", "admin"])
@pytest.mark.parametrize("context", CONTEXTS)
def test_nobody_approves_their_own_revision(context, kind):
    world = build_world(context, S.IN_REVIEW, latest_author=kind)
    t, user = world.target(context), world.people[kind]
    assert not can(user, A.APPROVE, t)
    assert refusal(user, A.APPROVE, t) == "four_eyes"
    with pytest.raises(NotAllowed) as raised:
        transition(user, A.APPROVE, t)
    assert raised.value.details["reason"] == "four_eyes"
    assert A.APPROVE not in available_actions(user, t)
    # Everything else an editor may do in review stays possible.
    assert {A.EDIT, A.WITHDRAW, A.REQUEST_CHANGES, A.ARCHIVE} <= set(available_actions(user, t))
    # Another editor may approve it.
    other = "admin" if kind == "editor" else "editor"
    assert transition(world.people[other], A.APPROVE, t) == S.APPROVED
    # A small deployment may relax the rule.
    relaxed = Policy(four_eyes=False)
    assert can(user, A.APPROVE, t, relaxed)
    assert transition(user, A.APPROVE, t, relaxed) == S.APPROVED
    assert A.APPROVE in available_actions(user, t, relaxed)


def test_four_eyes_looks_at_the_latest_revision_only():
    world = build_world("source", S.IN_REVIEW, live="older")
    t, editor = world.source, world.people["editor"]
    t.live_revision.author_id = editor.id  # wrote an earlier revision, not the latest
    assert transition(editor, A.APPROVE, t) == S.APPROVED


def test_relaxed_four_eyes_still_needs_an_editor():
    world = build_world("source", S.IN_REVIEW)
    relaxed = Policy(four_eyes=False)
    for kind in ("writer", "same_org", "other_editor", "translator", "deactivated"):
        check(world.people[kind], A.APPROVE, world.source, NotAllowed, policy=relaxed)


# --- media must be complete before a text goes (or is set to go) out ----------------------
# Approving, publishing and scheduling need, in the text's language, alt text for every
# image, recorded consent for images and videos that show people, and no unfinished upload.

GATED = [
    (S.IN_REVIEW, A.APPROVE, S.APPROVED),
    (S.APPROVED, A.PUBLISH, S.PUBLISHED),
    (S.SCHEDULED, A.PUBLISH, S.PUBLISHED),
    (S.UNPUBLISHED, A.PUBLISH, S.PUBLISHED),
    (S.APPROVED, A.SCHEDULE, S.SCHEDULED),
]


def attach(
    story: Story, *, alt: dict[str, str], status="ready", kind="image", people=False, consent=False
) -> MediaAsset:
    asset = MediaAsset(
        id=len(story.assets) + 1,
        story_id=story.id,
        status=status,
        kind=kind,
        shows_people=people,
        consent_recorded=consent,
        texts=[MediaText(lang=code, alt_text=text) for code, text in alt.items()],
    )
    story.assets.append(asset)
    return asset


@pytest.mark.parametrize(
    "problem",
    ["no_alt_text", "blank_alt_text", "alt_text_elsewhere", "no_consent", "unfinished_upload"],
)
@pytest.mark.parametrize(("state", "action", "target"), GATED, ids=str)
@pytest.mark.parametrize("context", CONTEXTS)
def test_incomplete_media_hold_a_text_back(context, state, action, target, problem):
    world = build_world(context, state)
    t = world.target(context)
    lang = t.lang
    if problem == "no_alt_text":
        attach(world.story, alt={})
    elif problem == "blank_alt_text":
        attach(world.story, alt={lang: "   "})
    elif problem == "alt_text_elsewhere":
        attach(world.story, alt={"sd": "Two girls reading"})
    elif problem == "no_consent":
        attach(world.story, alt={lang: "Two girls reading"}, kind="video", people=True)
    else:
        attach(world.story, alt={lang: "Two girls reading"}, status="pending")
    for kind in ("editor", "admin"):
        user = world.people[kind]
        assert refusal(user, action, t) == "media_incomplete", (kind, problem)
        check(user, action, t, NotAllowed)
        # Other ways out stay open: the text can still be sent back or archived.
        assert A.ARCHIVE in available_actions(user, t)


@pytest.mark.parametrize(("state", "action", "target"), GATED, ids=str)
@pytest.mark.parametrize("context", CONTEXTS)
def test_complete_media_let_a_text_through(context, state, action, target):
    world = build_world(context, state)
    t = world.target(context)
    attach(world.story, alt={t.lang: "Two girls reading"})
    attach(world.story, alt={t.lang: "A teacher"}, people=True, consent=True)
    attach(world.story, alt={}, kind="document")  # documents need no alt text
    attach(world.story, alt={}, kind="audio", people=True)  # consent is for what is seen
    for kind in ("editor", "admin"):
        check(world.people[kind], action, t, target)


# --- conditional rows -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("live", "expected"),
    [("latest", S.UNPUBLISHED), ("older", S.DRAFT), ("none", S.DRAFT)],
    ids=["published-text-is-latest", "draft-on-top", "never-published"],
)
@pytest.mark.parametrize("context", CONTEXTS)
def test_restore_target_depends_on_the_text(context, live, expected):
    world = build_world(context, S.ARCHIVED, live=live)
    t = world.target(context)
    for kind in ("editor", "admin"):
        check(world.people[kind], A.RESTORE, t, expected)
    for kind in ("writer", "same_org", "other_editor", "translator", "deactivated"):
        check(world.people[kind], A.RESTORE, t, NotAllowed)


@pytest.mark.parametrize("state", DRAFT_ON_TOP_STATES, ids=str)
@pytest.mark.parametrize("context", CONTEXTS)
def test_unpublish_a_live_text_under_a_new_draft_keeps_the_draft(context, state):
    world = build_world(context, state, live="older")
    t = world.target(context)
    assert t.is_live
    for kind in ("editor", "admin"):
        check(world.people[kind], A.UNPUBLISH, t, state)
        assert A.UNPUBLISH in available_actions(world.people[kind], t)
    for kind in ("writer", "same_org", "other_editor", "translator", "other_org", "deactivated"):
        check(world.people[kind], A.UNPUBLISH, t, NotAllowed)


@pytest.mark.parametrize("state", DRAFT_ON_TOP_STATES, ids=str)
def test_unpublish_needs_a_live_text(state):
    world = build_world("source", state, live="none")
    assert not world.source.is_live
    for kind in ("editor", "admin"):
        assert not can(world.people[kind], A.UNPUBLISH, world.source)
        with pytest.raises(ContentError):
            transition(world.people[kind], A.UNPUBLISH, world.source)


def test_published_unpublishes_to_unpublished():
    world = build_world("source", S.PUBLISHED)
    assert transition(world.people["editor"], A.UNPUBLISH, world.source) == S.UNPUBLISHED


def test_transition_accepts_action_names():
    world = build_world("source", S.DRAFT)
    assert transition(world.people["writer"], "submit", world.source) == S.IN_REVIEW
    with pytest.raises(ValueError):
        transition(world.people["writer"], "teleport", world.source)


def test_a_translator_loses_the_work_with_the_language():
    world = build_world("translation", S.DRAFT)
    claimer = world.people["writer"]
    claimer.language_rows = [UserLanguage(lang="sd")]
    check(claimer, A.SUBMIT, world.ur, NotAllowed)


def test_a_claimed_translation_belongs_to_its_translator_only():
    world = build_world("translation", S.DRAFT)
    world.ur.claimed_by_id = None
    for kind in ("writer", "translator"):
        check(world.people[kind], A.EDIT, world.ur, NotAllowed)
    # An editor of the language still may.
    check(world.people["editor"], A.EDIT, world.ur, S.DRAFT)


# --- reading ------------------------------------------------------------------------------
# Editors read across languages (network editors); translators read the original and their
# own languages of stories they have work in; contributors read their organisation's work.

VIEW_KINDS = (*KINDS, "translator_elsewhere")
CAN_VIEW = {
    # kind: (original, Urdu translation, Sindhi translation, the story)
    "writer": {"source": (1, 1, 1, 1), "translation": (1, 1, 0, 1)},
    "same_org": (1, 1, 1, 1),
    "other_org": (0, 0, 0, 0),
    "editor": (1, 1, 1, 1),
    "other_editor": (1, 1, 1, 1),
    "admin": (1, 1, 1, 1),
    "translator": {"source": (0, 0, 0, 0), "translation": (1, 1, 0, 1)},
    "translator_elsewhere": (0, 0, 0, 0),
    "deactivated": (0, 0, 0, 0),
    "anonymous": (0, 0, 0, 0),
}


@pytest.mark.parametrize("kind", VIEW_KINDS)
@pytest.mark.parametrize("context", CONTEXTS)
def test_can_view(context, kind):
    world = build_world(context, S.DRAFT)
    if kind == "translator_elsewhere":
        user = make_person(20, ("translator",), languages=("ps",))
    else:
        user = world.people[kind]
    expected = CAN_VIEW[kind]
    if isinstance(expected, dict):
        expected = expected[context]
    got = (
        can_view(user, world.source),
        can_view(user, world.ur),
        can_view(user, world.sd),
        can_view_story(user, world.story),
    )
    assert got == tuple(bool(x) for x in expected)


def test_organisation_boundary_holds_in_every_state():
    for state in State:
        world = build_world("source", state)
        outsider, insider = world.people["other_org"], world.people["same_org"]
        for t in (world.source, world.ur, world.sd):
            assert not can_view(outsider, t) and can_view(insider, t), (state, t.lang)
            assert available_actions(outsider, t) == []
            assert not can_comment(outsider, t)


def test_a_translator_who_also_writes_elsewhere_sees_only_their_languages():
    """Being a contributor of another organisation must not widen what a translator may
    read of this organisation's story: the original and their own languages only (as
    ``queries.visible_translations_stmt`` lists them)."""
    world = build_world("translation", S.DRAFT)
    both = make_person(21, ("contributor", "translator"), org=OTHER_ORG, languages=("ur",))
    assert can_view_story(both, world.story)
    assert can_view(both, world.source)
    assert can_view(both, world.ur)
    assert not can_view(both, world.sd)


def test_deactivation_removes_every_party():
    for context, state in itertools.product(CONTEXTS, State):
        world = build_world(context, state)
        t = world.target(context)
        user = world.people["deactivated"]
        assert available_actions(user, t) == [], (context, state)
        assert not can_view(user, t) and not can_comment(user, t)
        user.is_active = True  # the same person, active, could do things
        assert available_actions(user, t), (context, state)
