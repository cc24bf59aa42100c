"""Search through the web page and the services: kept in step with publishing by the outbox,
public fields only, Urdu found however it is typed."""

from __future__ import annotations

import json
import random
import threading
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from content import services
from content.models import SearchOutbox, Translation
from content.services.reviews import ActionInput
from content.services.stories import CHECKLIST, TextInput
from content.workflow import Action
from hub import indexing
from search.index import REBUILD_LOCK
from search.locking import FileLock

URDU_BODY = "نوجوانوں نے امن اور رواداری کے لیے ایک لائبریری بنائی۔\n\nیہاں سب کو خوش آمدید ہے۔"


def indexer(app):
    return app.extensions["hub.search"]


def published_ids(session) -> set[str]:
    session.rollback()
    return {
        str(i) for i in session.scalars(select(Translation.id).where(Translation.is_live.is_(True)))
    }


def found(html: str, t) -> bool:
    """Whether the result page links to translation ``t`` (titles carry <mark> tags)."""
    return f'href="/{t.lang}/stories/{quote(t.slug)}"' in html


def search_html(app, lang, q, **params):
    response = app.test_client().get(f"/{lang}/search", query_string={"q": q, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_publishing_makes_a_story_findable_and_unpublishing_removes_it(
    app, session, make_user, make_story
):
    t = make_story(state="published", lang="ur", title="امن کی لائبریری", body=URDU_BODY)
    html = search_html(app, "ur", "رواداری")
    assert found(html, t)
    assert "<mark>رواداری</mark>" in html  # the matching passage is highlighted
    editor = make_user("editor", all_languages=True)
    services.apply_action(
        session, actor=editor, translation=t, request=ActionInput(Action.UNPUBLISH)
    )
    # The commit synced the index already: nothing is left to apply.
    assert indexer(app).sync_quietly() == 0
    html = search_html(app, "ur", "رواداری")
    assert not found(html, t) and "لائبریری بنائی" not in html


@pytest.mark.parametrize(
    "typed",
    [
        "رواداري",  # Arabic yeh
        "رواداری",
        "رَواداری",  # with a diacritic
        "روادا\u0640ری",  # tatweel
        "روا\u200cداری",  # a zero-width non-joiner in the middle is a phrase of two words
        "لائبریری",
        "لايبريري",  # Arabic keyboard: yeh and hamza forms
    ],
)
def test_urdu_is_found_however_it_is_typed(app, make_story, typed):
    t = make_story(state="published", lang="ur", title="امن کی لائبریری", body=URDU_BODY)
    html = search_html(app, "ur", typed)
    if "\u200c" in typed:
        return  # ZWNJ splits the word: a phrase that need not match; it must not error
    assert found(html, t), typed


def test_public_search_sees_no_drafts_or_private_fields(app, make_user, make_story):
    author = make_user("contributor", name="Secret Writer")
    draft = make_story(author, state="in_review", title="Draft about harmony", body="harmony x")
    pub = make_story(author, state="published", title="Published harmony", byline_mode="anonymous")
    for q in (
        "harmony",
        "status:draft",
        "status:in_review",
        "author:Secret",
        "Secret Writer",
        "organisation:org-1",
        "doc_id:1",
        "title:",
        "*",
        '"unbalanced',
    ):
        html = search_html(app, "en", q)
        assert not found(html, draft) and "Draft about" not in html, q
        assert "Secret Writer" not in html.split('id="q"')[1].split("</form>", 1)[1], q
    assert found(search_html(app, "en", "harmony"), pub)


def test_an_anonymous_story_is_not_tied_to_its_organisation(app, make_org, make_user, make_story):
    from search import SearchRequest, search

    org = make_org()
    author = make_user("contributor", org=org)
    hidden = make_story(author, state="published", title="Quiet courage", byline_mode="anonymous")
    signed = make_story(author, state="published", title="Open courage", byline_mode="organisation")
    results = search(
        indexer(app).index, SearchRequest(q="courage", langs=("en",), prefer_lang="en")
    )
    hits = {hit.doc_id: hit for hit in results.hits}
    assert hits[str(hidden.id)].organisation is None
    assert hits[str(signed.id)].organisation == org.slug
    assert dict(results.facets["organisation"]) == {org.slug: 1}  # the signed story only
    narrowed = search_html(app, "en", "courage", organisation=org.slug)
    assert found(narrowed, signed) and not found(narrowed, hidden)


@pytest.mark.parametrize(
    "q", ["", "   ", "!!!", "؟؟", "a" * 5000, '"امن', "title:", "*", "۲۰۲۴", "AND OR NOT", ")("]
)
def test_absurd_queries_get_a_page(app, make_story, q):
    make_story(state="published", lang="ur", title="امن ۲۰۲۴", body=URDU_BODY)
    search_html(app, "ur", q)


def test_facets_narrow_and_results_in_the_page_language_come_first(app, make_story):
    fair = make_story(state="published", title="Peace fair", themes=("youth",), region="sindh")
    walk = make_story(state="published", title="Peace walk", themes=("women",), region="punjab")
    urdu = make_story(state="published", lang="ur", title="Peace امن", themes=("youth",))

    def position(html, t):
        return html.index(f'href="/{t.lang}/stories/{quote(t.slug)}"')

    html = search_html(app, "en", "peace")
    assert position(html, fair) < position(html, urdu)
    assert "Youth" in html and "Women" in html  # facet values with labels
    narrowed = search_html(app, "en", "peace", theme="women")
    assert found(narrowed, walk) and not found(narrowed, fair)
    urdu_first = search_html(app, "ur", "peace")
    assert position(urdu_first, urdu) < position(urdu_first, fair)


def test_english_stemming_and_did_you_mean(app, make_story):
    t = make_story(state="published", title="Young people running a library", body="running")
    assert found(search_html(app, "en", "run"), t)
    html = search_html(app, "en", "libary")
    assert "Did you mean" in html and "library" in html


def test_outbox_applier_survives_a_crash_between_rows(app, session, make_story, monkeypatch):
    stories = [make_story(state="published", title=f"Crash test {i}") for i in range(5)]
    assert stories
    index = indexer(app).index
    index.rebuild([], 0)  # an index that has seen nothing
    monkeypatch.setattr(indexing, "BATCH", 2)
    calls = {"n": 0}
    real_apply = index.apply

    def crash_on_second_batch(changes, last_seq):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real_apply(changes, last_seq)

    monkeypatch.setattr(index, "apply", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        indexing.sync(session, index)
    assert 0 < len(index.doc_ids()) < 5
    monkeypatch.setattr(index, "apply", real_apply)
    indexing.sync(session, index)  # the restart catches up
    assert index.doc_ids() == published_ids(session)


def test_two_appliers_racing_agree(app, session, make_story, make_user):
    editor = make_user("editor", all_languages=True)
    ts = [make_story(state="published", title=f"Race {i}") for i in range(6)]
    for t in ts[:3]:
        services.apply_action(
            session, actor=editor, translation=t, request=ActionInput(Action.ARCHIVE)
        )
    index = indexer(app).index
    index.rebuild([], 0)
    factory = app.extensions["hub.sessionmaker"]
    errors = []

    def run():
        s = factory()
        try:
            indexing.sync(s, index)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert index.doc_ids() == published_ids(session) == {str(t.id) for t in ts[3:]}
    last = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()))
    assert index.last_applied_seq() == last


def test_a_large_backlog_is_rebuilt_instead_of_applied(
    app, session, make_story, make_user, monkeypatch
):
    editor = make_user("editor", all_languages=True)
    ts = [make_story(state="published", title=f"Backlog {i}") for i in range(4)]
    services.apply_action(
        session, actor=editor, translation=ts[0], request=ActionInput(Action.ARCHIVE)
    )
    index = indexer(app).index
    index.rebuild([], 0)  # an index that has seen nothing: the whole outbox is pending
    monkeypatch.setattr(indexing, "REBUILD_BACKLOG", 3)
    applied = []
    monkeypatch.setattr(index, "apply", lambda *a: applied.append(a) or 0)
    pending = session.scalar(select(func.count()).select_from(SearchOutbox))
    assert indexing.sync(session, index) == pending > 3
    assert applied == []  # no batch was applied: the index was rebuilt
    assert index.doc_ids() == published_ids(session) == {str(t.id) for t in ts[1:]}
    last = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()))
    assert index.last_applied_seq() == last
    # Another process rebuilding: this sync leaves the rows to it and returns at once.
    index.rebuild([], 0)
    with FileLock(index.path / REBUILD_LOCK, 1):
        assert indexing.sync(session, index) == 0
    assert index.doc_ids() == set()


