"""The article path shape and the old site's dead URLs, both written once in blog.logic."""

import datetime as dt

from blog.logic.jekyll import parse_article_path
from blog.logic.site_facts import SITE_CATEGORIES
from blog.logic.urls import (
    LEGACY_PATHS,
    absolute_url,
    article_path,
    legacy_destination,
    split_article_path,
)


def test_an_article_path_splits_back_into_its_parts():
    path = article_path(dt.date(2025, 8, 30), "生成AI-導入")
    assert path == "/2025/08/30/生成AI-導入/"
    assert split_article_path(path) == ("2025", "08", "30", "生成AI-導入")
    assert split_article_path("/2025/08/30/slug") == ("2025", "08", "30", "slug")


def test_only_a_whole_article_shaped_path_splits():
    assert split_article_path("/category/tech/") is None
    assert split_article_path("/2025/08/30/a/b/") is None
    assert split_article_path("/x/2025/08/30/slug/") is None
    # Any one segment is a slug here; the Jekyll rules refuse ? and # themselves.
    assert split_article_path("/2025/08/30/a?b/") == ("2025", "08", "30", "a?b")
    assert parse_article_path("/2025/08/30/a?b/") is None
    assert parse_article_path("/2025/08/30/a%3Fb/") is None


def test_every_dead_category_url_leads_to_its_category_page():
    expected = {old: info.path for info in SITE_CATEGORIES for old in info.dead_paths}
    assert expected == LEGACY_PATHS
    assert len(LEGACY_PATHS) == 11
    assert legacy_destination("/AI技術ガイド/") == "/category/tech/"
    assert legacy_destination("/category/AI技術ガイド") == "/category/tech/"
    assert legacy_destination("/category/Industry/") == "/category/analysis/"
    assert legacy_destination("/category/tech/") is None


def test_a_site_path_becomes_absolute_and_an_absolute_url_is_kept():
    assert absolute_url("/static/x.png", "https://example.jp") == "https://example.jp/static/x.png"
    assert absolute_url("https://cdn.example/x.png", "https://example.jp") == (
        "https://cdn.example/x.png"
    )
