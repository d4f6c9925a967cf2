"""Reading time: Japanese by characters, English by words (no Django)."""

import pytest

from blog.logic.reading_time import reading_minutes


def test_pure_japanese_is_counted_at_500_characters_per_minute():
    assert reading_minutes("あ" * 1500) == 3


def test_partial_minutes_round_up():
    assert reading_minutes("漢" * 1501) == 4


def test_pure_english_is_counted_at_200_words_per_minute():
    assert reading_minutes("word " * 400) == 2


def test_mixed_text_adds_japanese_and_english_time():
    text = "生成AIの現状について。" * 50 + " The model is fast." * 50
    # 50 x 9 CJK characters (AI and 。 are not) = 450 -> 0.9 min; 50 x 4 + 50 words = 250 -> 1.25
    assert reading_minutes(text) == 3


@pytest.mark.parametrize("text", ["", "   \n\t", "。、「」！？"])
def test_text_without_readable_content_still_takes_one_minute(text):
    assert reading_minutes(text) == 1


def test_japanese_punctuation_is_not_counted():
    assert reading_minutes("あ" * 500 + "。、「」・　" * 200) == 1


def test_katakana_with_prolonged_sound_mark_is_counted():
    assert reading_minutes("コンピューター" * 100) == 2  # 7 characters x 100, ー included


def test_full_width_letters_and_digits_count_as_characters():
    assert reading_minutes("ＧＰＴ４" * 250) == 2


def test_hyphenated_product_names_count_as_one_word():
    assert reading_minutes("GPT-4o " * 200) == 1
    assert reading_minutes("GPT-4o " * 201) == 2


def test_rates_can_be_configured():
    assert reading_minutes("あ" * 1000, cjk_chars_per_minute=250) == 4
    assert reading_minutes("word " * 100, words_per_minute=50) == 2


def test_non_positive_rates_are_rejected():
    with pytest.raises(ValueError):
        reading_minutes("あ", cjk_chars_per_minute=0)
