"""Reach pieces that need no server: the bot filter, the share targets, who sees whose
figures, the buffer's bounds when the database is away, and chart arithmetic."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from content.errors import NotAllowed
from content.models import SHARE_NETWORKS, User, UserRole
from content.services import reach as reach_services
from content.services.reach import ReachFilter
from content.workflow import reach_scope
from hub.editorial.reach import _anchor, nice_max
from hub.public.share import SHARE_TARGETS, share_target
from hub.reach import ReachBuffer, is_bot

BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
    "Bytespider; spider-feedback@bytedance.com)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "WhatsApp/2.23.20.0 A",
    "WhatsApp/2.2407.3 i",
    "Twitterbot/1.0",
    "TelegramBot (like TwitterBot)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
    "Mozilla/5.0 (compatible; GPTBot/1.0; +https://openai.com/gptbot)",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Python-urllib/3.11",
    "python-httpx/0.27.0",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
    "Werkzeug/3.0.1",
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)",
    "",
    "   ",
    None,
]

PEOPLE = [
    # Chrome on an Android phone, Safari on an iPhone, Firefox, Edge, Samsung Internet.
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
    "Mozilla/5.0 (Linux; Android 12; SAMSUNG SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    # A Cubot phone: "bot" in the model name is not a robot.
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36",
    # In-app browsers are people reading: Telegram's and Facebook's.
    "Mozilla/5.0 (Linux; Android 13; Infinix X6831) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.6312.118 Mobile Safari/537.36 Telegram-Android/10.11.1 (Infinix X6831; "
    "Android 13; SDK 33; AVERAGE)",
    "Mozilla/5.0 (Linux; Android 12; TECNO KH7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/455.0.0.44.88;]",
    "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16",
]


@pytest.mark.parametrize("agent", BOTS)
def test_bots_previews_and_scripts_are_not_readers(agent):
    assert is_bot(agent)


@pytest.mark.parametrize("agent", PEOPLE)
def test_browsers_are_readers(agent):
    assert not is_bot(agent)


# --- share targets -------------------------------------------------------------------------


def test_every_network_has_a_fixed_target():
    assert set(SHARE_TARGETS) == set(SHARE_NETWORKS)
    hosts = {urlsplit(t).scheme + ":" + urlsplit(t).netloc for t in SHARE_TARGETS.values()}
    assert hosts == {
        "https:wa.me",
        "https:www.facebook.com",
        "https:twitter.com",
        "https:t.me",
        "mailto:",
    }


@pytest.mark.parametrize("network", SHARE_NETWORKS)
def test_titles_cannot_break_out_of_their_parameter(network):
    title = "امن & دوستی? #1 + a=b"
    url = "https://hub.example.org/ur/stories/%D8%A7%D9%85%D9%86?x=1&y=2"
    target = share_target(network, title, url)
    parts = urlsplit(target)
    assert parts.fragment == ""  # "#" in the title stayed inside it
    params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    expected = {
        "whatsapp": {"text": f"{title} {url}"},
        "facebook": {"u": url},
        "x": {"text": title, "url": url},
        "telegram": {"url": url, "text": title},
        "email": {"subject": title, "body": url},
    }[network]
    assert params == expected


# --- who sees whose figures ----------------------------------------------------------------


def user(*roles, org=None, active=True) -> User:
    return User(is_active=active, organisation_id=org, role_rows=[UserRole(role=r) for r in roles])


def test_reach_scope_by_role():
    assert reach_scope(user("editor")) is None
    assert reach_scope(user("admin", org=3)) is None
    assert reach_scope(user("contributor", org=3)) == 3
    assert reach_scope(user("translator", org=4)) == 4
    assert reach_scope(user("contributor", "editor", org=3)) is None
    for nobody in (None, user("translator"), user("contributor", org=3, active=False)):
        with pytest.raises(NotAllowed):
            reach_scope(nobody)


# --- the buffer when the database is away ----------------------------------------------------


class _DownSession:
    """A session whose database does not answer."""

    def execute(self, *args, **kwargs):
        raise ConnectionError("database unreachable")

    scalars = scalar = execute

    def rollback(self):
        pass

    def close(self):
        pass


def test_a_failed_flush_keeps_counts_within_the_bound():
    buffer = ReachBuffer(_DownSession, interval=0, enabled_languages=("en",), max_pending=3)
    for tid in (1, 2, 3, 4):  # the fourth key does not fit
        buffer.add(reach_services.VIEW, tid)
    buffer.add(reach_services.VIEW, 1)  # an existing key still counts
    assert len(buffer.pending) == 3 and sum(buffer.pending.values()) == 4
    assert buffer.flush() == 0 and buffer.flushes == 0
    assert sum(buffer.pending.values()) == 4  # kept for the next try


def test_period_days_include_both_ends():
    f = ReachFilter(start=date(2024, 2, 27), end=date(2024, 3, 1))
    assert f.days == [date(2024, 2, 27), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]


# --- chart arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "top"), [(0, 4), (3, 4), (5, 8), (61, 80), (100, 200), (1234, 2000), (40, 40)]
)
def test_nice_max_is_round_and_covers_the_value(value, top):
    assert nice_max(value) == top and top >= value and top % 4 == 0


def test_text_anchors_follow_the_texts_direction():
    # Text whose left edge sits at x: "start" in left-to-right, "end" in right-to-left.
    assert _anchor("left", rtl=False) == "start" and _anchor("left", rtl=True) == "end"
    assert _anchor("right", rtl=False) == "end" and _anchor("right", rtl=True) == "start"
    assert _anchor("middle", rtl=True) == "middle"
