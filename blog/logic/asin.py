"""ASIN checks and Amazon associate URLs, without Django.

Book ASINs are ISBN-10s, so a numeric ASIN carries a check digit that catches most typos;
other ASINs (Kindle editions, goods) are ten upper-case letters and digits, usually "B0...".
"""

import re
from urllib.parse import quote

_ASIN_RE = re.compile(r"[A-Z0-9]{10}")
_ISBN10_RE = re.compile(r"[0-9]{9}[0-9X]")


def normalize_asin(value: str) -> str:
    return value.strip().upper()


def asin_error(value: str) -> str | None:
    """Return why `value` is not a valid ASIN (in Japanese, for editors), or None if it is."""
    asin = normalize_asin(value)
    if len(asin) != 10:
        return f"ASINは10文字です（入力は{len(asin)}文字）。"
    if not _ASIN_RE.fullmatch(asin):
        return "ASINに使えるのは英大文字と数字だけです。"
    if asin[:9].isdigit():
        if not _ISBN10_RE.fullmatch(asin):
            return "数字のASIN（ISBN-10）の最後の1文字は数字かXです。"
        if not isbn10_check_digit_ok(asin):
            return "ISBN-10のチェックディジットが合いません。入力ミスがないか確認してください。"
    elif asin[0].isdigit():
        return "数字で始まるASINはISBN-10です（最初の9文字が数字）。"
    return None


def isbn10_check_digit_ok(isbn: str) -> bool:
    total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(isbn))
    return total % 11 == 0


def amazon_url(asin: str, associate_tag: str, host: str = "www.amazon.co.jp") -> str:
    """The product URL; the associate tag is added here so it is never stored per link."""
    url = f"https://{host}/dp/{quote(normalize_asin(asin))}/"
    if associate_tag:
        url += f"?tag={quote(associate_tag)}"
    return url
