from editorial.logic.checks import apply_fixes, run_checks
from editorial.logic.draft import Config

from .util import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C, codes, draft, only


def test_clean_body_has_no_repetition():
    assert not [c for c in codes() if c.startswith("repetition")]


def test_a_paragraph_pasted_twice_is_an_error_pointing_at_the_copy():
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n{PARAGRAPH_A}\n"
    [found] = only("repetition.paragraph", body=body)
    assert found.severity == "error"
    assert found.line == 5
    assert "1行目" in found.message


def test_a_short_repeated_sentence_is_not_a_repeated_paragraph():
    body = f"まとめると、重要なのは運用だ。\n\n{PARAGRAPH_B}\n\nまとめると、重要なのは運用だ。\n"
    assert not only("repetition.paragraph", body=body)


def test_a_lightly_reworded_copy_is_still_found():
    # Re-wrapped, re-punctuated and with full-width letters: the same paragraph for a reader.
    reworded = PARAGRAPH_A.replace("。", "。\n").replace("、", " ").replace("AI", "ＡＩ")
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n{reworded}\n"
    [found] = only("repetition.paragraph", body=body)
    assert found.line == 5
    # Not an exact copy: an editor may remove it with one click, the bulk fixer may not.
    assert found.fix is not None and not found.fix.safe


def test_two_paragraphs_merged_into_one_in_the_copy_are_found():
    body = f"{PARAGRAPH_B}\n\n{PARAGRAPH_C}\n\n{PARAGRAPH_A}\n\n{PARAGRAPH_B}{PARAGRAPH_C}\n"
    assert only("repetition.paragraph", body=body)


def test_a_whole_section_repeated_is_reported_as_a_section():
    section = f"## 壁1：データの整備\n\n{PARAGRAPH_B}\n"
    body = f"{PARAGRAPH_A}\n\n{section}\n## 壁2：現場の納得感\n\n{PARAGRAPH_C}\n\n{section}"
    [found] = only("repetition.section", body=body)
    assert "壁1：データの整備" in found.message
    assert found.fix.safe


def test_the_fix_removes_the_copy_and_keeps_the_first():
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n{PARAGRAPH_A}\n\n{PARAGRAPH_C}\n"
    [found] = only("repetition.paragraph", body=body)
    texts, applied = apply_fixes({"body": body}, [found.fix])
    assert applied == [found.fix]
    assert texts["body"] == f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n\n{PARAGRAPH_C}\n"


def test_the_share_of_duplicated_text_is_reported():
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_A}\n"
    [share] = only("repetition.share", body=body)
    assert "約50%" in share.message


def test_a_repeated_footer_block_is_an_error_and_an_identical_copy_can_be_removed():
    footer = (
        "### あわせて読みたい\n\n- [RAGの評価はどう設計するか](/2026/02/01/3-rag-evaluation/)\n"
    )
    body = f"{PARAGRAPH_A}\n\n---\n\n{footer}\n---\n\n{PARAGRAPH_B}\n\n---\n\n{footer}"
    [found] = only("repetition.footer", body=body)
    assert found.severity == "error" and "関連記事" in found.message
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert texts["body"].count("あわせて読みたい") == 1
    assert texts["body"].rstrip().endswith(PARAGRAPH_B)


def test_footer_blocks_with_different_links_are_reported_but_not_removed():
    first = "### あわせて読みたい\n\n- [記事A](/2026/02/01/a/)\n"
    second = "### あわせて読みたい\n\n- [記事B](/2026/02/02/b/)\n"
    body = f"{PARAGRAPH_A}\n\n{first}\n{PARAGRAPH_B}\n\n{second}"
    [found] = only("repetition.footer", body=body)
    assert found.fix is None


def test_a_fix_never_removes_the_last_copy():
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_A}\n"
    [found] = only("repetition.paragraph", body=body)
    # Someone removes the first copy by another fix in the same round: the duplicate's
    # removal must then be refused.
    from editorial.logic.draft import Edit, Fix

    drop_first = Fix("最初の段落を削除", "body", (Edit(0, len(PARAGRAPH_A)),))
    assert found.fix.edits[0].start >= len(PARAGRAPH_A)  # the two fixes do not overlap
    texts, applied = apply_fixes({"body": body}, [drop_first, found.fix])
    assert applied == [drop_first]
    assert PARAGRAPH_A in texts["body"]


def test_the_threshold_is_configurable():
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_A}\n"
    findings = run_checks(draft(body=body), Config(min_repeat_chars=500))
    assert not [f for f in findings if f.code == "repetition.paragraph"]
