"""import_jekyll on crafted sites: every defect reported, nothing lost, every URL kept."""

import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from blog.importing.run import import_jekyll_site
from blog.logic.site_facts import SITE_CATEGORIES
from blog.models import (
    AffiliateBook,
    Author,
    CallToAction,
    Category,
    Post,
    PostBook,
    Redirect,
    RelatedPost,
)
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db

CONFIG = """\
title: "テストサイト"
url: "https://ai-media.co.jp"
author: "ALLFORCES編集部"
timezone: Asia/Tokyo
permalink: /:year/:month/:day/:title/
"""

BODY = "## はじめに\n\n編集部では、生成AIの導入状況を取材した。\n\n## まとめ\n\n取材によると、導入は進んでいる。\n"


def front(
    title="テスト記事",
    date="2025-08-29 10:00:00 +0900",
    categories='["AI技術ガイド"]',
    extra="",
) -> str:
    lines = ["---", "layout: post", f'title: "{title}"']
    if date is not None:
        lines.append(f"date: {date}")
    if categories is not None:
        lines.append(f"categories: {categories}")
    lines.append('tags: ["LLM", "RAG"]')
    lines.append('author: "ALLFORCES編集部"')
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n"


def make_site(tmp_path: Path, posts: dict[str, str | bytes], config: str | None = CONFIG) -> Path:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True, exist_ok=True)
    if config is not None:
        (site / "_config.yml").write_text(config, encoding="utf-8")
    for name, content in posts.items():
        path = site / "_posts" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return site


def by_file(report) -> dict[str, dict]:
    return {entry["file"].removeprefix("_posts/"): entry for entry in report.posts}


def codes(report, name: str) -> list[str]:
    return [p.code for p in report.problems_for("_posts/" + name)]


def post_for(name: str) -> Post:
    return Post.objects.get(extra__import__source="_posts/" + name)


# --- the crafted defects ---------------------------------------------------------------------

CRAFTED = {
    "2025-08-01-good.md": front("正常な記事") + BODY,
    "2025-08-02-broken-yaml.md": front("壊れた記事", extra='tags2: ["a", "b"\nfoo: bar') + BODY,
    "2025-08-03-missing-date.md": front("日付のない記事", date=None) + BODY,
    "2025-08-04-empty-body.md": front("本文のない記事") + "\n\n",
    "2025-08-05-duplicate-keys.md": front("最初の題名", extra='title: "後の題名"') + BODY,
    "2025-08-06-crlf.md": (front("改行がCRLFの記事") + BODY).replace("\n", "\r\n").encode(),
    "2025-08-07-bom.md": b"\xef\xbb\xbf" + (front("BOMつきの記事") + BODY).encode(),
    "2025-08-08-unknown-category.md": front("未知のカテゴリの記事", categories="[ガジェット]")
    + BODY,
}


@pytest.fixture
def crafted(tmp_path):
    site = make_site(tmp_path, CRAFTED)
    return import_jekyll_site(site, status="published")


def test_each_crafted_defect_is_reported_and_every_other_file_imports(crafted):
    entries = by_file(crafted)
    assert entries["2025-08-02-broken-yaml.md"]["action"] == "failed"
    assert {name for name, e in entries.items() if e["action"] == "created"} == set(CRAFTED) - {
        "2025-08-02-broken-yaml.md"
    }
    assert crafted.counts["created"] == 7 and crafted.counts["failed"] == 1
    assert Post.objects.count() == 7
    for name, code in [
        ("2025-08-02-broken-yaml.md", "unreadable"),
        ("2025-08-03-missing-date.md", "date_missing"),
        ("2025-08-04-empty-body.md", "empty_body"),
        ("2025-08-05-duplicate-keys.md", "duplicate_key"),
        ("2025-08-06-crlf.md", "crlf"),
        ("2025-08-07-bom.md", "bom"),
        ("2025-08-08-unknown-category.md", "unknown_category"),
    ]:
        assert code in codes(crafted, name), name
    assert codes(crafted, "2025-08-01-good.md") == []


def test_broken_yaml_is_reported_with_file_line_and_reason(crafted):
    [problem] = crafted.problems_for("_posts/2025-08-02-broken-yaml.md")
    assert problem.level == "error"
    assert problem.line == 9  # the line of the unclosed list
    assert "YAML" in problem.message
    assert "2025-08-02-broken-yaml.md:9" in problem.format()


