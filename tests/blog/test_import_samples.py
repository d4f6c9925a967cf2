"""Importing the real sample of the old site (`<repo>/../shared/samples/jekyll-site`).

Skipped when the shared folder is not there (set KOSEI_SHARED_DIR to point elsewhere).
"""

import csv
import re

import pytest
from django.test import Client

from blog.importing.run import import_jekyll_site
from blog.logic.jekyll import parse_post_name
from blog.models import AffiliateBook, CallToAction, Post, PostBook, Redirect, RelatedPost
from tests.samples import POSTS, SITE, needs

pytestmark = [pytest.mark.django_db, needs(POSTS)]

COLLIDING = ("2025-08-29-08-aiエーシェント本格普及.md", "2025-08-30-08-aiエーシェント本格普及.md")


def expected_urls() -> dict[str, str]:
    with (SITE / "EXPECTED_URLS.tsv").open(encoding="utf-8") as handle:
        return {
            row["file"]: row["url_on_the_old_site"]
            for row in csv.DictReader(handle, delimiter="\t")
        }


def post_for(name: str) -> Post:
    return Post.objects.get(extra__import__source=f"_posts/{name}")


@pytest.fixture
def imported():
    return import_jekyll_site(SITE, status="published")


def test_every_file_becomes_exactly_one_post(imported):
    files = sorted(p.name for p in (SITE / "_posts").iterdir())
    assert imported.counts["created"] == len(files) == Post.objects.count()
    assert imported.counts["failed"] == 0
    assert sorted(p.extra["import"]["source"] for p in Post.objects.all()) == [
        f"_posts/{f}" for f in files
    ]


def test_every_post_answers_200_at_the_url_the_old_site_served(imported):
    client = Client()
    urls = expected_urls()
    assert len(urls) == Post.objects.count()
    for name, url in urls.items():
        if name == COLLIDING[0]:
            continue  # the old site served the other file there (next test)
        assert post_for(name).public_path == url, name
        assert client.get(url).status_code == 200, url


def test_colliding_pair_later_post_keeps_the_url_and_the_other_stays_reachable(imported):
    urls = expected_urls()
    earlier, later = (post_for(name) for name in COLLIDING)
    assert urls[COLLIDING[0]] == urls[COLLIDING[1]] == later.public_path
    assert earlier.public_path == "/2025/08/29/08-aiエーシェント本格普及/"  # its file-name date
    client = Client()
    assert later.title in client.get(later.get_absolute_url()).content.decode()
    assert earlier.title in client.get(earlier.get_absolute_url()).content.decode()
    assert imported.counts["collisions"] == 1
    assert [p.file for p in imported.problems if p.code == "url_collision"] == [
        f"_posts/{COLLIDING[0]}"
    ]


def test_file_name_date_forms_redirect_to_the_real_url(imported):
    client = Client()
    for name, url in expected_urls().items():
        post_name = parse_post_name(name)
        old = f"/{post_name.date:%Y/%m/%d}/{post_name.slug}/"
        if old != url and name not in COLLIDING:
            response = client.get(old)
            assert (
                response.status_code == 301
                and response["Location"] == post_for(name).get_absolute_url()
            )
    assert Redirect.objects.filter(
        old_path="/2026/02/13/2-eu-ai-law-enterprise-strategy-/"
    ).exists()


FOOTER_HEADINGS = re.compile(r"^#{2,4}\s*(関連記事|あわせて読みたい|.*おすすめ書籍)\s*$", re.M)
CTA_CLASS = re.compile(r"^\{:\s*\.consulting-cta-link\s*\}\s*$", re.M)
DISCLOSURE = re.compile(r"^\*※.*(アソシエイト|アフィリエイト).*\*$", re.M)


def test_bodies_no_longer_carry_the_footer_blocks(imported):
    collapsed = {p.file for p in imported.problems if p.code == "block_in_collapsed_line"}
    for post in Post.objects.all():
        assert not FOOTER_HEADINGS.search(post.body), post.extra["import"]["source"]
        assert not CTA_CLASS.search(post.body), post.extra["import"]["source"]
        assert not DISCLOSURE.search(post.body), post.extra["import"]["source"]
    # Two samples have Markdown collapsed onto one line around a footer: reported, not cut.
    assert collapsed == {
        "_posts/2026-02-13-2-eu-ai-law-enterprise-strategy-.md",
        "_posts/2026-03-07-2-ai-company-funding-industry-sh.md",
    }


def test_books_become_structured_links_deduplicated_by_asin(imported):
    post = post_for("2026-02-18-1-ai-agents-business-transformat.md")
    assert [link.book.asin for link in post.book_links.all()] == [
        "4798181986",
        "4297119544",
        "4815636605",
    ]
    assert (
        AffiliateBook.objects.get(asin="4798181986").title == "生成AIプロンプトエンジニアリング入門"
    )
    # The same ASIN in several posts is one book.
    assert PostBook.objects.filter(book__asin="4798181986").count() > 1
    assert AffiliateBook.objects.filter(asin="4798181986").count() == 1
    # Search links have no ASIN: kept for an editor, once per distinct link.
    searches = post_for("2026-02-12-1-amazonai25.md").extra["import"]["book_search_items"]
    assert [item["title"] for item in searches][:2] == [
        "GPU・AIチップの技術動向",
        "AIエージェント開発入門",
    ]


def test_cta_blocks_become_the_categories_calls_to_action(imported):
    tech = CallToAction.objects.get(category__slug="tech")
    assert tech.heading and tech.url.endswith("utm_campaign=tech_guide")
    post = post_for("2026-02-18-1-ai-agents-business-transformat.md")
    page = Client().get(post.get_absolute_url()).content.decode()
    assert tech.heading in page


def test_related_lists_resolve_to_imported_posts_also_through_old_url_forms(imported):
    def related(name):
        return list(
            RelatedPost.objects.filter(post=post_for(name)).values_list("related_id", flat=True)
        )

    # Links to /2025/08/29/08-ハナソニック-.../ (a sample) and to the Tokyo-date URL of the pair.
    assert post_for(
        "2025-08-29-08-ハナソニック-コネクトやホルホによる産業業務へのai活.md"
    ).pk in related("2026-02-12-1-galaxy-ai-20.md")
    assert related(COLLIDING[0]) == [post_for(COLLIDING[1]).pk]
    # The link used the raw file name with its trailing hyphen.
    assert post_for("2026-02-13-2-eu-ai-law-enterprise-strategy-.md").pk in related(
        "2026-02-24-3-eu-ai-law-enterprise-strategy.md"
    )
    unresolved = post_for("2026-03-07-2-ai-company-funding-industry-sh.md").extra["import"][
        "unresolved_related"
    ]
    assert "2026-01-10-1-adobeai" in unresolved  # pillar_article outside the sample: kept


def test_second_run_changes_nothing(imported):
    state = sorted(Post.objects.values_list("pk", "version", "updated_at", "body", "extra"))
    counts = [
        m.objects.count() for m in (Redirect, RelatedPost, PostBook, AffiliateBook, CallToAction)
    ]
    again = import_jekyll_site(SITE, status="published")
    assert again.counts["unchanged"] == Post.objects.count()
    assert again.counts["created"] == again.counts["updated"] == again.counts["redirects"] == 0
    assert sorted(Post.objects.values_list("pk", "version", "updated_at", "body", "extra")) == state
    assert [
        m.objects.count() for m in (Redirect, RelatedPost, PostBook, AffiliateBook, CallToAction)
    ] == counts
