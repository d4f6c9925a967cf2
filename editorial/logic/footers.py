"""Footer blocks the old site's generator appended to every article: related links, a call to
action, a book list and the affiliate disclosure. When a body was pasted twice they turn up in
the middle of the text or more than once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from editorial.logic.text import Block, Doc, key

FOOTER_LABELS = {
    "related": "関連記事",
    "cta": "CTA（行動喚起）",
    "books": "おすすめ書籍",
    "disclosure": "アフィリエイトの表示",
}
_RELATED_RE = re.compile(
    r"関連記事|あわせて読みたい|合わせて読みたい|こちらの記事も|おすすめ記事|関連する記事|人気記事"
)
_BOOKS_RE = re.compile(r"おすすめ書籍|おすすめの(?:本|書籍)|関連する書籍|参考書籍|推薦図書")
_CTA_RE = re.compile(r"utm_medium=cta|consulting-cta")
DISCLOSURE_RE = re.compile(
    r"アフィリエイト(?:リンク|広告|プログラム)|Amazon\s*アソシエイト|広告(?:を含み|が含まれ)"
    r"|プロモーションを含み|PRを含み|広告リンク"
)
# A call-to-action section is short; a long section that happens to link to /contact/ is not.
_CTA_MAX_CHARS = 600
_DISCLOSURE_MAX_CHARS = 250
_PROSE_CHARS = 80


@dataclass(frozen=True)
class Footer:
    kind: str
    first: Block
    last: Block
    text: str  # the exact source text of the blocks

    @property
    def label(self) -> str:
        return FOOTER_LABELS[self.kind]


def find_footers(doc: Doc) -> list[Footer]:
    """The footer blocks of the document (computed once per document)."""
    if "footers" not in doc.derived:
        doc.derived["footers"] = _find_footers(doc)
    return doc.derived["footers"]


def footer_block_indexes(doc: Doc) -> set[int]:
    if "footer_blocks" not in doc.derived:
        doc.derived["footer_blocks"] = {
            i for f in find_footers(doc) for i in range(f.first.index, f.last.index + 1)
        }
    return doc.derived["footer_blocks"]


def _find_footers(doc: Doc) -> list[Footer]:
    footers: list[Footer] = []
    blocks = doc.blocks
    covered: set[int] = set()
    for block in blocks:
        if block.index in covered:
            continue
        if block.kind == "heading":
            last = _section_end(blocks, block)
            section = doc.source[block.start : last.end]
            heading = block.heading_text
            kind = None
            if _RELATED_RE.search(heading):
                kind = "related"
            elif _BOOKS_RE.search(heading):
                kind = "books"
            elif _CTA_RE.search(section) and len(section) <= _CTA_MAX_CHARS:
                kind = "cta"
            if kind:
                footers.append(Footer(kind, block, last, section))
                covered.update(range(block.index, last.index + 1))
        elif (
            block.kind == "paragraph"
            and len(block.text) <= _DISCLOSURE_MAX_CHARS
            and DISCLOSURE_RE.search(block.text)
        ):
            footers.append(Footer("disclosure", block, block, block.text))
            covered.add(block.index)
    return footers


def _section_end(blocks: list[Block], heading: Block) -> Block:
    """The last block of the heading's section: before the next heading of the same or a
    higher level, a horizontal rule, a marker, or article prose (footers hold links and
    one-line blurbs, so a long paragraph means the article has resumed)."""
    last = heading
    for block in blocks[heading.index + 1 :]:
        if block.kind == "heading" and block.level <= heading.level:
            break
        if block.kind in {"hr", "marker", "conflict"}:
            break
        if block.kind == "paragraph" and len(key(block.text)) >= _PROSE_CHARS:
            break
        last = block
    return last