def test_missing_date_uses_the_file_name_date_as_jekyll_did(crafted):
    post = post_for("2025-08-03-missing-date.md")
    assert post.url_date == dt.date(2025, 8, 3)
    assert post.get_absolute_url() == "/2025/08/03/missing-date/"


def test_empty_body_is_imported_as_a_draft_so_nothing_empty_goes_live(crafted):
    post = post_for("2025-08-04-empty-body.md")
    assert post.status == Post.Status.DRAFT and post.body == ""
    assert post.title == "本文のない記事"


def test_duplicate_key_keeps_the_last_value_and_names_both_lines(crafted):
    assert post_for("2025-08-05-duplicate-keys.md").title == "後の題名"
    [problem] = [
        p
        for p in crafted.problems_for("_posts/2025-08-05-duplicate-keys.md")
        if p.code == "duplicate_key"
    ]
    assert "3行目" in problem.message and problem.line == 8


def test_crlf_and_bom_files_import_clean(crafted):
    crlf = post_for("2025-08-06-crlf.md")
    assert "\r" not in crlf.body and crlf.body == BODY
    assert post_for("2025-08-07-bom.md").title == "BOMつきの記事"


def test_unknown_category_imports_without_category_and_keeps_the_name(crafted):
    post = post_for("2025-08-08-unknown-category.md")
    assert post.category is None
    assert post.extra["jekyll"]["categories"] == ["ガジェット"]


# --- idempotence -----------------------------------------------------------------------------


def _snapshot():
    return {
        "posts": sorted(Post.objects.values_list("pk", "version", "updated_at", "extra", "body")),
        "related": sorted(RelatedPost.objects.values_list("post_id", "related_id", "position")),
        "books": sorted(PostBook.objects.values_list("post_id", "book_id", "position", "note")),
        "redirects": sorted(
            Redirect.objects.values_list("old_path", "target_post_id", "target_path")
        ),
        "counts": [m.objects.count() for m in (AffiliateBook, Author, Category, CallToAction)],
    }


def test_second_run_changes_nothing(tmp_path):
    site = make_site(tmp_path, {**CRAFTED, **FOOTER_SITE})
    first = import_jekyll_site(site, status="published")
    before = _snapshot()
    second = import_jekyll_site(site, status="published")
    assert _snapshot() == before
    assert second.counts["unchanged"] == first.counts["created"]
    assert second.counts["created"] == second.counts["updated"] == 0
    assert second.counts["redirects"] == second.counts["books_created"] == 0


def test_a_changed_file_updates_the_same_post(tmp_path):
    site = make_site(tmp_path, {"2025-08-01-good.md": front("最初") + BODY})
    import_jekyll_site(site, status="published")
    post = post_for("2025-08-01-good.md")
    changed = front("直した題名").replace('tags: ["LLM", "RAG"]', 'tags: ["RAG", "生成AI"]')
    (site / "_posts" / "2025-08-01-good.md").write_text(changed + BODY, encoding="utf-8")
    report = import_jekyll_site(site, status="published")
    assert report.counts["updated"] == 1 and Post.objects.count() == 1
    updated = post_for("2025-08-01-good.md")
    assert (updated.pk, updated.title, updated.version) == (post.pk, "直した題名", post.version + 1)
    assert sorted(updated.tags.names()) == ["RAG", "生成AI"]


def test_tags_match_existing_ones_whatever_their_case(tmp_path):
    make_post(tags=["llm"])
    import_jekyll_site(
        make_site(tmp_path, {"2025-08-01-good.md": front() + BODY}), status="published"
    )
    assert sorted(post_for("2025-08-01-good.md").tags.names()) == ["RAG", "llm"]


def test_a_post_an_editor_changed_is_never_overwritten_and_is_reported(tmp_path):
    site = make_site(tmp_path, {"2025-08-01-good.md": front("最初") + BODY})
    import_jekyll_site(site, status="published")
    post = post_for("2025-08-01-good.md")
    post.title = "編集者の題名"
    post.save()
    (site / "_posts" / "2025-08-01-good.md").write_text(
        front("AIが書き直した題名") + BODY, encoding="utf-8"
    )
    report = import_jekyll_site(site, status="published")
    assert post_for("2025-08-01-good.md").title == "編集者の題名"
    assert report.counts["edited_skipped"] == 1 and report.counts["updated"] == 0
    assert "edited_since_import" in codes(report, "2025-08-01-good.md")


