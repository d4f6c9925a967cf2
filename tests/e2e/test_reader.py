"""The reader's pages in a real browser: no console errors, no horizontal scroll, TOC jumps."""

import pytest
from django.core.cache import cache

from blog.models import PostBook, RelatedPost
from tests.factories import make_book, make_category, make_post

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (375, 1280)

LONG_BODY = "\n\n".join(
    [
        "## はじめに\n\n" + "生成AIの導入は段階的に進めるのが編集部の見立てです。" * 12,
        "## 費用の考え方\n\n"
        + "長いURLの例: https://example.com/"
        + "a" * 120
        + "\n\n"
        + "| 項目 | 月額 | 備考 |\n|---|---|---|\n| API利用料 | 100,000円 | 利用量に応じて変動する非常に長い備考欄のテキスト |\n",
        "### 細目\n\n" + "内訳を整理します。" * 20,
        "## 運用体制\n\n```python\nprint('" + "x" * 200 + "')\n```\n\n" + "運用の要点。" * 30,
        "## まとめ\n\n" + "段階的な導入が鍵です。" * 30,
    ]
)


@pytest.fixture
def site(settings):
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    category = make_category(name="AI技術ガイド", slug="tech")
    post = make_post(
        title="ブラウザで確認する長い記事のタイトル、折り返しも確かめる",
        slug="08-マルチモータルaiのevolution",
        category=category,
        tags=["生成AI", "LLM", "とても長いタグの名前を付けてみる"],
        excerpt="リード文です。" * 5,
        body=LONG_BODY + "\n\n[参考書籍](https://www.amazon.co.jp/dp/4798181986/)",
    )
    PostBook.objects.create(post=post, book=make_book(description="紹介文。" * 10), position=0)
    for i in range(4):
        other = make_post(title=f"関連する記事その{i}", category=category, tags=["生成AI"])
        RelatedPost.objects.create(post=post, related=other, position=i)
    yield post
    cache.clear()


def _check(page, url, width, expect_status=200):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    assert response.status == expect_status, url
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url}: horizontal scroll of {overflow}px at {width}px"


def test_public_pages_render_cleanly_at_phone_and_desktop_widths(live_server, page, site):
    base = live_server.url
    urls = [
        (site.get_absolute_url(), 200),
        ("/", 200),
        ("/category/tech/", 200),
        ("/tag/生成ai/", 200),
        ("/search/?q=生成", 200),
        ("/no/such/page/", 404),
    ]
    for width in WIDTHS:
        for url, status in urls:
            page.console_errors.clear()
            _check(page, base + url, width, status)
            errors = page.console_errors
            if status == 404:  # Chromium reports the document's own 404 status as an error
                errors = [e for e in errors if "status of 404" not in e]
            assert errors == [], (url, width, errors)


def test_article_screenshots_toc_jumps_and_share_links(live_server, page, site, output_dir):
    url = live_server.url + site.get_absolute_url()
    for width in WIDTHS:
        _check(page, url, width)
        page.screenshot(path=str(output_dir / f"reader-article-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(url)
    toc_links = page.locator("nav.toc a")
    assert toc_links.count() >= 4
    target = toc_links.nth(3).get_attribute("href")
    toc_links.nth(3).click()
    page.wait_for_function(f"decodeURIComponent(location.hash) === {target!r}")
    top = page.evaluate(f"document.getElementById({target[1:]!r}).getBoundingClientRect().top")
    assert 0 <= top < 100, f"heading {target} is at {top}px after the jump"
    for host in ("x.com", "facebook.com", "b.hatena.ne.jp", "line.me"):
        assert page.locator(f'.share a[href*="{host}"]').count() == 1
    assert page.locator(".share__copy").count() == 1
    assert page.console_errors == []


def test_toc_numbers_headings_one_two_three_with_subheadings_nested_under_theirs(
    live_server, page, site
):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(live_server.url + site.get_absolute_url())
    top = page.locator("nav.toc > ol > li")
    # はじめに, 費用の考え方 (with 細目 inside it), 運用体制, まとめ: four h2, one h3.
    assert top.count() == 4
    first_lines = [text.splitlines()[0].strip() for text in top.all_inner_texts()]
    assert first_lines == ["1. はじめに", "2. 費用の考え方", "3. 運用体制", "4. まとめ"]
    nested = top.nth(1).locator(":scope > ol > li")
    assert nested.all_inner_texts() == ["2.1 細目"]
    # No marker of the browser's own beside the numbers (no 「◦」, no second 「4.」).
    markers = page.evaluate(
        "[...document.querySelectorAll('nav.toc li')].map(li => getComputedStyle(li).listStyleType)"
    )
    assert set(markers) == {"none"}
    # The subheading is indented under its heading's title.
    parent_box = top.nth(1).locator(":scope > a").bounding_box()
    child_box = nested.first.locator(":scope > a").bounding_box()
    assert child_box["x"] > parent_box["x"] + 8
    assert child_box["y"] > parent_box["y"]


def test_search_marks_a_two_term_phrase_once_without_gaps_in_the_line(live_server, page, site):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(live_server.url + "/search/?q=生成AI")
    marks = page.locator(".search-hit__snippet mark")
    assert marks.count() >= 1
    assert set(marks.all_inner_texts()) == {"生成AI"}
    # A mark takes no more room than its text: no padding opening gaps in Japanese text.
    padding = marks.first.evaluate(
        "m => [getComputedStyle(m).paddingLeft, getComputedStyle(m).paddingRight]"
    )
    assert padding == ["0px", "0px"]


@pytest.mark.parametrize("width", [390, 1366])
def test_footer_rss_link_opens_a_japanese_page_about_subscribing(live_server, page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/")
    page.locator(".site-footer").get_by_role("link", name="RSS").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "RSSフィードで新着記事を受け取る"
    # Not the feed's XML shown as text: a page of the site, with its header and styles.
    assert page.locator(".site-header").count() == 1
    assert "<rss" not in page.locator("body").inner_text()
    url_box = page.get_by_label("フィードのURL（RSS 2.0）")
    assert url_box.input_value().endswith("/feed.xml")
    assert url_box.is_visible() and page.get_by_role("button", name="URLをコピー").is_visible()
    items = page.locator(".feed-guide__item a")
    assert site.title in items.all_inner_texts()
    latest = items.first
    title = latest.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"
    latest.click()
    page.wait_for_load_state()
    assert page.locator("h1.post-title").inner_text() == title
    assert page.console_errors == []
