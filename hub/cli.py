"""`flask --app wsgi hub ...`: set-up, accounts, demo content and scheduled publishing.

Commands are thin: they parse options and call the same services as the web pages.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from content import languages, services
from content.errors import ContentError
from hub.config import ROOT
from hub.extensions import db
from hub.migrate import upgrade_database

hub_cli = AppGroup("hub", help="Narratives Hub administration.")


def _fail(exc: ContentError) -> None:
    raise click.ClickException(exc.message)


@hub_cli.command("init")
def init_command():
    """Create or upgrade the database schema to the latest migration."""
    from pathlib import Path

    Path(current_app.config["HUB_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    upgrade_database(current_app.config["HUB_DATABASE_URL"])
    click.echo("Database is at the latest schema.")


@hub_cli.command("create-org")
@click.argument("slug")
@click.option("--name", required=True, help="Display name of the organisation.")
@click.option("--description", default="", help="Optional description.")
def create_org_command(slug: str, name: str, description: str):
    """Create an organisation."""
    try:
        org = services.create_organisation(
            db.session, actor=None, slug=slug, name=name, description=description
        )
    except ContentError as exc:
        _fail(exc)
    click.echo(f"Created organisation {org.slug} (id {org.id}).")


@hub_cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["contributor", "translator", "editor", "admin"]),
)
@click.option("--org", "org_slug", default=None, help="Organisation slug.")
@click.option("--languages", default="", help="Comma-separated language codes, e.g. ur,en.")
@click.option("--all-languages", is_flag=True, help="An editor for every language.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--preferred-language", default="en")
def create_user_command(
    email, name, roles, org_slug, languages, all_languages, password_stdin, preferred_language
):
    """Create a user. The password is asked for, or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        org_id = services.get_organisation(db.session, org_slug).id if org_slug else None
        user = services.create_user(
            db.session,
            actor=None,
            email=email,
            name=name,
            password=password,
            roles=roles,
            organisation_id=org_id,
            languages_=[c for c in languages.split(",") if c.strip()],
            all_languages=all_languages,
            preferred_language=preferred_language,
        )
    except ContentError as exc:
        _fail(exc)
    click.echo(f"Created user {user.email} (id {user.id}).")