def test_rebuild_command_and_query_command(app, runner, make_story):
    make_story(state="published", lang="ur", title="امن کی لائبریری", body=URDU_BODY)
    result = runner.invoke(args=["hub", "search", "rebuild"])
    assert result.exit_code == 0 and "1 published" in result.output
    result = runner.invoke(args=["hub", "search", "query", "رواداري", "--lang", "ur"])
    assert result.exit_code == 0 and "امن کی لائبریری" in result.output
    assert runner.invoke(args=["hub", "search", "sync"]).exit_code == 0


def test_missing_index_is_rebuilt_at_start_while_the_site_serves(app, make_story):
    t = make_story(state="published", title="Rebuilt story")
    ix = indexer(app)
    search_html(app, "en", "warm")  # the first request has started the indexer
    ix.index.close()
    import shutil

    shutil.rmtree(ix.index.path)
    ix._rebuilding.set()  # as during a background rebuild
    html = search_html(app, "en", "rebuilt")
    assert "being rebuilt" in html
    ix._rebuilding.clear()
    ix.start(background=False)
    assert found(search_html(app, "en", "rebuilt"), t)


ACTIONS = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(["publish", "edit", "unpublish", "archive"])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=ACTIONS)
def test_random_workflows_leave_the_index_equal_to_the_published_set(
    app, session, make_user, make_story, steps
):
    # Hypothesis seeds the global random module alike for every example; Whoosh names its
    # segments with it, and the same names in the same index directory collide.
    random.seed()
    editor = make_user("editor", all_languages=True)
    second = make_user("editor", all_languages=True)
    ts = [make_story(state="draft", title=f"Random {i}") for i in range(3)]
    for which, op in steps:
        t = session.get(Translation, ts[which].id)
        act = lambda a, who=editor, t=t, **kw: services.apply_action(  # noqa: E731
            session, actor=who, translation=t, request=ActionInput(a, **kw)
        )
        try:
            if op == "publish":
                if t.state in ("draft", "changes_requested"):
                    act(Action.SUBMIT)
                if t.state == "in_review":
                    act(Action.APPROVE, who=second, checklist=frozenset(CHECKLIST))
                if t.state == "archived":
                    act(Action.RESTORE)
                if t.state in ("approved", "unpublished"):
                    act(Action.PUBLISH)
            elif op == "edit" and t.state != "archived":
                rev = t.latest_revision
                services.save_revision(
                    session,
                    actor=editor,
                    translation=t,
                    base_revision_id=rev.id,
                    text=TextInput(rev.title + " x", rev.summary, rev.body),
                )
            elif op == "unpublish" and t.is_live:
                act(Action.UNPUBLISH)
            elif op == "archive" and t.state != "archived":
                act(Action.ARCHIVE)
        except Exception:
            session.rollback()
            raise
    index = indexer(app).index
    indexing.sync(session, index)
    live = {str(t.id) for t in ts if session.get(Translation, t.id).is_live}
    assert {i for i in index.doc_ids() if i in {str(t.id) for t in ts}} == live


