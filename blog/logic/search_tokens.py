"""CJK bigram tokenisation for the search index, without Django.

Japanese has no spaces between words, and the databases' own parsers cannot cut it into words.
Trigram indexes (pg_trgm, FTS5's trigram tokenizer) cannot answer two-character queries such as
「生成」, which are the most common Japanese search terms. The classic answer, used by Lucene's
CJK analyzer, is to index every overlapping pair of characters of a CJK run (「生成AI」 ->
「生成」 and the word "ai"), and to turn a query into the same pairs, all of which must match.

- Text is NFKC-normalised and lower-cased first, so full-width 「ＡＩ」 and half-width katakana
  find their usual forms.
- CJK runs (kana, ideographs, Hangul) give overlapping bigrams; a run of a single character
  gives that character alone.
- Latin runs give words of ASCII letters and digits ("gpt-4o" -> "gpt", "4o"): punctuation is
  never part of a token, so tokens are safe to embed in a quoted FTS5 or tsquery literal.
- A one-character CJK query (「生」) becomes a prefix query: it finds the bigrams starting with
  it. Lucene's CJK analyzer does the same.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CJK = (
    "\u3041-\u309f"  # hiragana
    "\u30a0-\u30ff"  # katakana (incl. ー and ・, dropped below)
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3005-\u3007"  # 々 〆 〇
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\U00020000-\U0003134f"  # CJK extensions B and later
    "\uac00-\ud7af"  # Hangul syllables
)
_RUN_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<latin>[a-z0-9]+)")
_MIDDLE_DOT = "\u30fb"  # ・ separates words in katakana names; it is no character to search for


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace(_MIDDLE_DOT, " ")


def _runs(text: str) -> list[tuple[str, str]]:
    return [(match.lastgroup or "", match.group()) for match in _RUN_RE.finditer(normalize(text))]


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def document_tokens(text: str) -> list[str]:
    """Every token of `text` in order (with repeats): what the index stores for a document."""
    tokens: list[str] = []
    for kind, run in _runs(text):
        tokens.extend(_bigrams(run) if kind == "cjk" else [run])
    return tokens


def unique_tokens(text: str) -> list[str]:
    """The distinct tokens of `text`, in first-seen order (the index needs no positions)."""
    return list(dict.fromkeys(document_tokens(text)))


def index_tokens(title: str, excerpt: str, text: str) -> tuple[str, str]:
    """What a post's search document stores: the title's tokens, and those of the title, the
    lead and the body text together (space-separated)."""
    return (
        " ".join(unique_tokens(title)),
        " ".join(unique_tokens(f"{title} {excerpt} {text}")),
    )


@dataclass(frozen=True)
class Term:
    token: str
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed search query: every term must match (AND)."""

    terms: tuple[Term, ...]
    highlight: tuple[str, ...]  # the normalised runs as typed, for marking up snippets

    def __bool__(self) -> bool:
        return bool(self.terms)

    def to_fts5(self) -> str:
        """An FTS5 MATCH expression; tokens hold no quotes, so quoting cannot be broken."""
        return " AND ".join(f'"{t.token}"' + ("*" if t.prefix else "") for t in self.terms)

    def to_tsquery(self) -> str:
        """A tsquery literal for PostgreSQL (cast with ::tsquery, no parser involved)."""
        return " & ".join(f"'{t.token}'" + (":*" if t.prefix else "") for t in self.terms)


MAX_QUERY_TERMS = 32


def parse_query(text: str) -> Query:
    terms: list[Term] = []
    highlight: list[str] = []
    for kind, run in _runs(text):
        highlight.append(run)
        if kind == "cjk" and len(run) == 1:
            terms.append(Term(run, prefix=True))
        elif kind == "cjk":
            terms.extend(Term(token) for token in _bigrams(run))
        else:
            terms.append(Term(run))
    unique = tuple(dict.fromkeys(terms))[:MAX_QUERY_TERMS]
    return Query(terms=unique, highlight=tuple(dict.fromkeys(highlight)))
