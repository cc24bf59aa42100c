"""Interface catalogs: Urdu complete; Punjabi, Sindhi and Pashto complete for the public
site; placeholders intact everywhere; and the fallback chain (skr -> ur -> en) at work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def catalog(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=None)


def template_ids() -> set[str]:
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def public_ids() -> set[str]:
    """Strings a reader of the public site can meet: public templates, the base layout,
    error pages, macros, and the public views."""
    ids = set()
    method_map = [("**.html", "jinja2")]
    options = {"**.html": {"trimmed": "true"}}
    for folder in ("public", "errors", "macros"):
        for _f, _l, message, *_rest in extract_from_dir(
            str(ROOT / "templates" / folder), method_map, options
        ):
            ids.add(message if isinstance(message, str) else message[0])
    for _f, _l, message, *_rest in extract_from_dir(
        str(ROOT / "templates"), [("base.html", "jinja2")], {"base.html": {"trimmed": "true"}}
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def untranslated(cat, ids: set[str]) -> list[str]:
    missing = []
    for message in cat:
        key = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")
        if not key or key not in ids:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(key)
    return missing


def test_the_template_is_up_to_date():
    """Every string marked in code and templates is in messages.pot (run `translations update`)."""
    method_map = [
        ("hub/**.py", "python"),
        ("content/**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    options = {"templates/**.html": {"trimmed": "true"}}
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    marked = set()
    for _f, _l, message, *_rest in extract_from_dir(str(ROOT), method_map, options, keywords):
        marked.add(message if isinstance(message, str) else message[0])
    assert marked - template_ids() == set()


def test_urdu_is_complete():
    ids = template_ids()
    cat = catalog("ur_PK")
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id} >= ids
    assert untranslated(cat, ids) == []


@pytest.mark.parametrize("locale", ["pa_Arab_PK", "sd_Arab_PK", "ps_PK"])
def test_public_site_is_complete(locale):
    assert untranslated(catalog(locale), public_ids()) == []


@pytest.mark.parametrize(
    "locale", ["ur_PK", "pa_Arab_PK", "sd_Arab_PK", "ps_PK", "bal_PK", "skr_PK", "brh", "hno"]
)
def test_placeholders_survive_translation(locale):
    for message in catalog(locale):
        if not message.id or not message.string or message.fuzzy:
            continue  # fuzzy entries are never compiled in
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for text in strings:
            if text:
                assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (locale, ids[0], text)


def test_saraiki_falls_back_to_urdu_then_english(tmp_path):
    """A string missing from the Saraiki catalog comes from Urdu, not English."""
    from babel.messages.catalog import Catalog
    from flask import Flask, g
    from flask_babel import Babel, gettext

    from hub.i18n import ChainDomain

    for locale, entries in {
        "ur_PK": {"Peace": "امن", "Dialogue": "مکالمہ"},
        "skr_PK": {"Peace": "امن (سرائیکی)"},
    }.items():
        cat = Catalog(locale=locale)
        for msgid, msgstr in entries.items():
            cat.add(msgid, msgstr)
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.mo", "wb") as f:
            write_mo(f, cat)
    app = Flask(__name__)
    app.config["HUB_DEFAULT_LANGUAGE"] = "en"
    babel = Babel(app, locale_selector=lambda: "ur_PK")
    babel.domain_instance = ChainDomain(str(tmp_path))
    with app.app_context():
        g.forced_language = "skr"
        assert gettext("Peace") == "امن (سرائیکی)"
        assert gettext("Dialogue") == "مکالمہ"  # from Urdu
        assert gettext("Tolerance") == "Tolerance"  # English closes the chain
