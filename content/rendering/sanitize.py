"""The HTML allowlist and the one sanitiser every render ends with.

This module owns what HTML may reach a page: the allowed tags, attributes and protocols,
the rules for attribute values, links and image sources, and the bleach cleaner (one per
thread) that applies them and then marks external links and makes images lazy.
"""

from __future__ import annotations

import html
import re
import threading
from urllib.parse import unquote

# Headings start at h2 (the page's title is the h1); see pipeline._HeadingLevels.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre",
        "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "abbr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
# ``rel`` is absent on purpose: authors never set it, _LinkPolicy sets it after sanitising.
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height", "loading"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTERNAL_LINK_REL = "nofollow noopener ugc"

_VALUE_RULES = {
    "width": re.compile(r"[0-9]{1,4}"),
    "height": re.compile(r"[0-9]{1,4}"),
    "start": re.compile(r"[0-9]{1,6}"),
    "colspan": re.compile(r"[0-9]{1,3}"),
    "rowspan": re.compile(r"[0-9]{1,3}"),
    "align": re.compile(r"left|right|center"),
    "loading": re.compile(r"lazy|eager"),
}
# Browsers ignore ASCII whitespace and controls inside a URL ("java\tscript:"), so the
# checks look at the URL with them removed, after decoding character references.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def _normalised_url(value: str) -> str:
    return _URL_NOISE.sub("", html.unescape(value))


def _url_scheme(url: str) -> str | None:
    match = _SCHEME.match(url.lower())
    return match.group(1) if match else None


def _is_hub_path(url: str) -> bool:
    # "//host" and "/\host" are another site to a browser, not a path on this one.
    return url.startswith("/") and url[1:2] not in ("/", "\\")


def is_safe_link(value: str) -> bool:
    """Links may be http(s), mailto, a path on the hub ("/ur/stories/x") or a fragment."""
    url = _normalised_url(value)
    scheme = _url_scheme(url)
    if scheme is not None:
        return scheme in ALLOWED_PROTOCOLS
    return url.startswith("#") or _is_hub_path(url)


def is_safe_image_source(value: str) -> bool:
    """Images come from the hub's own media route or over https; never data: or http."""
    url = _normalised_url(value)
    if _url_scheme(url) == "https":
        return True
    # "/media/../x" would make the reader's browser request another hub URL.
    return url.startswith("/media/") and "\\" not in url and ".." not in unquote(url)


def _is_external_link(value: str) -> bool:
    return _url_scheme(_normalised_url(value)) in ("http", "https")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if (tag, name) == ("a", "href"):
        return is_safe_link(value)
    if (tag, name) == ("img", "src"):
        return is_safe_image_source(value)
    rule = _VALUE_RULES.get(name)
    return rule is None or rule.fullmatch(value) is not None


_cleaners = threading.local()  # bleach's Cleaner keeps parser state: one per thread


def _cleaner():
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        import bleach
        from bleach.html5lib_shim import Filter

        class _LinkPolicy(Filter):
            """Runs after the sanitiser: marks external links, makes images lazy."""

            def __iter__(self):
                in_dead_link = False
                for token in super().__iter__():
                    kind, name = token["type"], token.get("name")
                    if kind == "EndTag" and name == "a" and in_dead_link:
                        in_dead_link = False
                        continue
                    if kind in ("StartTag", "EmptyTag") and name in ("a", "img"):
                        attrs = dict(token.get("data") or {})
                        if name == "a":
                            # A link whose target was refused becomes its text.
                            href = attrs.get((None, "href"))
                            if href is None:
                                in_dead_link = True
                                continue
                            attrs.pop((None, "rel"), None)
                            if _is_external_link(href):
                                attrs[(None, "rel")] = EXTERNAL_LINK_REL
                        else:
                            # An image whose source was refused becomes its alt text.
                            if (None, "src") not in attrs:
                                alt = attrs.get((None, "alt"), "")
                                yield {"type": "Characters", "data": alt}
                                continue
                            attrs.setdefault((None, "loading"), "lazy")
                        token["data"] = attrs
                    yield token

        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allow_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_LinkPolicy],
        )
        _cleaners.cleaner = cleaner
    return cleaner


def sanitize_html(fragment: str) -> str:
    """Reduce any HTML fragment to the allowlist. The last step of every render."""
    return _cleaner().clean(fragment)
