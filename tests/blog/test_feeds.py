"""Feeds: RSS 2.0 and Atom, per site, category and tag; conditional requests."""

import datetime as dt
import re
import time
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from django.db.models import F
from django.utils import timezone

from blog.models import Post
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db

SITE = "https://ai-media.co.jp"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


def test_site_feed_is_rss2_with_the_twenty_newest_and_full_html(client):
    now = timezone.now()
    for i in range(22):
        make_post(
            title=f"記事{i:02d}",
            body=f"## 見出し{i}\n\n本文{i}",
            published_at=now - dt.timedelta(hours=i + 1),
        )
    response, feed = parse(client, "/feed.xml")
    assert feed.version == "rss20"
    assert response["Content-Type"].startswith("application/rss+xml")
    assert len(feed.entries) == 20
    assert feed.entries[0].title == "記事00" and feed.entries[-1].title == "記事19"
    assert "<h2" in feed.entries[0].content[0].value and "本文0" in feed.entries[0].content[0].value
    assert feed.entries[0].summary
    self_links = [link for link in feed.feed.links if link.rel == "self"]
    assert self_links and self_links[0].href == SITE + "/feed.xml"


def test_items_carry_absolute_urls_author_categories_tags_and_tokyo_dates(client):
    category = make_category(name="AI技術ガイド", slug="tech")
    post = make_post(
        category=category,
        tags=["LLM", "生成AI"],
        body="[内部リンク](/2025/01/01/x/) と ![図](/media/a.png) と [外部](https://example.com/)",
        published_at=dt.datetime(2026, 2, 24, 1, 0, tzinfo=dt.UTC),
    )
    response, feed = parse(client, "/feed.xml")
    entry = feed.entries[0]
    content = entry.content[0].value
    assert f'href="{SITE}/2025/01/01/x/"' in content
    assert f'src="{SITE}/media/a.png"' in content
    assert not re.search(r'(href|src)="/', content)
    assert entry.link == SITE + post.get_absolute_url()
    assert entry.author == post.author.name
    assert {t.term for t in entry.tags} == {"AI技術ガイド", "LLM", "生成AI"}
    raw = response.content.decode()
    assert "<pubDate>Tue, 24 Feb 2026 10:00:00 +0900</pubDate>" in raw
    assert parsedate_to_datetime(entry.published) == post.published_at


def test_guid_does_not_change_when_title_or_slug_changes(client):
    post = make_post(title="元のタイトル", slug="original")
    before = parse(client, "/feed.xml")[1].entries[0].id
    post.title = "新しいタイトル"
    post.slug = "renamed"
    post.save()
    after = parse(client, "/feed.xml")[1].entries[0]
    assert after.title == "新しいタイトル"
    assert after.id == before
    assert after.guidislink is False


def test_affiliate_disclosure_stays_in_items_with_affiliate_links(client, settings):
    settings.AFFILIATE_DISCLOSURE = "広告を含みます"
    make_post(title="広告あり", body="[本](https://www.amazon.co.jp/dp/4798181986/)")
    make_post(title="広告なし", body="普通の本文")
    entries = {e.title: e for e in parse(client, "/feed.xml")[1].entries}
    with_ad = entries["広告あり"].content[0].value
    assert with_ad.index("広告を含みます") < with_ad.index("amazon.co.jp")
    assert "広告を含みます" not in entries["広告なし"].content[0].value


def test_every_category_feed_has_its_items(client):
    slugs = ["latest", "tech", "strategy", "analysis", "implementation", "research"]
    for slug in slugs:
        category = make_category(slug=slug, name=f"カテゴリ-{slug}")
        make_post(title=f"{slug}の記事", category=category)
    for slug in slugs:
        _, feed = parse(client, f"/feeds/{slug}.xml")
        assert [e.title for e in feed.entries] == [f"{slug}の記事"]
        assert [link.href for link in feed.feed.links if link.rel == "self"] == [
            f"{SITE}/feeds/{slug}.xml"
        ]
    assert client.get("/feeds/nope.xml").status_code == 404


def test_tag_feed_and_atom_feed(client):
    make_post(title="タグ付き", tags=["生成AI"])
    make_post(title="タグなし")
    _, feed = parse(client, "/tag/生成ai/feed.xml")
    assert [e.title for e in feed.entries] == ["タグ付き"]
    _, atom = parse(client, "/atom.xml")
    assert atom.version == "atom10"
    assert {e.title for e in atom.entries} == {"タグ付き", "タグなし"}
    assert all(e.content[0].value and e.summary and e.author for e in atom.entries)
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [SITE + "/atom.xml"]


