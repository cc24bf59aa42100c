"""The core issue's steps, done as the people who do them, through real forms with CSRF."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import func, select

from content import services
from content.models import AuditEvent, Notification, Revision, Translation, utcnow
from content.services.stories import CHECKLIST
from tests.conftest import csrf_token_in


def _t(session, translation_id) -> Translation:
    session.rollback()  # end the test's read snapshot: see what requests committed
    session.expire_all()
    return session.get(Translation, translation_id)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.script_bodies.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_bodies[-1] += data


def _is_own_script(attrs: dict) -> bool:
    """The page's own scripts: a file of ours under /static/js/, or the JSON-LD data block."""
    src = attrs.get("src") or ""
    if src:
        return src.startswith("/static/js/") and attrs.get("type") in (None, "module")
    return attrs.get("type") == "application/ld+json"


def assert_safe_html(html: str) -> None:
    """No active content: no script but the page's own (a /static/js/ file, the JSON-LD
    data block), no iframe/svg/style elements, no event handlers, no javascript: or data:
    URLs. (Escaped text that merely mentions them is harmless.)"""
    import json

    parser = _Tags()
    parser.feed(html)
    scripts = iter(parser.script_bodies)
    for tag, attrs in parser.tags:
        if tag == "script":
            body = next(scripts)
            assert _is_own_script(attrs), attrs
            if attrs.get("src"):
                assert not body.strip(), body
            else:
                json.loads(body)  # data only: the text cannot have broken out of it
            continue
        assert tag not in {"iframe", "svg", "style", "object", "embed", "math"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "srcdoc"}, (tag, name)
            if name in {"href", "src", "action", "formaction"}:
                scheme = (value or "").strip().lower().replace("\t", "").split(":", 1)[0]
                assert scheme not in {"javascript", "data", "vbscript"}, (tag, value)


def _act(browser, t_id, action, **fields):
    page = browser.get(f"/editorial/t/{t_id}")
    html = page.get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html)
    data = {"action": action, "version": version.group(1) if version else "", **fields}
    return browser.submit(f"/editorial/t/{t_id}", data, action=f"/editorial/t/{t_id}/action")


STORY_FORM = {
    "source_language": "ur",
    "kind": "story",
    "region": "sindh",
    "byline_mode": "named",
    "campaign": "",
    "themes": ["youth", "dialogue"],
    "title": "نوجوانوں کا مکالمہ",
    "summary": "طلبہ نے احترام سے بات کرنا سیکھا۔",
    "body": "پہلا پیراگراف۔\n\n## امن\n\nدوسرا پیراگراف **اہم** ہے۔",
}


