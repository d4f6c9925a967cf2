from editorial.logic.checks import apply_fixes

from .util import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C, codes, only


def test_a_clean_body_has_no_structure_findings():
    assert not [c for c in codes() if c.startswith("structure")]


def test_an_h1_in_the_body_is_a_warning_fixed_to_h2():
    body = f"# 生成AIの社内活用\n\n{PARAGRAPH_A}\n"
    [found] = only("structure.h1", body=body)
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert texts["body"].startswith("## 生成AIの社内活用\n")


def test_a_hash_in_fenced_code_is_not_a_heading():
    body = f"{PARAGRAPH_A}\n\n```python\n# コメント\nprint(1)\n```\n"
    assert "structure.h1" not in codes(body=body)


def test_skipped_heading_levels():
    body = f"## 背景\n\n{PARAGRAPH_A}\n\n#### 細目\n\n{PARAGRAPH_B}\n"
    [found] = only("structure.heading_skip", body=body)
    assert found.line == 5 and "h2 から h4" in found.message
    assert "structure.heading_skip" not in codes(
        body=f"## 背景\n\n{PARAGRAPH_A}\n\n### 細目\n\n{PARAGRAPH_B}\n"
    )


def test_a_bold_line_used_as_a_heading():
    body = f"{PARAGRAPH_A}\n\n**各プレイヤーの戦略的意図の深掘り**\n\n{PARAGRAPH_B}\n"
    [found] = only("structure.bold_heading", body=body)
    assert found.line == 3


def test_a_bold_sentence_is_emphasis_not_a_heading():
    body = f"{PARAGRAPH_A}\n\n**投資家や技術者の視点から見ると、この動向は単なる技術トレンド以上の意味を持ちます。**\n"
    assert "structure.bold_heading" not in codes(body=body)


def test_markdown_collapsed_onto_one_line_is_an_error():
    collapsed = (
        f"{PARAGRAPH_A} ### 1. 戦略的背景：なぜ今なのか {PARAGRAPH_B} "
        f"**各プレイヤーの戦略** {PARAGRAPH_C}"
    )
    [found] = only("structure.collapsed", body=f"## はじめに\n\n{collapsed}\n")
    assert found.severity == "error" and found.line == 3


def test_a_heading_with_the_paragraph_glued_on_is_collapsed():
    body = f"## EU AI法施行時代：リスク管理とAI導入戦略の再構築 {PARAGRAPH_A}\n"
    assert only("structure.collapsed", body=body)


def test_markdown_syntax_inside_inline_code_is_not_collapsed():
    body = f"{PARAGRAPH_A}見出しは `## 見出し` のように書く。\n"
    assert "structure.collapsed" not in codes(body=body)


def test_empty_sections():
    body = f"## 背景\n\n## 課題\n\n{PARAGRAPH_A}\n\n## まとめ\n"
    found = only("structure.empty_section", body=body)
    assert [f.line for f in found] == [1, 7]


def test_a_paragraph_followed_by_a_rule_becomes_a_heading():
    body = f"{PARAGRAPH_A}\n---\n\n{PARAGRAPH_B}\n"
    [found] = only("structure.setext", body=body)
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert f"{PARAGRAPH_A}\n\n---\n" in texts["body"]
    assert "structure.setext" not in codes(body=f"{PARAGRAPH_A}\n\n---\n\n{PARAGRAPH_B}\n")


def test_a_table_without_delimiter_row_and_a_row_with_extra_cells():
    no_delimiter = f"{PARAGRAPH_A}\n\n| 用途 | 月額 |\n| FAQ | 約28,800円 |\n"
    assert only("structure.table", body=no_delimiter)
    extra = f"{PARAGRAPH_A}\n\n| 用途 | 月額 |\n|---|---:|\n| FAQ | 約28,800円 | 備考 |\n"
    [found] = only("structure.table", body=extra)
    assert found.line == 5
    good = f"{PARAGRAPH_A}\n\n| 用途 | 月額 |\n|---|---:|\n| FAQ | 約28,800円 |\n"
    assert "structure.table" not in codes(body=good)


def test_footer_blocks_in_the_middle_of_the_body():
    footer = "## この記事に関連するおすすめ書籍\n\n### [実践 生成AIアプリケーション開発](https://www.amazon.co.jp/dp/4999012340/?tag=test-22)\n"
    body = f"{PARAGRAPH_A}\n\n{footer}\n{PARAGRAPH_B}\n\n{PARAGRAPH_C}\n\n{PARAGRAPH_A}開発の現場から。\n"
    [found] = only("structure.footer_mid_body", body=body)
    assert "おすすめ書籍" in found.message
    assert "structure.footer_mid_body" not in codes(
        body=f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n{footer}"
    )
