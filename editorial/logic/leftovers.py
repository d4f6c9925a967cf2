"""What a generation pipeline leaves behind: end markers, git conflict markers, the model's
chatter and refusals, prompt echoes, search-tool messages, placeholders, text cut off in the
middle of a sentence, Liquid tags, and the title or excerpt repeated as the body's first line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from editorial.logic.draft import ERROR, WARNING, Config, Draft, Edit, Finding, Fix, SiteContext
from editorial.logic.footers import footer_block_indexes
from editorial.logic.registry import check, define, finding
from editorial.logic.text import Doc, key, sentence_spans, snippet

END_MARKER = define("leftover.end_marker", "終了マーカー（---END--- など）", ERROR)
CONFLICT = define("leftover.conflict", "Git の競合マーカー", ERROR)
CHATTER = define("leftover.chatter", "AI の応答・断り文句・指示の復唱", ERROR)
PLACEHOLDER = define("leftover.placeholder", "穴埋め記号（○○、XXX など）", ERROR)
CUT_OFF = define("leftover.cut_off", "文の途中で切れた段落", ERROR)
# Liquid tags never reach readers (the renderer removes them): a warning to clean up.
LIQUID = define("leftover.liquid", "Liquid タグ（{% %}）", WARNING)
# Readers would see the title or the lead twice: a generation leftover like the others.
TITLE_REPEATED = define(
    "leftover.title_repeated", "本文冒頭でのタイトル・リード文の繰り返し", ERROR
)


@dataclass(frozen=True)
class Pattern:
    """A regular expression with the literal words any match must contain: a long body is
    only searched when one of them occurs (a substring test is far cheaper than a regex)."""

    label: str
    needles: tuple[str, ...]
    regex: re.Pattern[str]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if any(needle in text for needle in self.needles):
            yield from self.regex.finditer(text)


def _p(label: str, needles: tuple[str, ...], pattern: str, flags: int = 0) -> Pattern:
    return Pattern(label, needles, re.compile(pattern, flags))


# Each pattern is something a published article never says to its reader.
CHATTER_PATTERNS: tuple[Pattern, ...] = (
    _p("謝罪・断り", ("申し訳",), r"申し訳(?:ありません|ございません)(?:が|。|、|でした)"),
    _p(
        "了解の返事",
        ("承知", "了解"),
        r"(?:^|(?<=[「。、\s]))(?:はい|ええ)?、?(?:承知|了解)(?:いたしました|しました)",
        re.MULTILINE,
    ),
    _p("了解の返事", ("かしこまりました",), r"かしこまりました"),
    _p("続きの予告", ("続き",), r"記事の続き|続き(?:を|は)(?:書|執筆|作成|生成|出力)"),
    _p(
        "出力の前置き",
        ("以下",),
        r"以下(?:は|に|が)[^。\n]{0,30}(?:記事|本文|原稿|ドラフト)"
        r"(?:です|になります|を(?:作成|執筆|生成|出力))",
    ),
    _p(
        "出力の前置き",
        ("記事を", "原稿を"),
        r"(?:記事|原稿)を(?:作成|執筆)(?:いたします|することも可能)|では、?(?:記事|原稿)を(?:作成|執筆)します",
    ),
    _p("問い返し", ("教えていただけ",), r"教えていただけ(?:ます|れば)(?:でしょうか|幸いです)"),
    _p("問い返し", ("何か",), r"何か(?:他に)?(?:ご質問|お手伝いできること)"),
    _p("締めの挨拶", ("お役に立て",), r"お役に立て(?:れば|ましたら|て光栄)"),
    _p("AI の自己言及", ("として",), r"(?:AI|言語モデル)として(?:は|、)?(?:私|お答えでき)"),
    _p(
        "指示の復唱",
        ("既存の記事",),
        r"既存の記事(?:で|に)(?:も|は)?(?:触れ|あった|述べ|書|紹介|取り上げ)",
    ),
    _p("指示の復唱", ("ご指示",), r"ご指示(?:に|の)(?:従|沿|通り|とおり)"),
    _p(
        "検索ツールの報告",
        ("検索",),
        r"(?:ウェブ|Web|web|WEB|ネット)検索(?:を|で)(?:試み|行い|行った|実行|した|しました)"
        r"|検索(?:ツール|結果)(?:から|で|では|に)[^。\n]{0,30}"
        r"(?:見つかりません|見当たりません|得られません|ありませんでした)"
        r"|\[(?:検索中|Searching)[^\]]*\]",
    ),
    _p(
        "検索ツールの報告",
        ("見つ",),
        r"情報(?:を|が)見つ(?:けることができ|かりませんでした|かりません)",
    ),
    _p(
        "提供資料への言及",
        ("提供", "与えられ"),
        r"提供された(?:検索結果|テキスト)"
        r"|(?:提供|与えられ)た(?:情報|記事)(?:に基づ|をもと)いて(?:記事|執筆|作成)",
    ),
    _p(
        "英語の応答",
        ("As an AI", "sorry", "Sorry", "cannot", "Here is the", "Sure, here"),
        r"\b(?:As an AI|I'm sorry|I am sorry|I cannot|Here is the (?:article|draft)|Sure, here)",
        re.IGNORECASE,
    ),
)
# Stand-alone placeholders, and the letters-only ones that must not be part of a word.
PLACEHOLDER_PATTERNS: tuple[Pattern, ...] = (
    _p("記号", tuple("○◯〇●▲△□■×"), r"[○◯〇●▲△□■×]{2,}"),
    _p(
        "XXX",
        ("XX", "xxx", "ＸＸ"),
        r"(?<![A-Za-z0-9])(?:XXX+|xxx+|ＸＸＸ*)(?![A-Za-z0-9])"
        r"|(?<![A-Za-z0-9])XX(?=[%％円億万人社件年月日倍])",
    ),
    _p(
        "要確認",
        ("【", "["),
        r"[【\[](?:要確認|要出典|TODO|TBD|ここに[^】\]]*|プレースホルダー?|placeholder)[】\]]",
    ),
    _p("TODO", ("TODO", "FIXME"), r"(?:TODO|FIXME)[:：]"),
    _p(
        "指示書き",
        ("ここに", "こちらに"),
        r"(?:ここ|こちら)に[^。\n]{0,20}を(?:入れ|挿入|記載|追記)(?:る|て|します)",
    ),
)
_LIQUID_RE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
_CODE_SPAN_RE = re.compile(r"`+[^`\n]*`+")
# A paragraph may end with these without being cut off.
_CLOSING = set('。．.！!？?」』）)】］]〉》…‥:：、"”’*_~`|>') | {"\u3000"}
_NOT_CUT_PREFIXES = ("出典", "参考", "注", "※", "図", "表", "写真", "Source", "出所", "引用")
_URL_END_RE = re.compile(r"https?://\S+$")


def chatter_matches(text: str) -> list[tuple[str, re.Match[str]]]:
    return [(pattern.label, m) for pattern in CHATTER_PATTERNS for m in pattern.finditer(text)]


@check("leftover")
def check_leftovers(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    doc = draft.doc
    yield from _markers(doc)
    yield from _chatter(doc)
    yield from _placeholders(doc)
    yield from _cut_off(doc)
    yield from _liquid(doc)
    yield from _title_repeated(doc, draft, config)


def _line_fix(doc: Doc, block, label: str) -> Fix:
    start, end = doc.removal_span(block, block)
    return Fix(label, "body", (Edit(start, end),), safe=True)


def _markers(doc: Doc) -> Iterator[Finding]:
    conflicts = [b for b in doc.blocks if b.kind == "conflict"]
    for block in doc.blocks:
        if block.kind == "marker":
            yield finding(
                END_MARKER,
                f"{block.first}行目に生成ツールの区切り「{block.text.strip()}」が残っています。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=block.text.strip(),
                fix=_line_fix(doc, block, "区切りの行を削除"),
            )
    if conflicts:
        # Removing only the marker lines keeps both sides' text: nothing is lost, and the
        # repetition check then shows what the two sides have in common.
        edits = tuple(Edit(*doc.removal_span(b, b)) for b in conflicts)
        fix = Fix("競合マーカーの行を削除（両側の本文は残す）", "body", edits, safe=True)
        for block in conflicts:
            yield finding(
                CONFLICT,
                f"{block.first}行目に Git の競合マーカー「{snippet(block.text.strip(), 30)}」が"
                "残っています。どちらの版を残すか確認してください。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=block.text.strip(),
                fix=fix,
            )


_PROSE = {"paragraph", "list", "quote", "heading", "table"}


def _matches_by_block(doc: Doc, pattern: Pattern):
    """(block, match) for each match of `pattern` in the prose (one pass over the body, code
    blanked out); match positions are offsets in the body."""
    for match in pattern.finditer(doc.masked):
        block = doc.block_at(match.start())
        if block is not None and block.kind in _PROSE:
            yield block, match


def _chatter(doc: Doc) -> Iterator[Finding]:
    by_block: dict[int, list[tuple[str, int]]] = {}
    for pattern in CHATTER_PATTERNS:
        for block, match in _matches_by_block(doc, pattern):
            by_block.setdefault(block.index, []).append(
                (pattern.label, match.start() - block.start)
            )
    for index in sorted(by_block):
        block = doc.blocks[index]
        matches = by_block[index]
        spans = sentence_spans(block.text)
        hit = sorted(
            {
                next(i for i, (s, e) in enumerate(spans) if s <= at < e)
                for _, at in matches
                if any(s <= at < e for s, e in spans)
            }
        )
        labels = sorted({label for label, _ in matches})
        # One finding per paragraph; its fix removes the offending sentences (the paragraph
        # when nothing else is left in it).
        if len(hit) == len(spans):
            start, end = doc.removal_span(block, block)
            edits = (Edit(start, end),)
        else:
            edits = tuple(
                Edit(block.start + spans[i][0], block.start + _after_space(block.text, spans[i][1]))
                for i in hit
            )
        first = spans[hit[0]] if hit else (0, len(block.text))
        text = block.text[first[0] : first[1]]
        yield finding(
            CHATTER,
            f"{block.first}行目に記事ではない AI の応答（{'・'.join(labels)}）があります: "
            f"「{snippet(text, 40)}」",
            line=doc.line_at(block.start + first[0]),
            end_line=block.last,
            start=block.start + first[0],
            end=block.start + first[1],
            excerpt=snippet(text, 60),
            fix=Fix("AI の応答の文を削除", "body", edits, safe=True),
        )


def _after_space(text: str, end: int) -> int:
    while end < len(text) and text[end] in " \t\u3000":
        end += 1
    return end


def _placeholders(doc: Doc) -> Iterator[Finding]:
    source = doc.source
    found = [m for p in PLACEHOLDER_PATTERNS for _b, m in _matches_by_block(doc, p)]
    for match in sorted(found, key=lambda m: m.start()):
        start = match.start()
        yield finding(
            PLACEHOLDER,
            f"{doc.line_at(start)}行目に穴埋めのままの「{match.group()}」があります。",
            line=doc.line_at(start),
            start=start,
            end=match.end(),
            excerpt=snippet(source[max(0, start - 15) : match.end() + 15], 50),
        )


def _cut_off(doc: Doc) -> Iterator[Finding]:
    """A paragraph of sentences whose last sentence stops short. Lines without any 「。」 are
    left alone: titles, captions, book blurbs and figures (「初期投資：3,000万円」) end that way."""
    blocks = doc.blocks
    footer_blocks = footer_block_indexes(doc)
    for block in blocks:
        if block.kind != "paragraph" or block.index in footer_blocks:
            continue
        text = block.text.rstrip()
        if len(text) < 30 or text[-1] in _CLOSING or text.lstrip().startswith(_NOT_CUT_PREFIXES):
            continue
        last_stop = max(text.rfind("。"), text.rfind("．"))
        if last_stop < 0 or len(key(text[last_stop + 1 :])) < 2:
            continue
        if _URL_END_RE.search(text, max(0, len(text) - 300)) or len(key(text)) < 30:
            continue
        following = blocks[block.index + 1] if block.index + 1 < len(blocks) else None
        if following is not None and following.kind in {"list", "table", "code", "quote"}:
            continue  # an introduction to what follows
        yield finding(
            CUT_OFF,
            f"{block.last}行目の段落が文の途中で終わっています（「…{text[-20:]}」）。"
            "生成が途中で切れたか、貼り付けが欠けている可能性があります。",
            line=block.last,
            start=block.end - min(20, len(text)),
            end=block.end,
            excerpt="…" + text[-30:],
        )


def _liquid(doc: Doc) -> Iterator[Finding]:
    for block in doc.blocks:
        if block.kind == "liquid":
            yield finding(
                LIQUID,
                f"{block.first}行目に旧サイトの Liquid タグ「{block.text.strip()}」が残っています"
                "（表示はされませんが不要です）。",
                line=block.first,
                start=block.start,
                end=block.end,
                excerpt=block.text.strip(),
                fix=_line_fix(doc, block, "Liquid タグの行を削除"),
            )
        elif block.kind in {"paragraph", "list", "quote", "table"}:
            text = _CODE_SPAN_RE.sub(lambda m: " " * len(m.group()), block.text)
            for match in _LIQUID_RE.finditer(text):
                start = block.start + match.start()
                yield finding(
                    LIQUID,
                    f"{doc.line_at(start)}行目に Liquid タグ「{match.group()}」が残っています。",
                    line=doc.line_at(start),
                    start=start,
                    end=block.start + match.end(),
                    excerpt=match.group(),
                    fix=Fix(
                        "Liquid タグを削除",
                        "body",
                        (Edit(start, block.start + match.end()),),
                        safe=True,
                    ),
                )


def strip_title_padding(title: str, config: Config) -> str:
    """The topic of a generated title: without the padding suffix and a leading 「2026年」."""
    core = title.strip()
    for suffix in config.padding_suffixes:
        if suffix and core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    return re.sub(r"^(?:19|20)\d{2}年(?=\S)", "", core)


def _title_repeated(doc: Doc, draft: Draft, config: Config) -> Iterator[Finding]:
    first = next(
        (b for b in doc.blocks if b.kind not in {"hr", "ial", "liquid", "marker", "conflict"}), None
    )
    if first is None or first.kind not in {"heading", "paragraph"}:
        return
    text = first.heading_text if first.kind == "heading" else first.text
    first_key = key(text)
    candidates = [
        ("タイトル", key(draft.title)),
        ("タイトル", key(strip_title_padding(draft.title, config))),
        ("リード文", key(draft.excerpt)),
    ]
    for label, candidate in candidates:
        if len(candidate) < 10:
            continue
        if first_key == candidate:
            start, end = doc.removal_span(first, first)
            yield finding(
                TITLE_REPEATED,
                f"本文の1行目が{label}の繰り返しです。",
                line=first.first,
                start=first.start,
                end=first.end,
                excerpt=snippet(text, 60),
                fix=Fix(f"本文冒頭の{label}を削除", "body", (Edit(start, end),)),
            )
            return
        if first.kind == "paragraph" and first_key.startswith(candidate):
            # Drop the sentences that make up the repeated text, keep the rest.
            spans = sentence_spans(first.text)
            covered = ""
            for _s, e in spans:
                covered = key(first.text[:e])
                if len(covered) >= len(candidate):
                    break
            if covered != candidate:
                continue
            cut = _after_space(first.text, e)
            yield finding(
                TITLE_REPEATED,
                f"本文の冒頭が{label}の繰り返しで始まっています。",
                line=first.first,
                start=first.start,
                end=first.start + e,
                excerpt=snippet(first.text[:e], 60),
                fix=Fix(
                    f"本文冒頭の{label}を削除", "body", (Edit(first.start, first.start + cut),)
                ),
            )
            return