def test_contributor_writes_submits_editor_reviews_and_publishes(
    session, make_user, make_org, browser_as, outbox
):
    org = make_org()
    author = make_user("contributor", org=org, name="Youth Writer")
    editor = make_user("editor", languages=("ur",), name="Urdu Reviewer")
    other_editor = make_user("editor", languages=("sd",))
    writer = browser_as(author)

    # 3. Write a story: each save is a revision.
    response = writer.submit("/editorial/stories/new", STORY_FORM)
    assert response.status_code == 303
    t_id = int(response.headers["Location"].rsplit("/", 1)[1])
    t = _t(session, t_id)
    assert t.state == "draft" and t.lang == "ur" and t.story.themes == ["youth", "dialogue"]
    assert "<strong>اہم</strong>" in t.latest_revision.body_html

    edit = writer.submit(
        f"/editorial/t/{t_id}/edit",
        {
            "title": STORY_FORM["title"],
            "summary": STORY_FORM["summary"],
            "body": STORY_FORM["body"] + "\n\nتیسرا پیراگراف۔",
            "base_revision_id": str(t.latest_revision_id),
        },
    )
    assert edit.status_code == 303
    assert session.scalar(select(func.count(Revision.id)).where(Revision.translation_id == t_id))
    assert _t(session, t_id).latest_revision.number == 2

    # Submit: editors of Urdu hear about it, the Sindhi editor does not.
    assert _act(writer, t_id, "submit").status_code == 303
    assert _t(session, t_id).state == "in_review"
    notified = {n.user_id for n in session.scalars(select(Notification))}
    assert editor.id in notified and other_editor.id not in notified
    assert any(editor.email == m["To"] for m in outbox)

    # 4. The editor sees the queue, comments, requests changes.
    reviewer = browser_as(editor)
    queue = reviewer.get("/editorial/review?lang=ur").get_data(as_text=True)
    assert STORY_FORM["title"] in queue
    reviewer.submit(
        f"/editorial/t/{t_id}",
        {"body": "براہ کرم جگہ کا نام ہٹا دیں۔"},
        action=f"/editorial/t/{t_id}/comments",
    )
    _act(reviewer, t_id, "request_changes", note="نام ہٹا دیں")
    assert _t(session, t_id).state == "changes_requested"
    page = writer.get(f"/editorial/t/{t_id}").get_data(as_text=True)
    assert "براہ کرم جگہ کا نام ہٹا دیں۔" in page and "Changes requested" in page
    author_kinds = {
        n.kind
        for n in session.scalars(select(Notification).where(Notification.user_id == author.id))
    }
    assert {"commented", "changes_requested"} <= author_kinds

    # Answer and resubmit; approving needs the whole checklist.
    t = _t(session, t_id)
    writer.submit(
        f"/editorial/t/{t_id}/edit",
        {
            "title": t.latest_revision.title,
            "summary": "",
            "body": "نیا متن۔",
            "base_revision_id": str(t.latest_revision_id),
        },
    )
    _act(writer, t_id, "submit")
    incomplete = _act(reviewer, t_id, "approve", checklist=list(CHECKLIST[:2]))
    assert incomplete.status_code == 303
    assert _t(session, t_id).state == "in_review"
    assert "safeguarding checklist" in reviewer.get(f"/editorial/t/{t_id}").get_data(as_text=True)
    _act(reviewer, t_id, "approve", checklist=list(CHECKLIST))
    assert _t(session, t_id).state == "approved"
    _act(reviewer, t_id, "publish")
    t = _t(session, t_id)
    assert t.state == "published" and t.is_live

    # 8. The public sees it, rendered and sanitised.
    anon = reviewer.client.application.test_client()
    story = anon.get(f"/ur/stories/{t.slug}")
    assert story.status_code == 200
    assert "نیا متن۔" in story.get_data(as_text=True)
    assert "Set-Cookie" not in story.headers
    assert t.slug.startswith("نوجوانوں")

    # 5. Editing a published story makes a draft; the public keeps the live revision.
    t = _t(session, t_id)
    writer.submit(
        f"/editorial/t/{t_id}/edit",
        {
            "title": t.latest_revision.title,
            "summary": "",
            "body": "بدلا ہوا متن۔",
            "base_revision_id": str(t.latest_revision_id),
        },
    )
    t = _t(session, t_id)
    assert t.state == "draft" and t.is_live and t.live_revision_id != t.latest_revision_id
    public_html = anon.get(f"/ur/stories/{t.slug}").get_data(as_text=True)
    assert "نیا متن۔" in public_html and "بدلا ہوا متن۔" not in public_html
    # The review screen shows the diff against the published revision.
    diff = reviewer.get(f"/editorial/t/{t_id}").get_data(as_text=True)
    assert "<ins>" in diff and "<del>" in diff

    # Unpublish and archive are reversible by an editor, and audited.
    _act(reviewer, t_id, "unpublish")
    assert anon.get(f"/ur/stories/{t.slug}").status_code == 404
    assert _t(session, t_id).state == "draft"  # the draft on top is kept
    _act(reviewer, t_id, "archive")
    assert _t(session, t_id).state == "archived"
    _act(reviewer, t_id, "restore")
    assert _t(session, t_id).state == "draft"
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    for expected in ("create", "submit", "request_changes", "approve", "publish", "unpublish"):
        assert expected in actions


def test_nobody_approves_their_own_revision(session, make_user, make_story, browser_as):
    editor = make_user("editor", languages=("en",))
    t = make_story(state="in_review")
    reviewer = browser_as(editor)
    page = reviewer.get(f"/editorial/t/{t.id}").get_data(as_text=True)
    reviewer.submit(
        f"/editorial/t/{t.id}/edit",
        {
            "title": t.latest_revision.title,
            "summary": "",
            "body": "An editor's fix.",
            "base_revision_id": str(t.latest_revision_id),
        },
    )
    assert _t(session, t.id).state == "in_review"
    response = _act(reviewer, t.id, "approve", checklist=list(CHECKLIST))
    assert response.status_code == 303
    assert _t(session, t.id).state == "in_review"
    page = reviewer.get(f"/editorial/t/{t.id}").get_data(as_text=True)
    assert "another editor must" in page


