"""System URLs come before the catch-all page route, under `make run` (DEBUG on) as in
production, and a site page cannot be saved where a system URL answers."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import clear_url_caches, resolve, reverse

from blog.models import Page
from tests.factories import make_post

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def dev_urlconf(settings):
    """config.urls as `make run` builds it: imported afresh with DEBUG on."""
    settings.DEBUG = True
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "articles" / "ab").mkdir(parents=True)
    (tmp_path / "articles" / "ab" / "photo.png").write_bytes(PNG)
    return "/media/articles/ab/photo.png"


def test_media_is_served_under_make_run(dev_urlconf, media_file, client):
    response = client.get(media_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_page_under_the_media_prefix_does_not_hide_media(dev_urlconf, media_file, client):
    # Written past validation, as an old database or a raw import might hold it.
    Page.objects.bulk_create([Page(path="/media/articles/", title="紛らわしいページ")])
    response = client.get(media_file)
    assert response.status_code == 200
    assert resolve(media_file).url_name == "media"


def test_media_is_not_served_by_django_in_production(media_file, client):
    assert client.get(media_file).status_code == 404


SYSTEM_URLS = [
    "/admin/",
    "/admin/blog/page/",
    "/admin/editorial/desk/",
    "/admin/quality/",
    "/api/v1/openapi.json",
    "/feed.xml",
    "/atom.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/llms.txt",
    "/search/",
    "/tags/",
    "/archive/",
    "/media/ogp/cards/x.png",
]


@pytest.mark.parametrize("url", SYSTEM_URLS)
def test_no_system_url_falls_through_to_the_page_route(dev_urlconf, url):
    assert resolve(url).namespace != "blog_pages"


def test_every_named_route_is_ahead_of_the_page_route(dev_urlconf):
    assert resolve(reverse("admin:index")).namespace == "admin"
    assert resolve(reverse("blog:feed")).url_name == "feed"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/x/",
        "/admin/",
        "/api/v1/",
        "/preview/abc/",
        "/media/ogp/",
        "/static/css/",
        "/search/",
        "/tags/",
        "/archive/",
        "/category/news/",
        "/tag/ai/",
        "/author/team/",
        "/2026/",
        "/2026/01/",
        "/2026/01/02/some-post/",
        "/page2/",
        "/feeds/",
    ],
)
def test_a_page_at_a_reserved_path_is_refused(path):
    page = Page(path=path, title="テスト")
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    messages = caught.value.message_dict["path"]
    assert any("固定ページには使えません" in m for m in messages), messages


@pytest.mark.parametrize("path", ["/company/", "/services/", "/en/about/", "/contact/thanks/"])
def test_ordinary_page_paths_are_accepted(path):
    Page(path=path, title="テスト", body="本文").full_clean()


def test_admin_refuses_a_reserved_path_and_keeps_what_was_typed(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345678")
    client.force_login(user)
    response = client.post(
        reverse("admin:blog_page_add"),
        {"path": "/tags/", "title": "購読の案内", "body": "フィードの読み方", "is_published": "on"},
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert not Page.objects.filter(path="/tags/").exists()
    html = response.content.decode()
    assert "購読の案内" in html and "フィードの読み方" in html
    assert "固定ページには使えません" in html


class TestDevelopmentNotFound:
    """With DEBUG on, readers' 404s are the site's Japanese page, not Django's debug page."""

    def test_missing_page_shows_the_site_404(self, dev_urlconf, client):
        make_post(title="最新の記事です")
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "ページが見つかりません" in html
        assert "最新の記事です" in html
        assert "Page not found" not in html

    def test_missing_article_shows_the_site_404(self, dev_urlconf, client):
        response = client.get("/2020/01/01/nothing-here/")
        assert response.status_code == 404
        assert "ページが見つかりません" in response.content.decode()

    def test_debug404_asks_for_the_debug_page(self, dev_urlconf, client):
        response = client.get("/no-such-page/?debug404")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_the_api_keeps_its_own_404(self, dev_urlconf, client):
        response = client.get("/api/v1/drafts/999999/")
        assert response.status_code in (401, 403, 404)
        assert "ページが見つかりません" not in response.content.decode()
