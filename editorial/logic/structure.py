"""The body's Markdown structure: h1 in the body, skipped heading levels, bold lines used as
headings, Markdown collapsed onto one line, empty sections, paragraphs turned into headings by a
following `---`, broken tables, and footer blocks in the middle of the text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from editorial.logic.draft import ERROR, WARNING, Config, Draft, Edit, Finding, Fix, SiteContext
from editorial.logic.footers import find_footers, footer_block_indexes
from editorial.logic.registry import check, define, finding
from editorial.logic.text import Block, Doc, key, snippet

H1 = define("structure.h1", "本文中の大見出し（#）", WARNING)
HEADING_SKIP = define("structure.heading_skip", "見出しレベルの飛び", WARNING)
BOLD_HEADING = define("structure.bold_heading", "太字の行を見出し代わりに使用", WARNING)
COLLAPSED = define("structure.collapsed", "1行に潰れた Markdown", ERROR)
EMPTY_SECTION = define("structure.empty_section", "中身のない節", WARNING)
SETEXT = define("structure.setext", "「---」で見出しになった段落", WARNING)
TABLE = define("structure.table", "崩れた表", WARNING)
FOOTER_MID_BODY = define("structure.footer_mid_body", "本文の途中にあるフッター", WARNING)

_BOLD_LINE_RE = re.compile(r"^\s*(\*\*|__)([^*_\n]{2,60})\1\s*$")
# Block syntax that only means something at the start of a line, found in the middle of one:
# the Markdown was joined into a single line somewhere (a copy through a form, an API).
# Each alternative starts with a character class or a literal so the engine can skip ahead;
# "preceded by text on the same line" is checked afterwards (see _collapsed).
_COLLAPSED_RE = re.compile(
    r"[ \t\u3000]+#{2,6}[ \t]+\S"  # 「…です。 ### 見出し」
    r"|[。！？][ \t\u3000]*#{1,6}[ \t]+\S"  # 「…です。# 見出し」
    r"|[。！？][ \t\u3000]*\*\*[^*\n]{2,40}\*\*[ \t\u3000]+(?=\S)"  # 「…です。 **見出し** 本文」
    r"|[ \t]+-{3,}[ \t]+(?=\S)"  # 「… --- …」
    r"|\|[ \t]*:?-{3,}:?[ \t]*\|.*\|[ \t]*\S.*\|"  # a table on one line
)
_DELIMITER_ROW_RE = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$")
_MIN_TRAILING_PROSE = 200
_MAX_HEADING = 60


@check("structure")
def check_structure(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    doc = draft.doc
    yield from _headings(doc)
    yield from _collapsed(doc)
    yield from _setext(doc)
    yield from _tables(doc)
    yield from _footers_mid_body(doc)


def _headings(doc: Doc) -> Iterator[Finding]:
    previous_level = 1  # the page title is the h1
    headings = [b for b in doc.blocks if b.kind == "heading"]
    for block in headings:
        level = block.level
        if level == 1:
            hashes = block.start + block.text.index("#")
            yield finding(
                H1,
                f"{block.first}行目の「# {snippet(block.heading_text, 30)}」は大見出し（h1）です。"
                "h1 はページのタイトルだけにして、本文の見出しは ## から始めてください。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=block.text.strip(),
                fix=Fix("## に直す", "body", (Edit(hashes, hashes, "#"),)),
            )
        elif level > previous_level + 1:
            yield finding(
                HEADING_SKIP,
                f"{block.first}行目の見出しが h{previous_level} から h{level} に飛んでいます"
                f"（「{snippet(block.heading_text, 30)}」）。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=block.text.strip(),
            )
        previous_level = max(level, 1)
    blocks = doc.blocks
    for block in headings:
        following = next(
            (b for b in blocks[block.index + 1 :] if b.kind not in {"ial", "liquid"}), None
        )
        empty = following is None or (
            following.kind == "heading" and following.level <= block.level
        )
        if empty:
            yield finding(
                EMPTY_SECTION,
                f"{block.first}行目の見出し「{snippet(block.heading_text, 30)}」の節に"
                "本文がありません。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=block.text.strip(),
            )
    for block in blocks:
        if block.kind == "paragraph" and block.first == block.last:
            match = _BOLD_LINE_RE.match(block.text)
            if match and not match.group(2).rstrip().endswith(("。", "！", "？", ".", "!", "?")):
                yield finding(
                    BOLD_HEADING,
                    f"{block.first}行目の太字の行「{snippet(match.group(2), 30)}」は見出しとして"
                    "使われているようです。目次に載るよう ## か ### の見出しにしてください。",
                    line=block.first,
                    start=block.start,
                    end=block.end,
                    excerpt=block.text.strip(),
                )


def _collapsed(doc: Doc) -> Iterator[Finding]:
    reported: set[int] = set()
    for block in doc.blocks:
        heading = block.heading_text if block.kind == "heading" else ""
        if len(heading) > _MAX_HEADING and "。" in heading:
            reported.add(block.index)
            yield finding(
                COLLAPSED,
                f"{block.first}行目の見出しに本文（{len(heading):,}文字）がつながっています。"
                "見出しの後で改行が失われています。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=snippet(heading, 60),
            )
    masked = doc.masked
    for match in _COLLAPSED_RE.finditer(masked):
        at = match.start()
        if masked[at] in " \t\u3000" and (at == 0 or masked[at - 1] in "\n \t\u3000"):
            continue  # indentation at the start of a line, not text before the marker
        block = doc.block_at(at)
        if block is None or block.index in reported:
            continue
        if block.kind not in {"paragraph", "heading", "list", "quote"}:
            continue
        reported.add(block.index)  # one finding per block is enough to send the editor there
        line = doc.line(doc.line_at(match.start()))
        yield finding(
            COLLAPSED,
            f"{line.number}行目（{len(line.text):,}文字）に、行頭にあるはずの Markdown"
            f"「{snippet(match.group().strip(), 20)}」が行の途中にあります。改行が失われ、"
            "見出しや段落が1行につながっています。",
            line=line.number,
            start=match.start(),
            end=match.end(),
            excerpt=snippet(masked[max(line.start, match.start() - 20) : match.end() + 20], 60),
        )


def _setext(doc: Doc) -> Iterator[Finding]:
    for block in doc.blocks:
        if block.kind != "hr" or block.index == 0 or not block.text.strip().startswith(("-", "=")):
            continue
        above = doc.blocks[block.index - 1]
        if above.kind == "paragraph" and above.last == block.first - 1:
            yield finding(
                SETEXT,
                f"{block.first}行目の「{block.text.strip()}」が直前の段落に付いているため、段落全体が"
                "見出しとして表示されます。区切り線にするなら前に空行を入れてください。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=snippet(doc.line(above.last).text, 40),
                fix=Fix(
                    "区切り線の前に空行を入れる", "body", (Edit(block.start, block.start, "\n"),)
                ),
            )


def _cells(row: str) -> int:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return len(re.split(r"(?<!\\)\|", row))


def _tables(doc: Doc) -> Iterator[Finding]:
    for block in doc.blocks:
        if block.kind != "table":
            continue
        rows = block.text.split("\n")
        if len(rows) < 2 or not _DELIMITER_ROW_RE.match(rows[1]):
            yield finding(
                TABLE,
                f"{block.first}行目の表に見出しと本体を分ける行（| --- | --- |）がないため、"
                "表ではなく文字として表示されます。",
                line=block.first,
                end_line=block.last,
                start=block.start,
                end=block.end,
                excerpt=snippet(rows[0], 40),
            )
            continue
        columns = _cells(rows[0])
        for offset, row in enumerate(rows[2:], start=2):
            count = _cells(row)
            if count != columns:
                line = block.first + offset
                yield finding(
                    TABLE,
                    f"{line}行目の表の行のセル数が{count}個で、見出しの{columns}個と合いません"
                    "（余ったセルは表示されません）。",
                    line=line,
                    start=doc.line(line).start,
                    end=doc.line(line).end,
                    excerpt=snippet(row, 40),
                )
                break


def _footers_mid_body(doc: Doc) -> Iterator[Finding]:
    footers = find_footers(doc)
    if not footers:
        return
    footer_blocks = footer_block_indexes(doc)
    trailing = [0] * (len(doc.blocks) + 1)
    for block in reversed(doc.blocks):
        weight = 0
        if block.index not in footer_blocks and _counts_as_prose(block):
            weight = len(key(block.text))
        trailing[block.index] = trailing[block.index + 1] + weight
    for footer in footers:
        after = trailing[footer.last.index + 1]
        if after >= _MIN_TRAILING_PROSE:
            yield finding(
                FOOTER_MID_BODY,
                f"{footer.label}のブロック（{footer.first.first}行目）の後に、まだ本文が約{after:,}文字"
                "続いています。フッターは記事の末尾に置きます（本文が貼り重ねられていないかも確認を）。",
                line=footer.first.first,
                end_line=footer.last.last,
                start=footer.first.start,
                end=footer.last.end,
                excerpt=snippet(footer.text, 40),
            )


def _counts_as_prose(block: Block) -> bool:
    return block.kind in {"paragraph", "list", "quote", "heading", "table"}
