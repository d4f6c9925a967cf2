import pytest

from editorial.logic.checks import apply_fixes

from .util import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C, codes, only


@pytest.mark.parametrize("marker", ["---END---", "--- END ---", "===END===", "【終わり】", "[END]"])
def test_end_markers_are_errors_and_removed_by_the_fix(marker):
    body = f"{PARAGRAPH_A}\n\n{marker}\n\n{PARAGRAPH_B}\n"
    [found] = only("leftover.end_marker", body=body)
    assert found.severity == "error" and found.line == 3 and found.fix.safe
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert texts["body"] == f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n"


def test_a_horizontal_rule_or_the_word_end_in_a_sentence_is_not_a_marker():
    body = f"{PARAGRAPH_A}\n\n---\n\n{PARAGRAPH_B}\n\nプロジェクトは3月にENDフェーズを迎えた。\n"
    assert "leftover.end_marker" not in codes(body=body)


def test_conflict_markers_are_errors_and_the_fix_keeps_both_sides():
    body = (
        f"{PARAGRAPH_A}\n\n<<<<<<< Updated upstream\n{PARAGRAPH_B}\n=======\n{PARAGRAPH_C}\n"
        ">>>>>>> Stashed changes\n"
    )
    found = only("leftover.conflict", body=body)
    assert [f.line for f in found] == [3, 5, 7]
    texts, _ = apply_fixes({"body": body}, [found[0].fix])
    assert "<<<<<<<" not in texts["body"] and ">>>>>>>" not in texts["body"]
    assert PARAGRAPH_B in texts["body"] and PARAGRAPH_C in texts["body"]


def test_seven_equals_signs_inside_a_sentence_are_not_a_conflict():
    assert "leftover.conflict" not in codes(
        body=f"{PARAGRAPH_A}\n\n比較式 a ======= b は誤記だ。\n"
    )


@pytest.mark.parametrize(
    "chatter",
    [
        "申し訳ありませんが、「TIS、AI中心開発」に関する具体的な情報を見つけることができませんでした。",
        "申し訳ございませんが、その件についてはお答えしかねます。",
        "ええ、承知いたしました。",
        "ウェブ検索を試みましたが、関連する発表は見当たりませんでした。",
        "既存の記事でも触れましたが、人間の仕事はどうなるのかという問いは避けて通れません。",
        "以下は、ご依頼いただいた記事の続きです。",
        "もし参照すべき記事があれば教えていただけますでしょうか？",
    ],
)
def test_llm_chatter_refusals_and_prompt_echoes_are_errors(chatter):
    body = f"{PARAGRAPH_A}\n\n{chatter}\n\n{PARAGRAPH_B}\n"
    [found] = only("leftover.chatter", body=body)
    assert found.severity == "error" and found.line == 3


@pytest.mark.parametrize(
    "prose",
    [
        "同社の担当者は「ご迷惑をおかけし申し訳なく思う」と述べた。",
        "上司の指示に従って、担当者が回答を確認してから送信する。",
        "同社から提供された資料によると、利用者は半年で倍増した。",
        "検索結果の上位に表示される記事ほど、クリックされやすい。",
    ],
)
def test_ordinary_reporting_is_not_chatter(prose):
    assert "leftover.chatter" not in codes(body=f"{PARAGRAPH_A}\n\n{prose}\n")


def test_the_chatter_fix_removes_only_the_chatter_sentences():
    body = f"{PARAGRAPH_A}\n\nええ、承知いたしました。TISの発表は見つかりませんでしたが、テーマ自体は重要だ。\n"
    [found] = only("leftover.chatter", body=body)
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert (
        texts["body"]
        == f"{PARAGRAPH_A}\n\nTISの発表は見つかりませんでしたが、テーマ自体は重要だ。\n"
    )


@pytest.mark.parametrize(
    "placeholder", ["○○株式会社", "売上はXXX億円", "導入率はXX%", "【要確認】", "〇〇ライン"]
)
def test_placeholders_are_errors(placeholder):
    body = f"{PARAGRAPH_A}\n\n調査では{placeholder}という結果が出た。\n"
    [found] = only("leftover.placeholder", body=body)
    assert found.line == 3


def test_a_named_example_company_and_code_are_not_placeholders():
    body = f"A社（仮称）の事例を紹介する。\n\n{PARAGRAPH_A}\n\n変数名は `XXX` にしておく。\n"
    assert "leftover.placeholder" not in codes(body=body)


def test_a_paragraph_cut_off_mid_sentence_is_an_error():
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}さらに、将来的には小型モジュール炉のような次世代電源が、電力供給を根本から変える可能性\n"
    [found] = only("leftover.cut_off", body=body)
    assert found.line == 3 and "可能性" in found.message


def test_titles_captions_figures_and_list_introductions_are_not_cut_off():
    body = (
        "EU AI法、完全施行間近！大企業のAI導入戦略を見直す理由と進め方\n\n"
        f"{PARAGRAPH_A}\n\n"
        "出典：総務省「情報通信白書」をもとに編集部作成\n\n"
        "AIエージェント導入費用（初期投資＋年間運用費）：3,000万円\n\n"
        "取材で挙がった業務は次のとおりだ。代表的なものを挙げる\n\n- 問い合わせ対応\n- 議事録\n"
    )
    assert "leftover.cut_off" not in codes(body=body)


def test_liquid_tags_are_reported_and_removable():
    body = f"{PARAGRAPH_A}\n\n{{% include ads-mid-article.html %}}\n\n{PARAGRAPH_B}\n"
    [found] = only("leftover.liquid", body=body)
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert "{%" not in texts["body"]


def test_liquid_inside_code_is_left_alone():
    body = f"{PARAGRAPH_A}\n\n```liquid\n{{% include ads.html %}}\n```\n"
    assert "leftover.liquid" not in codes(body=body)


def test_the_title_repeated_as_the_first_line_is_found_and_removable():
    title = "「Galaxy AI 2.0」は、スマホの未来をどう変えるのか？"
    body = f"{title}\n\n{PARAGRAPH_A}\n"
    [found] = only("leftover.title_repeated", title=title, body=body)
    assert found.severity == "error"  # readers would see the title twice
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert texts["body"] == f"{PARAGRAPH_A}\n"


def test_the_padded_title_repeated_without_its_padding_is_found():
    title = "2026年「Stargate」が拓くAIインフラの新時代、その真意とは？の全貌と実践的な活用法"
    body = f"「Stargate」が拓くAIインフラの新時代、その真意とは？\n\n{PARAGRAPH_A}\n"
    assert only("leftover.title_repeated", title=title, body=body)


def test_the_excerpt_opening_the_first_paragraph_is_found_and_only_it_is_removed():
    excerpt = "AmazonのAI物流ロボットが25%効率向上を果たした。これはただの数字ではない。"
    body = f"{excerpt}そう、あなたも同じように感じたかもしれない。\n\n{PARAGRAPH_A}\n"
    [found] = only("leftover.title_repeated", excerpt=excerpt, body=body)
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert texts["body"].startswith("そう、あなたも同じように")


def test_a_body_that_starts_differently_is_fine():
    assert "leftover.title_repeated" not in codes()
