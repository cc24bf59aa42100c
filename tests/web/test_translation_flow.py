"""Content translation end to end: request, claim, translate side by side, review, publish,
outdated after the original changes, segment diff, catch up."""

from __future__ import annotations

import re

from sqlalchemy import select

from content.models import AuditEvent, Translation
from content.services.stories import CHECKLIST


def _t(session, translation_id) -> Translation:
    session.rollback()
    session.expire_all()
    return session.get(Translation, translation_id)


def _act(browser, t_id, action, **fields):
    html = browser.get(f"/editorial/t/{t_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return browser.submit(
        f"/editorial/t/{t_id}",
        {"action": action, "version": version, **fields},
        action=f"/editorial/t/{t_id}/action",
    )


SOURCE_BODY = "Young people met at the library.\n\nThey talked about peace.\n\nThey planned a fair."


def test_sindhi_translator_translates_an_english_story(
    session, app, make_user, make_story, browser_as
):
    source = make_story(state="published", lang="en", body=SOURCE_BODY, title="Library of peace")
    editor = make_user("editor", all_languages=True)
    sd_editor = make_user("editor", languages=("sd",))
    translator = make_user("translator", languages=("sd",), name="Sindhi Volunteer")
    other_translator = make_user("translator", languages=("sd",))
    ed = browser_as(editor)

    # The editor requests Sindhi and Pashto; Sindhi translators are notified.
    r = ed.submit(
        f"/editorial/t/{source.id}",
        {"languages": ["sd", "ps"]},
        action=f"/editorial/stories/{source.story_id}/translations",
    )
    assert r.status_code == 303
    session.rollback()
    sd = session.scalar(
        select(Translation).where(Translation.story_id == source.story_id, Translation.lang == "sd")
    )
    assert sd is not None and sd.latest_revision_id is None
    grid = ed.get("/editorial/translations/grid").get_data(as_text=True)
    assert "Requested" in grid

    # The translator sees it in their queue, claims it; the other one cannot any more.
    tr = browser_as(translator)
    assert "Library of peace" in tr.get("/editorial/translations").get_data(as_text=True)
    claim = tr.submit("/editorial/translations", {}, action=f"/editorial/t/{sd.id}/claim")
    assert claim.status_code == 303
    assert _t(session, sd.id).claimed_by_id == translator.id
    other = browser_as(other_translator)
    assert "Library of peace" not in other.get("/editorial/translations").get_data(as_text=True)
    grid = ed.get("/editorial/translations/grid").get_data(as_text=True)
    assert "Sindhi Volunteer" in grid

    # Side by side: each source paragraph beside a field in Sindhi's direction.
    page = tr.get(f"/editorial/t/{sd.id}/edit").get_data(as_text=True)
    assert page.count("data-segment") == 3
    assert 'name="seg-0" rows="4" data-segment\n        dir="rtl" lang="sd"' in page
    assert "They talked about peace." in page
    r = tr.submit(
        f"/editorial/t/{sd.id}/edit",
        {
            "title": "امن جي لائبريري",
            "summary": "نوجوان لائبريري ۾ مليا.",
            "seg-0": "نوجوان لائبريري ۾ مليا.",
            "seg-1": "هنن امن تي ڳالهايو.",
            "seg-2": "هنن ميلو رٿيو.",
            "base_revision_id": "",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    sd = _t(session, sd.id)
    assert sd.latest_revision.body.split("\n\n") == [
        "نوجوان لائبريري ۾ مليا.",
        "هنن امن تي ڳالهايو.",
        "هنن ميلو رٿيو.",
    ]
    assert sd.slug == "امن-جي-لائبريري"
    assert sd.latest_revision.source_revision_id == source.live_revision_id

    # Review by an editor of Sindhi, publish; the Sindhi site shows it with credit.
    _act(tr, sd.id, "submit")
    sd_ed = browser_as(sd_editor)
    assert "امن جي لائبريري" in sd_ed.get("/editorial/review?lang=sd").get_data(as_text=True)
    _act(sd_ed, sd.id, "approve", checklist=list(CHECKLIST))
    _act(sd_ed, sd.id, "publish")
    assert _t(session, sd.id).is_live
    public = app.test_client().get(f"/sd/stories/{sd.slug}")
    html = public.get_data(as_text=True)
    assert public.status_code == 200 and 'lang="sd" dir="rtl"' in html
    assert "Sindhi Volunteer" in html  # credited (byline mode: named)
    assert 'hreflang="en"' in html  # the original is linked as an alternate

    # The original changes and is republished: the translation becomes outdated.
    src = _t(session, source.id)
    ed.submit(
        f"/editorial/t/{source.id}/edit",
        {
            "title": "Library of peace",
            "summary": src.latest_revision.summary,
            "body": SOURCE_BODY.replace("talked about peace", "talked about peace and trust"),
            "base_revision_id": str(src.latest_revision_id),
        },
    )
    assert not _t(session, sd.id).is_outdated  # saving a draft outdates nothing
    _act(ed, source.id, "submit")
    second_editor = browser_as(make_user("editor", all_languages=True))
    _act(second_editor, source.id, "approve", checklist=list(CHECKLIST))
    _act(second_editor, source.id, "publish")
    sd = _t(session, sd.id)
    assert sd.is_outdated and sd.is_live  # still online for the public
    assert "Outdated" in ed.get("/editorial/translations/grid").get_data(as_text=True)

    # The translator sees exactly which source paragraph changed.
    page = tr.get(f"/editorial/t/{sd.id}/edit").get_data(as_text=True)
    changes = page.split('id="changes-title"', 1)[1].split("</section>", 1)[0]
    assert "<del>peace.</del><ins>peace and trust.</ins>" in changes
    assert "planned a fair" not in changes  # unchanged paragraphs are not listed
    assert page.count("pair-changed") == 1
    # Not shown to the public.
    assert "Outdated" not in app.test_client().get(f"/sd/stories/{sd.slug}").get_data(as_text=True)

    # Updating clears it.
    tr.submit(
        f"/editorial/t/{sd.id}/edit",
        {
            "title": "امن جي لائبريري",
            "summary": "نوجوان لائبريري ۾ مليا.",
            "seg-0": "نوجوان لائبريري ۾ مليا.",
            "seg-1": "هنن امن ۽ ڀروسي تي ڳالهايو.",
            "seg-2": "هنن ميلو رٿيو.",
            "base_revision_id": str(sd.latest_revision_id),
        },
    )
    assert not _t(session, sd.id).is_outdated
    actions = {e.action for e in session.scalars(select(AuditEvent))}
    assert {"request_translation", "claim"} <= actions


def test_minor_edit_of_the_original_outdates_nothing(session, make_user, make_story, browser_as):
    source = make_story(state="published", lang="en", body=SOURCE_BODY)
    editor = make_user("editor", all_languages=True)
    translator = make_user("translator", languages=("ur",))
    ed, tr = browser_as(editor), browser_as(translator)
    ed.submit(
        f"/editorial/t/{source.id}",
        {"languages": ["ur"]},
        action=f"/editorial/stories/{source.story_id}/translations",
    )
    session.rollback()
    ur = session.scalar(select(Translation).where(Translation.lang == "ur"))
    tr.submit("/editorial/translations", {}, action=f"/editorial/t/{ur.id}/claim")
    tr.submit(
        f"/editorial/t/{ur.id}/edit",
        {"title": "امن کی لائبریری", "summary": "", "seg-0": "ایک", "seg-1": "دو", "seg-2": "تین"},
    )
    src = _t(session, source.id)
    ed.submit(
        f"/editorial/t/{source.id}/edit",
        {
            "title": src.latest_revision.title,
            "summary": "",
            "body": SOURCE_BODY.replace("library", "libary").replace("libary", "library."),
            "base_revision_id": str(src.latest_revision_id),
        },
    )
    _act(ed, source.id, "submit")
    other = browser_as(make_user("editor", all_languages=True))
    _act(other, source.id, "approve", checklist=list(CHECKLIST))
    _act(other, source.id, "publish", minor="1")
    assert _t(session, source.id).is_live
    assert not _t(session, ur.id).is_outdated


def test_editor_releases_a_stale_claim(session, make_user, make_story, browser_as):
    source = make_story(state="published", lang="en")
    editor = make_user("editor", all_languages=True)
    first = make_user("translator", languages=("ps",))
    second = make_user("translator", languages=("ps",))
    ed = browser_as(editor)
    ed.submit(
        f"/editorial/t/{source.id}",
        {"languages": ["ps"]},
        action=f"/editorial/stories/{source.story_id}/translations",
    )
    session.rollback()
    ps = session.scalar(select(Translation).where(Translation.lang == "ps"))
    browser_as(first).submit("/editorial/translations", {}, action=f"/editorial/t/{ps.id}/claim")
    late = browser_as(second)
    # The second translator cannot edit or claim it while it is taken.
    assert late.get(f"/editorial/t/{ps.id}/edit").status_code == 403
    ed.submit(f"/editorial/t/{ps.id}", {}, action=f"/editorial/t/{ps.id}/release")
    assert _t(session, ps.id).claimed_by_id is None
    late.submit("/editorial/translations", {}, action=f"/editorial/t/{ps.id}/claim")
    assert _t(session, ps.id).claimed_by_id == second.id


def test_campaign_texts_are_written_per_language_by_that_languages_editors(
    session, make_user, browser_as
):
    from content.models import Campaign

    ur_editor = make_user("editor", languages=("ur",))
    sd_editor = make_user("editor", languages=("sd",))
    ed = browser_as(ur_editor)
    r = ed.submit(
        "/editorial/campaigns/new",
        {"slug": "week-of-dialogue", "lang": "ur", "title": "مکالمے کا ہفتہ", "description": ""},
    )
    assert r.status_code == 303
    session.rollback()
    campaign = session.scalar(select(Campaign))
    page = ed.get(f"/editorial/campaigns/{campaign.id}").get_data(as_text=True)
    assert "مکالمے کا ہفتہ" in page
    # The Urdu editor cannot write the Sindhi text; the Sindhi editor can.
    sd = browser_as(sd_editor)
    refused = ed.client.post(
        f"/editorial/campaigns/{campaign.id}/text/sd",
        data={"csrf_token": ed.token(), "sd-title": "ڳالهه ٻولهه جو هفتو", "sd-description": ""},
    )
    assert refused.status_code == 303
    session.rollback()
    assert {t.lang for t in session.get(Campaign, campaign.id).texts} == {"ur"}
    sd.submit(
        f"/editorial/campaigns/{campaign.id}",
        {"sd-title": "ڳالهه ٻولهه جو هفتو", "sd-description": "ست ڏينهن"},
        action=f"/editorial/campaigns/{campaign.id}/text/sd",
    )
    session.rollback()
    session.expire_all()
    assert {t.lang for t in session.get(Campaign, campaign.id).texts} == {"ur", "sd"}
    # The new-story form offers the campaign by its title in the page's language.
    writer = browser_as(make_user("contributor", preferred_language="ur"))
    assert "مکالمے کا ہفتہ" in writer.get("/editorial/stories/new").get_data(as_text=True)
