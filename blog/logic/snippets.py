"""Search-result snippets with highlighted matches, without Django.

Only the ten posts of a result page are passed here, so working on their plain text is cheap;
the index, not this module, decides which posts match.
"""

from __future__ import annotations

import html
import re
import unicodedata


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _marked_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where the matches are, with matches that touch or stand only whitespace apart joined:
    a query like 「生成AI」 is two terms (生成, ai), and 「生成AI」 or 「生成 AI」 in the text is
    one phrase to the reader, so it gets one mark, not two side by side."""
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if spans and not text[spans[-1][1] : start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def highlight(text: str, terms: tuple[str, ...]) -> str:
    """`text` escaped for HTML with every occurrence of a term wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return html.escape(text)
    out: list[str] = []
    last = 0
    for start, end in _marked_spans(text, pattern):
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, terms: tuple[str, ...], width: int = 120) -> str:
    """About `width` characters of `text` around the first match, highlighted, as safe HTML.

    When the text has no match as written, it is NFKC-normalised like the query (so 「ＧＰＴ」
    in a body is found by "gpt"); normalising is the slow part, so it is the fallback. Without
    a match at all (the title matched, or bigrams matched apart), the opening is shown.
    """
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern else None
    if pattern and match is None:
        text = unicodedata.normalize("NFKC", text)
        match = pattern.search(text)
    start = 0 if match is None else max(0, match.start() - width // 3)
    end = min(len(text), start + width)
    piece = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + highlight(piece, terms) + suffix