@pytest.mark.parametrize("url", ["/feed.xml", "/feeds/c304.xml", "/atom.xml"])
def test_feeds_answer_conditional_requests_with_304(client, url, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_post(category=make_category(slug="c304"))
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "max-age" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_feed_etag_changes_with_the_feeds_own_items_only(client):
    news = make_category(slug="news")
    other = make_category(slug="other")
    post = make_post(category=news)
    etag = client.get("/feeds/news.xml")["ETag"]
    make_post(category=other)
    assert client.get("/feeds/news.xml")["ETag"] == etag
    post.body += "\n\n追記"
    post.save()
    assert client.get("/feeds/news.xml")["ETag"] != etag


def test_scheduled_post_enters_the_cached_feed_when_its_time_comes(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    make_post(title="予約記事", published_at=timezone.now() + dt.timedelta(seconds=1))
    assert "予約記事" not in client.get("/feed.xml").content.decode()
    time.sleep(1.1)  # no job runs: the cache notices the go-live time by itself
    assert "予約記事" in client.get("/feed.xml").content.decode()


def test_channel_dates_are_in_tokyo_time_even_without_items(client):
    assert "+0900</lastBuildDate>" in client.get("/feed.xml").content.decode()


def test_feed_items_are_built_once_per_post_version_and_refreshed_by_an_edit(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # measure the origin: only the item cache may help
    settings.FRAGMENT_CACHE_SECONDS = 600
    posts = [make_post(title=f"キャッシュ{i}", tags=["LLM", "生成AI"]) for i in range(5)]
    first = client.get("/feed.xml").content
    # Second request: one light listing (shared by the ETag and the items); no
    # bodies, tags or authors are loaded.
    with django_assert_num_queries(1):
        second = client.get("/feed.xml").content
    assert second == first
    _, feed = parse(client, "/atom.xml")  # the Atom items are cached separately
    assert len(feed.entries) == 5 and feed.entries[0].content[0].type == "text/html"
    posts[2].title = "改題した記事"
    posts[2].save()
    _, feed = parse(client, "/feed.xml")
    titles = [entry.title for entry in feed.entries]
    assert "改題した記事" in titles and "キャッシュ2" not in titles
    assert len(titles) == 5


def test_a_feed_is_written_once_per_listing_and_follows_changes_that_bypass_signals(
    client, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 600
    post = make_post(title="一括更新の前")
    assert "一括更新の前" in client.get("/feed.xml").content.decode()
    Post.objects.filter(pk=post.pk).update(
        title="一括更新の後", version=F("version") + 1, updated_at=timezone.now()
    )
    body = client.get("/feed.xml").content.decode()
    assert "一括更新の後" in body and "一括更新の前" not in body


def test_a_scheduled_post_going_live_is_news_to_if_modified_since(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_post(title="予約記事", published_at=timezone.now() + dt.timedelta(seconds=1))
    edited = make_post(title="後から直した記事")  # saved after the scheduling
    edited.body += "\n\n追記"
    edited.save()
    first = client.get("/feed.xml")
    assert "予約記事" not in first.content.decode()
    time.sleep(1.1)
    again = client.get("/feed.xml", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and "予約記事" in again.content.decode()


def test_a_renamed_category_changes_its_feeds_etag(client):
    category = make_category(slug="renamed", name="旧い名前")
    make_post(category=category)
    etag = client.get("/feeds/renamed.xml")["ETag"]
    category.name = "新しい名前"
    category.save()
    response = client.get("/feeds/renamed.xml", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "新しい名前" in response.content.decode()


def test_the_compiled_listing_is_the_orm_listing_at_the_request_time(client):
    from taggit.models import Tag

    from blog.feeds import CategoryFeed, SiteFeed, TagFeed, listing_state

    category = make_category(slug="compiled")
    for i in range(4):
        make_post(
            title=f"公開{i}",
            category=category,
            tags=["共通"],
            published_at=timezone.now() - dt.timedelta(hours=i),
        )
    make_post(title="予約", category=category, tags=["共通"],
              published_at=timezone.now() + dt.timedelta(hours=1))  # fmt: skip
    make_post(title="下書き", status=Post.Status.DRAFT, published_at=None, category=category)
    tag = Tag.objects.get(name="共通")
    for feed, obj in ((SiteFeed(), None), (CategoryFeed(), category), (TagFeed(), tag)):
        compiled = {}
        expected = list(
            feed.posts(obj)
            .order_by("-published_at", "-pk")
            .values_list("pk", "version", "updated_at", "published_at")
        )
        assert len(expected) == 4
        assert listing_state(feed, obj, compiled) == expected
        assert listing_state(feed, obj, compiled) == expected  # from the compiled query
        assert len(compiled) == 1


# --- the page a person reaches from the RSS links ----------------------------------------------
# Chromium shows a feed served as application/rss+xml as raw text and is removing XSLT, so the
# visible links lead to an HTML page about subscribing; <link rel="alternate"> stays on the XML.


def test_footer_rss_link_leads_to_the_subscription_page_and_the_head_keeps_the_feed(client):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert re.search(r'<a href="/feeds/">RSS[^<]*</a>', footer)
    assert 'href="/feed.xml"' not in footer
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="校正テスト" href="{SITE}/feed.xml">'
        in html
    )


def test_subscription_page_explains_how_to_subscribe_and_lists_recent_items(client):
    category = make_category(name="AI技術ガイド", slug="tech")
    now = timezone.now()
    for i in range(22):
        make_post(
            title=f"記事{i:02d}", category=category, published_at=now - dt.timedelta(hours=i + 1)
        )
    make_post(title="下書きの記事", status=Post.Status.DRAFT, published_at=None)
    response = client.get("/feeds/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1>RSSフィードで新着記事を受け取る</h1>" in html
    assert "このページはRSSフィードのご案内です" in html
    assert "フィードリーダー" in html and "コピー" in html
    assert f'value="{SITE}/feed.xml"' in html  # the URL to copy
    assert f'href="{SITE}/atom.xml"' in html
    # The feed's own items: the twenty newest public posts, linked, with their dates.
    items = re.findall(r'<li class="feed-guide__item"><a href="([^"]+)">([^<]+)</a>', html)
    assert len(items) == 20 and items[0][1] == "記事00" and items[-1][1] == "記事19"
    assert all(href.startswith("/20") for href, _ in items)
    assert html.count('<time datetime="') >= 20
    assert "下書きの記事" not in html
    # Each category's feed has its own page.
    assert 'href="/feeds/category/tech/"' in html
    # Feed readers that find the page get the feed itself from its head.
    assert f'type="application/rss+xml" title="校正テスト" href="{SITE}/feed.xml"' in html


def test_category_and_tag_subscription_pages_give_their_own_feed(client):
    category = make_category(name="AI技術ガイド", slug="tech")
    make_post(title="技術の記事", category=category, tags=["生成AI"])
    make_post(title="ほかの記事")
    listing = client.get("/category/tech/").content.decode()
    assert '<a href="/feeds/category/tech/">RSSで購読</a>' in listing
    assert (
        f'type="application/rss+xml" title="AI技術ガイドの新着記事" href="{SITE}/feeds/tech.xml"'
        in listing
    )
    html = client.get("/feeds/category/tech/").content.decode()
    assert "<h1>「AI技術ガイド」の新着記事をRSSで受け取る</h1>" in html
    assert f'value="{SITE}/feeds/tech.xml"' in html
    assert "技術の記事" in html and "ほかの記事" not in html
    assert f'href="{SITE}/feeds/tech.xml"' in html  # <link rel="alternate">
    tag_listing = client.get("/tag/生成ai/").content.decode()
    assert '<a href="/feeds/tag/%E7%94%9F%E6%88%90ai/">RSSで購読</a>' in tag_listing
    tag_page = client.get("/feeds/tag/生成ai/").content.decode()
    assert "<h1>タグ「生成AI」の新着記事をRSSで受け取る</h1>" in tag_page
    assert f'value="{SITE}/tag/生成ai/feed.xml"' in tag_page
    assert "技術の記事" in tag_page and "ほかの記事" not in tag_page
    assert client.get("/feeds/category/nope/").status_code == 404
    assert client.get("/feeds/tag/nope/").status_code == 404


def test_subscription_page_is_cached_and_follows_new_posts(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_post(title="最初の記事")
    first = client.get("/feeds/")
    assert "最初の記事" in first.content.decode()
    assert client.get("/feeds/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    make_post(title="次の記事")
    assert "次の記事" in client.get("/feeds/").content.decode()
