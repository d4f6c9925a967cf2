"""The admin's front page puts each role's main work first and offers only what the role may
do: a writer starts with 「新しい記事を書く」, an editor with the review queue, the chief
editor with what waits for publication and the scheduled posts; the superuser sees it all."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from editorial import demo
from tests.editorial.page_text import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "credentials.txt")
    call_command("seed_demo", verbosity=0)
    return {user.username: user for user in get_user_model().objects.all()}


def front_page(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def tasks(html: str) -> list[str]:
    return re.findall(r'data-task="([\w-]+)"', html)


def test_a_writer_starts_with_a_new_post_then_their_own_posts(demo_users, client):
    html = front_page(client, demo_users["writer"])
    assert tasks(html) == ["new_post", "my_drafts", "returned"]
    new_post = re.search(r'data-task="new_post".*?href="([^"]+)"', html, re.DOTALL).group(1)
    assert new_post == "/admin/blog/post/add/"
    assert "新しい記事を書く" in page_text(html).text


def test_a_writer_is_offered_no_api_tokens(demo_users, client):
    writer = demo_users["writer"]
    html = front_page(client, writer)
    assert "/admin/editorial/apitoken/" not in html
    assert "API トークン" not in page_text(html).text
    assert client.get("/admin/editorial/apitoken/").status_code == 403
    assert client.get("/admin/editorial/apitoken/add/").status_code == 403
    assert not writer.has_perm("editorial.add_apitoken")


def test_an_editor_starts_with_the_review_queue(demo_users, client):
    html = front_page(client, demo_users["editor"])
    order = tasks(html)
    assert order[0] == "to_review"
    assert {"quality", "new_post", "my_drafts", "returned"} <= set(order)
    assert order.index("quality") < order.index("new_post") < order.index("my_drafts")
    assert "approved" not in order  # publishing is the chief editor's
    in_review = re.search(r'data-task="to_review".*?href="([^"]+)"', html, re.DOTALL).group(1)
    assert client.get(in_review.replace("&amp;", "&")).status_code == 200
    assert "state=in_review" in in_review


def test_the_chief_editor_starts_with_the_desk_then_the_scheduled_posts(demo_users, client):
    order = tasks(front_page(client, demo_users["chief"]))
    assert order[:2] == ["approved", "scheduled"]
    assert order.index("to_review") < order.index("new_post")


def test_the_superuser_sees_every_task(demo_users, client):
    html = front_page(client, demo_users["admin"])
    order = tasks(html)
    assert order[:2] == ["approved", "scheduled"]
    assert set(order) == {
        "approved", "scheduled", "to_review", "quality", "new_post", "my_drafts", "returned"
    }  # fmt: skip
    assert "/admin/editorial/apitoken/" in html  # and everything else in the app list


def test_the_counts_are_the_users_own(demo_users, client):
    html = front_page(client, demo_users["editor"])
    row = re.search(r'<tr data-task="to_review">(.*?)</tr>', html, re.DOTALL).group(1)
    assert re.search(r">\s*1件\s*<", row), row  # the demo has one post in review


def test_recent_actions_read_as_japanese(demo_users, client):
    text = page_text(front_page(client, demo_users["writer"])).text
    assert "最近の操作" in text and "まだ操作はありません" in text
    assert "自分の操作" not in text and "利用不可" not in text
