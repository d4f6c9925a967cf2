"""Repeated text: paragraphs and sections pasted twice, also when lightly reworded, and repeated
footer blocks.

The body is cut into sentences; each sentence gets a comparison key (width-folded, without
whitespace, punctuation or markup), so a copy whose paragraphs were merged, re-wrapped or
re-punctuated still matches. A run of consecutive sentences that all appeared before, long
enough together (80 characters by default), is one finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from editorial.logic.draft import ERROR, INFO, Config, Draft, Edit, Finding, Fix, SiteContext
from editorial.logic.footers import find_footers, footer_block_indexes
from editorial.logic.registry import check, define, finding
from editorial.logic.text import Block, Doc, key, sentence_spans, snippet

PARAGRAPH = define("repetition.paragraph", "段落の繰り返し", ERROR)
SECTION = define("repetition.section", "節の繰り返し", ERROR)
FOOTER = define("repetition.footer", "フッターの繰り返し", ERROR)
SHARE = define("repetition.share", "重複の割合", INFO)

# Sentences shorter than this (after normalisation) are too common to prove a copy: 「まとめ」,
# 「はじめに」. They neither start nor break a run.
_MIN_UNIT = 8
_SKIPPED_KINDS = {"code", "hr", "ial", "liquid", "marker", "conflict", "html"}


@dataclass(frozen=True)
class _Unit:
    block: int
    start: int
    end: int
    key: str


@dataclass
class _Run:
    units: list[int]
    weight: int = 0


@check("repetition")
def check_repetition(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    doc = draft.doc
    footers = find_footers(doc)
    units = _units(doc, footer_block_indexes(doc))
    first_seen: dict[str, int] = {}
    original: list[int | None] = [None] * len(units)
    for i, unit in enumerate(units):
        previous = first_seen.get(unit.key)
        if previous is None:
            first_seen[unit.key] = i
        else:
            original[i] = previous

    runs = list(_runs(units, original))
    total = sum(len(u.key) for u in units if len(u.key) >= _MIN_UNIT)
    duplicated = 0
    exact_first = _exact_first_blocks(doc)
    by_block: dict[int, list[int]] = {}
    for i, unit in enumerate(units):
        by_block.setdefault(unit.block, []).append(i)
    for run in runs:
        if run.weight < config.min_repeat_chars:
            continue
        duplicated += run.weight
        yield _run_finding(doc, units, original, run, exact_first, by_block)
    if duplicated and total:
        share = round(100 * duplicated / total)
        yield finding(
            SHARE,
            f"本文の約{share}%（{duplicated:,}文字／{total:,}文字）が、前に出てきた文の繰り返しです。",
        )
    yield from _footer_findings(doc, footers)


def _units(doc: Doc, footer_blocks: set[int]) -> list[_Unit]:
    units = []
    for block in doc.blocks:
        if block.kind in _SKIPPED_KINDS or block.index in footer_blocks:
            continue
        for start, end in sentence_spans(block.text):
            unit_key = key(block.text[start:end])
            if unit_key:
                units.append(_Unit(block.index, block.start + start, block.start + end, unit_key))
    return units


def _runs(units: list[_Unit], original: list[int | None]) -> Iterator[_Run]:
    run: _Run | None = None
    for i, unit in enumerate(units):
        short = len(unit.key) < _MIN_UNIT
        if original[i] is not None and not short:
            if run is None:
                run = _Run([])
            run.units.append(i)
            run.weight += len(unit.key)
        elif short and run is not None:
            run.units.append(i)
        elif run is not None:
            yield _trimmed(run, units)
            run = None
    if run is not None:
        yield _trimmed(run, units)


def _trimmed(run: _Run, units: list[_Unit]) -> _Run:
    while run.units and len(units[run.units[-1]].key) < _MIN_UNIT:
        run.units.pop()
    return run


def _exact_first_blocks(doc: Doc) -> dict[int, int]:
    """block index -> index of the first block with exactly the same text, for later copies."""
    seen: dict[str, int] = {}
    copies: dict[int, int] = {}
    for block in doc.blocks:
        if block.kind in _SKIPPED_KINDS:
            continue
        text = block.text.strip()
        if text in seen:
            copies[block.index] = seen[text]
        else:
            seen[text] = block.index
    return copies


def _run_finding(
    doc: Doc,
    units: list[_Unit],
    original: list[int | None],
    run: _Run,
    exact_first: dict[int, int],
    by_block: dict[int, list[int]],
) -> Finding:
    first_unit = units[run.units[0]]
    last_unit = units[run.units[-1]]
    source_unit = units[original[run.units[0]]]
    line = doc.line_at(first_unit.start)
    end_line = doc.line_at(last_unit.end)
    original_line = doc.line_at(source_unit.start)
    heading = next(
        (
            doc.blocks[units[i].block]
            for i in run.units
            if original[i] is not None and doc.blocks[units[i].block].kind == "heading"
        ),
        None,
    )
    excerpt = snippet(doc.source[first_unit.start : last_unit.end], 60)
    if heading is not None:
        code = SECTION
        message = (
            f"見出し「{snippet(heading.heading_text, 30)}」の節（{line}〜{end_line}行目、"
            f"約{run.weight:,}文字）は、{original_line}行目からの内容の繰り返しです。"
        )
    else:
        code = PARAGRAPH
        message = (
            f"{line}〜{end_line}行目の約{run.weight:,}文字（「{snippet(excerpt, 24)}」から）は、"
            f"{original_line}行目の内容の繰り返しです。"
        )
    return finding(
        code,
        message,
        field="body",
        line=line,
        end_line=end_line,
        start=first_unit.start,
        end=last_unit.end,
        excerpt=excerpt,
        fix=_removal_fix(doc, units, original, run, exact_first, by_block),
    )


def _removal_fix(
    doc: Doc,
    units: list[_Unit],
    original: list[int | None],
    run: _Run,
    exact_first: dict[int, int],
    by_block: dict[int, list[int]],
) -> Fix | None:
    """Remove the blocks the run covers completely. Safe (for bulk fixing) only when every
    removed block has an exact earlier copy that stays; a reworded copy is offered to the
    editor as a one-click fix instead."""
    run_set = set(run.units)
    removable = []
    for block_index in sorted({units[i].block for i in run.units}):
        members = by_block[block_index]
        if all(i in run_set and original[i] is not None for i in members):
            removable.append(doc.blocks[block_index])
    if not removable:
        return None
    edits = []
    group: list[Block] = []
    for block in removable:
        if group and block.index != group[-1].index + 1:
            edits.append(_group_edit(doc, group, exact_first))
            group = []
        group.append(block)
    edits.append(_group_edit(doc, group, exact_first))
    safe = all(block.index in exact_first for block in removable)
    return Fix("重複している部分を削除", "body", tuple(edits), safe=safe)


def _group_edit(doc: Doc, group: list[Block], exact_first: dict[int, int]) -> Edit:
    start, end = doc.removal_span(group[0], group[-1])
    kept = tuple(
        doc.blocks[exact_first[b.index]].text.strip() for b in group if b.index in exact_first
    )
    return Edit(start, end, "", kept)


def _footer_findings(doc: Doc, footers) -> Iterator[Finding]:
    first_of_kind: dict[str, object] = {}
    exact: dict[tuple[str, str], object] = {}
    for footer in footers:
        text = footer.text.strip()
        earlier = first_of_kind.get(footer.kind)
        if earlier is None:
            first_of_kind[footer.kind] = footer
            exact[(footer.kind, text)] = footer
            continue
        same = exact.get((footer.kind, text))
        fix = None
        if same is not None:
            start, end = doc.removal_span(footer.first, footer.last, swallow_hr=True)
            fix = Fix(
                f"繰り返された{footer.label}を削除",
                "body",
                (Edit(start, end, "", (same.text.strip(),)),),
                safe=True,
            )
        else:
            exact[(footer.kind, text)] = footer
        difference = "同じ内容で" if same is not None else "内容を変えて"
        yield finding(
            FOOTER,
            f"{footer.label}のブロック（{footer.first.first}行目）が{difference}繰り返されています"
            f"（最初は{earlier.first.first}行目）。",
            field="body",
            line=footer.first.first,
            end_line=footer.last.last,
            start=footer.first.start,
            end=footer.last.end,
            excerpt=snippet(text, 60),
            fix=fix,
        )