def test_status_is_chosen_at_creation_and_later_runs_leave_it_to_the_workflow(tmp_path):
    site = make_site(tmp_path, {"2025-08-01-good.md": front("記事") + BODY})
    import_jekyll_site(site)  # default: draft
    post = post_for("2025-08-01-good.md")
    assert post.status == Post.Status.DRAFT
    assert post.url_date == dt.date(2025, 8, 29)  # the old URL is kept even for a draft
    import_jekyll_site(site, status="published")
    assert post_for("2025-08-01-good.md").status == Post.Status.DRAFT


def test_dry_run_writes_nothing_and_reports_what_a_real_run_does(tmp_path):
    site = make_site(tmp_path, {**CRAFTED, **FOOTER_SITE})
    dry = import_jekyll_site(site, status="published", dry_run=True)
    assert Post.objects.count() == 0 and Redirect.objects.count() == 0
    assert AffiliateBook.objects.count() == Category.objects.count() == Author.objects.count() == 0
    real = import_jekyll_site(site, status="published")
    assert dry.counts == real.counts
    assert [vars(p) for p in dry.problems] == [vars(p) for p in real.problems]
    assert [(e["file"], e["action"], e["url"]) for e in dry.posts] == [
        (e["file"], e["action"], e["url"]) for e in real.posts
    ]


def test_the_import_draws_no_cards_and_a_dry_run_stores_no_file(tmp_path, settings):
    settings.OGP_CARDS_ON_SAVE = True  # as in production
    settings.MEDIA_ROOT = str(tmp_path / "media")
    site = make_site(tmp_path, {**CRAFTED, **FOOTER_SITE})
    import_jekyll_site(site, status="published", dry_run=True)
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.png"))
    import_jekyll_site(site, status="published")
    assert not Post.objects.exclude(ogp_card="").exists()  # left to generate_ogp --missing
    call_command("generate_ogp", "--missing", "--jobs", "1", stdout=io.StringIO())
    assert not Post.objects.filter(ogp_card="").exists()
    # An editor's save after the import draws as usual.
    post = Post.objects.first()
    post.title = "編集者が直した題"
    post.save()
    post.refresh_from_db()
    assert post.ogp_card and (tmp_path / "media" / post.ogp_card.name).exists()


def test_limit_imports_the_first_files_by_name(tmp_path):
    site = make_site(tmp_path, CRAFTED)
    report = import_jekyll_site(site, status="published", limit=3)
    assert report.counts["files"] == 3
    assert sorted(e["file"] for e in report.posts) == [f"_posts/{n}" for n in sorted(CRAFTED)[:3]]


# --- URLs ------------------------------------------------------------------------------------


def test_url_is_the_tokyo_date_and_the_file_name_date_form_redirects(tmp_path, client):
    site = make_site(
        tmp_path, {"2025-08-29-evening.md": front(date="2025-08-29 17:25:03 +0000") + BODY}
    )
    report = import_jekyll_site(site, status="published")
    post = post_for("2025-08-29-evening.md")
    assert post.get_absolute_url() == "/2025/08/30/evening/"
    assert post.published_at == dt.datetime(2025, 8, 29, 17, 25, 3, tzinfo=dt.UTC)
    assert client.get("/2025/08/30/evening/").status_code == 200
    response = client.get("/2025/08/29/evening/")
    assert response.status_code == 301 and response["Location"] == "/2025/08/30/evening/"
    assert report.counts["redirects"] >= 1


