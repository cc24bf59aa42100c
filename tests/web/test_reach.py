"""Reach from the public's side and the dashboard's: views, shares and downloads counted once
per real reader (never bots, HEAD, prefetches or signed-in staff), the share redirect, the
batched writer, and the dashboard and its CSV export agreeing and keeping to each
organisation's own figures."""

from __future__ import annotations

import csv
import io
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from sqlalchemy import event, func, select

from content.models import (
    SHARE_NETWORKS,
    MediaAsset,
    ReachDownload,
    ReachShare,
    ReachView,
    Translation,
)
from content.services import reach as reach_services
from hub import create_app
from hub.extensions import db as hub_db
from tests.conftest import Browser
from tests.web.test_media import upload

CHROME = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
SVG_NS = "{http://www.w3.org/2000/svg}"


def reader(app):
    """A signed-out visitor with a phone's browser."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    return client


def staff_reader(app, user) -> Browser:
    """A signed-in user with the same browser (signed in with it: sessions are tied to it)."""
    browser = Browser(reader(app))
    browser.login(user.email)
    return browser


def views_of(session, translation_id: int) -> int:
    session.rollback()
    session.expire_all()
    return session.scalar(
        select(func.coalesce(func.sum(ReachView.count), 0)).where(
            ReachView.translation_id == translation_id
        )
    )


def shares_of(session, translation_id: int) -> dict[str, int]:
    session.rollback()
    rows = session.execute(
        select(ReachShare.network, ReachShare.count).where(
            ReachShare.translation_id == translation_id
        )
    )
    return dict(rows.all())


def downloads_of(session, asset_id: int) -> int:
    session.rollback()
    return session.scalar(
        select(func.coalesce(func.sum(ReachDownload.count), 0)).where(
            ReachDownload.asset_id == asset_id
        )
    )


def today() -> date:
    return datetime.now(UTC).date()


# --- views -------------------------------------------------------------------------------------


def test_each_story_view_counts_once_on_todays_row(app, session, make_story):
    t = make_story(state="published", title="Youth dialogue in Sukkur")
    client = reader(app)
    for _ in range(2):
        assert client.get(f"/en/stories/{t.slug}").status_code == 200
    assert views_of(session, t.id) == 2
    (row,) = session.scalars(select(ReachView).where(ReachView.translation_id == t.id)).all()
    assert row.day == today() and row.count == 2


def test_head_bots_prefetch_and_signed_in_staff_are_not_counted(
    app, session, make_story, make_user, browser_as
):
    author = make_user("contributor")
    t = make_story(author, state="published", title="Neighbours listening")
    url = f"/en/stories/{t.slug}"
    client = reader(app)
    assert client.head(url).status_code == 200
    assert client.get(url, headers={"Sec-Purpose": "prefetch"}).status_code == 200
    for agent in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "WhatsApp/2.23.20.0 A",
        "TelegramBot (like TwitterBot)",
        "Twitterbot/1.0",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/124.0.0.0",
        "",
    ):
        response = client.get(url, headers={"User-Agent": agent})
        assert response.status_code == 200, agent
    assert staff_reader(app, author).get(url).status_code == 200
    assert views_of(session, t.id) == 0
    # The same page by a reader does count: nothing above was refused for another reason.
    assert client.get(url).status_code == 200
    assert views_of(session, t.id) == 1


def test_cached_pages_and_revalidations_count_too(app, session, make_story):
    """The page cache answers the second request and the browser's conditional one gets a
    304: both are readers' views all the same."""
    t = make_story(state="published", title="Peace club")
    client = reader(app)
    first = client.get(f"/en/stories/{t.slug}")
    assert first.status_code == 200 and first.headers.get("ETag")
    assert client.get(f"/en/stories/{t.slug}").status_code == 200
    again = client.get(f"/en/stories/{t.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert views_of(session, t.id) == 3


def test_not_modified_answers_count_and_errors_do_not(app, session, make_story):
    """A 304 (the browser revalidating its copy) is a view; a 404 or 500 is not."""
    from hub.reach import buffer_of, count_response

    t = make_story(state="published")
    buffer = buffer_of(app)
    url = f"/en/stories/{t.slug}"
    for status, counted in ((304, 1), (404, 0), (500, 0), (200, 1)):
        with app.test_request_context(url, headers={"User-Agent": CHROME}):
            app.preprocess_request()
            count_response(buffer, app.response_class(status=status))
        assert sum(buffer.pending.values()) == counted, status
        buffer.flush()
    assert views_of(session, t.id) == 2


def test_fallback_page_counts_the_translation_it_shows(app, session, make_story):
    t = make_story(state="published", lang="en", title="Tolerance week")
    client = reader(app)
    # No Urdu text: /ur/s/<id> shows the English one.
    assert client.get(f"/ur/s/{t.story_id}").status_code == 200
    # In English it redirects to the story's own page, which is the view.
    response = client.get(f"/en/s/{t.story_id}")
    assert response.status_code == 302
    assert views_of(session, t.id) == 1
    assert client.get(response.headers["Location"]).status_code == 200
    assert views_of(session, t.id) == 2


# --- sharing ------------------------------------------------------------------------------------

URDU_TITLE = "امن اور مکالمہ: نوجوان & پڑوسی؟ #امن"


def _params(location: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(location)
    return (
        f"{parts.scheme}:{'//' + parts.netloc if parts.netloc else ''}{parts.path}",
        {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
    )


@pytest.mark.parametrize("network", SHARE_NETWORKS)
def test_share_redirects_to_the_network_with_title_and_address(app, session, make_story, network):
    t = make_story(state="published", lang="ur", title=URDU_TITLE)
    story_url = f"http://localhost/ur/stories/{quote(t.slug)}"  # as url_for writes it
    response = reader(app).get(f"/ur/share/{t.id}/{network}")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    location = response.headers["Location"]
    assert location.isascii() and " " not in location  # everything percent-encoded
    target, params = _params(location)
    expected = {
        "whatsapp": ("https://wa.me/", {"text": f"{URDU_TITLE} {story_url}"}),
        "facebook": ("https://www.facebook.com/sharer/sharer.php", {"u": story_url}),
        "x": ("https://twitter.com/intent/tweet", {"text": URDU_TITLE, "url": story_url}),
        "telegram": ("https://t.me/share/url", {"url": story_url, "text": URDU_TITLE}),
        "email": ("mailto:", {"subject": URDU_TITLE, "body": story_url}),
    }[network]
    assert (target, params) == expected
    if network == "email":  # mailto: wants %20 for spaces, never "+"
        assert "+" not in location and unquote(location.split("subject=")[1]).startswith("امن")
    assert shares_of(session, t.id) == {network: 1}


def test_share_uses_the_configured_public_address(app_config, session, make_story):
    app = create_app({**app_config, "HUB_BASE_URL": "https://hub.example.org/"})
    try:
        t = make_story(state="published", title="Dialogue circle")
        response = reader(app).get(
            f"/en/share/{t.id}/facebook", headers={"Host": "attacker.example"}
        )
        _target, params = _params(response.headers["Location"])
        assert params["u"] == f"https://hub.example.org/en/stories/{t.slug}"
    finally:
        hub_db.dispose(app)


def test_share_refuses_unknown_networks_drafts_and_foreign_targets(app, session, make_story):
    live = make_story(state="published", title="Community garden")
    draft = make_story(state="draft", title="Not yet public")
    client = reader(app)
    assert client.get(f"/en/share/{live.id}/myspace").status_code == 404
    assert client.get(f"/en/share/{live.id}/https:").status_code == 404
    assert client.get(f"/en/share/{draft.id}/whatsapp").status_code == 404
    assert client.get("/en/share/987654/whatsapp").status_code == 404
    assert client.get(f"/xx/share/{live.id}/whatsapp").status_code == 404
    # Nothing in the request chooses where it goes.
    response = client.get(
        f"/en/share/{live.id}/facebook?u=https://evil.example&next=https://evil.example",
        headers={"Referer": "https://evil.example/"},
    )
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
    assert shares_of(session, live.id) == {"facebook": 1}
    assert shares_of(session, draft.id) == {}


def test_share_by_a_bot_or_signed_in_user_redirects_without_counting(
    app, session, make_story, make_user, browser_as
):
    author = make_user("contributor")
    t = make_story(author, state="published")
    bot = app.test_client()
    response = bot.get(f"/en/share/{t.id}/telegram", headers={"User-Agent": "Slackbot 1.0"})
    assert response.status_code == 302
    assert staff_reader(app, author).get(f"/en/share/{t.id}/telegram").status_code == 302
    assert shares_of(session, t.id) == {}


# --- downloads ------------------------------------------------------------------------------------


def _publish(app, make_user, browser_as, t) -> None:
    ed = browser_as(make_user("editor", all_languages=True))
    token = ed.token(f"/editorial/t/{t.id}")
    response = ed.client.post(
        f"/editorial/t/{t.id}/action",
        data={"csrf_token": token, "action": "publish", "version": str(t.version)},
    )
    assert response.status_code in (302, 303)


def test_public_file_downloads_and_campaign_kits_are_counted(
    app, session, make_user, make_story, browser_as
):
    from content.services import campaigns as campaign_services

    editor = make_user("editor", all_languages=True)
    campaign = campaign_services.create_campaign(
        session, actor=editor, slug="peace-week", lang="en", title="Peace week"
    )
    author = make_user("contributor")
    t = make_story(author, state="approved", campaign_id=campaign.id)
    b = browser_as(author)
    assert upload(b, t.story_id, b"%PDF-1.4\n" + b"p" * 2000, name="toolkit.pdf").status_code == 200
    session.rollback()
    (pdf,) = session.scalars(select(MediaAsset)).all()
    # The author fetching the file while it is a draft is not a download by the public.
    assert b.get(f"/media/{pdf.id}/file").status_code == 200
    _publish(app, make_user, browser_as, t)

    client = reader(app)
    assert client.get(f"/media/{pdf.id}/file").status_code == 200
    assert client.head(f"/media/{pdf.id}/file").status_code == 200
    # A page's own player fetching the file (in ranges) is reading, not downloading.
    client.get(f"/media/{pdf.id}/file", headers={"Range": "bytes=0-"})
    client.get(f"/media/{pdf.id}/file", headers={"Sec-Fetch-Dest": "video"})
    assert client.get(f"/media/{pdf.id}/no-such-rendition").status_code == 404
    assert downloads_of(session, pdf.id) == 1

    kit = client.get("/en/campaigns/peace-week/kit.zip")
    assert kit.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(kit.get_data())).namelist()) == 1
    assert downloads_of(session, pdf.id) == 2


def test_image_renditions_on_a_page_are_not_downloads(
    app, session, make_user, make_story, browser_as
):
    from tests.unit.media.test_images import photo_with_metadata

    author = make_user("contributor")
    t = make_story(author, state="approved")
    b = browser_as(author)
    assert upload(b, t.story_id, photo_with_metadata(), name="circle.jpg").status_code == 200
    session.rollback()
    (photo,) = session.scalars(select(MediaAsset)).all()
    client = reader(app)
    for name in photo.renditions:
        client.get(f"/media/{photo.id}/{name}")
    assert client.get(f"/media/{photo.id}/file").status_code == 404
    assert downloads_of(session, photo.id) == 0


# --- the batched writer ------------------------------------------------------------------------


@pytest.fixture
def buffered_app(app_config):
    app = create_app({**app_config, "HUB_REACH_FLUSH_SECONDS": 3600})
    yield app
    app.extensions["hub.reach"].stop()
    app.extensions["hub.search"].wait(30)
    hub_db.dispose(app)


def test_buffered_counts_wait_for_one_flush(buffered_app, session, make_story):
    app = buffered_app
    a = make_story(state="published", title="Sports for peace")
    b = make_story(state="published", lang="ur", title="کھیل اور امن")
    client = reader(app)
    for _ in range(3):
        client.get(f"/en/stories/{a.slug}")
    client.get(f"/ur/stories/{b.slug}")
    client.get(f"/ur/share/{b.id}/whatsapp")
    client.get(f"/ur/share/{b.id}/whatsapp")
    buffer = app.extensions["hub.reach"]
    assert sum(buffer.pending.values()) == 6 and len(buffer.pending) == 3
    assert views_of(session, a.id) == 0  # nothing written yet

    statements, commits = [], []
    engine = app.extensions["hub.engine"]

    def seen(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    def committed(conn):
        commits.append(conn)

    event.listen(engine, "before_cursor_execute", seen)
    event.listen(engine, "commit", committed)
    try:
        assert buffer.flush() == 3  # three rows: two views, one share
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        event.remove(engine, "commit", committed)
    assert buffer.flushes == 1 and buffer.pending == {}
    # One transaction, one upsert statement per table (the rows go as one executemany).
    assert len(commits) == 1 and statements.count("INSERT") == 2
    assert views_of(session, a.id) == 3 and views_of(session, b.id) == 1
    assert shares_of(session, b.id) == {"whatsapp": 2}
    assert buffer.flush() == 0 and buffer.flushes == 1  # nothing pending: no transaction


def test_the_background_thread_writes_without_another_request(app_config, session, make_story):
    app = create_app({**app_config, "HUB_REACH_FLUSH_SECONDS": 0.2})
    try:
        t = make_story(state="published", title="Evening of poetry for peace")
        reader(app).get(f"/en/stories/{t.slug}")
        deadline = time.monotonic() + 10
        while views_of(session, t.id) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert views_of(session, t.id) == 1
        assert app.extensions["hub.reach"].pending == {}
    finally:
        app.extensions["hub.reach"].stop()
        app.extensions["hub.search"].wait(30)
        hub_db.dispose(app)


def test_a_failed_flush_keeps_the_counts_for_the_next(
    buffered_app, session, make_story, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    app = buffered_app
    t = make_story(state="published")
    reader(app).get(f"/en/stories/{t.slug}")
    buffer = app.extensions["hub.reach"]
    real = reach_services.write_counts

    def locked(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(reach_services, "write_counts", locked)
    assert buffer.flush() == 0
    assert sum(buffer.pending.values()) == 1
    monkeypatch.setattr(reach_services, "write_counts", real)
    assert buffer.flush() == 1
    assert views_of(session, t.id) == 1


def test_counts_for_deleted_content_do_not_break_the_batch(app, session, make_story):
    t = make_story(state="published")
    buffer = app.extensions["hub.reach"]
    buffer.add(reach_services.VIEW, 987654)
    buffer.add(reach_services.VIEW_SLUG, ("en", "no-such-story"))
    buffer.add(reach_services.SHARE, 987654, "x")
    buffer.add(reach_services.DOWNLOAD, 987654)
    buffer.add(reach_services.VIEW, t.id)
    assert buffer.flush() == 1
    assert buffer.pending == {}
    assert views_of(session, t.id) == 1


def test_upsert_adds_to_existing_rows(session, make_story):
    """On SQLite and PostgreSQL alike (the fixture runs both): count = count + excluded."""
    t = make_story(state="published")
    day = date(2026, 3, 1)
    batch = {
        (reach_services.VIEW, t.id, day, None): 5,
        (reach_services.SHARE, t.id, day, "email"): 2,
    }
    reach_services.write_counts(session, batch)
    result = reach_services.write_counts(session, batch)
    assert (result.views, result.shares, result.dropped) == (1, 1, 0)
    assert session.scalar(select(ReachView.count).where(ReachView.translation_id == t.id)) == 10
    assert shares_of(session, t.id) == {"email": 4}


# --- the dashboard and the export --------------------------------------------------------------


@pytest.fixture
def figures(session, make_org, make_user, make_story):
    """Two organisations' stories with views, shares and downloads on known days."""
    from content.services import campaigns as campaign_services

    editor = make_user("editor", all_languages=True)
    campaign = campaign_services.create_campaign(
        session, actor=editor, slug="youth-voices", lang="en", title="Youth voices"
    )
    org_a, org_b = make_org(name="Amn Welfare Society"), make_org(name="Bridges Forum")
    a_en = make_story(
        make_user("contributor", org=org_a),
        state="published",
        title="Cricket for peace",
        region="sindh",
        campaign_id=campaign.id,
    )
    a_ur = make_story(
        make_user("contributor", org=org_a),
        state="published",
        lang="ur",
        title="مکالمے کا دائرہ",
        region="punjab",
    )
    b_en = make_story(
        make_user("contributor", org=org_b), state="published", title="Bridges between valleys"
    )
    asset = MediaAsset(
        story_id=a_en.story_id,
        kind="document",
        status="ready",
        filename="guide.pdf",
        mime="application/pdf",
        key="x/guide.pdf",
        size=10,
        renditions={},
        uploaded_by_id=editor.id,
    )
    session.add(asset)
    session.commit()
    d1, d2 = date(2026, 2, 10), date(2026, 2, 11)
    batch = {
        (reach_services.VIEW, a_en.id, d1, None): 7,
        (reach_services.VIEW, a_en.id, d2, None): 3,
        (reach_services.VIEW, a_ur.id, d2, None): 11,
        (reach_services.VIEW, b_en.id, d1, None): 40,
        (reach_services.SHARE, a_en.id, d1, "whatsapp"): 4,
        (reach_services.SHARE, a_ur.id, d2, "facebook"): 2,
        (reach_services.SHARE, b_en.id, d2, "x"): 9,
        (reach_services.DOWNLOAD, asset.id, d2, None): 5,
        # Outside the period asked for below: must not appear.
        (reach_services.VIEW, a_en.id, date(2026, 1, 1), None): 1000,
    }
    reach_services.write_counts(session, batch)
    return {
        "org_a": org_a,
        "org_b": org_b,
        "a_en": a_en,
        "a_ur": a_ur,
        "b_en": b_en,
        "campaign": campaign,
        "editor": editor,
    }


PERIOD = "start=2026-02-01&end=2026-02-28"


def page_totals(html: str) -> dict[str, int | None]:
    found = re.findall(r'data-total="([a-z-]+)" data-value="(\d*)"', html)
    assert found, "no totals on the page"
    return {name: int(value) if value else None for name, value in found}


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/csv")
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="reach-[0-9-]+\.csv"', disposition)
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def csv_totals(rows: list[dict]) -> dict[str, int]:
    totals = {
        "views": sum(int(r["Views"]) for r in rows),
        "shares": sum(int(r["Shares (all networks)"]) for r in rows),
        "downloads": sum(int(r["Downloads"]) for r in rows),
    }
    labels = {"whatsapp": "WhatsApp", "facebook": "Facebook", "x": "X", "telegram": "Telegram"}
    labels["email"] = "E-mail"
    for code, name in labels.items():
        totals[f"shares-{code}"] = sum(int(r[f"Shares: {name}"]) for r in rows)
    return totals


@pytest.mark.parametrize(
    "extra",
    ["", "&language=ur", "&region=sindh", "&campaign={campaign}", "&organisation={org_b}"],
)
def test_dashboard_and_csv_agree(browser_as, figures, extra):
    editor = browser_as(figures["editor"])
    query = PERIOD + extra.format(campaign=figures["campaign"].id, org_b=figures["org_b"].id)
    html = editor.get(f"/editorial/reach?{query}").get_data(as_text=True)
    totals = page_totals(html)
    rows = csv_rows(editor.get(f"/editorial/reach.csv?{query}"))
    from_csv = csv_totals(rows)
    if totals["downloads"] is None:  # narrowed to a language: files have none
        assert "&language=" in extra and from_csv["downloads"] == 0
        totals["downloads"] = 0
    assert totals == from_csv
    expected_views = {
        "": 61,
        "&language=ur": 11,
        "&region=sindh": 10,
        "&campaign={campaign}": 10,
        "&organisation={org_b}": 40,
    }[extra]
    assert totals["views"] == expected_views


def test_csv_rows_name_the_story_language_and_day(browser_as, figures):
    editor = browser_as(figures["editor"])
    rows = csv_rows(editor.get(f"/editorial/reach.csv?{PERIOD}"))
    urdu = next(r for r in rows if r["Language code"] == "ur")
    assert urdu["Title"] == "مکالمے کا دائرہ" and urdu["Day (UTC)"] == "2026-02-11"
    assert urdu["Organisation"] == "Amn Welfare Society" and urdu["Region"] == "Punjab"
    assert (urdu["Views"], urdu["Shares: Facebook"]) == ("11", "2")
    files = next(r for r in rows if r["Language code"] == "")
    assert files["Downloads"] == "5" and files["Title"] == "Cricket for peace"
    assert files["Campaign"] == "Youth voices"
    keys = [(r["Day (UTC)"], r["Story number"], r["Language code"]) for r in rows]
    assert len(keys) == len(set(keys)) == 6  # one row per (day, story, language)


def test_contributors_see_only_their_own_organisation(browser_as, make_user, figures):
    member = make_user("contributor", org=figures["org_a"])
    b = browser_as(member)
    # Asking for the other organisation changes nothing: the scope is applied in SQL.
    for query in (PERIOD, f"{PERIOD}&organisation={figures['org_b'].id}"):
        response = b.get(f"/editorial/reach?{query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Bridges between valleys" not in html and "Bridges Forum" not in html
        assert "Cricket for peace" in html
        assert page_totals(html)["views"] == 21 and page_totals(html)["shares-x"] == 0
        rows = csv_rows(b.get(f"/editorial/reach.csv?{query}"))
        assert {r["Organisation"] for r in rows} == {"Amn Welfare Society"}
        assert csv_totals(rows)["views"] == 21
    assert 'name="organisation"' not in html  # no organisation filter for them
    # The other organisation's story cannot be chosen either.
    html = b.get(f"/editorial/reach?{PERIOD}&story={figures['b_en'].story_id}").get_data(
        as_text=True
    )
    assert "This choice is not in the list" in html and "data-total" not in html


def test_translator_without_organisation_gets_a_message(browser_as, make_user, figures):
    b = browser_as(make_user("translator"))
    html = b.get("/editorial/reach").get_data(as_text=True)
    assert "not linked to an organisation" in html and "data-total" not in html
    assert b.get("/editorial/reach.csv").status_code == 302


def test_signed_out_visitors_are_sent_to_sign_in(app):
    response = app.test_client().get("/editorial/reach.csv")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def _svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    return [ET.fromstring(svg) for svg in found]  # noqa: S314 - markup the hub just wrote


@pytest.mark.parametrize("code", ["en", "ur"])
def test_charts_are_well_formed_accessible_svg(browser_as, make_user, figures, code):
    admin = make_user("admin", all_languages=True, preferred_language=code)
    html = browser_as(admin).get(f"/editorial/reach?{PERIOD}").get_data(as_text=True)
    charts = _svgs(html)
    assert len(charts) == 6  # per day, and by language, story, campaign, organisation, region
    for svg in charts:
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG_NS}title")
        assert title is not None and title.text.strip()
        assert svg.get("aria-labelledby") == title.get("id")
    by_story = charts[2]
    bars = by_story.findall(f"{SVG_NS}rect")
    assert len(bars) == 3
    width = float(by_story.get("viewBox").split()[2])
    axis = float(by_story.find(f"{SVG_NS}line").get("x1"))
    top = max(bars, key=lambda r: float(r.get("width")))  # 40 views: the longest bar
    start, end = float(top.get("x")), float(top.get("x")) + float(top.get("width"))
    if code == "ur":  # bars grow from the right, where an Urdu reader starts
        assert abs(end - axis) < 0.2 and axis > width / 2
    else:
        assert abs(start - axis) < 0.2 and axis < width / 2
    labels = [t.text for t in by_story.findall(f"{SVG_NS}text")]
    assert "Bridges between valleys" in labels and "40" in labels


def test_period_presets_bad_dates_and_long_periods(browser_as, figures):
    editor = browser_as(figures["editor"])
    html = editor.get("/editorial/reach").get_data(as_text=True)
    start = (today() - timedelta(days=29)).isoformat()
    assert f'value="{start}"' in html and f'value="{today().isoformat()}"' in html
    assert "Last 7 days" in html and "Last 90 days" in html

    response = editor.get("/editorial/reach?start=2026-13-45&end=yesterday")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("Enter a date as year-month-day") == 2 and "data-total" not in html

    html = editor.get("/editorial/reach?end=0001-01-05").get_data(as_text=True)
    assert "Enter a date between" in html and "data-total" not in html

    html = editor.get("/editorial/reach?start=2026-03-01&end=2026-02-01").get_data(as_text=True)
    assert "before its start" in html and "data-total" not in html

    html = editor.get("/editorial/reach?start=2016-01-01&end=2026-02-28").get_data(as_text=True)
    assert "at most three years" in html and 'value="2023-03-01"' in html
    assert page_totals(html)["views"] == 1061  # the January row is inside the three years

    bad = editor.get("/editorial/reach.csv?start=nonsense")
    assert bad.status_code == 302 and "/editorial/reach?start=nonsense" in bad.headers["Location"]


def test_csv_cells_cannot_run_as_spreadsheet_formulas(session, browser_as, make_user, make_story):
    t = make_story(state="published", title='=HYPERLINK("http://evil.example","peace")')
    day = date(2026, 2, 5)
    reach_services.write_counts(session, {(reach_services.VIEW, t.id, day, None): 1})
    editor = browser_as(make_user("editor", all_languages=True))
    (row,) = csv_rows(editor.get(f"/editorial/reach.csv?{PERIOD}"))
    assert row["Title"].startswith("'=HYPERLINK")


def test_live_views_appear_on_the_dashboard(app, session, browser_as, make_user, make_story):
    t = make_story(state="published", title="Interfaith football match")
    client = reader(app)
    client.get(f"/en/stories/{t.slug}")
    client.get(f"/en/share/{t.id}/whatsapp")
    editor = browser_as(make_user("editor", all_languages=True))
    html = editor.get("/editorial/reach").get_data(as_text=True)
    totals = page_totals(html)
    assert totals["views"] == 1 and totals["shares-whatsapp"] == 1
    assert "Interfaith football match" in html
    assert session.scalar(select(func.count()).select_from(Translation)) >= 1
