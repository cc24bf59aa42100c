"""Driving the real translation workflow from tests (no shortcuts past the services)."""

from __future__ import annotations

from content import services
from content.services import translations as translation_services
from content.services.reviews import ActionInput
from content.services.stories import CHECKLIST, TextInput
from content.workflow import Action


def publish_translation(session, source, lang, *, translator, editor, title, body, summary=""):
    """``source``'s story in ``lang``: requested and reviewed by ``editor``, claimed and
    written by ``translator``, then submitted, approved and published."""
    (t,) = translation_services.request_translations(
        session, actor=editor, story=source.story, langs=[lang]
    )
    translation_services.claim(session, actor=translator, translation=t)
    services.save_revision(
        session,
        actor=translator,
        translation=t,
        base_revision_id=None,
        text=TextInput(title=title, summary=summary, body=body),
    )
    for actor, step in (
        (translator, ActionInput(Action.SUBMIT)),
        (editor, ActionInput(Action.APPROVE, checklist=frozenset(CHECKLIST))),
        (editor, ActionInput(Action.PUBLISH)),
    ):
        services.apply_action(session, actor=actor, translation=t, request=step)
    assert t.is_live
    return t
