"""Notification sentences, made in the reader's language when shown or mailed."""

from __future__ import annotations

from flask_babel import gettext as _

from content import languages
from content.models import Notification


def _title(n: Notification) -> str:
    t = n.translation
    if t is None:
        return ""
    if t.latest_revision is not None:
        return t.latest_revision.title
    source = t.story.source  # a requested translation has no text yet: name the original
    return source.latest_revision.title if source and source.latest_revision else ""


def describe(n: Notification) -> str:
    actor = n.actor.name if n.actor is not None else _("The hub")
    title = _title(n)
    lang = ""
    if n.translation is not None:
        language = languages.get(n.translation.lang)
        lang = language.native_name
    params = {"actor": actor, "title": title, "language": lang}
    texts = {
        "submitted": _("%(actor)s submitted “%(title)s” (%(language)s) for review.", **params),
        "changes_requested": _("%(actor)s asked for changes to “%(title)s”.", **params),
        "approved": _("%(actor)s approved “%(title)s”.", **params),
        "published": _("“%(title)s” (%(language)s) is now published.", **params),
        "commented": _("%(actor)s commented on “%(title)s”.", **params),
        "translation_requested": _(
            "%(actor)s asked for a translation of “%(title)s” into %(language)s.", **params
        ),
    }
    return texts.get(n.kind, _("Something changed on “%(title)s”.", **params))
