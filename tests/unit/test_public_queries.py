"""The public list query: live translations only, narrowed by each filter."""

import pytest

from content.services import campaigns as campaign_services
from content.services.public import (
    StoryFilters,
    best_translation,
    campaign_materials,
    featured_campaign,
    latest_for_home,
    list_published,
    organisations_with_content,
    public_organisation,
    related_stories,
    stories_of_organisation,
    theme_and_region_counts,
)


@pytest.fixture
def corpus(make_story, make_org, make_user):
    org = make_org()
    author = make_user("contributor", org=org)
    return {
        "youth": make_story(author, state="published", themes=["youth"], region="sindh"),
        "faith": make_story(author, state="published", themes=["interfaith"], kind="poster"),
        "draft": make_story(author, state="draft", themes=["youth"]),
        "urdu": make_story(state="published", lang="ur", title="امن کی کہانی"),
        "org": org,
    }


def ids(page):
    return {t.id for t in page.items}


def test_lists_live_translations_only(session, corpus):
    listed = ids(list_published(session, StoryFilters()))
    assert corpus["youth"].id in listed and corpus["urdu"].id in listed
    assert corpus["draft"].id not in listed


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (StoryFilters(theme="youth"), {"youth"}),
        (StoryFilters(region="sindh"), {"youth"}),
        (StoryFilters(kind="poster"), {"faith"}),
        (StoryFilters(lang="ur"), {"urdu"}),
        (StoryFilters(theme="you"), set()),  # a part of a code matches nothing
        (StoryFilters(theme='youth"%'), {"youth"}),  # quoting cannot widen the pattern
    ],
)
def test_each_filter_narrows(session, corpus, filters, expected):
    assert ids(list_published(session, filters)) == {corpus[name].id for name in expected}


def test_organisation_filter(session, corpus):
    listed = ids(list_published(session, StoryFilters(organisation=corpus["org"].slug)))
    assert listed == {corpus["youth"].id, corpus["faith"].id}


def test_organisation_filter_leaves_anonymous_stories_out(session, corpus, make_story, make_user):
    author = make_user("contributor", org=corpus["org"])
    hidden = make_story(author, state="published", byline_mode="anonymous")
    listed = ids(list_published(session, StoryFilters(organisation=corpus["org"].slug)))
    assert hidden.id not in listed and corpus["youth"].id in listed
    assert hidden.id in ids(list_published(session, StoryFilters()))


# --- the pages' queries -------------------------------------------------------------------------


@pytest.fixture
def network(session, make_story, make_org, make_user):
    org = make_org(slug="amn", name="Amn")
    author = make_user("contributor", org=org)
    editor = make_user("editor", all_languages=True)

    def campaign(slug):
        return campaign_services.create_campaign(
            session, actor=editor, slug=slug, lang="en", title=slug.title()
        )

    first, second = campaign("first-week"), campaign("second-week")

    def story(**kw):
        kw.setdefault("state", "published")
        return make_story(author, **kw)

    return {
        "org": org,
        "author": author,
        "first": first,
        "second": second,
        "a": story(themes=["youth"], campaign_id=first.id),
        "b": story(themes=["peace"], campaign_id=first.id),
        "c": story(themes=["youth", "education"], region="punjab"),
        "d": story(themes=["women"], region="punjab"),
        "draft": story(state="draft", themes=["youth"], campaign_id=first.id),
        "ur": story(lang="ur", title="امن کا دن", themes=["youth"], region="sindh"),
        "anon": story(themes=["youth"], byline_mode="anonymous"),
    }


def story_ids(items):
    return [t.story_id for t in items]


def test_related_campaign_first_then_shared_theme(session, network):
    a = network["a"]
    related = related_stories(session, a.story, ("en",), limit=4)
    got = story_ids(related)
    assert got[0] == network["b"].story_id  # same campaign
    assert set(got[1:]) == {network["c"].story_id, network["anon"].story_id}  # youth
    assert a.story_id not in got and network["draft"].story_id not in got
    assert network["ur"].story_id not in got  # no text in the reader's chain (en)
    assert all(t.lang == "en" and t.is_live for t in related)


