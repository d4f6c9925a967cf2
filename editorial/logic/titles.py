"""Title, slug, excerpt and meta description."""

from __future__ import annotations

import re
from collections.abc import Iterator

from editorial.logic.draft import (
    ERROR,
    INFO,
    WARNING,
    Config,
    Draft,
    Edit,
    Finding,
    Fix,
    SiteContext,
)
from editorial.logic.leftovers import chatter_matches, strip_title_padding
from editorial.logic.registry import check, define, finding
from editorial.logic.text import devoice, key, nfkc, snippet

TITLE_FAILURE = define("title.llm_failure", "AI の失敗メッセージがタイトル", ERROR)
TITLE_MOJIBAKE = define("title.mojibake", "文字化け（U+FFFD）", ERROR)
TITLE_MARKUP = define("title.markup", "タイトル内の Markdown・記号", WARNING)
TITLE_VOICED = define("title.voiced_marks", "濁点・半濁点の欠落", WARNING)
TITLE_BRACKETS = define("title.brackets", "括弧の対応の崩れ", WARNING)
TITLE_LENGTH = define("title.length", "タイトルの長さ", WARNING)
TITLE_YEAR = define("title.year", "公開日と合わない年", WARNING)
TITLE_PADDING = define("title.padding", "決まり文句の水増し", WARNING)

SLUG_VOICED = define("slug.voiced_marks", "スラッグの濁点・半濁点の欠落", WARNING)
SLUG_HYPHEN = define("slug.hyphen", "スラッグ端のハイフン", WARNING)
SLUG_NON_ASCII = define("slug.non_ascii", "英数字以外のスラッグ", INFO)

_FAILURE_RE = re.compile(
    r"申し訳|見つけることができ|見つかりませんでした|お答えできません|生成できません"
    r"|エラーが発生|I'm sorry|I cannot|As an AI|承知(?:いたしました|しました)"
)
_MARKUP_RE = re.compile(
    r"\*\*|__|^#+\s|\[[^\]]*\]\([^)]*\)|`|<[A-Za-z/][^>]*>|\{[%{:]|[*#_\\^~<>{}]"
)
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
_FORECAST_RE = re.compile(r"予測|見通し|展望|まで|に向け|予想|以降|計画|目標|施行|開始|版|トレンド")
_BRACKETS = ["（）", "()", "「」", "『』", "【】", "［］", "[]", "〈〉", "《》", "〔〕", "“”"]
_KATAKANA_RUN_RE = re.compile(r"[ァ-ヺー]{2,}")
_VOICEABLE = set("カキクケコサシスセソタチツテトハヒフヘホウ")


