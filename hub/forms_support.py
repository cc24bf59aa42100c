"""Turning a domain refusal into a message on the right form field."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from content.errors import ContentError, InvalidInput
from hub.messages import error_text


def apply_error(form: FlaskForm, exc: ContentError, field_map: dict[str, str] | None = None):
    """Show ``exc`` on its field when the form has one, else as a page message."""
    field_name = exc.field if isinstance(exc, InvalidInput) else None
    if field_name and field_map:
        field_name = field_map.get(field_name, field_name)
    field = getattr(form, field_name, None) if field_name else None
    text = error_text(exc)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), text]
    else:
        flash(text, "error")
