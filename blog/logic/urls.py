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