def test_two_files_on_one_url_the_later_keeps_it_and_the_other_moves_to_its_file_date(
    tmp_path, client
):
    site = make_site(
        tmp_path,
        {
            "2025-08-29-same.md": front("先の記事", date="2025-08-29 17:25:03 +0000") + BODY,
            "2025-08-30-same.md": front("後の記事", date="2025-08-30 02:02:24 +0000") + BODY,
        },
    )
    report = import_jekyll_site(site, status="published")
    assert report.counts["collisions"] == 1 and Post.objects.count() == 2
    assert post_for("2025-08-30-same.md").get_absolute_url() == "/2025/08/30/same/"
    assert post_for("2025-08-29-same.md").get_absolute_url() == "/2025/08/29/same/"
    assert "後の記事" in client.get("/2025/08/30/same/").content.decode()
    assert "先の記事" in client.get("/2025/08/29/same/").content.decode()
    [warning] = [p for p in report.problems if p.code == "url_collision"]
    assert warning.file == "_posts/2025-08-29-same.md" and warning.level == "warning"


def test_a_url_already_used_by_a_cms_post_is_not_taken_over(tmp_path):
    make_post(slug="taken", published_at=dt.datetime(2025, 8, 1, 3, 0, tzinfo=dt.UTC))
    site = make_site(
        tmp_path, {"2025-08-01-taken.md": front(date="2025-08-01 12:00:00 +0900") + BODY}
    )
    report = import_jekyll_site(site, status="published")
    assert post_for("2025-08-01-taken.md").get_absolute_url() == "/2025/08/01/taken-2/"
    assert report.counts["collisions"] == 1


def test_trailing_hyphen_file_name_gets_the_clean_slug_and_a_redirect(tmp_path, client):
    site = make_site(
        tmp_path, {"2026-02-13-2-eu-strategy-.md": front(date="2026-02-13 18:04:39 +0900") + BODY}
    )
    import_jekyll_site(site, status="published")
    assert client.get("/2026/02/13/2-eu-strategy/").status_code == 200
    assert client.get("/2026/02/13/2-eu-strategy-/")["Location"] == "/2026/02/13/2-eu-strategy/"


def test_dead_category_urls_redirect_to_the_category_pages(tmp_path, client):
    site = make_site(tmp_path, {"2025-08-01-good.md": front() + BODY})
    import_jekyll_site(site, status="published")
    for old, new in [
        ("/category/case-studies/", "/category/implementation/"),
        ("/category/industry/", "/category/analysis/"),
        ("/AI技術ガイド/", "/category/tech/"),
        ("/category/投資分析/", "/category/strategy/"),
    ]:
        assert Redirect.objects.get(old_path=old).target_path == new


# --- fields ----------------------------------------------------------------------------------


def test_front_matter_maps_to_fields_and_every_other_key_is_kept(tmp_path):
    site = make_site(
        tmp_path,
        {
            "2025-08-01-fields.md": front(
                "項目の多い記事",
                categories='["技術解説"]',
                extra=(
                    'excerpt: "リード文"\n'
                    'description: "説明文"\n'
                    "reading_time: 9\n"
                    "sitemap: false\n"
                    'pseo_type: "comparison"\n'
                    'canonical_url: "https://ai-media.co.jp/2025/07/01/fields/"\n'
                ),
            )
            + BODY
        },
    )
    import_jekyll_site(site, status="published")
    post = post_for("2025-08-01-fields.md")
    assert (post.title, post.excerpt, post.description) == ("項目の多い記事", "リード文", "説明文")
    assert post.category.slug == "tech" and post.category.name == "AI技術ガイド"
    assert sorted(post.tags.names()) == ["LLM", "RAG"]
    assert post.noindex
    assert post.canonical_url == ""  # the old pipeline's own URL (wrong date): the site computes it
    assert post.reading_time >= 1 and post.extra["jekyll"]["reading_time"] == 9
    assert post.extra["jekyll"]["pseo_type"] == "comparison"
    assert post.extra["jekyll"]["layout"] == "post"
    assert post.extra["import"]["source"] == "_posts/2025-08-01-fields.md"


def test_robots_noindex_and_a_canonical_to_another_post(tmp_path):
    site = make_site(
        tmp_path,
        {
            "2025-08-01-main.md": front("本記事") + BODY,
            "2025-08-02-copy.md": front(
                "転載",
                extra='robots: "noindex, follow"\ncanonical_url: "https://ai-media.co.jp/2025/08/01/main/"',
            )
            + BODY,
        },
    )
    import_jekyll_site(site, status="published")
    copy = post_for("2025-08-02-copy.md")
    assert copy.noindex
    # Written with the file-name date; the post's real URL is its Tokyo date.
    assert post_for("2025-08-01-main.md").get_absolute_url() == "/2025/08/29/main/"
    assert copy.canonical_url == "https://ai-media.co.jp/2025/08/29/main/"


