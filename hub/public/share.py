"""The share redirect: ``/<lang>/share/<translation id>/<network>`` counts a click and sends
the reader on to the network's own share page with the story's title and address.

Not an open redirect: the target is one of five fixed templates, and what goes into it
(the story's public address and title) comes from the database, never from the request.
Registered on the public blueprint.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, redirect

from content.models import Translation
from hub import reach
from hub.extensions import db
from hub.public.routes import bp
from hub.public.urls import absolute_url

# Each network's share page; {url} and {title} arrive percent-encoded (UTF-8).
SHARE_TARGETS = {
    "whatsapp": "https://wa.me/?text={title_and_url}",
    "facebook": "https://www.facebook.com/sharer/sharer.php?u={url}",
    "x": "https://twitter.com/intent/tweet?text={title}&url={url}",
    "telegram": "https://t.me/share/url?url={url}&text={title}",
    "email": "mailto:?subject={title}&body={url}",
}


def _encode(value: str) -> str:
    # Nothing is safe: "&", "=", "#", "?" and "+" inside a title must not end a parameter,
    # and mailto: wants spaces as %20, not "+" (RFC 6068).
    return quote(value, safe="")


def public_url(t: Translation) -> str:
    """The story's absolute address, as its canonical link gives it: on HUB_BASE_URL when
    set (the request's Host header does not choose where shared links point)."""
    return absolute_url("public.story", lang=t.lang, slug=t.slug)


def share_target(network: str, title: str, url: str) -> str:
    return SHARE_TARGETS[network].format(
        title=_encode(title), url=_encode(url), title_and_url=_encode(f"{title} {url}")
    )


@bp.get("/<lang>/share/<int:translation_id>/<network>")
def share(lang: str, translation_id: int, network: str):
    if network not in SHARE_TARGETS:
        abort(404)
    t = db.session.get(Translation, translation_id)
    if t is None or not t.is_live or t.live_revision is None:
        abort(404)
    reach.count_share(t.id, network)
    response = redirect(share_target(network, t.live_revision.title, public_url(t)), code=302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
