"""Public article paths, without Django: one place that knows the /YYYY/MM/DD/slug/ shape."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

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


def article_path(day: dt.date, slug: str) -> str:
    return f"/{day:%Y/%m/%d}/{slug}/"


# Category URLs of the old site that pointed nowhere (shared/SITE.md), and where they belong.
# Consulted after the stored redirects, so an editor's Redirect row for the same path wins.
LEGACY_PATHS = {
    "/category/ai最新ニュース/": "/category/latest/",
    "/category/ai技術ガイド/": "/category/tech/",
    "/AI技術ガイド/": "/category/tech/",
    "/category/ai導入戦略/": "/category/strategy/",
    "/category/投資分析/": "/category/strategy/",
    "/category/industry/": "/category/analysis/",
    "/category/業界別ai活用/": "/category/analysis/",
    "/category/case-studies/": "/category/implementation/",
    "/category/導入事例/": "/category/implementation/",
    "/導入事例/": "/category/implementation/",
    "/category/研究論文/": "/category/research/",
}


def legacy_destination(path: str) -> str | None:
    """Where an old dead URL belongs; the category part matched without regard to case."""
    if not path.endswith("/"):
        path += "/"
    return LEGACY_PATHS.get(path) or LEGACY_PATHS.get(path.lower())