def test_import_all_or_nothing_and_export_round_trip(
    app, runner, session, make_user, make_org, tmp_path
):
    make_user("admin", email="root@example.org")
    make_org(slug="amn-youth")
    good = {
        "organisation": "amn-youth",
        "kind": "story",
        "source_language": "ur",
        "themes": ["youth"],
        "region": "punjab",
        "campaign": None,
        "publish": True,
        "translations": {
            "ur": {"title": "امن کا میلہ", "summary": "خلاصہ", "body": "امن **میلہ**"},
            "en": {"title": "Peace fair", "summary": "Summary", "body": "Peace *fair*"},
        },
    }
    bad = dict(good, colour="blue")
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in (good, bad, good)) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["hub", "import", str(path)])
    assert result.exit_code != 0
    assert "line 2: unknown key(s): colour" in result.output
    session.rollback()
    assert session.scalars(select(Translation)).all() == []
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(args=["hub", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert 'href="/en/stories/peace-fair"' in search_html(app, "en", "fair")
    out = tmp_path / "out.jsonl"
    assert runner.invoke(args=["hub", "export", str(out)]).exit_code == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert exported == [dict(good, byline_mode="named", is_sensitive=False)]


def test_editorial_search_finds_drafts_within_permissions(
    session, make_user, make_org, make_story, browser_as
):
    org, other_org = make_org(), make_org()
    author = make_user("contributor", org=org)
    outsider = make_user("contributor", org=other_org)
    editor = make_user("editor", all_languages=True)
    draft = make_story(author, state="draft", lang="ur", title="رواداری کا مسودہ", body="مسودہ")
    in_review = make_story(author, state="in_review", title="Tolerance workshop draft")
    for who, expect in (
        (author, {draft, in_review}),
        (editor, {draft, in_review}),
        (outsider, set()),
    ):
        b = browser_as(who)
        html = b.get("/editorial/search", query_string={"q": "رواداري"}).get_data(as_text=True)
        assert (f'/editorial/t/{draft.id}"' in html) == (draft in expect), who.email
        html = b.get("/editorial/search", query_string={"q": "tolerance"}).get_data(as_text=True)
        assert (f'/editorial/t/{in_review.id}"' in html) == (in_review in expect), who.email
    # The public index never sees them.
    index = browser_as(editor).client.application.extensions["hub.search"].index
    assert {str(draft.id), str(in_review.id)} & index.doc_ids() == set()
