"""Text helpers shared by the checks: a light Markdown block reader that keeps line numbers and
character offsets, sentence splitting, and the normalisation used to compare passages.

The reader is deliberately simpler than Python-Markdown: the checks need to know where a
paragraph, heading, list or fenced code block starts and ends in the source, not how it renders.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from blog.logic.fences import closes_fence, opening_fence

_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_HR_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_IAL_RE = re.compile(r"^ {0,3}\{:[^}]*\}[ \t]*$")
_LIQUID_LINE_RE = re.compile(r"^[ \t]*(?:\{%.*?%\}|\{\{.*?\}\})[ \t]*$")
_LIST_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE_RE = re.compile(r"^ {0,3}>")
_TABLE_RE = re.compile(r"^[ \t]*\|")
_HTML_RE = re.compile(r"^ {0,3}<[A-Za-z/!]")
# Lines that stand on their own whatever surrounds them: generation and conflict markers.
MARKER_LINE_RE = re.compile(
    r"^[ \t]*(?:"
    r"[-=*_#~]{2,}[ \t]*(?:END|EOF|START|BEGIN|終わり|終了|記事終了|本文終了|ここまで)"
    r"[ \t]*[-=*_#~]{2,}"
    r"|[\[【<＜（(][ \t]*(?:END|EOF|終わり|終了|記事終了|本文終了|続く|つづく)[ \t]*[\]】>＞）)]"
    r"|END[ \t]+OF[ \t]+(?:ARTICLE|TEXT|OUTPUT|DOCUMENT)"
    r")[ \t]*$",
    re.IGNORECASE,
)
CONFLICT_LINE_RE = re.compile(r"^(?:<{7}|>{7}|\|{7})(?:[ \t].*)?$|^={7}[ \t]*$")

# Sentence: up to and including its closing punctuation and closing brackets, or a line end.
_SENTENCE_RE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[」』）)\]】\"”’]*)?|[。！？!?]+")
_LINK_TARGET_RE = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_NON_WORD_RE = re.compile(r"[\W_]+")
_CODE_SPAN_RE = re.compile(r"`+[^`\n]*`+")
_VOICED = "\u3099\u309a"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=16384)
def key(text: str) -> str:
    """Comparison key: width-folded, lower-case, without link targets, whitespace,
    punctuation and Markdown markup. Two passages with the same key say the same thing.
    (Cached: several checks ask for the key of the same block.)"""
    if "](" in text:
        text = _LINK_TARGET_RE.sub("]", text)
    # Punctuation goes first: what remains (letters, kana, kanji, digits) is usually already
    # in NFKC form, and the normalisation is skipped.
    text = _NON_WORD_RE.sub("", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _NON_WORD_RE.sub("", unicodedata.normalize("NFKC", text))
    return text.lower()


def _devoice_table() -> dict[int, int]:
    table = {}
    for code in range(0x3040, 0x3100):
        decomposed = unicodedata.normalize("NFD", chr(code))
        if len(decomposed) == 2 and decomposed[1] in _VOICED:
            table[code] = ord(decomposed[0])
    return table


_DEVOICE = _devoice_table()


def devoice(text: str) -> str:
    """The text with dakuten and handakuten removed (ガ -> カ, パ -> ハ): what a slug generator
    that strips combining marks leaves behind. Keeps the length, so positions carry over."""
    return text.translate(_DEVOICE)


def slug_key(text: str) -> str:
    """How slugs and titles are compared when guessing a link's target: width-folded,
    lower-case, voiced marks dropped, no surrounding hyphens."""
    return devoice(nfkc(text).lower()).strip("-")


def snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, surrounding spaces trimmed."""
    spans = []
    for match in _SENTENCE_RE.finditer(text):
        start, end = match.span()
        while start < end and text[start] in " \t\u3000":
            start += 1
        while end > start and text[end - 1] in " \t\u3000":
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    start: int
    end: int  # excluding the line break (and a trailing \r)
    text: str


@dataclass(frozen=True)
class Block:
    index: int
    kind: str  # heading paragraph list quote table html code hr ial liquid marker conflict
    first: int  # first and last line numbers (1-based)
    last: int
    start: int  # character offsets in the source
    end: int
    text: str
    level: int = 0  # heading level

    @cached_property
    def heading_text(self) -> str:
        match = _HEADING_RE.match(self.text)
        return match.group(2).strip() if match else ""

    @property
    def is_prose(self) -> bool:
        return self.kind in {"paragraph", "list", "quote", "heading", "table"}


