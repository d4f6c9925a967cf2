"""Requests through `config.wsgi.application` with environs as gunicorn and wsgiref build them.

The Django test client builds its requests after the WSGI layer, so it never met the page
cache's front (blog.cache.PageCacheApplication): there, a request object made from the live
environ rewrote PATH_INFO as decoded text and every non-ASCII URL answered 500. Each URL here
must answer exactly as it does through the test client, with the page cache on and off.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from django.core.signals import request_started

from blog.cache import PageCacheApplication
from blog.models import Category
from tests.deployed.environ import (
    CGI_KEYS,
    call,
    gunicorn_environ,
    raw_request,
    wsgiref_environ,
)
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db

JA_SLUG = "08-ハナソニック-コネクトによる産業業務へのai活"
JA_TAG = "生成AI"


@pytest.fixture(params=[600, 0], ids=["page-cache-on", "page-cache-off"])
def page_cache(request, settings):
    settings.PAGE_CACHE_SECONDS = request.param
    return request.param


@pytest.fixture
def site():
    strategy = Category.objects.filter(slug="strategy").first() or make_category(
        name="AI導入戦略", slug="strategy"
    )
    ascii_post = make_post(slug="ai-agents-manufacturing-dx", title="製造業のAIエージェント")
    ja_post = make_post(slug=JA_SLUG, title="産業業務へのAI活用", tags=[JA_TAG], category=strategy)
    tag = ja_post.tags.get()
    assert not tag.slug.isascii()  # a Japanese tag keeps a Japanese slug
    # Decoded: encoded() percent-encodes them as browsers do, the raw tests send them as UTF-8.
    return {"ascii": ascii_post.get_absolute_url(), "ja": unquote(ja_post.get_absolute_url()),
            "tag": tag}  # fmt: skip


def encoded(path: str) -> str:
    """The request target a browser sends: non-ASCII percent-encoded as UTF-8."""
    return quote(path, safe="/?=&%")


@pytest.fixture
def django_requests():
    seen = []

    def count(**kwargs):
        seen.append(1)

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


def urls(site) -> list[str]:
    return [
        site["ascii"],
        site["ja"],
        f"/tag/{site['tag'].slug}/",
        "/category/投資分析/",  # the old category URL: a redirect
        "/category/strategy/",
        "/",
        "/?utm_source=newsletter",
        f"/search/?q={JA_TAG}",
        "/%E7%94%9F/",  # a Japanese path that is no page: 404, not 500
        "/tag/%E7%94/",  # broken UTF-8
    ]


def expected(client, url: str) -> tuple[int, str | None]:
    response = client.get(encoded(url))
    return response.status_code, response.headers.get("Location")


def test_every_url_answers_as_through_the_test_client(client, site, page_cache):
    want = {url: expected(client, url) for url in urls(site)}
    assert want[site["ja"]][0] == want[f"/tag/{site['tag'].slug}/"][0] == 200
    assert want["/category/投資分析/"] == (301, "/category/strategy/")
    # Three rounds, ASCII first: the page-cache state exists before the Japanese URLs come,
    # and the second and third rounds are answered from the cache where it is on.
    for _ in range(3):
        for url in urls(site):
            answer = call(gunicorn_environ(raw_request(encoded(url))))
            assert (answer.status, answer.headers.get("Location")) == want[url], url


def test_a_raw_utf8_request_line_answers_like_its_percent_encoded_form(client, site, page_cache):
    # wsgiref (runserver, make run) accepts raw UTF-8; gunicorn refuses it with 400 itself.
    for url in urls(site):
        want = expected(client, url)
        for _ in range(2):
            answer = call(wsgiref_environ(raw_request(url.encode("utf-8"))))
            assert (answer.status, answer.headers.get("Location")) == want, url


def test_the_category_redirect_keeps_a_japanese_query_in_either_form(site, page_cache):
    target = "/category/strategy/?from=old&q=%E6%97%A5%E6%9C%AC"
    percent = call(gunicorn_environ(raw_request(encoded("/category/投資分析/?from=old&q=日本"))))
    raw = call(wsgiref_environ(raw_request("/category/投資分析/?from=old&q=日本".encode())))
    assert percent.status == raw.status == 301
    assert percent.headers["Location"] == raw.headers["Location"] == target


def test_a_japanese_page_is_cached_and_answered_in_front_of_django(site, settings, django_requests):
    settings.PAGE_CACHE_SECONDS = 600
    call(gunicorn_environ(raw_request(encoded(site["ascii"]))))  # the cache state exists
    first = call(gunicorn_environ(raw_request(encoded(site["ja"]))))
    assert first.status == 200 and "産業業務へのAI活用" in first.text()
    seen = len(django_requests)
    again = call(gunicorn_environ(raw_request(encoded(site["ja"]))))
    raw = call(wsgiref_environ(raw_request(site["ja"].encode())))
    assert again.status == raw.status == 200 and again.body == raw.body == first.body
    assert len(django_requests) == seen, "the cached Japanese page should not reach Django"
    # A query string is another page: rendered by Django once, then cached on its own.
    call(gunicorn_environ(raw_request(encoded(site["ja"]) + "?utm_source=x")))
    assert len(django_requests) == seen + 1


def test_head_answers_like_get(client, site, page_cache):
    for url in (site["ascii"], site["ja"], f"/tag/{site['tag'].slug}/"):
        for _ in range(2):
            get = call(gunicorn_environ(raw_request(encoded(url))))
            head = call(gunicorn_environ(raw_request(encoded(url), method="HEAD")))
            assert head.status == get.status == 200, url
            assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_the_front_hands_on_the_environ_as_the_server_built_it(site, settings):
    settings.PAGE_CACHE_SECONDS = 600
    from config.wsgi import django_application

    handed = []

    def inner(environ, start_response):
        handed.append({key: environ.get(key) for key in CGI_KEYS})
        return django_application(environ, start_response)

    front = PageCacheApplication(inner)
    call(gunicorn_environ(raw_request(encoded(site["ascii"]))), app=front)
    for build, target in (
        (gunicorn_environ, encoded(site["ja"]) + "?q=%E6%97%A5"),
        (wsgiref_environ, (site["ja"] + "?q=日本").encode()),
        (gunicorn_environ, encoded("/tag/%E7%94/")),
    ):
        environ = build(raw_request(target))
        before = {key: environ.get(key) for key in CGI_KEYS}
        handed.clear()
        call(environ, app=front)
        assert handed == [before], target


@pytest.mark.parametrize("host", ["evil.example", "testserver.evil.example"])
def test_a_cached_page_is_never_answered_for_an_unknown_host(site, settings, host):
    settings.PAGE_CACHE_SECONDS = 600
    for _ in range(3):  # cached, with the front's headers recorded
        assert call(gunicorn_environ(raw_request(encoded(site["ja"])))).status == 200
    for build in (gunicorn_environ, wsgiref_environ):
        answer = call(build(raw_request(encoded(site["ja"]), host=host)))
        assert answer.status == 400, build.__name__
    # The middleware answers hits too (the test client goes through it, not the front).
    from django.test import Client

    assert Client(HTTP_HOST=host).get(site["ja"]).status_code == 400
