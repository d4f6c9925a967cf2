import datetime as dt

import pytest

from editorial.logic.checks import apply_fixes
from editorial.logic.draft import Config

from .util import JST, PARAGRAPH_A, codes, only


def test_an_llm_apology_as_title_is_an_error():
    title = "申し訳ありませんが、「TIS、AI中心開発で生産性50%向上」に関する具体的な情報を見つけることがで..."
    [found] = only("title.llm_failure", title=title)
    assert found.severity == "error" and found.field == "title"


def test_a_title_mentioning_an_apology_in_quotes_is_not_a_failure_message_unless_it_is_one():
    assert "title.llm_failure" not in codes(title="生成AIの回答品質、企業はどこまで責任を負うのか")


@pytest.mark.parametrize(
    "title", ["**生成AI**の社内活用が進む理由", "## 生成AIの社内活用が進む理由"]
)
def test_markdown_in_the_title_is_a_warning(title):
    assert only("title.markup", title=title)


def test_a_full_width_bar_separator_is_not_markup():
    assert "title.markup" not in codes(title="GitHub Copilot vs Cursor｜AIコーディングツール比較")


def test_a_replacement_character_is_an_error():
    [found] = only("title.mojibake", title="生成AIの社内活用、試験導入から業務への組み込み\ufffd")
    assert found.severity == "error"


def test_lost_voiced_marks_in_the_title_are_found_against_the_body():
    body = f"AIエージェントの導入が進んでいる。{PARAGRAPH_A}\n"
    [found] = only(
        "title.voiced_marks", title="AIエーシェントの本格普及で業務はどう変わるか", body=body
    )
    assert "エージェント" in found.message
    texts, _ = apply_fixes({"title": "AIエーシェントの本格普及で業務はどう変わるか"}, [found.fix])
    assert texts["title"] == "AIエージェントの本格普及で業務はどう変わるか"


def test_a_katakana_word_the_body_spells_the_same_way_is_fine():
    body = f"AIエージェントの導入が進んでいる。{PARAGRAPH_A}\n"
    assert "title.voiced_marks" not in codes(
        title="AIエージェントの本格普及で業務はどう変わるか", body=body
    )


def test_unbalanced_brackets_are_a_warning():
    title = "2026年AIエージェント本格普及（OpenAI・Amazon）による業務効率化（技術トレンド"
    assert only("title.brackets", title=title)
    assert "title.brackets" not in codes(title="AIエージェント本格普及（OpenAI・Amazon）の現在地")


def test_title_length_outside_the_configured_range():
    assert only("title.length", title="AI導入")
    assert "title.length" not in codes(title="AI導入", config=Config(title_length=(4, 60)))


def test_a_leading_year_that_contradicts_the_publication_date():
    published = dt.datetime(2025, 8, 29, 17, 0, tzinfo=JST)
    [found] = only(
        "title.year",
        title="2026年マルチモーダルAIの進化と業務への影響",
        published_at=published,
    )
    assert "2025年" in found.message
    assert "title.year" not in codes(
        title="2025年マルチモーダルAIの進化と業務への影響", published_at=published
    )
    assert "title.year" not in codes(
        title="EU AI法、2026年8月の完全施行に向けた準備", published_at=published
    )


def test_a_padding_suffix_is_a_warning_with_a_fix():
    title = "AI議事録ツールの全貌と実践的な活用法"
    [found] = only("title.padding", title=title)
    texts, _ = apply_fixes({"title": title}, [found.fix])
    assert texts["title"] == "AI議事録ツール"


def test_padding_suffixes_are_configurable():
    title = "AI議事録ツールの仕組みと導入の注意点"
    assert "title.padding" not in codes(title=title)
    assert only("title.padding", title=title, config=Config(padding_suffixes=("と導入の注意点",)))


def test_slug_with_lost_voiced_marks_gets_the_title_spelling():
    title = "2026年パナソニック コネクトやボルボによる産業・業務へのAI活用"
    slug = "08-ハナソニック-コネクトやホルホによる産業業務へのai活"
    [found] = only("slug.voiced_marks", title=title, slug=slug)
    texts, _ = apply_fixes({"slug": slug}, [found.fix])
    assert texts["slug"] == "08-パナソニック-コネクトやボルボによる産業業務へのai活"


def test_a_japanese_slug_spelled_like_the_title_is_only_information():
    found = [
        f.code
        for f in only("slug.non_ascii", title="生成AIガバナンス入門", slug="生成aiガバナンス入門")
    ]
    assert found == ["slug.non_ascii"]
    assert "slug.voiced_marks" not in codes(
        title="生成AIガバナンス入門", slug="生成aiガバナンス入門"
    )


def test_a_trailing_hyphen_slug_is_a_warning():
    [found] = only("slug.hyphen", slug="2-eu-ai-law-enterprise-strategy-")
    texts, _ = apply_fixes({"slug": "2-eu-ai-law-enterprise-strategy-"}, [found.fix])
    assert texts["slug"] == "2-eu-ai-law-enterprise-strategy"
    assert "slug.hyphen" not in codes(slug="2-eu-ai-law-enterprise-strategy")


def test_missing_excerpt_and_description():
    assert only("excerpt.missing", excerpt="")
    [description] = only("description.missing", description="")
    assert description.severity == "info"


def test_an_excerpt_that_repeats_the_title_is_a_warning():
    title = "2026年「Stargate」が拓くAIインフラの新時代、その真意とは？の全貌と実践的な活用法"
    assert only(
        "excerpt.copy_of_title",
        title=title,
        excerpt="「Stargate」が拓くAIインフラの新時代、その真意とは？",
    )
    assert "excerpt.copy_of_title" not in codes(title=title)


def test_chatter_in_the_excerpt_or_description_is_an_error():
    apology = "申し訳ありませんが、関連する記事や発表が見当たらず、詳細な分析を行うためのデータが不足しています。"
    assert only("excerpt.chatter", excerpt=apology)[0].severity == "error"
    assert only("description.chatter", description=apology)[0].severity == "error"


def test_markdown_in_the_excerpt():
    assert only(
        "excerpt.markup",
        excerpt="**生成AI**を試す段階を終え、業務の手順に組み込もうとする企業が増えている。取材で見えた変化を整理した。",
    )


def test_a_description_that_repeats_the_title_is_a_warning():
    title = "生成AIの社内導入、成功企業に共通する三つの手順"
    [found] = only("description.copy_of_title", title=title, description=title + "。")
    assert found.severity == "warning" and found.field == "description"
    assert "description.copy_of_title" not in codes(
        title=title,
        description="導入を終えた企業への取材から、試行から定着までに踏んだ手順と、つまずいた点を整理した。",
    )


def test_markdown_in_the_description():
    assert only(
        "description.markup",
        description="[生成AI](https://example.com/)の導入を終えた企業への取材から、定着までの手順を整理した。",
    )
    assert "description.markup" not in codes(
        description="生成AIの導入を終えた企業への取材から、試行から定着までに踏んだ手順を整理した。"
    )


def test_length_of_excerpt_and_description():
    assert only("excerpt.length", excerpt="短すぎるリード文。")
    assert only("description.length", description="短い説明。")


def test_a_description_cut_off_with_dots_is_a_warning():
    text = "2025年、AIエージェントは単なる技術トレンドの枠を超え、私たちの働き方や生活様式を根本から変革する存在として..."
    assert only("description.truncated", description=text)
    assert only("excerpt.truncated", excerpt=text.replace("...", "…"))
    assert "description.truncated" not in codes()