class Doc:
    """A Markdown source split into lines and blocks, outside fenced code where it matters."""

    def __init__(self, source: str):
        self.source = source
        # What the checks derive from the document once and share (footers, masked text).
        self.derived: dict = {}
        self.lines = self._split_lines(source)
        self._line_starts = [line.start for line in self.lines]
        self.blocks = self._read_blocks()

    @staticmethod
    def _split_lines(source: str) -> list[Line]:
        lines = []
        position = 0
        for number, raw in enumerate(source.split("\n"), start=1):
            text = raw[:-1] if raw.endswith("\r") else raw
            lines.append(Line(number, position, position + len(text), text))
            position += len(raw) + 1
        return lines

    def line_at(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def line(self, number: int) -> Line:
        return self.lines[number - 1]

    def _read_blocks(self) -> list[Block]:
        blocks: list[Block] = []
        lines = self.lines
        i = 0
        group: list[Line] = []

        def flush() -> None:
            if group:
                blocks.append(self._make_block(len(blocks), _group_kind(group[0].text), group))
                group.clear()

        while i < len(lines):
            line = lines[i]
            text = line.text
            marker = opening_fence(text)
            if marker:
                flush()
                j = i + 1
                while j < len(lines) and not closes_fence(lines[j].text, marker):
                    j += 1
                last = min(j, len(lines) - 1)
                blocks.append(self._make_block(len(blocks), "code", lines[i : last + 1]))
                i = last + 1
                continue
            if not text.strip():
                flush()
                i += 1
                continue
            single = _single_line_kind(text)
            if single:
                flush()
                level = 0
                if single == "heading":
                    level = len(_HEADING_RE.match(text).group(1))
                blocks.append(self._make_block(len(blocks), single, [line], level))
                i += 1
                continue
            if group and _starts_new_group(group, text):
                flush()
            group.append(line)
            i += 1
        flush()
        return blocks

    def _make_block(self, index: int, kind: str, lines: list[Line], level: int = 0) -> Block:
        start, end = lines[0].start, lines[-1].end
        return Block(
            index,
            kind,
            lines[0].number,
            lines[-1].number,
            start,
            end,
            self.source[start:end],
            level,
        )

    @cached_property
    def code_ranges(self) -> list[tuple[int, int]]:
        return [(b.start, b.end) for b in self.blocks if b.kind == "code"]

    @cached_property
    def masked(self) -> str:
        """The source with fenced code blocks and inline code spans blanked out (same length,
        line breaks kept), for checks that search the prose with one regular expression."""
        chars = list(self.source)
        for start, end in self.code_ranges:
            for i in range(start, end):
                if chars[i] != "\n":
                    chars[i] = " "
        text = "".join(chars)
        return _CODE_SPAN_RE.sub(lambda m: " " * len(m.group()), text)

    def block_at(self, offset: int) -> Block | None:
        """The block containing a character offset."""
        starts = self.derived.get("block_starts")
        if starts is None:
            starts = self.derived["block_starts"] = [b.start for b in self.blocks]
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and offset <= self.blocks[index].end:
            return self.blocks[index]
        return None

    def in_code(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.code_ranges)

    def text_lines(self) -> list[Line]:
        """Lines outside fenced code."""
        inside = set()
        for block in self.blocks:
            if block.kind == "code":
                inside.update(range(block.first, block.last + 1))
        return [line for line in self.lines if line.number not in inside]

    def removal_span(
        self, first: Block, last: Block, *, swallow_hr: bool = False
    ) -> tuple[int, int]:
        """Character span that removes blocks first..last with the blank lines after them
        (before them at the end of the text), so no gap is left behind. With `swallow_hr`, a
        horizontal rule right before `first` goes too when a rule or the end follows `last`,
        so two rules do not end up next to each other."""
        start = self.line(first.first).start
        if swallow_hr and first.index > 0:
            previous = self.blocks[first.index - 1]
            following = self.blocks[last.index + 1] if last.index + 1 < len(self.blocks) else None
            if previous.kind == "hr" and (following is None or following.kind == "hr"):
                start = self.line(previous.first).start
        if last.index + 1 < len(self.blocks):
            end = self.line(self.blocks[last.index + 1].first).start
        else:
            end = len(self.source)
            # Nothing follows: eat the blank lines before instead, keeping the line break that
            # ends the text before them.
            while start > 0 and self.source[start - 1] in "\n\r \t":
                start -= 1
            if start > 0 and self.source[start:end].startswith(("\r\n", "\n")):
                start += 2 if self.source.startswith("\r\n", start) else 1
        return start, end


# A line can only be one of the single-line kinds if it starts with one of these.
_SINGLE_LINE_STARTS = frozenset("#<>|=-*_~{[【＜（(EeＥ")


def _single_line_kind(text: str) -> str | None:
    first = text.lstrip()[:1]
    if first not in _SINGLE_LINE_STARTS:
        return None
    if _HEADING_RE.match(text):
        return "heading"
    if CONFLICT_LINE_RE.match(text):
        return "conflict"
    if MARKER_LINE_RE.match(text):
        return "marker"
    if _HR_RE.match(text):
        return "hr"
    if _IAL_RE.match(text):
        return "ial"
    if _LIQUID_LINE_RE.match(text):
        return "liquid"
    return None


def _group_kind(text: str) -> str:
    if _LIST_RE.match(text):
        return "list"
    if _QUOTE_RE.match(text):
        return "quote"
    if _TABLE_RE.match(text):
        return "table"
    if _HTML_RE.match(text):
        return "html"
    return "paragraph"


def _starts_new_group(group: list[Line], text: str) -> bool:
    """A table after a paragraph line, or a paragraph after a table, starts a new block."""
    current = _group_kind(group[0].text)
    is_table_line = bool(_TABLE_RE.match(text))
    if current == "table":
        return not is_table_line
    return current == "paragraph" and is_table_line