def test_published_false_was_hidden_on_the_old_site_and_stays_a_draft(tmp_path):
    site = make_site(tmp_path, {"2025-08-01-hidden.md": front(extra="published: false") + BODY})
    import_jekyll_site(site, status="published")
    assert post_for("2025-08-01-hidden.md").status == Post.Status.DRAFT


def test_categories_are_created_with_their_slug_and_colours_and_reused(tmp_path):
    existing = make_category(name="AI技術ガイド", slug="tech")
    site = make_site(
        tmp_path,
        {
            "2025-08-01-a.md": front(categories="[AI技術ガイド]") + BODY,
            "2025-08-02-b.md": front(categories="実装事例") + BODY,
        },
    )
    report = import_jekyll_site(site, status="published")
    assert post_for("2025-08-01-a.md").category == existing
    created = post_for("2025-08-02-b.md").category
    assert (created.name, created.slug) == ("導入事例", "implementation")
    assert (created.ogp_gradient_start, created.ogp_gradient_end, created.ogp_accent) == (
        "#1A365D",
        "#0D9488",
        "#FFFFFF",
    )
    # Every site category is there after the import, even one no post is filed in yet: the
    # old category URLs redirect to their pages. The existing one was reused, not doubled.
    assert sorted(Category.objects.values_list("slug", flat=True)) == sorted(
        info.slug for info in SITE_CATEGORIES
    )
    assert report.counts["categories_created"] == len(SITE_CATEGORIES) - 1


def test_authors_are_found_by_name_or_created_as_organisations(tmp_path):
    site = make_site(
        tmp_path,
        {
            "2025-08-01-a.md": front().replace(
                'author: "ALLFORCES編集部"', 'author: "ALLFORCES産業リサーチチーム"'
            )
            + BODY,
            "2025-08-02-b.md": front().replace('author: "ALLFORCES編集部"\n', "") + BODY,
        },
    )
    import_jekyll_site(site, status="published")
    team = post_for("2025-08-01-a.md").author
    assert team.name == "ALLFORCES産業リサーチチーム" and team.is_organization
    assert post_for("2025-08-02-b.md").author.name == "ALLFORCES編集部"  # _config.yml's author


def test_an_existing_og_image_file_becomes_the_posts_card(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    site = make_site(
        tmp_path,
        {
            "2025-08-01-a.md": front(extra='image: "/assets/images/posts/a-ogp.png"') + BODY,
            "2025-08-02-b.md": front(extra='image: "/assets/images/posts/missing.png"') + BODY,
        },
    )
    (site / "assets/images/posts").mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (120, 63), "#0D9488").save(buffer, format="PNG")
    (site / "assets/images/posts/a-ogp.png").write_bytes(buffer.getvalue())
    report = import_jekyll_site(site, status="published")
    card = post_for("2025-08-01-a.md").ogp_image
    card.open("rb")
    assert card.name.startswith("ogp/") and card.read() == buffer.getvalue()
    assert not post_for("2025-08-02-b.md").ogp_image
    assert report.counts["images_imported"] == 1 and report.counts["images_missing"] == 1
    assert "image_missing" in codes(report, "2025-08-02-b.md")
    # A second run does not store the file again.
    import_jekyll_site(site, status="published")
    assert post_for("2025-08-01-a.md").ogp_image.name == card.name


# --- footer blocks, books, related posts, links ----------------------------------------------

FOOTER = """
---

### あわせて読みたい

- [題名が一致する記事](/2025/08/09/target-wrong-date/)
- [夕方の記事](/2025/08/29/evening/)
- [存在しない記事](/2024/01/01/nowhere/)

---

## AI技術の相談

技術選定のご相談を承っています。

[お問い合わせはこちら](/services/?utm_source=article&utm_medium=cta&utm_campaign=tech_guide)
{: .consulting-cta-link}

---

## この記事に関連するおすすめ書籍

### [生成AIプロンプトエンジニアリング入門](https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22)

プロンプト設計の基本

[Amazonで詳しく見る →](https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22)

### [同じ本をもう一度](https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22)

重複

[Amazonで詳しく見る →](https://www.amazon.co.jp/dp/4798181986/?tag=nullpodesu-22)

### [ASINが壊れた本](https://www.amazon.co.jp/dp/4798181987/?tag=nullpodesu-22)

チェックディジット違い

[Amazonで詳しく見る →](https://www.amazon.co.jp/dp/4798181987/?tag=nullpodesu-22)

---

*※ 本ページのリンクにはアフィリエイトリンクが含まれます。購入によりサイト運営をサポートいただけます。*
"""

