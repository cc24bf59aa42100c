"""Query parameters of the read API, checked strictly: a value the API cannot use is a 400
naming the parameter, never silently dropped (a client that filters on a misspelt theme must
learn it, not receive every story). Empty values count as absent."""

from __future__ import annotations

from collections.abc import Collection

from flask import request

from hub.api import errors

MAX_SLUG_CHARS = 80


def _raw(name: str) -> str | None:
    value = request.args.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def integer(name: str, *, default: int, minimum: int, maximum: int) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    # int() alone would take "+3", "1_0" and "٣" (Arabic-Indic three): ASCII digits only.
    digits = raw[1:] if raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit()):
        raise errors.invalid_integer(name)
    # A long run of digits is out of range whatever it says (and int() refuses very long ones).
    value = int(raw) if len(digits) <= 12 else maximum + 1
    if not minimum <= value <= maximum:
        raise errors.out_of_range(name, minimum, maximum)
    return value


def choice(name: str, allowed: Collection[str]) -> str | None:
    raw = _raw(name)
    if raw is None:
        return None
    if raw not in allowed:
        raise errors.unknown_value(name, raw[:MAX_SLUG_CHARS])
    return raw


def language(name: str, enabled: Collection[str]) -> str | None:
    raw = _raw(name)
    if raw is None:
        return None
    if raw not in enabled:
        raise errors.unknown_language(name, raw[:MAX_SLUG_CHARS])
    return raw


def slug(name: str) -> str | None:
    """A campaign or organisation slug: an unknown one matches nothing (it is not an error,
    so the answer cannot tell a missing campaign from one with nothing published)."""
    raw = _raw(name)
    if raw is not None and len(raw) > MAX_SLUG_CHARS:
        raise errors.too_long(name, MAX_SLUG_CHARS)
    return raw


def text(name: str, *, max_chars: int, required: bool = False) -> str:
    raw = _raw(name)
    if raw is None:
        if required:
            raise errors.missing(name)
        return ""
    if len(raw) > max_chars:
        raise errors.too_long(name, max_chars)
    return raw
