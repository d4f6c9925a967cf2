"""Public pages: URLs kept from the old site, what an article shows, the head, query counts."""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from blog.models import CallToAction, Page, Post, PostBook, RelatedPost
from tests.factories import make_author, make_book, make_category, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


class _JsonLd(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self._in = [], False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and ("type", "application/ld+json") in attrs
        if self._in:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.blocks[-1] += data


def json_ld(html):
    parser = _JsonLd()
    parser.feed(html)
    return [json.loads(block) for block in parser.blocks]


def meta(html, prop):
    found = re.findall(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return found


# --- URLs ------------------------------------------------------------------------------------


def test_list_pages_answer_at_the_old_sites_urls(client):
    category = make_category(slug="tech", name="AI技術ガイド")
    author = make_author(slug="editorial")
    now = timezone.now()
    for i in range(12):
        make_post(
            title=f"記事{i:02d}",
            category=category,
            author=author,
            tags=["生成AI"],
            published_at=now - dt.timedelta(hours=i + 1),
        )
    for url in [
        "/",
        "/page2/",
        "/category/tech/",
        "/category/tech/page2/",
        "/tag/" + quote("生成ai") + "/",
        "/tag/生成ai/page2/",
        "/tags/",
        "/author/editorial/",
        "/author/editorial/page2/",
        "/archive/",
        f"/{now:%Y}/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/category/tech/page3/").status_code == 404
    assert client.get("/category/tech/page1/")["Location"] == "/category/tech/"
    assert "記事11" in html_of(client, "/category/tech/page2/")


def test_month_archive_lists_the_months_posts_by_url_date(client):
    inside = make_post(
        title="八月の記事", published_at=dt.datetime(2025, 8, 29, 17, 0, tzinfo=dt.UTC)
    )
    make_post(title="七月の記事", published_at=dt.datetime(2025, 7, 15, tzinfo=dt.UTC))
    assert inside.url_date == dt.date(2025, 8, 30)
    html = html_of(client, "/2025/08/")
    assert "八月の記事" in html and "七月の記事" not in html
    assert client.get("/2025/09/").status_code == 404
    assert client.get("/2025/13/").status_code == 404
    archive = html_of(client, "/archive/")
    assert 'href="/2025/08/"' in archive and 'href="/2025/07/"' in archive


def test_tags_page_lists_tags_with_counts_of_public_posts_only(client):
    make_post(tags=["生成AI", "LLM"])
    make_post(tags=["生成AI"])
    make_post(tags=["秘密タグ"], status=Post.Status.DRAFT, published_at=None)
    html = html_of(client, "/tags/")
    assert '生成AI<span class="count">（2）</span>' in html
    assert 'LLM<span class="count">（1）</span>' in html
    assert "秘密タグ" not in html


def test_unicode_tag_urls_work_raw_and_percent_encoded(client):
    post = make_post(title="日本語タグの記事", tags=["生成AI"])
    raw = html_of(client, "/tag/生成ai/")
    encoded = html_of(client, "/tag/" + quote("生成ai") + "/")
    assert "日本語タグの記事" in raw and "日本語タグの記事" in encoded
    article_links = re.findall(r'href="(/tag/[^"]+)"', html_of(client, post.get_absolute_url()))
    assert article_links == ["/tag/%E7%94%9F%E6%88%90ai/"]
    assert client.get(article_links[0]).status_code == 200
    assert "/tag/%E7%94%9F%E6%88%90ai/feed.xml" in raw


def test_unknown_path_is_a_japanese_404_with_search_and_latest_articles(client):
    make_post(title="最新の記事です")
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません" in html
    assert 'action="/search/"' in html
    assert "最新の記事です" in html
    assert '<html lang="ja">' in html


def test_old_category_urls_redirect_permanently(client):
    for old, new in [
        ("/category/" + quote("ai最新ニュース") + "/", "/category/latest/"),
        ("/category/AI最新ニュース/", "/category/latest/"),
        ("/category/industry/", "/category/analysis/"),
        ("/" + quote("導入事例") + "/", "/category/implementation/"),
        ("/category/投資分析/", "/category/strategy/"),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new


def test_site_pages_answer_at_their_paths_and_are_seeded(client):
    assert "Amazonのアソシエイトとして、" in html_of(client, "/amazon-associates/")
    assert "広告ポリシー" in html_of(client, "/ad-policy/")
    Page.objects.create(path="/company/info/", title="会社情報", body="## 所在地\n\n東京")
    html = html_of(client, "/company/info/")
    assert "<h2" in html and "所在地" in html
    assert client.get("/company/info")["Location"] == "/company/info/"
    Page.objects.create(path="/hidden/", title="非公開", is_published=False)
    assert client.get("/hidden/").status_code == 404


def test_site_page_body_is_sanitised(client):
    Page.objects.create(
        path="/x/", title="x", body="<script>alert(1)</script>[a](javascript:alert(2))"
    )
    html = html_of(client, "/x/")
    assert "<script>alert" not in html and "javascript:" not in html


def test_footer_links_to_ad_policy_and_associates_statement(client, settings):
    settings.SITE_NAME = "テストサイト"
    html = html_of(client, "/")
    assert 'href="/ad-policy/"' in html and 'href="/amazon-associates/"' in html
    assert "Amazonのアソシエイトとして、テストサイトは適格販売により収入を得ています。" in html


# --- the article page ------------------------------------------------------------------------


def test_article_shows_breadcrumbs_dates_author_reading_time_tags_and_lead(client):
    category = make_category(name="AI技術ガイド", slug="tech")
    author = make_author(name="テクニカルチーム", slug="technical")
    post = make_post(
        category=category,
        author=author,
        tags=["LLM", "生成AI"],
        excerpt="この記事のリード文です。",
        published_at=dt.datetime(2026, 2, 24, 1, 0, tzinfo=dt.UTC),
    )
    html = html_of(client, post.get_absolute_url())
    assert '<time datetime="2026-02-24T10:00:00+09:00">2026年2月24日</time>' in html
    assert 'href="/author/technical/"' in html and "テクニカルチーム" in html
    assert "分で読めます" in html
    assert 'href="/tag/llm/"' in html and "#生成AI" in html
    assert "この記事のリード文です。" in html
    crumbs = html[html.index('aria-label="パンくずリスト"') :]
    assert crumbs.index('href="/"') < crumbs.index('href="/category/tech/"')
    assert "更新" not in html[html.index('class="post-meta"') : html.index("分で読めます")]


def test_updated_date_appears_only_after_a_substantive_change_on_a_later_day(client):
    post = make_post(published_at=timezone.now() - dt.timedelta(days=3))
    post.description = "メタ情報だけ変更"
    post.save()
    assert post.content_updated_at is None
    assert "（更新" not in html_of(client, post.get_absolute_url())
    post.body = post.body + "\n\n追記しました。"
    post.save()
    assert post.content_updated_at is not None
    html = html_of(client, post.get_absolute_url())
    assert "（更新" in html
    assert meta(html, "article:modified_time")[0] != meta(html, "article:published_time")[0]


def test_table_of_contents_needs_three_h2_headings(client):
    two = make_post(body="## 一\n\n本文\n\n## 二\n\n本文\n\n### 小見出し\n\n本文")
    three = make_post(body="## 一\n\n本文\n\n## 二\n\n本文\n\n## 三\n\n本文")
    assert 'class="toc"' not in html_of(client, two.get_absolute_url())
    html = html_of(client, three.get_absolute_url())
    toc = html[html.index('class="toc"') : html.index("</nav>", html.index('class="toc"'))]
    for anchor in re.findall(r'href="#([^"]+)"', toc):
        assert f'id="{anchor}"' in html
    assert toc.count("<li") == 3


class _TocTree(HTMLParser):
    """The TOC's lists as a tree: each <li> with its own text and the items of its <ol>."""

    def __init__(self):
        super().__init__()
        self.root = {"text": "", "items": []}
        self._stack, self._in_toc = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "nav" and ("class", "toc") in attrs:
            self._in_toc = True
            self._stack = [self.root]
        elif self._in_toc and tag == "li":
            item = {"text": "", "items": []}
            self._stack[-1]["items"].append(item)
            self._stack.append(item)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_toc = False
        elif self._in_toc and tag == "li":
            self._stack.pop()

    def handle_data(self, data):
        if self._in_toc and len(self._stack) > 1:
            self._stack[-1]["text"] += data


def toc_tree(html):
    parser = _TocTree()
    parser.feed(html)
    return parser.root["items"]


def test_toc_subheadings_are_nested_inside_their_headings_item(client):
    post = make_post(
        body="## はじめに\n\n本文\n\n## 費用\n\n本文\n\n### 内訳\n\n本文\n\n"
        "### 税\n\n本文\n\n## まとめ\n\n本文"
    )
    html = html_of(client, post.get_absolute_url())
    toc = toc_tree(html)
    assert [" ".join(item["text"].split()) for item in toc] == [
        "1. はじめに",
        "2. 費用",
        "3. まとめ",
    ]
    assert [" ".join(i["text"].split()) for i in toc[1]["items"]] == ["2.1 内訳", "2.2 税"]
    assert toc[0]["items"] == [] and toc[2]["items"] == []


def test_toc_of_an_article_opening_with_a_subheading_still_numbers_headings_from_one(client):
    post = make_post(
        body="### 前置き\n\n本文\n\n## 一\n\n本文\n\n#### 深い\n\n本文\n\n"
        "### 一の細目\n\n本文\n\n## 二\n\n本文\n\n## 三\n\n本文"
    )
    html = html_of(client, post.get_absolute_url())
    toc = toc_tree(html)
    assert [" ".join(item["text"].split()) for item in toc] == ["前置き", "1. 一", "2. 二", "3. 三"]
    assert [" ".join(i["text"].split()) for i in toc[1]["items"]] == ["1.1 一の細目"]


def test_affiliate_disclosure_comes_before_the_first_amazon_link(client, settings):
    settings.AFFILIATE_DISCLOSURE = "当サイトの広告表示です"
    post = make_post(
        body="まず本文。\n\n[この本](https://www.amazon.co.jp/dp/4798181986/)を紹介します。"
    )
    html = html_of(client, post.get_absolute_url())
    assert html.index("当サイトの広告表示です") < html.index("amazon.co.jp/dp/4798181986")
    plain = make_post(body="アフィリエイトリンクのない本文。")
    assert "当サイトの広告表示です" not in html_of(client, plain.get_absolute_url())


def test_book_cards_have_pr_label_button_and_sponsored_rel(client, settings):
    settings.AMAZON_ASSOCIATE_TAG = "kosei-22"
    post = make_post()
    book = make_book(title="おすすめの一冊", description="本の紹介文。")
    PostBook.objects.create(post=post, book=book, position=0)
    html = html_of(client, post.get_absolute_url())
    card = html[html.index('class="book-card"') :]
    assert "おすすめの一冊" in card and "本の紹介文。" in card and ">PR<" in card
    assert (
        '<a class="button" href="https://www.amazon.co.jp/dp/4798181986/?tag=kosei-22" rel="sponsored noopener"'
        in card
    )
    assert html.index("アフィリエイト広告") < html.index("amazon.co.jp/dp/")


def test_call_to_action_appears_once_for_the_category(client):
    category = make_category()
    CallToAction.objects.create(
        category=category,
        heading="ご相談はこちら",
        text="一文",
        link_label="相談する",
        url="/contact/",
    )
    post = make_post(category=category, body="## 見出し\n\n本文")
    html = html_of(client, post.get_absolute_url())
    assert html.count("ご相談はこちら") == 1


def test_related_articles_manual_first_then_shared_tags_then_category(client):
    category = make_category()
    other = make_category()
    post = make_post(category=category, tags=["A", "B", "C"])
    old = timezone.now() - dt.timedelta(days=30)
    manual = make_post(title="手動の関連", category=other, published_at=old)
    RelatedPost.objects.create(post=post, related=manual, position=0)
    make_post(title="タグ二つ共通", category=other, tags=["A", "B"], published_at=old)
    make_post(title="タグ一つ共通", category=other, tags=["C"])
    make_post(title="同じカテゴリ", category=category)
    make_post(title="無関係", category=other, tags=["Z"])
    make_post(
        title="下書きの候補",
        category=category,
        tags=["A", "B", "C"],
        status=Post.Status.DRAFT,
        published_at=None,
    )
    html = html_of(client, post.get_absolute_url())
    related = html[html.index('id="related-heading"') :]
    order = [
        related.index(t) for t in ("手動の関連", "タグ二つ共通", "タグ一つ共通", "同じカテゴリ")
    ]
    assert order == sorted(order)
    assert "無関係" not in related and "下書きの候補" not in related


def test_related_articles_are_at_most_six(client):
    post = make_post(tags=["共通"])
    for _ in range(9):
        make_post(tags=["共通"])
    html = html_of(client, post.get_absolute_url())
    related = html[html.index('id="related-heading"') :]
    assert related.count('class="mini-card"') == 6


def test_previous_and_next_stay_in_the_category(client):
    category = make_category()
    now = timezone.now()
    older = make_post(title="前の記事A", category=category, published_at=now - dt.timedelta(days=3))
    make_post(title="別カテゴリの記事", published_at=now - dt.timedelta(days=2))
    post = make_post(category=category, published_at=now - dt.timedelta(days=2))
    newer = make_post(title="次の記事B", category=category, published_at=now - dt.timedelta(days=1))
    make_post(title="予約の記事", category=category, published_at=now + dt.timedelta(days=1))
    html = html_of(client, post.get_absolute_url())
    nav = html[html.index('class="post-nav"') :]
    assert f'rel="prev" href="{older.get_absolute_url()}"' in nav
    assert f'rel="next" href="{newer.get_absolute_url()}"' in nav
    assert "別カテゴリの記事" not in nav and "予約の記事" not in nav


def test_share_links_without_third_party_scripts(client):
    post = make_post(title="共有テスト")
    html = html_of(client, post.get_absolute_url())
    for host in (
        "x.com/intent/post",
        "facebook.com/sharer",
        "b.hatena.ne.jp",
        "social-plugins.line.me",
    ):
        assert host in html
    assert "リンクをコピー" in html
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts and all(src.startswith("/static/") for src in scripts)


# --- the head --------------------------------------------------------------------------------


def test_article_head_has_canonical_ogp_twitter_and_feeds(client, settings):
    settings.TWITTER_SITE = "@aicompass"
    category = make_category(name="AI技術ガイド", slug="tech")
    post = make_post(title="見出しの記事", category=category, tags=["LLM"], description="説明文")
    html = html_of(client, post.get_absolute_url())
    url = settings.SITE_URL + post.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:url") == [url]
    assert meta(html, "og:locale") == ["ja_JP"]
    assert meta(html, "og:description") == ["説明文"]
    assert meta(html, "og:image")[0].startswith(settings.SITE_URL + "/")
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["630"]
    assert meta(html, "og:image:type") and meta(html, "og:image:alt")
    assert meta(html, "article:section") == ["AI技術ガイド"]
    assert meta(html, "article:tag") == ["LLM"]
    assert meta(html, "article:published_time")[0].endswith("+09:00")
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "twitter:site") == ["@aicompass"]
    assert meta(html, "twitter:label1") == ["著者"] and meta(html, "twitter:label2") == ["読了時間"]
    assert f'href="{settings.SITE_URL}/feed.xml"' in html
    assert f'href="{settings.SITE_URL}/feeds/tech.xml"' in html
    assert 'name="robots"' not in html


def test_editor_canonical_override_and_noindex_are_honoured(client):
    post = make_post(canonical_url="https://example.com/original/", noindex=True)
    html = html_of(client, post.get_absolute_url())
    assert '<link rel="canonical" href="https://example.com/original/">' in html
    assert '<meta name="robots" content="noindex">' in html


def test_json_ld_is_news_article_for_news_and_blog_posting_otherwise(client):
    news = make_post(category=make_category(slug="latest", name="AI最新ニュース"))
    guide = make_post(category=make_category(slug="tech", name="AI技術ガイド"))
    article, crumbs = json_ld(html_of(client, news.get_absolute_url()))[0]
    assert article["@type"] == "NewsArticle"
    assert article["author"]["@type"] == "Organization"
    assert article["publisher"]["logo"]["url"].startswith("http")
    assert crumbs["@type"] == "BreadcrumbList"
    assert [i["position"] for i in crumbs["itemListElement"]] == [1, 2, 3]
    assert json_ld(html_of(client, guide.get_absolute_url()))[0][0]["@type"] == "BlogPosting"


def test_person_byline_is_a_person_in_json_ld(client):
    post = make_post(author=make_author(is_organization=False))
    assert json_ld(html_of(client, post.get_absolute_url()))[0][0]["author"]["@type"] == "Person"


def test_json_ld_survives_a_title_that_tries_to_close_the_script(client):
    title = '悪意</script><script>alert("x")</script> & "引用"'
    post = make_post(title=title, excerpt="</SCRIPT>を含むリード")
    html = html_of(client, post.get_absolute_url())
    assert "<script>alert" not in html
    head = html[: html.index("</head>")]
    assert head.count("</script>") == head.count("<script")
    article, crumbs = json_ld(html)[0]
    assert article["headline"] == title
    assert crumbs["itemListElement"][-1]["name"] == title
    assert meta(html, "og:title") == [
        "悪意&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;引用&quot;"
    ]


# --- what is public --------------------------------------------------------------------------

HIDDEN = [
    {"status": Post.Status.DRAFT, "published_at": None},
    {"status": Post.Status.APPROVED, "published_at": None},
    {"status": Post.Status.PUBLISHED, "published_at": "future"},
    {"status": Post.Status.UNPUBLISHED, "published_at": "past"},
]


@pytest.mark.parametrize("state", HIDDEN, ids=["draft", "approved", "scheduled", "unpublished"])
def test_non_public_posts_appear_on_no_public_page(client, state):
    category = make_category(slug="tech")
    author = make_author(slug="team")
    visible = make_post(title="公開記事", category=category, author=author, tags=["共通タグ"])
    published_at = {
        "future": timezone.now() + dt.timedelta(days=1),
        "past": timezone.now() - dt.timedelta(days=2),
        None: None,
    }[state["published_at"]]
    hidden = make_post(
        title="非公開の記事タイトル",
        slug="secret",
        excerpt="非公開のリード",
        body="機密の本文です。",
        category=category,
        author=author,
        tags=["共通タグ", "内緒タグ"],
        status=Post.Status.PUBLISHED
        if state["status"] == Post.Status.UNPUBLISHED
        else state["status"],
        published_at=published_at,
    )
    RelatedPost.objects.create(post=visible, related=hidden, position=0)
    if state["status"] == Post.Status.UNPUBLISHED:
        hidden.status = Post.Status.UNPUBLISHED
        hidden.save()
    urls = [
        "/",
        visible.get_absolute_url(),
        "/category/tech/",
        "/tag/共通タグ/",
        "/tags/",
        "/author/team/",
        "/archive/",
        "/search/?q=機密",
        "/search/?q=非公開",
        "/feed.xml",
        "/atom.xml",
        "/feeds/tech.xml",
        "/tag/共通タグ/feed.xml",
        "/sitemap-posts.xml",
        "/sitemap-tags.xml",
        "/llms.txt",
        "/no-such-page/",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        for marker in (
            "非公開の記事タイトル",
            "非公開のリード",
            "機密の本文",
            "内緒タグ",
            "/secret/",
        ):
            assert marker not in body, (url, marker)
    if hidden.url_date:
        assert client.get(hidden.get_absolute_url()).status_code == 404


# --- query counts ----------------------------------------------------------------------------


def _rich_post(n_tags, n_books, n_related):
    category = make_category()
    post = make_post(category=category, tags=[f"タグ{i}" for i in range(n_tags)])
    for i in range(n_books):
        PostBook.objects.create(
            post=post, book=make_book(asin=f"B0000000{i:02d}", title=f"本{i}"), position=i
        )
    for i in range(n_related):
        RelatedPost.objects.create(
            post=post, related=make_post(category=category, tags=["タグ0"]), position=i
        )
    CallToAction.objects.create(
        category=category, heading="CTA", text="t", link_label="l", url="/contact/"
    )
    return post


@pytest.mark.parametrize("size", [(1, 0, 0), (8, 3, 6)], ids=["small", "large"])
def test_article_runs_a_fixed_number_of_queries(
    client, no_page_cache, django_assert_num_queries, size
):
    post = _rich_post(*size)
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(10):
        assert client.get(post.get_absolute_url()).status_code == 200
    # With the fragments cached, only the post itself is read.
    with django_assert_num_queries(1):
        assert client.get(post.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [3, 15])
def test_list_pages_run_a_fixed_number_of_queries(
    client, no_page_cache, django_assert_num_queries, n
):
    category = make_category(slug="fixed")
    author = make_author(slug="fixed-author")
    for _ in range(n):
        make_post(category=category, author=author, tags=["共通", "LLM", "生成AI"])
    from django.core.cache import cache

    for url, count in [
        ("/", 6),
        ("/category/fixed/", 7),
        ("/tag/共通/", 7),
        ("/author/fixed-author/", 7),
        ("/tags/", 4),
        ("/search/?q=テスト", 6 + (connection.vendor == "postgresql")),  # + SET LOCAL
    ]:
        cache.clear()
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, url
    # Once the page around the cards, the count and the cards are cached in this generation,
    # a list reads which posts are on the page (and the category, tag or author it lists).
    for url, count in [("/", 1), ("/category/fixed/", 2), ("/tag/共通/", 2)]:
        client.get(url)
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, url


def test_archives_site_pages_feeds_and_404_run_as_many_queries_for_3_posts_as_for_15(
    client, no_page_cache
):
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    category = make_category(slug="counted")
    Page.objects.create(path="/counted/", title="数える固定ページ", body="## 運営\n\n本文。")
    when = timezone.localtime(timezone.now() - dt.timedelta(days=1))
    urls = [
        "/archive/",
        f"/{when:%Y}/",
        f"/{when:%Y/%m}/",
        "/counted/",
        "/feed.xml",
        "/atom.xml",
        "/feeds/counted.xml",
        "/sitemap.xml",
        "/sitemap-posts.xml",
        "/llms.txt",
        "/no-such-page/",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for url in urls:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            assert status == (404 if url == "/no-such-page/" else 200), url
            found[url] = len(queries)
        return found

    def add(n: int) -> None:
        for i in range(n):
            make_post(
                category=category,
                published_at=when - dt.timedelta(minutes=i),
                tags=[f"タグ{i}", "共通"],
            )

    add(3)
    few = counts()
    add(12)
    many = counts()
    assert many == few
    # The sitemap index asks each section for its pages and newest change; it is then kept
    # as a fragment until the next public change.
    assert many.pop("/sitemap.xml") <= 20 and max(many.values()) <= 10, many


def test_list_cards_follow_every_change(client, no_page_cache):
    post = make_post(title="最初の見出し", category=make_category(slug="cards"))
    assert "最初の見出し" in client.get("/category/cards/").content.decode()
    post.title = "直した見出し"
    post.save()
    html = client.get("/category/cards/").content.decode()
    assert "直した見出し" in html and "最初の見出し" not in html
    Post.objects.filter(pk=post.pk).update(title="一括の見出し", version=F("version") + 1)
    assert "一括の見出し" in client.get("/category/cards/").content.decode()
    newer = make_post(title="新しい記事", category=post.category)
    html = client.get("/category/cards/").content.decode()
    assert html.index("新しい記事") < html.index("一括の見出し")
    newer.status = Post.Status.UNPUBLISHED
    newer.save()
    assert "新しい記事" not in client.get("/category/cards/").content.decode()


def test_list_queries_never_read_article_bodies(client, no_page_cache, django_assert_num_queries):
    make_post(tags=["LLM"], category=make_category(slug="c"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in ["/", "/category/c/", "/tag/llm/"]:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        for q in queries.captured_queries:
            if "blog_post" in q["sql"] and "FROM" in q["sql"]:
                assert '"blog_post"."body_html"' not in q["sql"], (url, q["sql"])
                assert '"blog_post"."body"' not in q["sql"], (url, q["sql"])


def test_the_cached_page_around_an_article_follows_its_version(client, no_page_cache):
    """The shell around the body is kept per generation; a change that bypassed the signals
    (a bulk update bumping the version) is still never served with the old surroundings."""
    post = make_post(title="古い見出し")
    assert "古い見出し" in client.get(post.get_absolute_url()).content.decode()
    Post.objects.filter(pk=post.pk).update(title="新しい見出し", version=F("version") + 1)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "新しい見出し" in html and "古い見出し" not in html


def test_a_tag_only_unpublished_posts_carry_is_not_revealed(client):
    make_post(tags=["未発表の製品名"], status=Post.Status.DRAFT, published_at=None)
    make_post(tags=["予約中の話題"], published_at=timezone.now() + dt.timedelta(days=1))
    for name in ("未発表の製品名", "予約中の話題"):
        assert client.get(f"/tag/{name}/").status_code == 404
        assert client.get(f"/tag/{name}/feed.xml").status_code == 404
        assert name not in client.get("/tags/").content.decode()
    make_post(tags=["予約中の話題"])
    assert client.get("/tag/予約中の話題/").status_code == 200
