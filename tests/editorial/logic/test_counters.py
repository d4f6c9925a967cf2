"""The counters beside the editor, without a database."""

import unicodedata

from editorial.logic.counters import count, field_length, japanese_length, length_state


def test_japanese_counting_counts_every_visible_character_once():
    assert japanese_length("生成AIの導入、2025年。") == 14
    # Full-width and half-width letters alike; spaces, the full-width space and breaks do not.
    assert japanese_length("ＡＩ と AI\u3000です\n") == 7


def test_a_decomposed_voiced_kana_is_one_character_as_on_screen():
    decomposed = unicodedata.normalize("NFD", "がぎぐ")
    assert len(decomposed) == 6
    assert japanese_length(decomposed) == 3


def test_field_lengths_are_measured_like_the_quality_checks():
    assert field_length("  タイトル  ") == 4
    assert length_state(10, (15, 60)) == "short"
    assert length_state(15, (15, 60)) == "ok"
    assert length_state(61, (15, 60)) == "long"


def test_count_gathers_headings_reading_time_and_field_states():
    result = count(
        text="本文です。",
        heading_levels=[2, 3, 3, 2, 4],
        reading_minutes=3,
        reading_minutes_override=5,
        fields={"title": ("短い", (15, 60)), "description": ("あ" * 70, (50, 160))},
    ).to_dict()
    assert result["chars"] == 5
    assert (result["h2"], result["h3"]) == (2, 2)
    assert result["reading_minutes"] == 3 and result["reading_minutes_override"] == 5
    assert result["fields"]["title"] == {"length": 2, "min": 15, "max": 60, "state": "short"}
    assert result["fields"]["description"]["state"] == "ok"
