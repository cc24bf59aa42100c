"""Alembic, driven from code: the CLI, `make run` and the tests migrate the same way."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from hub.config import ROOT, normalise_database_url


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    url = normalise_database_url(url)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
