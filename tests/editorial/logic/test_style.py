from editorial.logic.checks import apply_fixes
from editorial.logic.draft import Config, StyleRule

from .util import PARAGRAPH_A, codes, only


def test_the_house_voice_forbids_watashi_ga_and_boku_ga():
    body = f"{PARAGRAPH_A}\n\n私が実際に試したところ、要約はかなり正確だった。僕が参加した会議では誤りもあった。\n"
    found = [f for f in only("style.voice-watashi-ga", body=body)] + only(
        "style.voice-boku-ga", body=body
    )
    assert [(f.code, f.line, f.severity) for f in found] == [
        ("style.voice-watashi-ga", 3, "error"),
        ("style.voice-boku-ga", 3, "error"),
    ]
    assert "編集部では" in found[0].message


def test_the_house_voice_accepts_the_editorial_we():
    body = f"{PARAGRAPH_A}\n\n編集部では実際に試した。取材によると、要約はかなり正確だった。\n"
    assert not [c for c in codes(body=body) if c.startswith("style.")]


def test_the_voice_rule_also_covers_title_and_excerpt():
    [found] = only(
        "style.voice-watashi-ga",
        excerpt="私が注目するのは、生成AIを業務の手順に組み込もうとする企業の増加である。取材で見えた変化を整理した。",
    )
    assert found.field == "excerpt"


def test_the_suggested_replacement_is_a_one_click_fix():
    body = "私が実際に試したところ、要約はかなり正確だった。\n"
    [found] = only("style.voice-watashi-ga", body=body)
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert texts["body"] == "編集部では実際に試したところ、要約はかなり正確だった。\n"


def test_first_person_inside_code_is_ignored():
    assert "style.voice-watashi-ga" not in codes(body=f"{PARAGRAPH_A}\n\n```\nprint('私が')\n```\n")


def test_editors_can_add_regex_rules_with_their_own_severity():
    rule = StyleRule(
        key="no-exclamation",
        pattern=r"[!！]{2,}",
        message="感嘆符の連続「{match}」は使いません。",
        severity="warning",
        replacement="！",
        is_regex=True,
    )
    body = f"{PARAGRAPH_A}\n\nこれはすごい！！\n"
    [found] = only("style.no-exclamation", body=body, config=Config(style_rules=(rule,)))
    assert found.severity == "warning" and "「！！」" in found.message
    assert "style.no-exclamation" not in codes(body=PARAGRAPH_A, config=Config(style_rules=(rule,)))


def test_a_broken_rule_does_not_break_the_checks():
    rule = StyleRule(key="broken", pattern="(", message="壊れた規則", is_regex=True)
    assert "style.broken" not in codes(config=Config(style_rules=(rule,)))


def test_many_occurrences_are_summarised():
    body = "僕が見た。" * 40 + "\n"
    found = only("style.voice-boku-ga", body=body, config=Config(max_findings_per_rule=5))
    assert len(found) == 6 and "ほかに35か所" in found[-1].message