@hub_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@click.option(
    "--scale",
    type=click.IntRange(min=0),
    default=0,
    help="Then add N more published stories (generated text in en, ur, sd, ps), for load tests.",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed of --scale's text.")
def demo_command(if_empty: bool, scale: int, seed: int):
    """Load demo organisations, accounts and stories in several languages and states."""
    from content.demo import DEMO_ACCOUNTS, has_users, load_demo

    if if_empty and has_users(db.session):
        click.echo("Demo content already loaded.")
    else:
        load_demo(db.session)
        click.echo("Demo content loaded.")
    if scale:
        added = _add_scaled_demo(scale, seed)
        click.echo(f"Added {added} published stories ({scale} asked for).")
    click.echo("Demo sign-in accounts (password for all: " + DEMO_ACCOUNTS.password + "):")
    for email, role in DEMO_ACCOUNTS.accounts:
        click.echo(f"  {role:<24} {email}")


# Languages of the scaled demo, in turn; every fourth story also has an English or Urdu
# translation, so story pages link to other languages as real ones do.
SCALE_LANGUAGES = ("en", "ur", "sd", "ps")
SCALE_BYLINES = ("named", "organisation", "anonymous")
SCALE_CHUNK = 100  # stories per import transaction


def _scale_lines(count: int, seed: int):
    """``count`` import lines of published stories, written by content.corpus (Zipf-distributed
    words of each language's own vocabulary, realistic lengths)."""
    import random

    from sqlalchemy import select

    from content import corpus
    from content.models import REGIONS, THEMES, Campaign, Organisation

    orgs = list(db.session.scalars(select(Organisation.slug).order_by(Organisation.id)))
    campaigns = list(db.session.scalars(select(Campaign.slug).order_by(Campaign.id)))
    db.session.rollback()
    if not orgs:
        raise click.ClickException("--scale needs at least one organisation.")
    rng = random.Random(seed)  # noqa: S311 - demo text, not a secret
    writer = corpus.Writer(rng)
    for n in range(count):
        source = SCALE_LANGUAGES[n % len(SCALE_LANGUAGES)]
        codes = [source]
        if n % 4 == 3:
            codes.append("ur" if source == "en" else "en")
        translations = {}
        for code in codes:
            vocabulary = corpus.VOCABULARIES[code]
            topic = rng.sample(vocabulary.topical, rng.randint(4, 9))
            body, _words = writer.body(vocabulary, topic, None)
            translations[code] = {
                "title": writer.title(vocabulary, topic, None),
                "summary": writer.summary(vocabulary, topic, None),
                "body": body,
            }
        line = {
            "organisation": orgs[n % len(orgs)],
            "kind": "story",
            "source_language": source,
            "themes": rng.sample(THEMES, rng.randint(1, 3)),
            "region": rng.choice(REGIONS),
            "campaign": campaigns[n % len(campaigns)] if campaigns and n % 5 == 0 else None,
            "byline_mode": SCALE_BYLINES[n % len(SCALE_BYLINES)],
            "publish": True,
            "translations": translations,
        }
        yield json.dumps(line, ensure_ascii=False)


def _add_scaled_demo(count: int, seed: int) -> int:
    """Import ``count`` generated stories, ``SCALE_CHUNK`` per transaction, each chunk an
    hour older than the one before (so lists have an order), then bring search up to date."""
    from datetime import timedelta
    from itertools import islice

    from content.models import utcnow
    from content.services.transfer import ImportRefused, import_stories

    actor = _admin(None)
    lines = _scale_lines(count, seed)
    start, added, hours = utcnow(), 0, 0
    while chunk := list(islice(lines, SCALE_CHUNK)):
        hours += 1
        try:
            added += import_stories(
                db.session, actor=actor, lines=chunk, now=start - timedelta(hours=hours)
            )
        except ImportRefused as exc:
            line, message = exc.problems[0]
            raise click.ClickException(
                f"Generated story {added + line} refused: {message}"
            ) from None
        click.echo(f"  {added} stories imported")
    _indexer().sync_quietly()
    return added


@hub_cli.command("publish-due")
@click.option("--every", type=int, default=0, help="Repeat every N seconds (0: run once).")
def publish_due_command(every: int):
    """Publish scheduled translations whose time has come."""
    while True:
        published = services.publish_due(db.session)
        for t in published:
            click.echo(f"Published translation {t.id} ({t.lang}/{t.slug}).")
        db.session.remove()
        if not every:
            break
        time.sleep(every)


# --- interface translations (Flask-Babel catalogs) --------------------------------------

translations_cli = AppGroup("translations", help="Interface translation catalogs (pybabel).")
hub_cli.add_command(translations_cli)

POT_FILE = ROOT / "translations" / "messages.pot"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # noqa: S603


def _catalogs() -> list[languages.Language]:
    return [lang for lang in languages.LANGUAGES.values() if lang.code != "en"]


@translations_cli.command("extract")
def extract_command():
    """Extract marked strings from code and templates into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        str(POT_FILE),
        str(ROOT),
    )


@translations_cli.command("update")
def update_command():
    """Extract, then merge new strings into every language's catalog (creating missing ones)."""
    extract_command.callback()
    for lang in _catalogs():
        po = ROOT / "translations" / lang.catalog_locale / "LC_MESSAGES" / "messages.po"
        # Brahui and Hindko are not in CLDR: their catalogs take Urdu's plural rules.
        verb = "update" if po.exists() else "init"
        _pybabel(verb, "-i", str(POT_FILE), "-o", str(po), "-l", lang.format_locale)


@translations_cli.command("compile")
def compile_command():
    """Compile every catalog to .mo (done by `make run` and `make test`; .mo is not committed)."""
    from hub.i18n import compile_catalogs

    for locale, translated, total in compile_catalogs(str(ROOT / "translations")):
        click.echo(f"{locale}: {translated} of {total} strings translated")


# --- search ------------------------------------------------------------------------------

search_cli = AppGroup("search", help="The search index.")
hub_cli.add_command(search_cli)


def _indexer():
    return current_app.extensions["hub.search"]


@search_cli.command("sync")
def search_sync_command():
    """Apply outbox changes the index has not seen yet."""
    from hub.indexing import sync

    index = _indexer().index
    applied = sync(db.session, index)
    click.echo(
        f"Applied {applied} change(s); the index is at outbox row {index.last_applied_seq()}."
    )


@search_cli.command("rebuild")
def search_rebuild_command():
    """Rebuild the index from the database into a new directory and swap it in."""
    from hub.indexing import rebuild

    count = rebuild(db.session, _indexer().index)
    click.echo(f"Rebuilt the search index with {count} published translation(s).")


@search_cli.command("query")
@click.argument("text")
@click.option("--lang", "lang", default=None, help="Prefer this language (registry code).")
@click.option("--only", default=None, help="Search only these languages, e.g. ur,sd.")
@click.option("--limit", default=10, show_default=True)
def search_query_command(text: str, lang: str | None, only: str | None, limit: int):
    """Print results for TEXT, for checking from the shell."""
    from search import SearchRequest, search

    langs = languages.parse_codes(only) if only else None
    results = search(
        _indexer().index,
        SearchRequest(q=text, per_page=limit, langs=langs, prefer_lang=lang),
    )
    click.echo(f"{results.total} result(s)")
    for hit in results.hits:
        click.echo(f"[{hit.lang}] {hit.title}  /{hit.lang}/stories/{hit.slug}")
    if results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}")


