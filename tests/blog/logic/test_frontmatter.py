"""Front matter as the old repository wrote it: every shape is read, or refused with a line."""

import datetime as dt

import pytest

from blog.logic.frontmatter import FrontMatterError, jsonable, parse_date, parse_document

TOKYO = "Asia/Tokyo"


def test_front_matter_and_body_are_split_and_the_body_line_is_known():
    doc = parse_document("---\ntitle: 見出し\n---\n\n本文\n")
    assert doc.data == {"title": "見出し"}
    assert doc.body == "\n本文\n"
    assert doc.body_line == 4


def test_bom_is_removed_and_reported():
    doc = parse_document("\ufeff---\ntitle: a\n---\nbody\n".encode())
    assert doc.had_bom and doc.data == {"title": "a"}
    assert not parse_document(b"---\ntitle: a\n---\n").had_bom


def test_windows_line_ends_become_unix_ones():
    doc = parse_document(b"---\r\ntitle: a\r\ntags: [x, y]\r\n---\r\nline1\r\nline2\r\n")
    assert doc.had_crlf
    assert doc.data == {"title": "a", "tags": ["x", "y"]}
    assert doc.body == "line1\nline2\n"


def test_repeated_key_keeps_the_last_value_and_is_reported_with_both_lines():
    doc = parse_document("---\ntitle: 最初\ndate: 2025-01-01\ntitle: 最後\n---\n")
    assert doc.data["title"] == "最後"
    [duplicate] = doc.duplicate_keys
    assert (duplicate.key, duplicate.first_line, duplicate.line) == ("title", 2, 4)


def test_unquoted_flow_lists_and_inline_json_are_read():
    doc = parse_document(
        "---\n"
        "categories: [業界別AI活用]\n"
        'related_articles: [{"slug": "2026-03-06-3-eu-ai-act", "title": "EU AI Act"}]\n'
        'pillar_article: {"slug": "2026-01-10-1-adobeai", "title": "Adobe"}\n'
        "---\n"
    )
    assert doc.data["categories"] == ["業界別AI活用"]
    assert doc.data["related_articles"][0]["slug"] == "2026-03-06-3-eu-ai-act"
    assert doc.data["pillar_article"]["title"] == "Adobe"


def test_key_lines_point_at_the_file_lines():
    doc = parse_document("---\ntitle: a\n\ndate: x\n---\n")
    assert doc.key_lines == {"title": 2, "date": 4}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("---\ntitle: a\ntags: [x, y\n---\nbody", 3, "YAML"),
        ('---\ntitle: a\ntitle2: "unterminated\n---\n', 3, "YAML"),
        ("---\ntitle: a\n  bad: : indent\n---\n", 3, "YAML"),
        ("title: a\n", 1, "---"),
        ("---\ntitle: a\nbody without end\n", 1, "終わり"),
        ("---\n- a list\n---\n", 2, "キー: 値"),
    ],
    ids=["unclosed-list", "unclosed-quote", "bad-mapping", "no-front-matter", "no-end", "list"],
)
def test_unreadable_front_matter_is_refused_with_line_and_japanese_reason(text, line, fragment):
    with pytest.raises(FrontMatterError) as exc:
        parse_document(text)
    assert exc.value.line == line
    assert fragment in exc.value.reason


def test_invalid_utf8_is_refused_with_its_line():
    with pytest.raises(FrontMatterError) as exc:
        parse_document(b"---\ntitle: a\n---\nok\n\xff\xfe broken\n")
    assert exc.value.line == 5
    assert "UTF-8" in exc.value.reason


def test_empty_front_matter_is_an_empty_mapping():
    assert parse_document("---\n---\nbody").data == {}


@pytest.mark.parametrize(
    ("value", "expected_utc"),
    [
        ("2025-08-29 17:25:03 +0000", dt.datetime(2025, 8, 29, 17, 25, 3, tzinfo=dt.UTC)),
        ("2026-02-14 05:58:41 +0900", dt.datetime(2026, 2, 13, 20, 58, 41, tzinfo=dt.UTC)),
        ("2026-02-14T05:58:41+09:00", dt.datetime(2026, 2, 13, 20, 58, 41, tzinfo=dt.UTC)),
        ("2026-02-14 05:58:41 Z", dt.datetime(2026, 2, 14, 5, 58, 41, tzinfo=dt.UTC)),
        ("2026-02-14 05:58 -0130", dt.datetime(2026, 2, 14, 7, 28, tzinfo=dt.UTC)),
        # Without an offset Jekyll reads the site's time zone.
        ("2026-02-14 09:00:00", dt.datetime(2026, 2, 14, 0, 0, tzinfo=dt.UTC)),
        ("2026-02-14", dt.datetime(2026, 2, 13, 15, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 2, 14), dt.datetime(2026, 2, 13, 15, 0, tzinfo=dt.UTC)),
        (dt.datetime(2026, 2, 14, 9, 0), dt.datetime(2026, 2, 14, 0, 0, tzinfo=dt.UTC)),
    ],
)
def test_dates_in_every_shape_become_the_same_instant(value, expected_utc):
    assert parse_date(value, TOKYO) == expected_utc


def test_yaml_timestamps_with_offsets_are_parsed_by_yaml_and_kept_aware():
    doc = parse_document("---\ndate: 2025-08-29 17:25:03 +09:00\n---\n")
    assert parse_date(doc.data["date"], TOKYO) == dt.datetime(2025, 8, 29, 8, 25, 3, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "value", ["yesterday", "2025-13-01", "2025-02-30 10:00", 20250101, "2025-01-01 10:00 +2500"]
)
def test_unreadable_dates_are_refused_in_japanese(value):
    with pytest.raises(ValueError) as exc:
        parse_date(value, TOKYO)
    assert any(word in str(exc.value) for word in ("日付", "日時", "時差"))


def test_values_are_made_json_safe_without_loss():
    assert jsonable({"d": dt.date(2025, 1, 2), "l": [1, True, None], 3: "x"}) == {
        "d": "2025-01-02",
        "l": [1, True, None],
        "3": "x",
    }
