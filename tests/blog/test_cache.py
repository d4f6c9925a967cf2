"""The full-page cache: invalidation on every public change, 304, headers, off switch."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from blog.cache import invalidate_public_pages
from blog.models import Page, Post
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_cached_page_is_served_without_queries(client, page_cache, django_assert_num_queries):
    post = make_post()
    client.get(post.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200


def test_page_cache_off_renders_every_time(client, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    post = make_post()
    client.get(post.get_absolute_url())
    with django_assert_max_num_queries(1) as captured:
        client.get(post.get_absolute_url())
    assert len(captured) == 1


def test_edit_publish_and_unpublish_reach_cached_pages_at_once(client, page_cache):
    post = make_post(title="最初のタイトル")
    url = post.get_absolute_url()
    assert "最初のタイトル" in client.get("/").content.decode()
    post.title = "直したタイトル"
    post.save()
    assert "直したタイトル" in client.get(url).content.decode()
    assert "直したタイトル" in client.get("/").content.decode()
    post.status = Post.Status.UNPUBLISHED
    post.save()
    assert client.get(url).status_code == 404
    assert "直したタイトル" not in client.get("/").content.decode()
    draft = make_post(title="下書き", status=Post.Status.DRAFT, published_at=None)
    assert "下書き" not in client.get("/").content.decode()
    draft.status = Post.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    assert "下書き" in client.get("/").content.decode()


def test_deleting_a_post_or_editing_a_site_page_invalidates(client, page_cache):
    post = make_post(title="消える記事")
    assert "消える記事" in client.get("/").content.decode()
    post.delete()
    assert "消える記事" not in client.get("/").content.decode()
    page = Page.objects.get(path="/about/")
    client.get("/about/")
    page.title = "新しい紹介"
    page.save()
    assert "新しい紹介" in client.get("/about/").content.decode()


def test_scheduled_post_goes_live_without_any_job(client, page_cache):
    make_post(title="予約の記事", published_at=timezone.now() + dt.timedelta(seconds=1))
    assert "予約の記事" not in client.get("/").content.decode()
    time.sleep(1.1)
    assert "予約の記事" in client.get("/").content.decode()


def test_explicit_invalidation_for_the_workflow(client, page_cache):
    post = make_post(title="改訂前の見出し")
    client.get("/")
    Post.objects.filter(pk=post.pk).update(title="改訂後の見出し")  # no signal
    assert "改訂後の見出し" not in client.get("/").content.decode()
    invalidate_public_pages(post)
    assert "改訂後の見出し" in client.get("/").content.decode()


@pytest.mark.parametrize("cache_seconds", [0, 600])
def test_pages_have_etag_304_and_cache_control(client, settings, cache_seconds):
    settings.PAGE_CACHE_SECONDS = cache_seconds
    settings.PUBLIC_S_MAXAGE = 30
    post = make_post()
    for url in ["/", post.get_absolute_url(), "/tags/"]:
        first = client.get(url)
        assert "s-maxage=30" in first["Cache-Control"] and "public" in first["Cache-Control"]
        etag = first["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_cached_pages_are_gzipped_for_clients_that_accept_it(client, page_cache):
    import gzip

    post = make_post(body="本文。" * 500)
    client.get(post.get_absolute_url())
    response = client.get(post.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "本文。" in gzip.decompress(response.content).decode()
    assert "Accept-Encoding" in response["Vary"]
    plain = client.get(post.get_absolute_url())
    assert not plain.has_header("Content-Encoding")
    # Two representations, two strong ETags; each validates only its own copy.
    assert response["ETag"] != plain["ETag"]
    url = post.get_absolute_url()
    gz = {"HTTP_ACCEPT_ENCODING": "gzip"}
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **gz).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"], **gz).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304


def test_a_cached_page_is_answered_before_sessions_auth_and_the_view(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    post = make_post(title="早く返す記事")
    url = post.get_absolute_url()
    first = client.get(url)
    assert hasattr(first.wsgi_request, "user")  # the miss went through the whole stack
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    assert not hasattr(second.wsgi_request, "user"), "the hit should skip the middleware below"
    assert second["X-Frame-Options"] == "DENY"
    assert second["ETag"] == first["ETag"]


def test_the_early_page_cache_never_answers_editors_screens(client, settings, django_user_model):
    settings.PAGE_CACHE_SECONDS = 600
    boss = django_user_model.objects.create_superuser("boss", "b@example.invalid", "x")
    client.force_login(boss)
    client.get("/admin/")
    response = client.get("/admin/")
    assert hasattr(response.wsgi_request, "user")


# --- hits answered in front of Django (config/wsgi.py) ---------------------------------------


def wsgi_get(path: str, **extra) -> tuple[str, dict, bytes]:
    """GET `path` through config.wsgi.application, the environ built as gunicorn builds it."""
    from urllib.parse import quote, unquote

    from tests.deployed.environ import call, gunicorn_environ, raw_request

    environ = gunicorn_environ(raw_request(quote(unquote(path))))
    environ.update(extra)
    answer = call(environ)
    return answer.status_line, answer.headers, answer.body


@pytest.fixture
def django_requests():
    """How many requests reached Django's handler."""
    from django.core.signals import request_started

    seen = []

    def count(**kwargs):
        seen.append(1)

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