@check("title")
def check_title(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    title = draft.title.strip()
    if not title:
        yield finding(TITLE_LENGTH, "タイトルがありません。", field="title", severity=ERROR)
        return
    if _FAILURE_RE.search(title) or chatter_matches(title):
        yield finding(
            TITLE_FAILURE,
            f"タイトルが AI の失敗メッセージです（「{snippet(title, 40)}」）。記事として成立して"
            "いるか確認し、タイトルを付け直してください。",
            field="title",
            excerpt=snippet(title, 60),
        )
    if "\ufffd" in title:
        yield finding(
            TITLE_MOJIBAKE,
            "タイトルに文字化け（�）があります。",
            field="title",
            start=title.index("\ufffd"),
            end=title.index("\ufffd") + 1,
        )
    markup = _MARKUP_RE.search(title)
    if markup:
        yield finding(
            TITLE_MARKUP,
            f"タイトルに Markdown や記号「{markup.group()}」が含まれています。",
            field="title",
            start=markup.start(),
            end=markup.end(),
            excerpt=snippet(title, 60),
        )
    yield from _voiced_in_title(title, draft)
    yield from _brackets(title, "title", TITLE_BRACKETS, "タイトル")
    low, high = config.title_length
    if not low <= len(title) <= high:
        yield finding(
            TITLE_LENGTH,
            f"タイトルが{len(title)}文字です（目安は{low}〜{high}文字）。",
            field="title",
        )
    yield from _year(title, draft)
    for suffix in config.padding_suffixes:
        if suffix and title.endswith(suffix) and len(title) > len(suffix):
            start = len(title) - len(suffix)
            yield finding(
                TITLE_PADDING,
                f"タイトルの末尾「{suffix}」は中身のない決まり文句です。記事の内容を表す言葉に"
                "してください。",
                field="title",
                start=start,
                end=len(title),
                excerpt=suffix,
                fix=Fix(f"「{suffix}」を削除", "title", (Edit(start, len(title)),)),
            )
            break


def _voiced_in_title(title: str, draft: Draft) -> Iterator[Finding]:
    """A katakana word in the title that the body only ever writes with voiced marks
    (title 「エーシェント」, body 「エージェント」) lost them somewhere on the way."""
    body = draft.text or ""
    for match in _KATAKANA_RUN_RE.finditer(title):
        word = match.group()
        if word in body:
            continue
        voiced = _voiced_form_in(word, body)
        if voiced:
            yield finding(
                TITLE_VOICED,
                f"タイトルの「{word}」は本文では「{voiced}」です。濁点・半濁点が落ちていませんか。",
                field="title",
                start=match.start(),
                end=match.end(),
                excerpt=word,
                fix=Fix(
                    f"「{word}」を「{voiced}」に直す",
                    "title",
                    (Edit(match.start(), match.end(), voiced),),
                ),
            )


def _voiced_form_in(word: str, text: str) -> str | None:
    if not any(c in _VOICEABLE for c in word):
        return None
    flat = devoice(text)
    position = flat.find(word)
    while position != -1:
        candidate = text[position : position + len(word)]
        if candidate != word:
            return candidate
        position = flat.find(word, position + 1)
    return None


def _brackets(text: str, field: str, code: str, label: str) -> Iterator[Finding]:
    for pair in _BRACKETS:
        opening, closing = pair[0], pair[1]
        depth = 0
        for char in text:
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth < 0:
                    break
        if depth != 0:
            yield finding(
                code,
                f"{label}の括弧「{opening}{closing}」の対応がとれていません（途中で切れていませんか）。",
                field=field,
                excerpt=snippet(text, 60),
            )
            return


def _year(title: str, draft: Draft) -> Iterator[Finding]:
    if draft.published_at is None:
        return
    year = draft.published_at.year
    for match in _YEAR_RE.finditer(title):
        stated = int(match.group(1))
        leading = match.start() == 0
        if stated == year:
            continue
        if leading or (stated > year and not _FORECAST_RE.search(title)):
            yield finding(
                TITLE_YEAR,
                f"タイトルの「{match.group()}」が公開日（{year}年）と合いません。",
                field="title",
                start=match.start(),
                end=match.end(),
                excerpt=match.group(),
            )
            return


@check("slug")
def check_slug(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    slug = draft.slug
    if not slug:
        return
    if slug.startswith("-") or slug.endswith("-"):
        fixed = slug.strip("-")
        yield finding(
            SLUG_HYPHEN,
            f"スラッグ「{slug}」の先頭か末尾にハイフンがあります（途中で切られた可能性があります）。",
            field="slug",
            excerpt=slug,
            fix=Fix("端のハイフンを削除", "slug", (Edit(0, len(slug), fixed),)),
        )
    if not slug.isascii():
        lost = lost_voiced_marks(slug, draft.title)
        if lost:
            fixed = slug
            for wrong, right in lost:
                fixed = fixed.replace(wrong, right)
            pairs = "、".join(f"「{w}」→「{r}」" for w, r in lost)
            yield finding(
                SLUG_VOICED,
                f"スラッグの濁点・半濁点が落ちています（{pairs}）。URL を変えると旧 URL からの"
                "リダイレクトが作られます。",
                field="slug",
                excerpt=slug,
                fix=Fix("濁点・半濁点を戻す", "slug", (Edit(0, len(slug), fixed),)),
            )
        else:
            yield finding(
                SLUG_NON_ASCII,
                f"スラッグ「{slug}」に英数字以外の文字があります。共有時に長い URL になります。",
                field="slug",
                excerpt=slug,
            )


def lost_voiced_marks(slug: str, reference: str) -> list[tuple[str, str]]:
    """Katakana runs in `slug` that equal a run of `reference` once its voiced marks are
    stripped: (what the slug says, what it should say)."""
    reference = nfkc(reference)
    pairs = []
    for match in _KATAKANA_RUN_RE.finditer(nfkc(slug)):
        word = match.group()
        voiced = _voiced_form_in(word, reference)
        if voiced and word not in reference and (word, voiced) not in pairs:
            pairs.append((word, voiced))
    return pairs


EXCERPT_MISSING = define("excerpt.missing", "リード文がない", WARNING)
EXCERPT_COPY = define("excerpt.copy_of_title", "タイトルの繰り返し", WARNING)
EXCERPT_CHATTER = define("excerpt.chatter", "AI の応答", ERROR)
EXCERPT_MARKUP = define("excerpt.markup", "Markdown が混入", WARNING)
EXCERPT_LENGTH = define("excerpt.length", "リード文の長さ", WARNING)
EXCERPT_TRUNCATED = define("excerpt.truncated", "「...」で切れている", WARNING)
DESCRIPTION_MISSING = define("description.missing", "メタディスクリプションがない", INFO)
DESCRIPTION_COPY = define("description.copy_of_title", "タイトルの繰り返し", WARNING)
DESCRIPTION_CHATTER = define("description.chatter", "AI の応答", ERROR)
DESCRIPTION_MARKUP = define("description.markup", "Markdown が混入", WARNING)
DESCRIPTION_LENGTH = define("description.length", "メタディスクリプションの長さ", WARNING)
DESCRIPTION_TRUNCATED = define("description.truncated", "「...」で切れている", WARNING)

_TEXT_MARKUP_RE = re.compile(r"\*\*|__|^#+\s|\[[^\]]*\]\([^)]*\)|`|<[A-Za-z/][^>]*>|\{[%{:]")
_TRUNCATED_RE = re.compile(r"(?:\.{2,}|…+|‥+)\s*$")


@check("excerpt")
def check_excerpt(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    yield from _summary(draft, config, "excerpt", "リード文", config.excerpt_length)


@check("description")
def check_description(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    yield from _summary(
        draft, config, "description", "メタディスクリプション", config.description_length
    )


def _summary(
    draft: Draft, config: Config, field: str, label: str, length: tuple[int, int]
) -> Iterator[Finding]:
    text = draft.field_text(field).strip()
    if not text:
        note = "（リード文が使われます）" if field == "description" and draft.excerpt else ""
        yield finding(f"{field}.missing", f"{label}がありません{note}。", field=field)
        return
    matches = chatter_matches(text)
    if matches or _FAILURE_RE.search(text):
        yield finding(
            f"{field}.chatter",
            f"{label}が記事ではなく AI の応答です（「{snippet(text, 40)}」）。",
            field=field,
            excerpt=snippet(text, 60),
        )
    text_key = key(text)
    title_keys = {key(draft.title), key(strip_title_padding(draft.title, config))}
    if text_key and any(
        t and (text_key == t or (text_key in t and len(text_key) >= 0.6 * len(t)))
        for t in title_keys
    ):
        yield finding(
            f"{field}.copy_of_title",
            f"{label}がタイトルの繰り返しです。記事の要点を書いてください。",
            field=field,
            excerpt=snippet(text, 60),
        )
    markup = _TEXT_MARKUP_RE.search(text)
    if markup:
        yield finding(
            f"{field}.markup",
            f"{label}に Markdown「{markup.group()}」が含まれています（そのまま表示されます）。",
            field=field,
            start=markup.start(),
            end=markup.end(),
            excerpt=snippet(text, 60),
        )
    low, high = length
    if not low <= len(text) <= high:
        yield finding(
            f"{field}.length",
            f"{label}が{len(text)}文字です（目安は{low}〜{high}文字）。",
            field=field,
        )
    truncated = _TRUNCATED_RE.search(text)
    if truncated:
        yield finding(
            f"{field}.truncated",
            f"{label}が「{truncated.group().strip()}」で終わっています（途中で切られた文）。",
            field=field,
            start=truncated.start(),
            end=truncated.end(),
            excerpt=snippet(text[-30:], 40),
        )