FOOTER_SITE = {
    "2025-08-10-source.md": front(
        "フッターのある記事",
        extra='related_articles: [{"slug": "2025-08-12-fm-target", "title": "前付けの関連"}]',
    )
    + "本文。[夕方の記事の旧URL](/2025/08/29/evening/) と [ない記事](/2023/01/01/none/)。\n"
    + FOOTER,
    "2025-08-29-evening.md": front("夕方の記事", date="2025-08-29 17:25:03 +0000") + BODY,
    "2025-08-11-target-wrong-date.md": front("題名が一致する記事です") + BODY,
    "2025-08-12-fm-target.md": front("前付けの関連先")
    + BODY
    + "\n## おすすめ書籍\n\n**[検索の本](https://www.amazon.co.jp/s?k=AI&tag=x)** 説明\n",
}


@pytest.fixture
def footer(tmp_path):
    return import_jekyll_site(make_site(tmp_path, FOOTER_SITE), status="published")


def test_footer_blocks_leave_the_body(footer):
    body = post_for("2025-08-10-source.md").body
    for gone in (
        "あわせて読みたい",
        "consulting-cta-link",
        "おすすめ書籍",
        "アフィリエイト",
        "Amazonで詳しく見る",
    ):
        assert gone not in body
    assert body.startswith("本文。")


def test_related_posts_come_from_front_matter_then_lists_resolved_even_with_a_wrong_date(footer):
    source = post_for("2025-08-10-source.md")
    related = [link.related for link in source.related_links.order_by("position")]
    assert related == [
        post_for("2025-08-12-fm-target.md"),
        post_for("2025-08-11-target-wrong-date.md"),  # linked as /2025/08/09/..., text matched
        post_for("2025-08-29-evening.md"),  # linked by its file-name date
    ]
    assert source.extra["import"]["unresolved_related"] == ["/2024/01/01/nowhere/"]
    assert "related_unresolved" in codes(footer, "2025-08-10-source.md")


def test_internal_links_to_old_url_forms_are_rewritten_and_missing_ones_reported(footer):
    body = post_for("2025-08-10-source.md").body
    assert "[夕方の記事の旧URL](/2025/08/30/evening/)" in body
    assert footer.counts["links_rewritten"] == 1
    unresolved = [
        p for p in footer.problems_for("_posts/2025-08-10-source.md") if p.code == "link_unresolved"
    ]
    assert [p.line for p in unresolved] == [10] and "/2023/01/01/none/" in unresolved[0].message


def test_books_are_linked_once_per_asin_and_bad_or_search_items_are_kept_and_reported(footer):
    source = post_for("2025-08-10-source.md")
    assert [link.book.asin for link in source.book_links.all()] == ["4798181986"]
    book = AffiliateBook.objects.get(asin="4798181986")
    assert (book.title, book.description) == (
        "生成AIプロンプトエンジニアリング入門",
        "プロンプト設計の基本",
    )
    assert source.extra["import"]["invalid_books"][0]["asin"] == "4798181987"
    assert "book_bad_asin" in codes(footer, "2025-08-10-source.md")
    target = post_for("2025-08-12-fm-target.md")
    assert target.extra["import"]["book_search_items"][0]["title"] == "検索の本"
    assert "book_search_link" in codes(footer, "2025-08-12-fm-target.md")


def test_books_are_shared_between_posts_by_asin(tmp_path):
    site = make_site(tmp_path, {f"2025-08-0{n}-p{n}.md": front() + BODY + FOOTER for n in (1, 2)})
    import_jekyll_site(site, status="published")
    assert AffiliateBook.objects.count() == 1 and PostBook.objects.count() == 2