def test_a_cached_page_is_answered_before_django_with_the_same_headers(
    page_cache, django_requests, django_assert_num_queries
):
    post = make_post(slug="前段の記事", body="前段で返す本文。" * 100)
    path = post.get_absolute_url()
    status, first_headers, first_body = wsgi_get(path)  # rendered, cached, headers recorded
    assert status.startswith("200") and len(django_requests) == 1
    with django_assert_num_queries(0):
        status, headers, body = wsgi_get(path)
    assert status == "200 OK" and len(django_requests) == 1, "Django should not have run"
    assert body == first_body

    def without_length(h):
        return {k: v for k, v in h.items() if k != "Content-Length"}

    assert without_length(headers) == without_length(first_headers)
    assert int(headers["Content-Length"]) == len(body)
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    # gzip for clients that accept it, with its own ETag.
    status, zipped, body = wsgi_get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and zipped["ETag"] != headers["ETag"]
    assert len(django_requests) == 1 and int(zipped["Content-Length"]) == len(body)


def test_the_front_never_answers_for_an_unpublished_page(page_cache, django_requests):
    post = make_post(slug="取り下げる記事")
    path = post.get_absolute_url()
    for _ in range(3):
        assert wsgi_get(path)[0].startswith("200")
    post.status = Post.Status.UNPUBLISHED
    post.save()
    assert wsgi_get(path)[0].startswith("404")


def test_conditional_and_other_scheme_requests_go_through_django(page_cache, django_requests):
    post = make_post()
    path = post.get_absolute_url()
    for _ in range(3):
        _, headers, _ = wsgi_get(path)
    seen = len(django_requests)
    status, _, body = wsgi_get(path, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304") and body == b"" and len(django_requests) == seen + 1
    # Headers recorded for http are not reused for https (HSTS and the like differ).
    status, _, _ = wsgi_get(path, **{"wsgi.url_scheme": "https"})
    assert status.startswith("200") and len(django_requests) == seen + 2


def test_a_response_setting_a_cookie_is_never_recorded(page_cache):
    from django.core.cache import cache

    from blog.cache import ENV_ENTRY, PageCacheApplication

    cache.set("kosei:page:test", {"content": b"x", "headers": {}, "etag": '"e"'}, 60)
    environ = {ENV_ENTRY: ("kosei:page:test", cache.get("kosei:page:test"))}
    sent = {"status": "200 OK", "headers": [("Set-Cookie", "sessionid=abc")]}
    PageCacheApplication._record(environ, sent)
    assert "outer" not in cache.get("kosei:page:test")
    sent["headers"] = [("X-Frame-Options", "DENY")]
    PageCacheApplication._record(environ, sent)
    assert cache.get("kosei:page:test")["outer"]["http|"] == [("X-Frame-Options", "DENY")]