# --- bulk import and export ----------------------------------------------------------------


def _admin(email: str | None):
    from sqlalchemy import select

    from content.models import Role, User, UserRole

    stmt = select(User).join(UserRole).where(UserRole.role == Role.ADMIN, User.is_active.is_(True))
    if email:
        stmt = stmt.where(User.email == email.strip().lower())
    user = db.session.scalars(stmt.order_by(User.id)).first()
    if user is None:
        raise click.ClickException("No active admin account found (create one, or pass --as).")
    return user


@hub_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "as_email", default=None, help="Admin account recorded as the author.")
def import_command(path: str, as_email: str | None):
    """Import stories from a JSON-lines file: all lines, or none."""
    from content.services.transfer import ImportRefused, import_stories

    actor = _admin(as_email)
    with open(path, encoding="utf-8") as f:
        try:
            count = import_stories(db.session, actor=actor, lines=f)
        except ImportRefused as exc:
            for line, message in exc.problems[:50]:
                click.echo(f"line {line}: {message}", err=True)
            raise click.ClickException(
                f"Nothing was imported: {len(exc.problems)} bad line(s)."
            ) from None
    _indexer().sync_quietly()
    click.echo(f"Imported {count} stories.")


@hub_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(path: str):
    """Export every story to a JSON-lines file (the import format)."""
    from content.services.transfer import write_export

    with open(path, "w", encoding="utf-8") as f:
        count = write_export(db.session, f)
    click.echo(f"Exported {count} stories.")


# --- media -----------------------------------------------------------------------------------

media_cli = AppGroup("media", help="The media store.")
hub_cli.add_command(media_cli)


@media_cli.command("check")
@click.option("--fix", is_flag=True, help="Repair: delete orphans, abandoned uploads, broken rows.")
def media_check_command(fix: bool):
    """Report (and with --fix repair) differences between the database and the media store."""
    from content.services.media import check_media

    report = check_media(db.session, current_app.extensions["hub.media"], fix=fix)
    for asset_id, key in report.missing:
        click.echo(f"missing object: asset {asset_id} has no {key}")
    for key in report.orphans:
        click.echo(f"orphan object: {key}")
    for asset_id in report.stale_pending:
        click.echo(f"abandoned upload: asset {asset_id} is still pending")
    if report.clean:
        click.echo("The database and the media store agree.")
    elif fix:
        click.echo("Repaired.")
    else:
        click.echo("Run with --fix to repair.")
        raise SystemExit(1)
