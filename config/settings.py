"""Kōsei settings, read from the environment.

Every variable is listed with its default in README.md. Development needs none of them
(SQLite file, local-memory cache, debug); production sets DJANGO_SECRET_KEY, DATABASE_URL,
DJANGO_ALLOWED_HOSTS and usually REDIS_URL.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# pytest (8.2+) sets PYTEST_VERSION for its session: the suite runs with production-shaped
# settings (DEBUG off) and needs only a throwaway key and plain HTTP.
TESTING = "PYTEST_VERSION" in os.environ

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if TESTING:
        SECRET_KEY = "test-only-secret-key-not-for-production-use"
    elif not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "AIコンパス")
SITE_PUBLISHER = os.environ.get("SITE_PUBLISHER", "ALLFORCES")
AMAZON_ASSOCIATE_TAG = os.environ.get("AMAZON_ASSOCIATE_TAG", "")
SITE_DESCRIPTION = os.environ.get("SITE_DESCRIPTION", "AI導入・生成AI・LLM活用の専門メディア")
# X (Twitter) account for twitter:site, with the @.
TWITTER_SITE = os.environ.get("TWITTER_SITE", "")
AFFILIATE_DISCLOSURE = os.environ.get(
    "AFFILIATE_DISCLOSURE", "本記事はアフィリエイト広告（Amazonアソシエイト）を利用しています"
)
# robots.txt: paths every crawler is asked to skip, and user agents turned away entirely.
ROBOTS_DISALLOW = env_list("ROBOTS_DISALLOW", "/admin/,/editorial/,/search/")
ROBOTS_BLOCKED_AGENTS = env_list("ROBOTS_BLOCKED_AGENTS")

# Social cards (docs/ogp.md). The font defaults to the packaged Noto Sans CJK JP Bold; any font
# with Japanese glyphs works (Debian: /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc).
OGP_FONT_PATH = os.environ.get("OGP_FONT_PATH", "")
OGP_DOMAIN = os.environ.get("OGP_DOMAIN", "") or urlsplit(SITE_URL).netloc
# Draw a post's card when it is saved. The suite turns it off so that the hundreds of posts
# other tests create are not drawn; the card tests switch it on.
OGP_CARDS_ON_SAVE = env_bool("OGP_CARDS_ON_SAVE", not TESTING)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "blog",
    "editorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "blog.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blog.middleware.RedirectFallbackMiddleware",
    "blog.middleware.PublicNotFoundMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite file by default so a newcomer needs nothing; DATABASE_URL=postgres://... in production
# (psycopg 3 is what Django picks for the postgresql engine).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get(
    "DATABASE_POOL", "1"
) not in ("", "0"):
    # A pool of connections per process (psycopg_pool) instead of one persistent connection
    # with a health check: the check cost a `SELECT 1` round trip on every request. A broken
    # connection is discarded when it is returned, and the pool renews connections hourly.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "4")),
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while an editor saves; IMMEDIATE avoids lock upgrades that
    # fail with "database is locked" under concurrent writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not shared-cache memory, so tests see the locking production sees (writers wait
    # for each other instead of failing with "table is locked").
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    VAR_DIR.mkdir(exist_ok=True)  # a fresh clone has no var/ yet

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kosei",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Full-page cache of public pages (blog/cache.py); 0 turns it off to measure the origin alone.
# Redis is shared by every worker, so an invalidation reaches them all and pages can stay long;
# the local-memory cache is per process, so its pages must expire soon on their own: with two
# processes, one may keep an unpublished article until then.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600" if REDIS_URL else "30"))
# Fragments (navigation, what surrounds an article body, list shells) follow the same logic.
FRAGMENT_CACHE_SECONDS = int(
    os.environ.get("FRAGMENT_CACHE_SECONDS", "3600" if REDIS_URL else "30")
)
# What a CDN or reverse proxy may keep (it cannot be invalidated from here, so keep it short:
# with the origin's own cache this bounds how long a visitor can see an unpublished article).
PUBLIC_S_MAXAGE = int(os.environ.get("PUBLIC_S_MAXAGE", "30"))
PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Tests create many users; the production hasher's cost is deliberate and slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
# The admin's wording where Django's and taggit's Japanese reads as translated English
# (locale/ja/LC_MESSAGES/django.po); these catalogs come before theirs.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Media goes through STORAGES so an object-storage backend can replace the disk by setting
# only this. Hashed, compressed static names need `collectstatic`; in debug the plain storage
# keeps `runserver` working without it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Japanese tag names keep their characters in the slug (/tag/生成ai/).
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False

# Security: production defaults that `check --deploy` expects; a TLS-terminating proxy sets
# X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not TESTING)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Uploads (avatars, card overrides): cap request bodies held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Workflow notifications. Development prints mail to the console; production sends through SMTP.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kosei@localhost")

# Editorial rules a site may change.
EDITORIAL_ALLOW_SELF_APPROVAL = env_bool("EDITORIAL_ALLOW_SELF_APPROVAL")
EDITORIAL_EDIT_APPROVED_RETURNS_TO_REVIEW = env_bool(
    "EDITORIAL_EDIT_APPROVED_RETURNS_TO_REVIEW", True
)
EDITORIAL_SHARE_LINK_DAYS = int(os.environ.get("EDITORIAL_SHARE_LINK_DAYS", "7"))
# The editor's desk (docs/desk.md): how often the post page saves the form to the autosave slot.
EDITORIAL_AUTOSAVE_SECONDS = int(os.environ.get("EDITORIAL_AUTOSAVE_SECONDS", "10"))

# Images uploaded into article bodies (blog/logic/images.py): largest file and pixel count.
ARTICLE_IMAGE_MAX_BYTES = int(os.environ.get("ARTICLE_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
ARTICLE_IMAGE_MAX_PIXELS = int(os.environ.get("ARTICLE_IMAGE_MAX_PIXELS", "40000000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# The draft API for the AI pipeline (docs/api.md) and its webhooks.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "60"))
# The byline of a draft whose request names no author and whose user has no author profile.
API_DEFAULT_AUTHOR_SLUG = os.environ.get("API_DEFAULT_AUTHOR_SLUG", "editorial")
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
# Send right after commit in a background thread; `deliver_webhooks` retries what failed.
WEBHOOKS_SEND_IN_BACKGROUND = env_bool("WEBHOOKS_SEND_IN_BACKGROUND", True)
