"""Public article paths, without Django: one place that knows the /YYYY/MM/DD/slug/ shape."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from blog.logic.site_facts import SITE_CATEGORIES

# A slug is one path segment: anything but separators, whitespace and characters that would
# need escaping to survive a round trip through a URL or a file name.
SLUG_FORBIDDEN = re.compile(r"[\s/\\?#%<>\"'`]|[\x00-\x1f\x7f]")


def slug_error(slug: str) -> str | None:
    if not slug:
        return "スラッグを入力してください。"
    match = SLUG_FORBIDDEN.search(slug)
    if match:
        return f"スラッグに「{match.group()!r}」は使えません（空白・/・?・#・%・引用符など）。"
    if slug.startswith("-") or slug.endswith("-"):
        return "スラッグの先頭と末尾にハイフンは使えません。"
    if slug in {".", ".."}:
        return "スラッグに「.」「..」は使えません。"
    return None


def local_date(moment: dt.datetime, tz_name: str) -> dt.date:
    """The calendar date of an aware datetime in the site's time zone (Jekyll used it too)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the URL date needs an aware datetime")
    return moment.astimezone(ZoneInfo(tz_name)).date()


def absolute_url(url: str, site_url: str) -> str:
    """`url` on the site as an absolute URL (one that is absolute already is kept)."""
    return url if url.startswith(("http://", "https://")) else site_url + url


def article_path(day: dt.date, slug: str) -> str:
    return f"/{day:%Y/%m/%d}/{slug}/"


# The whole path, the final slash optional; the slug is any one segment.
_ARTICLE_PATH_RE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/([^/]+)/?")


def split_article_path(path: str) -> tuple[str, str, str, str] | None:
    """The year, month, day and slug of a path shaped like an article's, as written (nothing
    decoded, the date not checked), else None. Callers that refuse some slugs check them."""
    match = _ARTICLE_PATH_RE.fullmatch(path)
    return match.groups() if match else None  # type: ignore[return-value]


# Category URLs of the old site that pointed nowhere (shared/SITE.md), and where they belong.
# Consulted after the stored redirects, so an editor's Redirect row for the same path wins.
LEGACY_PATHS = {old: info.path for info in SITE_CATEGORIES for old in info.dead_paths}


def legacy_destination(path: str) -> str | None:
    """Where an old dead URL belongs; the category part matched without regard to case."""
    if not path.endswith("/"):
        path += "/"
    return LEGACY_PATHS.get(path) or LEGACY_PATHS.get(path.lower())
