import pytest

from editorial.logic.checks import apply_fixes
from editorial.logic.draft import Config
from editorial.logic.numbers import format_japanese, parse_amount, parse_span

from .util import PARAGRAPH_A, codes, only


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,250億", 1.25e11),
        ("8,300億", 8.3e11),
        ("124兆5,000億", 1.245e14),
        ("3.5万", 35_000),
        ("１，０００億", 1e11),  # full-width digits and comma
        ("2440億", 2.44e11),
    ],
)
def test_parse_amount_reads_man_oku_cho_and_commas(text, value):
    assert parse_amount(text) == pytest.approx(value)


def test_a_range_borrows_the_unit_of_its_upper_end():
    span = parse_span("3〜4兆")
    assert (span.low, span.high) == (3e12, 4e12)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.245e14, "125兆"), (2.4e11, "2,400億"), (35_000, "3.5万"), (1.96e13, "19.6兆")],
)
def test_format_japanese(value, text):
    assert format_japanese(value) == text


def test_a_dollar_to_yen_conversion_off_by_1000_is_an_error_with_the_corrected_amount():
    body = (
        f"{PARAGRAPH_A}\n\nOpenAIの評価額は8,300億ドル（約1,250億円）にも達すると言われている。\n"
    )
    [found] = only("numbers.currency_off", body=body)
    assert found.severity == "error" and found.line == 3
    assert "1ドル＝0.15円" in found.message and "約125兆円" in found.message
    texts, _ = apply_fixes({"body": body}, [found.fix])
    assert "8,300億ドル（約125兆円）" in texts["body"]


@pytest.mark.parametrize(
    "pair",
    [
        "2,440億ドル（約38兆円）",
        "710億ドル（約11兆円）",
        "200億〜260億ドル（約3〜4兆円）",
        "1000億ドル（約15兆円）",
        "約19.5兆円（1,300億ドル）",
    ],
)
def test_plausible_conversions_pass(pair):
    body = f"{PARAGRAPH_A}\n\n市場規模は{pair}に達する見通しだ。\n"
    assert not [c for c in codes(body=body) if c.startswith("numbers.currency")]


def test_qualifiers_and_yen_first_pairs_are_parsed():
    assert only("numbers.currency_off", body="売上高は1,305億ドル（約2,000億円超）に達した。\n")
    assert only("numbers.currency_off", body="投資額は約750億円（5,000億ドル）とされる。\n")


def test_a_rate_outside_the_band_but_within_2x_is_a_warning():
    [found] = only("numbers.currency_rate", body="1億ドル（約250億円）の投資を発表した。\n")
    assert found.severity == "warning"


def test_a_conversion_off_by_more_than_2x_is_an_error():
    # 400 yen to the dollar is 2.7 times the reference rate of 150.
    [found] = only("numbers.currency_off", body="1億ドル（約400億円）の投資を発表した。\n")
    assert found.severity == "error" and "約3倍ずれています" in found.message


def test_the_rate_band_is_configurable():
    body = "1億ドル（約250億円）の投資を発表した。\n"
    assert not only("numbers.currency_rate", body=body, config=Config(yen_per_dollar=(100, 260)))


def test_a_wrong_conversion_in_the_description_is_found_there():
    description = "評価額8,300億ドル（約1,200億円以上）という桁違いの規模での交渉が進んでいる。AI業界の勢力図への影響を分析します。"
    [found] = only("numbers.currency_off", description=description)
    assert found.field == "description" and "以上" not in found.fix.edits[0].replacement


def test_a_percentage_over_100_used_as_a_share():
    assert only("numbers.percent_share", body="国内市場で同社のシェアは120%に達した。\n")
    assert only("numbers.percent_share", body="調査では130%の企業が導入済みと回答した。\n")


@pytest.mark.parametrize(
    "text",
    [
        "年平均成長率（CAGR）は142.8％という驚異的な成長が見込まれる。",
        "売上高は前年比114%増となった。",
        "AIボット攻撃は300%増加した。",
        "国内市場で同社のシェアは35%に達した。",
    ],
)
def test_growth_rates_and_real_shares_are_fine(text):
    assert "numbers.percent_share" not in codes(body=f"{text}\n")


def test_the_same_dollar_amount_converted_to_different_yen_amounts():
    body = (
        "評価額は8,300億ドル（約125兆円）と報じられた。\n\n"
        f"{PARAGRAPH_A}\n\n別の報道では8,300億ドル（約124兆円）とも、8,300億ドル（約150兆円）とも言われる。\n"
    )
    [found] = only("numbers.inconsistent", body=body)
    assert "1行目" in found.message and "5行目" in found.message


def test_the_same_amount_in_two_notations():
    body = f"市場規模は2,440億ドルに達した。\n\n{PARAGRAPH_A}\n\nつまり2440億ドルの市場である。\n"
    [found] = only("numbers.notation", body=body)
    assert found.severity == "info"
    assert "numbers.notation" not in codes(body=body.replace("2440億", "2,440億"))
