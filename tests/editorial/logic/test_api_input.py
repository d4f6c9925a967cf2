"""The request checks in editorial/logic/api_input.py: plain data in, no database."""

import datetime as dt

import pytest

from editorial.logic.api_input import InvalidInput, default_slug, parse_draft, required_for_create

TZ = "Asia/Tokyo"


def problems_of(payload):
    with pytest.raises(InvalidInput) as exc:
        parse_draft(payload, tz_name=TZ)
    return {(p.field, p.code) for p in exc.value.problems}


def test_only_sent_fields_are_in_the_values():
    draft = parse_draft({"external_id": " a-1 ", "excerpt": "リード"}, tz_name=TZ)
    assert draft.external_id == "a-1"
    assert draft.values == {"excerpt": "リード"}
    assert {p.field for p in required_for_create(draft)} == {"title", "body"}


def test_tags_are_deduplicated_without_regard_to_case():
    draft = parse_draft({"external_id": "x", "tags": ["LLM", "llm", " RAG "]}, tz_name=TZ)
    assert draft.values["tags"] == ["LLM", "RAG"]


def test_asins_are_normalised_and_checked():
    draft = parse_draft({"external_id": "x", "books": [" b0abcdef12 "]}, tz_name=TZ)
    assert draft.values["books"] == ["B0ABCDEF12"]
    assert ("books[1]", "duplicate") in problems_of(
        {"external_id": "x", "books": ["B0ABCDEF12", "b0abcdef12"]}
    )


def test_the_proposed_time_needs_a_time_zone():
    draft = parse_draft(
        {"external_id": "x", "proposed_publish_at": "2026-03-01T09:00:00+09:00"}, tz_name=TZ
    )
    assert draft.values["proposed_publish_at"] == dt.datetime(
        2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=9))
    ).replace(hour=9)
    assert ("proposed_publish_at", "invalid_value") in problems_of(
        {"external_id": "x", "proposed_publish_at": "2026-03-01T09:00:00"}
    )


def test_a_title_on_two_lines_is_refused():
    assert ("title", "invalid_value") in problems_of(
        {"external_id": "x", "title": "一行目\n二行目"}
    )


def test_control_characters_are_refused_with_their_line():
    with pytest.raises(InvalidInput) as exc:
        parse_draft({"external_id": "x", "body": "一行目\n二行目\x07"}, tz_name=TZ)
    problem = exc.value.problems[0]
    assert problem.line == 2 and "U+0007" in problem.message


def test_unknown_keys_name_the_allowed_ones_and_status_is_explained():
    with pytest.raises(InvalidInput) as exc:
        parse_draft({"external_id": "x", "status": "published"}, tz_name=TZ)
    assert "状態は API からは変えられません" in exc.value.problems[0].message


@pytest.mark.parametrize(
    ("external_id", "slug"),
    [
        ("2026-03-01-llm-costs.md", "llm-costs"),
        ("2026-03-01-llm-costs", "llm-costs"),
        ("_posts/2026-03-01-生成AIの現在.md", "生成AIの現在"),
        ("pipeline run 42", "pipeline-run-42"),
        ("'''", ""),
    ],
)
def test_the_default_slug_follows_the_old_sites_file_names(external_id, slug):
    assert default_slug(external_id) == slug


def test_a_jekyll_file_fills_the_fields_it_has_and_keeps_the_rest():
    text = (
        "---\ntitle: 記事\ndate: 2026-03-01 09:00:00 +0000\ncategories: [技術解説, 研究論文]\n"
        "tags: LLM RAG\nauthor: {name: テクニカルチーム}\nsitemap: false\n---\n\n本文\n\n---END---\n"
    )
    draft = parse_draft({"external_id": "x", "format": "jekyll", "body": text}, tz_name=TZ)
    values = draft.values
    assert values["title"] == "記事"
    assert values["category"] == "tech"  # the pre-rename name of AI技術ガイド
    assert values["tags"] == ["LLM", "RAG"]
    assert values["proposed_publish_at"] == dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    assert draft.author_name == "テクニカルチーム"
    assert draft.jekyll == {"sitemap": False}
    assert values["body"] == "本文\n\n---END---\n"
    codes = {(w.code, w.line) for w in draft.warnings}
    assert ("several_categories", 4) in codes
    assert ("end_marker", 12) in codes


def test_a_file_without_front_matter_is_refused_at_line_one():
    with pytest.raises(InvalidInput) as exc:
        parse_draft({"external_id": "x", "format": "jekyll", "body": "# 見出し\n"}, tz_name=TZ)
    assert (exc.value.problems[0].code, exc.value.problems[0].line) == ("invalid_front_matter", 1)
