"""Reading time overrides and tags."""

from __future__ import annotations

from collections.abc import Iterator

from editorial.logic.draft import INFO, WARNING, Config, Draft, Finding, SiteContext
from editorial.logic.registry import check, define, finding
from editorial.logic.text import nfkc

READING_TIME = define("reading_time.override", "実際と離れた読了時間", WARNING)
TAG_ABSENT = define("tags.absent", "本文に出てこないタグ", INFO)
TAG_CATEGORY = define("tags.category", "カテゴリ名のタグ", WARNING)


@check("reading_time")
def check_reading_time(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    override = draft.reading_time_override
    computed = draft.reading_time or 1
    if not override:
        return
    allowed = max(2, round(computed * config.reading_time_tolerance))
    if abs(override - computed) > allowed:
        yield finding(
            READING_TIME,
            f"読了時間が{override}分に上書きされていますが、本文からの計算では{computed}分です。"
            "上書きを消すと計算値が使われます。",
            field="reading_time",
        )


def _fold(text: str) -> str:
    return nfkc(text).casefold()


@check("tags")
def check_tags(draft: Draft, config: Config, context: SiteContext) -> Iterator[Finding]:
    if not draft.tags:
        return
    haystack = _fold(f"{draft.title}\n{draft.excerpt}\n{draft.text or draft.body}")
    categories = {_fold(name) for name in (*config.category_names, draft.category) if name}
    for tag in draft.tags:
        folded = _fold(tag)
        if folded in categories:
            yield finding(
                TAG_CATEGORY,
                f"タグ「{tag}」はカテゴリ名です。カテゴリはタグにせず、記事の話題をタグにしてください。",
                field="tags",
                excerpt=tag,
            )
        elif folded not in haystack:
            yield finding(
                TAG_ABSENT,
                f"タグ「{tag}」はタイトルにも本文にも出てきません。記事の話題と合っていますか。",
                field="tags",
                excerpt=tag,
            )