def test_schedule_then_publish_due(session, make_user, make_story, browser_as, runner):
    editor = make_user("editor", all_languages=True)
    t = make_story(state="approved")
    reviewer = browser_as(editor)
    past = _act(reviewer, t.id, "schedule", scheduled_at="2020-01-01T10:00")
    assert past.status_code == 303 and _t(session, t.id).state == "approved"
    _act(reviewer, t.id, "schedule", scheduled_at="2099-01-01T10:00")
    t = _t(session, t.id)
    assert t.state == "scheduled" and t.scheduled_at.year == 2099
    # Not due yet: nothing happens.
    assert services.publish_due(session) == []
    # Due: the CLI publishes it once, even when run twice.
    t.scheduled_at = utcnow() - timedelta(minutes=1)
    session.commit()
    first = runner.invoke(args=["hub", "publish-due"])
    second = runner.invoke(args=["hub", "publish-due"])
    assert first.exit_code == 0 and "Published translation" in first.output
    assert "Published translation" not in second.output
    assert _t(session, t.id).state == "published"
    publishes = session.scalars(
        select(AuditEvent).where(AuditEvent.object_id == t.id, AuditEvent.action == "publish")
    ).all()
    assert len(publishes) == 1 and publishes[0].actor_id is None


def test_double_publish_publishes_once(session, make_user, make_story, browser_as):
    editor_a = make_user("editor", all_languages=True)
    editor_b = make_user("editor", all_languages=True)
    t = make_story(state="approved")
    a, b = browser_as(editor_a), browser_as(editor_b)
    # Both pages were loaded before either clicked.
    token_a = a.token(f"/editorial/t/{t.id}")
    token_b = b.token(f"/editorial/t/{t.id}")
    version = str(_t(session, t.id).version)
    data = {"action": "publish", "version": version}
    r1 = a.client.post(f"/editorial/t/{t.id}/action", data={**data, "csrf_token": token_a})
    r2 = b.client.post(f"/editorial/t/{t.id}/action", data={**data, "csrf_token": token_a})
    r3 = b.client.post(f"/editorial/t/{t.id}/action", data={**data, "csrf_token": token_b})
    assert r1.status_code == 303 and r3.status_code == 303
    assert r2.status_code == 400  # another session's token is refused
    page = b.get(r3.headers["Location"]).get_data(as_text=True)
    assert "Nothing was done twice" in page
    publishes = session.scalars(
        select(AuditEvent).where(AuditEvent.object_id == t.id, AuditEvent.action == "publish")
    ).all()
    assert len(publishes) == 1
    from content.models import SearchOutbox

    rows = session.scalars(select(SearchOutbox).where(SearchOutbox.translation_id == t.id)).all()
    assert [r.op for r in rows] == ["upsert"]


