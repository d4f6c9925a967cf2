"""Near-duplicate topics: another post (in any state) with a very similar title or opening, so
editors can merge or drop one before both go out.

Titles are compared as sets of character bigrams, openings as sets of 4-character shingles
(Dice coefficient),
after removing the generator's padding and years, which every old title shares. Candidates
come from each post's rarest shared shingles, which keeps a whole-archive run linear.
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
    """Titles and openings of all posts. A query looks only at the posts that share one of its
    rarest shingles (shared with at least one other post): two near-duplicates share most of
    their shingles, so they meet there, and each query reads a few short postings instead of
    comparing with the whole archive."""

    TITLE_ANCHORS = 10
    OPENING_ANCHORS = 12

    def __init__(self, config: Config, entries: Iterable[tuple[PostRef, str, str]] = ()):
        self.config = config
        self._entries: dict[int | None, _Entry] = {}
        self._titles: dict[str, list[int | None]] = {}
        self._openings: dict[str, list[int | None]] = {}
        for ref, title, opening in entries:
            self.add(ref, title, opening)

    def add(self, ref: PostRef, title: str, opening_text: str) -> None:
        entry = _Entry(
            ref,
            _shingles(title_key(title, self.config), 2),
            _shingles(opening_key(opening_text), 4),
        )
        self._entries[ref.id] = entry
        for shingle in entry.title:
            self._titles.setdefault(shingle, []).append(ref.id)
        for shingle in entry.opening:
            self._openings.setdefault(shingle, []).append(ref.id)

    def _anchored(
        self,
        shingles: frozenset[str],
        postings: dict[str, list],
        own: frozenset[str],
        count: int,
    ) -> set[int | None]:
        """Posts found under at least two of the query's `count` rarest shared shingles (under
        the one, if only one is shared): a near-duplicate shares most of them."""
        limit = max(20, int(len(self._entries) * _COMMON_SHARE))
        shared = []
        for shingle in shingles:
            posting = postings.get(shingle)
            if posting is None:
                continue
            # `own`: the query's shingles as indexed, which the postings already count.
            others = len(posting) - (shingle in own)
            if 1 <= others <= limit:
                shared.append((others, shingle))
        shared.sort()
        anchors = shared[:count]
        hits: dict[int | None, int] = {}
        for _, shingle in anchors:
            for other in postings[shingle]:
                hits[other] = hits.get(other, 0) + 1
        needed = min(2, len(anchors))
        return {other for other, n in hits.items() if n >= needed}

    def similar(self, post_id: int | None, title: str, opening_text: str) -> list[Similar]:
        threshold = self.config.near_duplicate_threshold
        title_set = _shingles(title_key(title, self.config), 2)
        opening_set = _shingles(opening_key(opening_text), 4)
        indexed = self._entries.get(post_id) if post_id is not None else None
        own_titles = indexed.title if indexed else frozenset()
        own_openings = indexed.opening if indexed else frozenset()
        scores: dict[int | None, Similar] = {}
        for reason, mine, postings, own, count in (
            ("title", title_set, self._titles, own_titles, self.TITLE_ANCHORS),
            ("opening", opening_set, self._openings, own_openings, self.OPENING_ANCHORS),
        ):
            for other_id in self._anchored(mine, postings, own, count):
                if other_id == post_id:
                    continue
                entry = self._entries[other_id]
                score = _dice(mine, getattr(entry, reason))
                best = scores.get(other_id)
                if score >= threshold and (best is None or score > best.score):
                    scores[other_id] = Similar(entry.ref, score, reason)
        found = list(scores.values())
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
