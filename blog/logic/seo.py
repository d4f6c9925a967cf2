"""Structured data and absolute links for pages and feeds, without Django."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urljoin

# Inside <script> only "</" (and "<!--") can end or confuse the element; escaping every <, >
# and & as JSON unicode escapes keeps the data identical for a JSON parser and inert for HTML.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld(data: Any) -> str:
    """JSON for a <script type="application/ld+json"> element, safe against breaking out."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # U+2028/2029 are valid in JSON but were line terminators in older JavaScript parsers.
    return text.translate(_SCRIPT_ESCAPES).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_URL_ATTR_RE = re.compile(r'(?P<attr>\s(?:href|src)=")(?P<url>[^"]*)(?P<end>")')
_SRCSET_RE = re.compile(r'(?P<attr>\ssrcset=")(?P<set>[^"]*)(?P<end>")')


def absolutize_urls(fragment: str, base: str) -> str:
    """Make every href/src/srcset in sanitised HTML absolute against `base` (feeds need that).

    The fragment comes from the renderer, which writes attributes in double quotes and
    escapes their values, so a regular expression over attributes is exact here.
    """

    def absolute(url: str) -> str:
        if url.startswith(("http://", "https://", "mailto:")):
            return url
        return urljoin(base, url)

    def replace(match: re.Match[str]) -> str:
        return match.group("attr") + absolute(match.group("url")) + match.group("end")

    def replace_set(match: re.Match[str]) -> str:
        # "url 640w, url 1280w": each candidate's URL, its descriptor kept.
        candidates = []
        for candidate in match.group("set").split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            candidates.append((absolute(url) + " " + descriptor).strip() if url else "")
        return match.group("attr") + ", ".join(c for c in candidates if c) + match.group("end")

    return _SRCSET_RE.sub(replace_set, _URL_ATTR_RE.sub(replace, fragment))


def share_links(url: str, title: str) -> list[dict[str, str]]:
    """Plain share URLs (no third-party script): X, Facebook, Hatena Bookmark, LINE."""
    u = quote(url, safe="")
    t = quote(title, safe="")
    return [
        {"name": "X", "label": "Xでポスト", "url": f"https://x.com/intent/post?url={u}&text={t}"},
        {
            "name": "facebook",
            "label": "Facebookでシェア",
            "url": f"https://www.facebook.com/sharer/sharer.php?u={u}",
        },
        {
            "name": "hatena",
            "label": "はてなブックマークに追加",
            "url": f"https://b.hatena.ne.jp/add?mode=confirm&url={u}&title={t}",
        },
        {
            "name": "line",
            "label": "LINEで送る",
            "url": f"https://social-plugins.line.me/lineit/share?url={u}",
        },
    ]
