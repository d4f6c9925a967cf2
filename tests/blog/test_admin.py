import pytest
from django.contrib.auth import get_user_model

from blog.models import Post
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.invalid", "pw-12345!")
    client.force_login(user)
    return client


def change_form_data(post, **overrides):
    data = {
        "title": post.title,
        "slug": post.slug,
        "status": post.status,
        "category": post.category_id,
        "author": post.author_id,
        "tags": "LLM, 生成AI",
        "version": post.version,
        "excerpt": post.excerpt,
        "body": post.body,
        "published_at_0": post.published_at.strftime("%Y-%m-%d") if post.published_at else "",
        "published_at_1": post.published_at.strftime("%H:%M:%S") if post.published_at else "",
        "url_date": post.url_date.isoformat() if post.url_date else "",
        "description": "",
        "canonical_url": "",
        "reading_time_override": "",
        "extra": "{}",
        "book_links-TOTAL_FORMS": "0",
        "book_links-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_saves_a_post_and_its_japanese_tags(admin_client):
    post = make_post()
    url = f"/admin/blog/post/{post.pk}/change/"
    response = admin_client.post(url, change_form_data(post, body="新しい本文"))
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert post.body == "新しい本文"
    assert set(post.tags.names()) == {"LLM", "生成AI"}


def test_admin_refuses_a_stale_save_and_keeps_the_editors_text(admin_client):
    post = make_post(body="元の本文")
    stale_version = post.version
    fresh = Post.objects.get(pk=post.pk)
    fresh.body = "同僚が先に保存した本文"
    fresh.save()
    data = change_form_data(post, body="私が書いた長い修正文", version=stale_version)
    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "別の人が保存しています" in html
    assert "私が書いた長い修正文" in html
    post.refresh_from_db()
    assert post.body == "同僚が先に保存した本文"


def test_admin_change_page_shows_a_rendered_preview(admin_client):
    post = make_post(body="## プレビュー見出し\n\n**強調**")
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert 'class="kosei-preview"' in html
    assert "<strong>強調</strong>" in html


def test_admin_list_search_and_filters_work_in_japanese(admin_client):
    make_post(title="検索される記事", body="量子コンピュータの話")
    make_post(title="ほかの記事")
    html = admin_client.get("/admin/blog/post/", {"q": "量子"}).content.decode()
    assert "検索される記事" in html and "ほかの記事" not in html
    assert admin_client.get("/admin/blog/post/", {"status__exact": "draft"}).status_code == 200


def test_tag_suggestions_come_from_existing_tags(admin_client):
    make_post(tags=["生成AI", "生成モデル", "LLM"])
    data = admin_client.get("/admin/blog/post/tag-suggest/", {"q": "生成"}).json()
    assert set(data["results"]) == {"生成AI", "生成モデル"}


def test_tag_suggestions_require_staff(client):
    response = client.get("/admin/blog/post/tag-suggest/", {"q": "生成"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
