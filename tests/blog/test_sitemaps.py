"""sitemap.xml (an index), robots.txt and llms.txt."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from blog.models import Post
from tests.factories import make_author, make_category, make_post

pytestmark = pytest.mark.django_db

SITE = "https://ai-media.co.jp"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def locs(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_sitemap_is_an_index_of_the_sections(client):
    make_post(tags=["LLM"], category=make_category(slug="tech"), author=make_author(slug="team"))
    sections = locs(client, "/sitemap.xml")
    assert sections == [
        f"{SITE}/sitemap-{name}.xml"
        for name in ("posts", "categories", "tags", "authors", "archives", "pages")
    ]
    urls = [u for section in sections for u in locs(client, section.removeprefix(SITE))]
    assert f"{SITE}/category/tech/" in urls
    assert f"{SITE}/tag/llm/" in urls
    assert f"{SITE}/author/team/" in urls
    assert f"{SITE}/archive/" in urls
    assert f"{SITE}/ad-policy/" in urls and f"{SITE}/amazon-associates/" in urls


def test_japanese_slugs_are_percent_encoded_in_loc(client):
    post = make_post(slug="生成ai-導入", tags=["機械学習"])
    urls = locs(client, "/sitemap-posts.xml") + locs(client, "/sitemap-tags.xml")
    assert SITE + post.get_absolute_url() in urls  # reverse() percent-encodes
    assert f"{SITE}/tag/{quote('機械学習')}/" in urls
    assert "%E7%94%9F%E6%88%90" in post.get_absolute_url()
    assert all(url.isascii() for url in urls)


def test_post_sitemap_excludes_non_public_noindex_and_foreign_canonical_posts(client):
    public = make_post(slug="public")
    make_post(slug="draft", status=Post.Status.DRAFT, published_at=None)
    make_post(slug="future", published_at=timezone.now() + dt.timedelta(days=1))
    make_post(slug="noindex", noindex=True)
    make_post(slug="elsewhere", canonical_url="https://example.com/x/")
    gone = make_post(slug="gone")
    gone.status = Post.Status.UNPUBLISHED
    gone.save()
    assert locs(client, "/sitemap-posts.xml") == [SITE + public.get_absolute_url()]


def test_post_lastmod_is_the_last_substantive_change(client):
    post = make_post(published_at=dt.datetime(2025, 1, 10, 3, 0, tzinfo=dt.UTC))
    body = client.get("/sitemap-posts.xml").content.decode()
    assert "<lastmod>2025-01-10</lastmod>" in body
    post.description = "メタ情報だけ"
    post.save()
    assert "<lastmod>2025-01-10</lastmod>" in client.get("/sitemap-posts.xml").content.decode()
    post.body += "\n\n追記"
    post.save()
    today = timezone.localdate().isoformat()
    assert f"<lastmod>{today}</lastmod>" in client.get("/sitemap-posts.xml").content.decode()


def test_post_sitemap_pages_hold_at_most_50000_urls():
    from blog.sitemaps import PostSitemap

    assert PostSitemap.limit == 50_000


def test_robots_txt_has_rules_from_settings_and_the_sitemap(client, settings):
    settings.ROBOTS_DISALLOW = ["/admin/", "/search/"]
    settings.ROBOTS_BLOCKED_AGENTS = ["BadBot"]
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: BadBot\nDisallow: /\n" in text
    assert "User-agent: *\nDisallow: /admin/\nDisallow: /search/" in text
    assert f"Sitemap: {SITE}/sitemap.xml" in text


def test_llms_txt_is_generated_from_the_database(client, settings):
    settings.SITE_DESCRIPTION = "AI専門メディアの説明"
    tech = make_category(name="AI技術ガイド", slug="tech")
    make_category(name="研究論文", slug="research")
    post = make_post(title="最新のLLM記事", category=tech, excerpt="要約です")
    make_post(category=tech)
    text = client.get("/llms.txt").content.decode()
    assert text.startswith(f"# {settings.SITE_NAME}\n\n> AI専門メディアの説明\n")
    assert f"- [AI技術ガイド]({SITE}/category/tech/): 2件" in text
    assert f"- [研究論文]({SITE}/category/research/): 0件" in text
    assert f"- [最新のLLM記事]({SITE}{post.get_absolute_url()}): 要約です" in text


def test_section_sitemaps_are_built_once_per_public_change(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # the section's XML is a fragment, kept without the page cache
    first = make_post(slug="first")
    assert locs(client, "/sitemap-posts.xml") == [SITE + first.get_absolute_url()]
    with django_assert_num_queries(0):
        assert client.get("/sitemap-posts.xml").status_code == 200
    second = make_post(slug="second")
    assert SITE + second.get_absolute_url() in locs(client, "/sitemap-posts.xml")
    second.status = Post.Status.UNPUBLISHED
    second.save()
    assert locs(client, "/sitemap-posts.xml") == [SITE + first.get_absolute_url()]
    assert client.get("/sitemap-posts.xml?p=2").status_code == 404