def test_the_cta_block_becomes_the_categorys_call_to_action(footer, client):
    cta = CallToAction.objects.get(category__slug="tech")
    assert cta.heading == "AI技術の相談" and cta.link_label == "お問い合わせはこちら"
    assert cta.url.endswith("utm_campaign=tech_guide")
    page = client.get(post_for("2025-08-10-source.md").get_absolute_url()).content.decode()
    assert "AI技術の相談" in page and "生成AIプロンプトエンジニアリング入門" in page


def test_an_existing_category_cta_is_kept(tmp_path):
    category = make_category(name="AI技術ガイド", slug="tech")
    CallToAction.objects.create(
        category=category, heading="既存", text="文", link_label="見る", url="/services/"
    )
    import_jekyll_site(make_site(tmp_path, FOOTER_SITE), status="published")
    assert list(CallToAction.objects.values_list("heading", flat=True)) == ["既存"]


def test_a_block_that_is_not_fully_recognised_stays_in_the_body_and_is_reported(tmp_path):
    odd = "## 関連記事\n\n- [ある記事](/2025/01/01/a/)\n- 説明文だけの行\n"
    site = make_site(tmp_path, {"2025-08-01-odd.md": front() + BODY + "\n" + odd})
    report = import_jekyll_site(site, status="published")
    assert odd in post_for("2025-08-01-odd.md").body
    [problem] = [p for p in report.problems if p.code == "related_block_unrecognised"]
    assert problem.line == 20  # the list item of another shape


# --- the command -----------------------------------------------------------------------------


def test_command_prints_the_report_saves_json_and_fails_when_a_file_failed(tmp_path):
    site = make_site(tmp_path, CRAFTED)
    out = io.StringIO()
    report_file = tmp_path / "report.json"
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_jekyll",
            str(site),
            "--status",
            "published",
            "--report",
            str(report_file),
            stdout=out,
        )
    assert exc.value.returncode == 1
    text = out.getvalue()
    assert "[失敗] _posts/2025-08-02-broken-yaml.md:9" in text
    assert "作成した記事: 7" in text
    data = json.loads(report_file.read_text(encoding="utf-8"))
    assert data["counts"]["failed"] == 1 and data["counts"]["created"] == 7
    assert any(p["code"] == "duplicate_key" for p in data["problems"])


def test_command_succeeds_quietly_on_a_clean_site(tmp_path):
    site = make_site(tmp_path, {"2025-08-01-good.md": front() + BODY})
    out = io.StringIO()
    call_command("import_jekyll", str(site), "--dry-run", stdout=out)
    assert "ドライラン" in out.getvalue() and Post.objects.count() == 0


def test_command_refuses_a_folder_that_is_not_a_jekyll_site(tmp_path):
    with pytest.raises(CommandError, match="_posts"):
        call_command("import_jekyll", str(tmp_path), stdout=io.StringIO())


def test_command_refuses_a_permalink_the_site_cannot_serve(tmp_path):
    config = CONFIG.replace("/:year/:month/:day/:title/", "/blog/:title/")
    site = make_site(tmp_path, {"2025-08-01-good.md": front() + BODY}, config=config)
    with pytest.raises(CommandError, match="permalink"):
        call_command("import_jekyll", str(site), stdout=io.StringIO())
    assert Post.objects.count() == 0


def test_a_post_that_fails_while_saving_is_rolled_back_alone(tmp_path, monkeypatch):
    from django.db import IntegrityError

    from blog.importing.write import Writer

    original = Writer._write_books

    def failing(self, post, items, creating):
        original(self, post, items, creating)  # creates the book, then the post fails
        if post.title == "保存に失敗する記事":
            raise IntegrityError("simulated")

    monkeypatch.setattr(Writer, "_write_books", failing)
    site = make_site(
        tmp_path,
        {
            "2025-08-01-a.md": front("保存に失敗する記事", categories="[研究論文]").replace(
                "RAG", "失敗のタグ"
            )
            + BODY
            + FOOTER,
            "2025-08-02-b.md": front("後の記事", categories="[研究論文]").replace(
                "RAG", "失敗のタグ"
            )
            + BODY
            + FOOTER,
        },
    )
    report = import_jekyll_site(site, status="published")
    assert list(Post.objects.values_list("title", flat=True)) == ["後の記事"]
    assert by_file(report)["2025-08-01-a.md"]["action"] == "failed"
    [problem] = [p for p in report.problems if p.code == "save_failed"]
    assert "IntegrityError" in problem.message
    # What the failed post created was rolled back with it and made again for the next one.
    later = post_for("2025-08-02-b.md")
    assert [link.book.asin for link in later.book_links.all()] == ["4798181986"]
    assert later.category.slug == "research" and "失敗のタグ" in later.tags.names()
    assert report.counts["books_created"] == 1
    assert report.counts["categories_created"] == len(SITE_CATEGORIES)


