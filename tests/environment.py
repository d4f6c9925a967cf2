"""The environment the suite runs in, whatever the shell that starts it has exported.

config/settings.py reads every setting from the environment (README.md lists the variables),
so a shell with `SITE_URL` or `REDIS_URL` exported would change what the tests see: another
site's URLs in every expected link, or a real Redis that the autouse `cache.clear()` fixtures
would flush. tests/conftest.py applies this module before any test is collected (see there how
and why the settings are then read again):

- PINNED variables get the values below. They are deliberately neither the defaults nor the
  production site's, so a test that copies a default instead of importing it here fails at once.
- CLEARED variables are removed, so settings.py's own defaults apply and its derived values
  follow from the pins: OGP_DOMAIN is the host of SITE_URL, CACHES is the local-memory cache
  because REDIS_URL is unset.
- SHELL_OWNED variables are left to the shell: the database is what CI varies on purpose
  (SQLite, then PostgreSQL).

Tests import the constants instead of copying them. A test that needs Redis asks for the
`redis_cache` fixture (tests/conftest.py), which uses KOSEI_TEST_REDIS_URL, never REDIS_URL.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from urllib.parse import urlsplit

SITE_URL = "https://kosei.test"  # .test is reserved (RFC 2606): never a real site
SITE_NAME = "校正テスト"
SITE_PUBLISHER = "校正テスト発行所"
SITE_DESCRIPTION = "校正テストの説明文"
AMAZON_ASSOCIATE_TAG = ""
TWITTER_SITE = ""
PAGE_CACHE_SECONDS = 30
FRAGMENT_CACHE_SECONDS = 30
# Derived by settings.py from the pins above (asserted by tests/test_environment.py).
OGP_DOMAIN = urlsplit(SITE_URL).netloc
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"

PINNED = {
    "SITE_URL": SITE_URL,
    "SITE_NAME": SITE_NAME,
    "SITE_PUBLISHER": SITE_PUBLISHER,
    "SITE_DESCRIPTION": SITE_DESCRIPTION,
    "AMAZON_ASSOCIATE_TAG": AMAZON_ASSOCIATE_TAG,
    "TWITTER_SITE": TWITTER_SITE,
    "PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS),
    "FRAGMENT_CACHE_SECONDS": str(FRAGMENT_CACHE_SECONDS),
}

# Every other variable config/settings.py reads (tests/test_environment.py fails when settings.py
# reads one that is in none of the three lists).
CLEARED = (
    "REDIS_URL",
    "OGP_DOMAIN",
    "OGP_FONT_PATH",
    "OGP_CARDS_ON_SAVE",
    "AFFILIATE_DISCLOSURE",
    "ROBOTS_DISALLOW",
    "ROBOTS_BLOCKED_AGENTS",
    "PUBLIC_S_MAXAGE",
    "PUBLIC_MAX_AGE",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_HSTS_PRELOAD",
    "DJANGO_LOG_LEVEL",
    "STATIC_ROOT",
    "MEDIA_URL",
    "MEDIA_ROOT",
    "ARTICLE_IMAGE_MAX_BYTES",
    "ARTICLE_IMAGE_MAX_PIXELS",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "EDITORIAL_ALLOW_SELF_APPROVAL",
    "EDITORIAL_EDIT_APPROVED_RETURNS_TO_REVIEW",
    "EDITORIAL_SHARE_LINK_DAYS",
    "EDITORIAL_AUTOSAVE_SECONDS",
    "API_MAX_BODY_BYTES",
    "API_RATE_LIMIT_PER_MINUTE",
    "API_DEFAULT_AUTHOR_SLUG",
    "WEBHOOK_TIMEOUT_SECONDS",
    "WEBHOOK_MAX_ATTEMPTS",
    "WEBHOOKS_SEND_IN_BACKGROUND",
)

SHELL_OWNED = ("DATABASE_URL", "DATABASE_POOL", "DATABASE_POOL_MAX_SIZE", "DATABASE_CONN_MAX_AGE")

# The Redis a test may use when it asks for one (tests/conftest.py's `redis_cache`).
TEST_REDIS_URL_VARIABLE = "KOSEI_TEST_REDIS_URL"


def apply(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set the pinned variables and remove the cleared ones in `environ`."""
    for name in CLEARED:
        environ.pop(name, None)
    environ.update(PINNED)
