from editorial.logic.draft import Config

from .util import PARAGRAPH_A, PARAGRAPH_B, codes, only


def test_a_reading_time_override_far_from_the_computed_value():
    [found] = only("reading_time.override", reading_time_override=20)
    assert found.field == "reading_time" and "20分" in found.message


def test_a_reading_time_override_close_to_the_computed_value_is_fine():
    body = f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n" * 10  # about 3 minutes
    assert "reading_time.override" not in codes(body=body, reading_time_override=4)
    assert "reading_time.override" not in codes(body=body)


def test_a_tag_that_never_occurs_in_the_text():
    [found] = only("tags.absent", tags=("生成AI", "量子コンピュータ"))
    assert "量子コンピュータ" in found.message and found.severity == "info"


def test_tags_match_ignoring_case_and_width():
    assert "tags.absent" not in codes(tags=("ai", "ＡＩ"))


def test_a_category_used_as_a_tag():
    [found] = only("tags.category", tags=("業界別AI活用",), category="業界別AI活用")
    assert found.severity == "warning"
    config = Config(category_names=("AI導入戦略",))
    assert only("tags.category", tags=("ai導入戦略",), config=config)
    assert "tags.category" not in codes(tags=("生成AI",), category="業界別AI活用")
