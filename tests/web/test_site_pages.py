"""The "about the network" page: admins write it per language through the real form (CSRF
on); readers get their language or the first of its fallback chain, with a notice; a stale
edit is refused without losing anybody's text; nobody but an admin may write it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content.models import AuditEvent, SitePage
from content.services import site_pages
from tests.conftest import hidden_fields
from tests.web.test_public_pages import Doc, get_doc

FORM = "/admin/pages/about/{code}"


def saved(session, lang: str) -> SitePage | None:
    session.rollback()
    session.expire_all()
    return session.scalar(select(SitePage).where(SitePage.slug == "about", SitePage.lang == lang))


@pytest.fixture
def admin(make_user, browser_as):
    user = make_user("admin", name="Site Admin")
    return user, browser_as(user)


def write(b, code: str, title: str, body: str):
    return b.submit(FORM.format(code=code), {"title": title, "body": body})


def test_admin_writes_the_about_page_per_language(app, session, browser, admin):
    user, b = admin
    response = write(b, "ur", "نیٹ ورک کا تعارف", "ہم **امن** اور مکالمے کے لیے کام کرتے ہیں۔")
    assert response.status_code == 303
    page = saved(session, "ur")
    assert page.title == "نیٹ ورک کا تعارف" and page.version == 1
    assert page.body_html == "<p>ہم <strong>امن</strong> اور مکالمے کے لیے کام کرتے ہیں۔</p>"
    assert page.updated_by_id == user.id
    event = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "site_page"))
    assert event.action == "create" and event.lang == "ur" and event.actor_id == user.id

    doc, html = get_doc(browser, "/ur/about")
    assert doc.root["lang"] == "ur" and doc.root["dir"] == "rtl"
    assert "<strong>امن</strong>" in html
    assert doc.one_meta("og:title") == "نیٹ ورک کا تعارف"
    assert doc.canonical == "http://localhost/ur/about"
    assert doc.alternates == {
        "ur": "http://localhost/ur/about",
        "x-default": "http://localhost/ur/about",
    }
    assert 'class="notice"' not in html

    # English has no text yet: it shows the Urdu one, says so, and points at it.
    doc, html = get_doc(browser, "/en/about")
    assert doc.root["lang"] == "en"
    assert 'class="notice"' in html and "نیٹ ورک کا تعارف" in html
    article = [a for t, a in doc.with_class("about") if t == "article"]
    assert article[0]["lang"] == "ur" and article[0]["dir"] == "rtl"
    assert doc.canonical == "http://localhost/ur/about"

    # Once English is written, English readers get it, and Sindhi readers Urdu (sd -> ur).
    assert write(b, "en", "About the network", "We work for peace.").status_code == 303
    doc, html = get_doc(browser, "/en/about")
    assert "We work for peace." in html and 'class="notice"' not in html
    assert doc.alternates == {
        "en": "http://localhost/en/about",
        "ur": "http://localhost/ur/about",
        "x-default": "http://localhost/en/about",
    }
    doc, html = get_doc(browser, "/sd/about")
    assert "<strong>امن</strong>" in html and 'class="notice"' in html


def test_the_body_is_sanitised_markdown(session, browser, admin):
    _user, b = admin
    body = (
        "Peace **together**.\n\n<script>alert(1)</script>\n\n"
        '[a link](javascript:alert(2)) <img src=x onerror="alert(3)">'
    )
    assert write(b, "en", "About", body).status_code == 303
    _doc, html = get_doc(browser, "/en/about")
    prose = html.split('class="prose">', 1)[1].split("</div>", 1)[0]
    assert "<strong>together</strong>" in prose
    # What the admin typed as HTML is at most text: no element runs anything.
    for tag, attrs, _ in Doc(prose).elements:
        assert tag not in {"script", "img", "iframe"}, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), attrs


def test_a_stale_edit_is_refused_and_loses_nothing(session, make_user, browser_as, admin):
    _user, first = admin
    assert write(first, "en", "About the network", "The first text.").status_code == 303
    second = browser_as(make_user("admin", name="Other Admin"))

    # The first admin opens the form (version 1)...
    url = FORM.format(code="en")
    page = first.get(url)
    fields = hidden_fields(page.get_data(as_text=True), url, url)
    assert fields["version"] == "1"
    # ...meanwhile the second admin saves a new text (version 2)...
    assert write(second, "en", "About us", "The second admin's text.").status_code == 303
    # ...and the first admin's save, based on version 1, is refused.
    response = first.client.post(
        url, data={**fields, "title": "My title", "body": "My careful new text."}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "nothing was overwritten" in html.lower() or "Nothing was overwritten" in html
    doc = Doc(html)
    textarea = html.split('name="body"', 1)[1].split("</textarea>", 1)[0]
    assert "My careful new text." in textarea  # the user's text is kept in the form
    assert 'value="My title"' in html
    assert "The second admin&#39;s text." in html or "The second admin's text." in html
    page = saved(session, "en")
    assert page.title == "About us" and page.body == "The second admin's text."
    assert page.version == 2
    # The form now carries the version shown beside it: saving again is a deliberate choice.
    assert hidden_fields(html, url, url)["version"] == "2"
    assert doc.root["lang"] == "en"
    response = first.client.post(
        url, data={**hidden_fields(html, url, url), "title": "My title", "body": "Merged text."}
    )
    assert response.status_code == 303
    page = saved(session, "en")
    assert page.title == "My title" and page.body == "Merged text." and page.version == 3


def test_two_first_texts_at_once_do_not_overwrite_each_other(session, make_user, admin):
    user, _b = admin
    other = make_user("admin")
    site_pages.save_site_page(
        session, actor=user, slug="about", lang="ps", title="T1", body="", base_version=None
    )
    from content.errors import Conflict

    with pytest.raises(Conflict):
        site_pages.save_site_page(
            session, actor=other, slug="about", lang="ps", title="T2", body="", base_version=None
        )
    assert saved(session, "ps").title == "T1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Text"}, "This field is required."),
        ({"title": "x" * 301, "body": "Text"}, "300"),
        ({"title": "About", "body": "[" * 1500}, "too complex"),
    ],
)
def test_invalid_input_is_refused_with_a_message(session, admin, data, message):
    _user, b = admin
    response = b.submit(FORM.format(code="en"), data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert saved(session, "en") is None


def test_unknown_page_or_language_is_404(admin):
    _user, b = admin
    for url in ("/admin/pages/contact/en", "/admin/pages/about/xx", "/admin/pages/about/fr"):
        assert b.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["editor", "contributor", "translator"])
def test_only_admins_may_write(session, make_user, browser_as, admin, role):
    _user, b = admin
    assert write(b, "en", "About", "The admins' text.").status_code == 303
    other = browser_as(make_user(role))
    url = FORM.format(code="en")
    # Like the rest of the administration: not found, so the area is not even confirmed.
    assert other.get(url).status_code == 404
    assert other.get("/admin/pages/").status_code == 404
    token = other.token("/editorial/")
    response = other.client.post(
        url, data={"csrf_token": token, "title": "Taken over", "body": "x", "version": "1"}
    )
    assert response.status_code == 404
    assert saved(session, "en").title == "About"


def test_signed_out_visitors_are_sent_to_sign_in(app, session):
    client = app.test_client()
    response = client.get(FORM.format(code="en"))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.post(FORM.format(code="en"), data={"title": "x", "body": "y"})
    assert response.status_code in (302, 400)
    assert saved(session, "en") is None


def test_the_admin_area_links_the_site_pages(admin):
    _user, b = admin
    doc, _ = get_doc(b, "/admin/users")
    assert "/admin/pages/" in doc.hrefs()
    doc, _ = get_doc(b, "/admin/pages/")
    assert "/admin/pages/about/ur" in doc.hrefs() and "/admin/pages/about/en" in doc.hrefs()
    # The admin's interface stays in their language while they write the Urdu text.
    doc, _ = get_doc(b, "/admin/pages/about/ur")
    assert doc.root["lang"] == "en"
    fields = [
        a
        for t, a, _ in doc.elements
        if t in ("input", "textarea") and a.get("name") in ("title", "body")
    ]
    assert fields and all(a.get("dir") == "rtl" and a.get("lang") == "ur" for a in fields)
    # An admin reading the public page is offered the form.
    doc, _ = get_doc(b, "/ur/about")
    assert "/admin/pages/about/ur" in doc.hrefs()