# --- bodies rendered in worker processes ------------------------------------------------------


def test_worker_processes_render_what_saving_would_render(tmp_path, monkeypatch):
    from blog import search
    from blog.importing import run
    from blog.logic import prerender
    from blog.logic.reading_time import reading_minutes
    from blog.logic.rendering import render_markdown
    from blog.logic.search_tokens import index_tokens
    from blog.models import SearchDocument

    sent = []
    submit = prerender.submit
    monkeypatch.setattr(run, "PARALLEL_FROM", 1)
    monkeypatch.setattr(
        prerender, "submit", lambda pool, *texts: sent.append(texts[0]) or submit(pool, *texts)
    )
    bodies = {
        f"2025-08-{day:02d}-worker-{day}.md": front(title=f"並列変換の記事{day}")
        + f"## 見出し{day}\n\n生成AIの導入事例その{day}。[リンク](https://example.com/{day})\n"
        for day in range(1, 6)
    }
    report = import_jekyll_site(make_site(tmp_path, bodies), status="published", jobs=2)
    assert report.counts["created"] == 5 and not report.has_failures
    assert sorted(sent) == sorted(f"並列変換の記事{day}" for day in range(1, 6))
    for post in Post.objects.all():
        rendered = render_markdown(post.body)
        assert (post.body_html, post.body_text) == (rendered.html, rendered.text)
        assert post.reading_time == reading_minutes(rendered.text)
        assert post.toc and post.toc[0]["title"] == post.body.split("\n")[0].removeprefix("## ")
        document = SearchDocument.objects.get(post_id=post.pk)
        assert (document.title_tokens, document.tokens) == index_tokens(
            post.title, post.excerpt, post.body_text
        )
    found = Post.objects.filter(pk__in=list(search.search("導入事例その3")))
    assert [p.title for p in found] == ["並列変換の記事3"]


def test_a_prerendered_body_is_used_only_for_the_texts_it_was_made_from():
    from blog.logic.prerender import prerender
    from blog.models import SearchDocument

    post = Post(title="本当のタイトル", excerpt="", body="## 本当の本文\n\n実際の段落。\n")
    stale = prerender("別のタイトル", "", "## 古い本文\n\n古い段落。\n")
    post.render(stale)
    assert "本当の本文" in post.body_html and "古い" not in post.body_html
    document = SearchDocument.for_post(post, stale)
    assert "本当" in document.title_tokens.split() and "古い" not in document.tokens.split()

    # For the same texts it is taken as it is (a marker shows it was not rendered again).
    made = prerender(post.title, post.excerpt, post.body)
    marked = replace(
        made,
        rendered=replace(made.rendered, html="<p>印</p>"),
        reading_time=99,
        tokens=made.tokens + " 印",
    )
    post.render(marked)
    assert (post.body_html, post.reading_time) == ("<p>印</p>", 99)
    assert SearchDocument.for_post(post, marked).tokens == made.tokens + " 印"


def test_an_import_carries_on_in_process_when_the_render_workers_die(tmp_path, monkeypatch):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from blog.importing import run
    from blog.logic import prerender

    def broken(pool, *texts):
        future = Future()
        future.set_exception(BrokenProcessPool("a worker was killed"))
        return future

    monkeypatch.setattr(run, "PARALLEL_FROM", 1)
    monkeypatch.setattr(prerender, "submit", broken)
    site = make_site(
        tmp_path,
        {
            f"2025-08-0{day}-survivor-{day}.md": front(title=f"生き残る記事{day}") + BODY
            for day in (1, 2)
        },
    )
    report = import_jekyll_site(site, status="published", jobs=2)
    assert report.counts["created"] == 2 and not report.has_failures
    assert all("生成AIの導入状況" in post.body_html for post in Post.objects.all())
