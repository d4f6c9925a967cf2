import pytest

from tests.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)


def test_article_renders_without_errors_or_horizontal_scroll(live_server, page, output_dir):
    post = make_post(
        slug="08-マルチモータルaiのevolution",
        title="ブラウザで確認する記事",
        body="## 概要\n\n" + "日本語の本文。" * 80 + "\n\n| 項目 | 値 |\n|---|---|\n| A | 1 |\n",
    )
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(live_server.url + post.get_absolute_url())
        assert response.status == 200
        assert page.locator("h1").inner_text() == "ブラウザで確認する記事"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"
        page.screenshot(path=str(output_dir / f"article-{width}.png"), full_page=True)
    assert page.console_errors == []


def test_admin_login_and_post_list_in_japanese(live_server, page, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.invalid", "pw-12345-abc")
    make_post(title="管理画面の記事")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-12345-abc")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/blog/post/")
    assert "管理画面の記事" in page.content()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.console_errors == []
