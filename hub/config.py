"""Settings from environment variables (HUB_*), with safe defaults.

Every setting the hub reads is here, and documented in the README. ``load_config`` returns
a plain dict; the factory lays the caller's mapping (tests) over it.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSECURE_DEV_KEY = "dev-only-insecure-key"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def normalise_database_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver the hub installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(env: dict[str, str] | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    hub_env = env.get("HUB_ENV", "development")
    production = hub_env == "production"
    data_dir = Path(env.get("HUB_DATA_DIR") or ROOT / "instance").resolve()
    return {
        "HUB_ENV": hub_env,
        "SECRET_KEY": env.get("HUB_SECRET_KEY") or (None if production else INSECURE_DEV_KEY),
        "HUB_DATA_DIR": str(data_dir),
        "HUB_DATABASE_URL": normalise_database_url(
            env.get("HUB_DATABASE_URL") or f"sqlite:///{data_dir / 'hub.sqlite3'}"
        ),
        "BABEL_DEFAULT_TIMEZONE": env.get("HUB_TIMEZONE", "Asia/Karachi"),
        # Empty: "search" under HUB_DATA_DIR (decided when the app is built).
        "HUB_SEARCH_DIR": env.get("HUB_SEARCH_DIR", ""),
        "HUB_LANGUAGES": env.get("HUB_LANGUAGES", "en,ur,pa,sd,ps,bal,skr,brh,hno"),
        "HUB_DEFAULT_LANGUAGE": env.get("HUB_DEFAULT_LANGUAGE", "en"),
        "HUB_FOUR_EYES": _bool(env.get("HUB_FOUR_EYES"), True),
        "HUB_SITE_NAME": env.get("HUB_SITE_NAME", "Narratives Hub"),
        "HUB_BASE_URL": env.get("HUB_BASE_URL", ""),
        # Cookies: Secure by default; `make run` turns it off for plain http on loopback.
        "SESSION_COOKIE_SECURE": _bool(env.get("HUB_COOKIE_SECURE"), True),
        "REMEMBER_COOKIE_SECURE": _bool(env.get("HUB_COOKIE_SECURE"), True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": _int(env.get("HUB_SESSION_HOURS"), 12) * 3600,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": _int(env.get("HUB_MAX_FORM_MB"), 2) * 1024 * 1024,
        "HUB_LOGIN_RATE_LIMIT": env.get("HUB_LOGIN_RATE_LIMIT", "10 per minute; 50 per hour"),
        "HUB_RATELIMIT_STORAGE_URL": env.get("HUB_RATELIMIT_STORAGE_URL", "memory://"),
        "HUB_PROXY_FIX": _int(env.get("HUB_PROXY_FIX"), 0),
        # HTTP caching of public pages (hub.public.caching). Page cache: on, unless TESTING
        # (None: decided when the app is built); size in entries and in megabytes per worker.
        "HUB_PAGE_CACHE": _bool(env.get("HUB_PAGE_CACHE"), True)
        if env.get("HUB_PAGE_CACHE")
        else None,
        "HUB_PAGE_CACHE_SIZE": _int(env.get("HUB_PAGE_CACHE_SIZE"), 2000),
        "HUB_PAGE_CACHE_MB": _int(env.get("HUB_PAGE_CACHE_MB"), 64),
        "HUB_PUBLIC_MAX_AGE": _int(env.get("HUB_PUBLIC_MAX_AGE"), 60),
        "HUB_PUBLIC_CDN_MAX_AGE": _int(env.get("HUB_PUBLIC_CDN_MAX_AGE"), 60),
        "HUB_PUBLIC_STALE_SECONDS": _int(env.get("HUB_PUBLIC_STALE_SECONDS"), 30),
        "HUB_STATIC_MAX_AGE": _int(env.get("HUB_STATIC_MAX_AGE"), 86400),
        "HUB_COMPRESS": _bool(env.get("HUB_COMPRESS"), True),
        "HUB_MAIL_HOST": env.get("HUB_MAIL_HOST", ""),
        "HUB_MAIL_PORT": _int(env.get("HUB_MAIL_PORT"), 587),
        "HUB_MAIL_USERNAME": env.get("HUB_MAIL_USERNAME", ""),
        "HUB_MAIL_PASSWORD": env.get("HUB_MAIL_PASSWORD", ""),
        "HUB_MAIL_TLS": _bool(env.get("HUB_MAIL_TLS"), True),
        "HUB_MAIL_FROM": env.get("HUB_MAIL_FROM", "hub@localhost"),
        "HUB_LOG_LEVEL": env.get("HUB_LOG_LEVEL", "INFO"),
        # Media: local disk by default, S3 (or any S3-compatible service) on request.
        "MEDIA_BACKEND": env.get("HUB_MEDIA_BACKEND", "local"),
        "MEDIA_ROOT": env.get("HUB_MEDIA_DIR", ""),  # empty: "media" under HUB_DATA_DIR
        "MEDIA_S3_BUCKET": env.get("HUB_S3_BUCKET", ""),
        "MEDIA_S3_REGION": env.get("HUB_S3_REGION", ""),
        "MEDIA_S3_ENDPOINT_URL": env.get("HUB_S3_ENDPOINT_URL", ""),
        "MEDIA_S3_PREFIX": env.get("HUB_S3_PREFIX", ""),
        "MEDIA_PUBLIC_BASE_URL": env.get("HUB_MEDIA_PUBLIC_BASE_URL", ""),
        "HUB_MEDIA_MAX_IMAGE_MB": _int(env.get("HUB_MEDIA_MAX_IMAGE_MB"), 25),
        "HUB_MEDIA_MAX_VIDEO_MB": _int(env.get("HUB_MEDIA_MAX_VIDEO_MB"), 500),
        "HUB_MEDIA_MAX_AUDIO_MB": _int(env.get("HUB_MEDIA_MAX_AUDIO_MB"), 100),
        "HUB_MEDIA_MAX_DOCUMENT_MB": _int(env.get("HUB_MEDIA_MAX_DOCUMENT_MB"), 50),
        # Reach counters: seconds between batch writes (0: after every response). Unset:
        # 10, or 0 when TESTING (decided in hub.reach.register).
        "HUB_REACH_FLUSH_SECONDS": _int(env.get("HUB_REACH_FLUSH_SECONDS"), None),
        "HUB_REACH_MAX_PENDING": _int(env.get("HUB_REACH_MAX_PENDING"), 50_000),
    }


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def check_config(config: dict) -> None:
    if config["HUB_ENV"] == "production":
        key = config.get("SECRET_KEY")
        if not key or key == INSECURE_DEV_KEY or len(key) < 32:
            raise ConfigError("HUB_SECRET_KEY must be set to a random value of 32+ characters")
