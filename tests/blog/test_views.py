import datetime as dt
from urllib.parse import quote

import pytest
from django.utils import timezone

from blog.models import Post, PostBook, Redirect, RelatedPost
from tests.factories import make_book, make_post

pytestmark = pytest.mark.django_db


def test_article_answers_at_its_dated_url(client):
    post = make_post(slug="hello", title="公開記事のタイトル")
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "公開記事のタイトル" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("encode", [False, True], ids=["raw", "percent-encoded"])
def test_non_ascii_slug_works_raw_and_percent_encoded(client, encode):
    post = make_post(slug="08-マルチモータルaiのevolution", published_at=timezone.now())
    path = f"/{post.url_date:%Y/%m/%d}/" + (quote(post.slug) if encode else post.slug) + "/"
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Post.Status.DRAFT, "published_at": None},
        {"status": Post.Status.IN_REVIEW, "published_at": None},
        {"status": Post.Status.PUBLISHED, "published_at": timezone.now() + dt.timedelta(days=1)},
    ],
    ids=["draft", "in-review", "scheduled"],
)
def test_posts_that_are_not_public_answer_404_and_stay_off_the_home_page(client, overrides):
    post = make_post(title="まだ秘密の記事", **overrides)
    day = post.url_date or timezone.localdate()
    assert client.get(f"/{day:%Y/%m/%d}/{post.slug}/").status_code == 404
    assert "まだ秘密の記事" not in client.get("/").content.decode()


def test_unpublished_post_disappears_from_its_url(client):
    post = make_post()
    url = post.get_absolute_url()
    post.status = Post.Status.UNPUBLISHED
    post.save()
    assert client.get(url).status_code == 404


def test_wrong_date_or_invalid_date_is_404(client):
    post = make_post(slug="dated", published_at=dt.datetime(2025, 8, 29, 17, 25, tzinfo=dt.UTC))
    assert client.get("/2025/08/29/dated/").status_code == 404
    assert client.get("/2025/02/30/dated/").status_code == 404
    assert client.get(post.get_absolute_url()).status_code == 200


def test_home_lists_newest_first_and_paginates_by_ten(client):
    now = timezone.now()
    posts = [
        make_post(title=f"記事{i:02d}", published_at=now - dt.timedelta(hours=i)) for i in range(12)
    ]
    first = client.get("/").content.decode()
    assert first.index("記事00") < first.index("記事09")
    assert "記事10" not in first
    second = client.get("/page2/")
    assert second.status_code == 200 and "記事11" in second.content.decode()
    assert client.get("/page3/").status_code == 404
    assert client.get("/page1/").status_code == 301
    assert len(posts) == 12


def test_home_page_query_count_does_not_grow_with_posts(
    client, settings, django_assert_num_queries
):
    # Cold caches: public state, categories and calls to action, count, the page's posts and
    # their cards.
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(10):
        make_post(tags=["LLM", "生成AI"])
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200


def test_article_page_shows_books_disclosure_and_public_related_posts_only(client, settings):
    settings.AMAZON_ASSOCIATE_TAG = "kosei-22"
    post = make_post()
    PostBook.objects.create(post=post, book=make_book(title="おすすめの一冊"), position=0)
    RelatedPost.objects.create(post=post, related=make_post(title="公開の関連記事"), position=0)
    hidden = make_post(title="下書きの関連記事", status=Post.Status.DRAFT, published_at=None)
    RelatedPost.objects.create(post=post, related=hidden, position=1)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "アフィリエイト広告" in html
    assert html.index("アフィリエイト広告") < html.index("amazon.co.jp/dp/4798181986/?tag=kosei-22")
    assert 'rel="sponsored noopener"' in html
    assert "公開の関連記事" in html
    assert "下書きの関連記事" not in html


def test_article_body_is_sanitised_on_the_page(client):
    post = make_post(
        body='<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[x](javascript:alert(3))'
    )
    html = client.get(post.get_absolute_url()).content.decode()
    body = html[html.index('class="post-body"') :]
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "javascript:" not in body


def test_stored_redirect_answers_301_to_the_current_url(client):
    post = make_post(slug="new-place")
    Redirect.objects.create(old_path="/category/ai最新ニュース/", target_path="/")
    Redirect.objects.create(old_path="/2020/01/01/old-place/", target_post=post)
    response = client.get("/2020/01/01/old-place/")
    assert response.status_code == 301 and response["Location"] == post.get_absolute_url()
    response = client.get("/category/" + quote("ai最新ニュース") + "/")
    assert response.status_code == 301 and response["Location"] == "/"


def test_redirect_to_a_post_that_is_no_longer_public_stays_404(client):
    post = make_post()
    Redirect.objects.create(old_path="/old/", target_post=post)
    post.status = Post.Status.UNPUBLISHED
    post.save()
    assert client.get("/old/").status_code == 404