def test_two_people_editing_get_a_conflict_not_an_overwrite(
    session, make_user, make_org, make_story, browser_as
):
    org = make_org()
    alice = make_user("contributor", org=org)
    bilal = make_user("contributor", org=org)
    t = make_story(alice, state="draft", body="Original text.")
    a, b = browser_as(alice), browser_as(bilal)
    form_a = a.get(f"/editorial/t/{t.id}/edit").get_data(as_text=True)
    form_b = b.get(f"/editorial/t/{t.id}/edit").get_data(as_text=True)
    base = re.search(r'name="base_revision_id" type="hidden" value="(\d+)"', form_a).group(1)
    title = t.latest_revision.title
    first = a.client.post(
        f"/editorial/t/{t.id}/edit",
        data={
            "csrf_token": csrf_token_in(form_a),
            "title": title,
            "summary": "",
            "body": "Alice's careful wording.",
            "base_revision_id": base,
        },
    )
    assert first.status_code == 303
    second = b.client.post(
        f"/editorial/t/{t.id}/edit",
        data={
            "csrf_token": csrf_token_in(form_b),
            "title": title,
            "summary": "",
            "body": "Bilal's different wording.",
            "base_revision_id": base,
        },
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "careful wording." in html  # theirs, shown
    assert "different wording." in html  # yours, kept in the form
    assert _t(session, t.id).latest_revision.body == "Alice's careful wording."
    # Saving again from the conflict page is a deliberate choice over the newer revision.
    newer = re.search(r'name="base_revision_id" type="hidden" value="(\d+)"', html).group(1)
    assert newer != base
    third = b.client.post(
        f"/editorial/t/{t.id}/edit",
        data={
            "csrf_token": csrf_token_in(html),
            "title": title,
            "summary": "",
            "body": "Merged wording.",
            "base_revision_id": newer,
        },
    )
    assert third.status_code == 303
    assert _t(session, t.id).latest_revision.body == "Merged wording."


def test_autosave_keeps_text_without_touching_revisions(session, make_user, make_story, browser_as):
    author = make_user("contributor")
    t = make_story(author, state="published", body="Live text.")
    writer = browser_as(author)
    token = writer.token(f"/editorial/t/{t.id}/edit")
    saved = writer.client.post(
        "/editorial/autosave",
        data={
            "csrf_token": token,
            "scope": f"translation:{t.id}",
            "title": "Unsaved title",
            "summary": "",
            "body": "Half-written paragraph",
            "base_revision_id": str(t.latest_revision_id),
        },
    )
    assert saved.status_code == 200 and saved.json == {"saved": True}
    t2 = _t(session, t.id)
    assert t2.latest_revision_id == t.latest_revision_id and t2.state == "published"
    # Reopening the editor (say, after the browser closed) offers the kept text.
    page = writer.get(f"/editorial/t/{t.id}/edit").get_data(as_text=True)
    assert "Half-written paragraph" in page and "Restore it into the form" in page
    # Nobody else sees it.
    other = browser_as(make_user("editor", all_languages=True))
    assert "Half-written paragraph" not in other.get(f"/editorial/t/{t.id}/edit").get_data(
        as_text=True
    )
    # GET never saves; an autosave without a token is refused.
    refused = writer.client.post("/editorial/autosave", data={"scope": "new-story", "body": "x"})
    assert refused.status_code == 400


def test_preview_uses_the_public_renderer_and_sanitises(make_user, browser_as):
    writer = browser_as(make_user("contributor"))
    token = writer.token("/editorial/stories/new")
    body = (
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)">\n\n{: onclick="alert(1)" }'
    )
    response = writer.client.post("/editorial/preview", data={"csrf_token": token, "body": body})
    html = response.json["html"]
    assert "<strong>bold</strong>" in html
    assert_safe_html(html)


