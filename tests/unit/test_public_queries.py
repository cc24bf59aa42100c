"""The public list query: live translations only, narrowed by each filter."""

import pytest

from content.services.public import StoryFilters, list_published


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
