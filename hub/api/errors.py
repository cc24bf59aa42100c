"""Errors of the read API: one JSON shape for every failure under ``/api/v1``.

``{"error": {"status": 400, "code": "invalid_parameter", "message": "...", "parameter":
"page"}}``. ``code`` is stable and meant for programs; ``message`` is for people, in the
request's language (``?lang=``, else Accept-Language). The HTML error pages of `hub.errors`
never answer inside the API: the blueprint registers its own handlers, and the blueprint's
catch-all route (see `hub.api.routes`) makes unknown paths and methods part of it too.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, current_app
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, default_exceptions

from hub.errors import report_unexpected
from hub.i18n import current_language

log = logging.getLogger("hub.api")

JSON_TYPE = "application/json; charset=utf-8"
ALLOW = "GET, HEAD, OPTIONS"
SEARCH_RETRY_AFTER = 120  # seconds; a rebuild of a few thousand stories takes about a minute


class ApiError(Exception):
    """A failure the client can act on, answered as JSON with ``status``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.headers = headers or {}


def json_response(payload, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``payload`` as UTF-8 JSON: Urdu and the other scripts stay readable, not ``\\u`` escapes."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, status=status, headers=headers, content_type=JSON_TYPE)


def error_response(exc: ApiError) -> Response:
    error = {"status": exc.status, "code": exc.code, "message": exc.message}
    if exc.parameter:
        error["parameter"] = exc.parameter
    response = json_response({"error": error}, exc.status, exc.headers)
    # The message is in the request's language: caches must keep one copy per language.
    response.headers["Content-Language"] = current_language().tag
    response.vary.add("Accept-Language")
    return response


# --- the errors a view raises ------------------------------------------------------------


def invalid_integer(name: str) -> ApiError:
    return ApiError(
        400,
        "invalid_parameter",
        _("The parameter %(name)s must be a whole number.", name=name),
        parameter=name,
    )


def out_of_range(name: str, minimum: int, maximum: int) -> ApiError:
    return ApiError(
        400,
        "invalid_parameter",
        _(
            "The parameter %(name)s must be between %(minimum)d and %(maximum)d.",
            name=name,
            minimum=minimum,
            maximum=maximum,
        ),
        parameter=name,
    )


def unknown_value(name: str, value: str) -> ApiError:
    return ApiError(
        400,
        "invalid_parameter",
        _("“%(value)s” is not a known value of the parameter %(name)s.", value=value, name=name),
        parameter=name,
    )


def unknown_language(name: str, value: str) -> ApiError:
    return ApiError(
        400,
        "unknown_language",
        _("“%(value)s” is not one of the languages this site publishes in.", value=value),
        parameter=name,
    )


def too_long(name: str, maximum: int) -> ApiError:
    return ApiError(
        400,
        "invalid_parameter",
        _(
            "The parameter %(name)s is too long: at most %(maximum)d characters.",
            name=name,
            maximum=maximum,
        ),
        parameter=name,
    )


def missing(name: str) -> ApiError:
    return ApiError(
        400,
        "missing_parameter",
        _("The parameter %(name)s is required.", name=name),
        parameter=name,
    )


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Nothing published is found at this address."))


def method_not_allowed() -> ApiError:
    return ApiError(
        405,
        "method_not_allowed",
        _("This API only reads: use GET, HEAD or OPTIONS."),
        headers={"Allow": ALLOW},
    )


def search_unavailable() -> ApiError:
    return ApiError(
        503,
        "search_unavailable",
        _("The search index is being rebuilt. Please try again in a few minutes."),
        headers={"Retry-After": str(SEARCH_RETRY_AFTER)},
    )


# --- handlers -------------------------------------------------------------------------------

_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
}


def _from_http(exc: HTTPException) -> ApiError:
    status = exc.code or 500
    if status == 404:
        return not_found()
    if status == 405:
        return method_not_allowed()
    if status >= 500:
        return ApiError(status, "internal_error", _("Something went wrong on our side"))
    headers = {}
    retry_after = exc.get_response().headers.get("Retry-After")
    if retry_after:
        headers["Retry-After"] = retry_after
    return ApiError(
        status,
        _HTTP_CODES.get(status, "http_error"),
        _("That request could not be handled"),
        headers=headers,
    )


def register(bp: Blueprint) -> None:
    """JSON for every error inside the blueprint, whatever the app's HTML handlers say.

    A blueprint handler for the HTTPException class would lose to an app handler registered
    for a status code (Flask looks codes up first), so each code gets the handler too.
    """

    @bp.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc)

    def http_error(exc: HTTPException):
        if exc.code is not None and exc.code < 400:
            return exc  # a redirect
        return error_response(_from_http(exc))

    bp.register_error_handler(HTTPException, http_error)
    for code in default_exceptions:
        bp.register_error_handler(code, http_error)

    @bp.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        report_unexpected(log)
        return error_response(
            ApiError(500, "internal_error", _("Something went wrong on our side"))
        )