def test_related_in_the_readers_chain(session, network):
    related = related_stories(session, network["a"].story, ("ur", "en"), limit=10)
    assert network["ur"].story_id in story_ids(related)
    assert len(related_stories(session, network["a"].story, ("ur", "en"), limit=1)) == 1


def test_related_of_a_story_without_campaign_or_theme_is_empty(session, make_story, network):
    lonely = make_story(network["author"], state="published")
    assert related_stories(session, lonely.story, ("en",)) == []


def test_latest_for_home_tops_up_when_a_language_has_few(session, network):
    en = latest_for_home(session, ("en",), limit=6, handful=4)
    assert all(t.lang == "en" for t in en)
    ur = latest_for_home(session, ("ur", "en"), limit=6, handful=4)
    assert ur[0].id == network["ur"].id
    assert len(ur) == 6 and len(set(story_ids(ur))) == 6
    assert network["draft"].story_id not in story_ids(ur)
    assert [t.lang for t in ur[1:]] == ["en"] * 5
    # A language with enough stories is not topped up.
    assert latest_for_home(session, ("ur", "en"), limit=6, handful=1) == [network["ur"]]


def test_counts_are_per_language_and_live_only(session, network):
    en = theme_and_region_counts(session, "en")
    assert dict(en.themes) == {"youth": 3, "peace": 1, "education": 1, "women": 1}
    assert dict(en.regions) == {"punjab": 2}
    everything = theme_and_region_counts(session, None)
    assert dict(everything.themes)["youth"] == 4
    assert dict(everything.regions) == {"punjab": 2, "sindh": 1}
    # The order is the vocabulary's, as the pages show it.
    from content.models import THEMES

    codes = [code for code, _n in everything.themes]
    assert codes == sorted(codes, key=THEMES.index)


def test_featured_campaign_is_the_most_recent_with_published_material(session, network, make_story):
    assert featured_campaign(session).id == network["first"].id  # the second has nothing
    make_story(network["author"], state="draft", campaign_id=network["second"].id)
    assert featured_campaign(session).id == network["first"].id
    make_story(network["author"], state="published", campaign_id=network["second"].id)
    assert featured_campaign(session).id == network["second"].id
    materials = campaign_materials(session, network["first"], ("en",))
    assert [t.id for _s, t in materials] == [network["b"].id, network["a"].id]


def test_organisations_count_signed_stories_of_active_organisations(
    session, network, make_org, make_user, make_story
):
    (org, count), *_ = organisations_with_content(session)
    assert org.id == network["org"].id and count == 5  # a, b, c, d, ur; not anon, not draft
    only_anonymous = make_org(slug="quiet", name="Quiet")
    make_story(
        make_user("contributor", org=only_anonymous), state="published", byline_mode="anonymous"
    )
    assert public_organisation(session, "quiet") is None
    assert "quiet" not in [o.slug for o, _n in organisations_with_content(session)]
    network["org"].is_active = False
    session.commit()
    assert public_organisation(session, "amn") is None
    assert organisations_with_content(session) == []


def test_stories_of_organisation_one_entry_per_story(session, network):
    page = stories_of_organisation(session, network["org"], ("ur", "en"), per_page=3)
    assert page.total == 5 and len(page.items) == 3 and page.pages == 2
    second = stories_of_organisation(session, network["org"], ("ur", "en"), page=2, per_page=3)
    all_ids = story_ids(page.items) + story_ids(second.items)
    assert len(set(all_ids)) == 5 and network["anon"].story_id not in all_ids


def test_best_translation_follows_the_chain_then_the_original(session, network):
    t = network["ur"]
    assert best_translation([t], ("sd", "ur", "en")) is t
    assert best_translation([t], ("en",)) is t  # nothing in the chain: the original
    assert best_translation([], ("en",)) is None