def test_xss_never_reaches_the_public_page(session, make_user, make_story, app):
    body = (
        "<script>alert('x')</script>\n\n[click](javascript:alert(1))\n\n"
        '[c2](JaVaScRiPt:alert(1))\n\n<a href="data:text/html,<script>">d</a>\n\n'
        "<iframe src=https://example.org></iframe>\n\n"
        'Paragraph {: onmouseover="alert(1)" }\n\n<svg onload=alert(1)></svg>'
    )
    t = make_story(state="published", body=body)
    page = app.test_client().get(f"/en/stories/{t.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    body = html.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert "click" in body  # the text survives, the active parts do not
    assert_safe_html(html)


def test_pathological_markdown_is_refused_with_a_message(make_user, browser_as):
    writer = browser_as(make_user("contributor"))
    data = dict(STORY_FORM, source_language="en", title="Brackets", body="[" * 30000 + "a")
    response = writer.submit("/editorial/stories/new", data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "too complex" in text or "too long" in text


def test_sign_in_is_rate_limited(app, make_user):
    user = make_user("contributor")
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = csrf_token_in(page)
    statuses = [
        client.post(
            "/auth/login", data={"csrf_token": token, "email": user.email, "password": "wrong!"}
        ).status_code
        for _ in range(12)
    ]
    assert statuses[0] == 200 and 429 in statuses
    blocked = client.post(
        "/auth/login",
        data={"csrf_token": token, "email": user.email, "password": "correct horse battery"},
    )
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_off_site_next_is_ignored(make_user, browser):
    user = make_user("contributor")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = browser.submit(
            f"/auth/login?next={target}", {"email": user.email, "password": "correct horse battery"}
        )
        assert response.headers["Location"] == "/editorial/", target
        browser.logout()
    response = browser.submit(
        "/auth/login?next=/editorial/review",
        {"email": user.email, "password": "correct horse battery"},
    )
    assert response.headers["Location"] == "/editorial/review"


def test_wrong_password_gets_a_clear_message_in_urdu(make_user, app):
    user = make_user("contributor")
    client = app.test_client()
    page = client.get("/auth/login", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert 'lang="ur" dir="rtl"' in page
    response = client.post(
        "/auth/login",
        data={"csrf_token": csrf_token_in(page), "email": user.email, "password": "nope"},
        headers={"Accept-Language": "ur"},
    )
    assert response.status_code == 200
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_notifications_count_list_and_clear(session, make_user, make_story, browser_as):
    author = make_user("contributor")
    t = make_story(author, state="in_review")
    editor = make_user("editor", languages=("en",))
    reviewer = browser_as(editor)
    reviewer.submit(
        f"/editorial/t/{t.id}", {"body": "Lovely story."}, action=f"/editorial/t/{t.id}/comments"
    )
    writer = browser_as(author)
    page = writer.get("/editorial/notifications").get_data(as_text=True)
    assert "commented on" in page and 'class="count"' in page
    # Editors of other languages and other contributors hear nothing.
    outsider = make_user("editor", languages=("sd",))
    assert not session.scalars(
        select(Notification).where(Notification.user_id == outsider.id)
    ).all()
    writer.submit("/editorial/notifications", {}, action="/editorial/notifications/read")
    page = writer.get("/editorial/notifications").get_data(as_text=True)
    assert 'class="count"' not in page


def test_admin_manages_organisations_and_users(session, make_user, browser_as, browser):
    admin = browser_as(make_user("admin"))
    r = admin.submit(
        "/admin/organisations/new", {"slug": "amn-youth", "name": "Amn Youth", "description": ""}
    )
    assert r.status_code == 303
    dup = admin.submit("/admin/organisations/new", {"slug": "amn-youth", "name": "Again"})
    assert dup.status_code == 200 and "already in use" in dup.get_data(as_text=True)
    org = services.get_organisation(session, "amn-youth")
    r = admin.submit(
        "/admin/users/new",
        {
            "email": "new.writer@example.org",
            "name": "New Writer",
            "password": "a long enough password",
            "roles": ["contributor"],
            "organisation": str(org.id),
        },
    )
    assert r.status_code == 303
    new = browser.login("new.writer@example.org", "a long enough password")
    assert new.status_code == 302
    # Missing languages for a translator: a clear message, nothing saved.
    r = admin.submit(
        "/admin/users/new",
        {
            "email": "t@example.org",
            "name": "T",
            "password": "a long enough password",
            "roles": ["translator"],
        },
    )
    assert "need at least one language" in r.get_data(as_text=True)
    # Deactivation signs the user out at their next request.
    from content.models import User

    writer = session.scalar(select(User).where(User.email == "new.writer@example.org"))
    admin.submit("/admin/users", {"active": "0"}, action=f"/admin/users/{writer.id}/active")
    assert browser.get("/editorial/").status_code == 302
    audit = admin.get("/admin/audit?action=deactivate").get_data(as_text=True)
    assert "Deactivated" in audit


def test_cli_creates_org_and_user_and_loads_demo(runner, session):
    r = runner.invoke(args=["hub", "create-org", "sukoon", "--name", "Sukoon Forum"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        args=[
            "hub",
            "create-user",
            "cli@example.org",
            "--name",
            "CLI Editor",
            "--role",
            "editor",
            "--role",
            "translator",
            "--languages",
            "ur,sd",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert r.exit_code == 0, r.output
    bad = runner.invoke(
        args=["hub", "create-user", "x@example.org", "--name", "X", "--role", "contributor"],
        input="a long enough password\na long enough password\n",
    )
    assert bad.exit_code != 0 and "organisation" in bad.output
    demo = runner.invoke(args=["hub", "demo", "--if-empty"])
    assert demo.exit_code == 0 and "Demo content already loaded" in demo.output


def test_demo_covers_every_state_and_several_languages(runner, session):
    from content.workflow import State

    r = runner.invoke(args=["hub", "demo"])
    assert r.exit_code == 0, r.output
    assert "admin@example.org" in r.output
    states = set(session.scalars(select(Translation.state)))
    assert states == {s.value for s in State}
    langs = set(session.scalars(select(Translation.lang)))
    assert {"en", "ur", "sd", "ps", "pa"} <= langs


def test_demo_has_translations_one_outdated_one_in_review(runner, session):
    assert runner.invoke(args=["hub", "demo"]).exit_code == 0
    translations = session.scalars(select(Translation)).all()
    non_source = [t for t in translations if not t.is_source]
    assert any(t.is_outdated and t.is_live for t in non_source)
    assert any(t.state == "in_review" for t in non_source)
    assert any(t.latest_revision_id is None for t in non_source)  # requested, not started
