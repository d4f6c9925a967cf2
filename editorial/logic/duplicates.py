"""Near-duplicate topics: another post (in any state) with a very similar title or opening, so
editors can merge or drop one before both go out.

Titles are compared as sets of character bigrams, openings as sets of 4-character shingles
(Dice coefficient),
after removing the generator's padding and years, which every old title shares. An inverted
index over the rarer shingles keeps a whole-archive run close to linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from editorial.logic.draft import WARNING, Config, Draft, Finding, PostRef, SiteContext
from editorial.logic.leftovers import strip_title_padding
from editorial.logic.registry import check, define, finding
from editorial.logic.text import key, snippet

SIMILAR = define("duplicates.similar", "よく似た記事", WARNING)

OPENING_CHARS = 300
_YEAR_RE = re.compile(r"(?:19|20)\d{2}年?")
# Shingles found in more than this share of the posts say nothing about a pair.
_COMMON_SHARE = 0.05
_MAX_RESULTS = 5


def _shingles(text: str, size: int) -> frozenset[str]:
    if len(text) < size:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + size] for i in range(len(text) - size + 1))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared shingles over the average size: 1.0 for the same text, 0.0 for nothing shared."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def title_key(title: str, config: Config) -> str:
    return _YEAR_RE.sub("", key(strip_title_padding(title, config)))


def opening_key(body_text: str) -> str:
    return key(body_text[: OPENING_CHARS * 2])[:OPENING_CHARS]


@dataclass(frozen=True)
class _Entry:
    ref: PostRef
    title: frozenset[str]
    opening: frozenset[str]


@dataclass(frozen=True)
class Similar:
    ref: PostRef
    score: float
    reason: str  # "title" or "opening"


class NearDuplicateIndex:
    def __init__(self, config: Config, entries: Iterable[tuple[PostRef, str, str]] = ()):
        self.config = config
        self._entries: dict[int | None, _Entry] = {}
        self._postings: dict[str, set[int | None]] = {}
        for ref, title, opening in entries:
            self.add(ref, title, opening)

    def add(self, ref: PostRef, title: str, opening_text: str) -> None:
        entry = _Entry(
            ref,
            _shingles(title_key(title, self.config), 2),
            _shingles(opening_key(opening_text), 4),
        )
        self._entries[ref.id] = entry
        for shingle in entry.title | entry.opening:
            self._postings.setdefault(shingle, set()).add(ref.id)

    def similar(self, post_id: int | None, title: str, opening_text: str) -> list[Similar]:
        threshold = self.config.near_duplicate_threshold
        title_set = _shingles(title_key(title, self.config), 2)
        opening_set = _shingles(opening_key(opening_text), 4)
        limit = max(20, int(len(self._entries) * _COMMON_SHARE))
        candidates: dict[int | None, int] = {}
        for shingle in title_set | opening_set:
            posting = self._postings.get(shingle)
            if posting is None or len(posting) > limit:
                continue
            for other in posting:
                if other != post_id:
                    candidates[other] = candidates.get(other, 0) + 1
        found = []
        for other_id in candidates:
            entry = self._entries[other_id]
            title_score = _dice(title_set, entry.title)
            opening_score = _dice(opening_set, entry.opening)
            if title_score >= threshold or opening_score >= threshold:
                reason = "title" if title_score >= opening_score else "opening"
                found.append(Similar(entry.ref, max(title_score, opening_score), reason))
        found.sort(key=lambda s: (-s.score, s.ref.id or 0))
        return found[:_MAX_RESULTS]


@check("duplicates")
def check_duplicates(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    index = context.near_duplicates
    if index is None:
        return
    for similar in index.similar(draft.post_id, draft.title, draft.text or ""):
        what = "タイトル" if similar.reason == "title" else "書き出し"
        yield finding(
            SIMILAR,
            f"{what}がよく似た記事があります（類似度{similar.score:.0%}）:"
            f"「{snippet(similar.ref.title, 40)}」。統合するか、"
            "どちらかを取り下げるか検討してください。",
            field="title" if similar.reason == "title" else "body",
            refs=(similar.ref,),
        )
