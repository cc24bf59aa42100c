"""The domain's one error root.

Services raise these; the web layer maps them to pages (400/403/404/409) in the user's
language, the CLI to messages, the API to JSON. Messages are plain English for logs; the
web layer chooses the translated text by ``code`` and ``field``.
"""

from __future__ import annotations


class ContentError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details


class InvalidInput(ContentError):
    """Input that cannot be accepted. ``field`` names the form field when there is one."""

    code = "invalid"

    def __init__(self, field: str | None, reason: str, message: str = "", **details):
        super().__init__(message or f"{field}: {reason}", **details)
        self.field = field
        self.reason = reason


class InvalidTransition(ContentError):
    """A workflow action that is not possible from the object's current state."""

    code = "invalid_transition"


class NotAllowed(ContentError):
    """The actor may not do this. Reads of things they may not see are NotFound instead."""

    code = "not_allowed"


class NotFound(ContentError):
    code = "not_found"


class Conflict(ContentError):
    """A save based on a revision that is no longer the latest."""

    code = "conflict"
