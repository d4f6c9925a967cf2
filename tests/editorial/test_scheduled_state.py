"""A scheduled post (published status, a publication time still ahead) is 「予約」 with its time
wherever editors read its state: the post page's 状態 field and workflow panel, the editor desk,
the post list. It is not 「公開」 until its time comes."""

import datetime as dt
import re

import pytest

from tests.editorial.conftest import post_in_state

pytestmark = pytest.mark.django_db

# 2099-01-02 09:00 in Tokyo
WHEN = dt.datetime(2099, 1, 2, 0, 0, tzinfo=dt.UTC)
SHOWN = "予約（2099-01-02 09:00 JST に公開）"


def scheduled_post(users, **overrides):
    post = post_in_state("scheduled", owner=users["writer"], **overrides)
    post.published_at = WHEN
    post.save()
    return post


def readonly_value(html: str, label: str) -> str:
    match = re.search(
        rf"<label>{label}:</label>\s*<div class=\"readonly\">(.*?)</div>", html, re.DOTALL
    )
    assert match, f"no read-only field {label} on the page"
    return match.group(1).strip()


def test_the_post_page_shows_a_scheduled_post_as_scheduled_with_its_time(users, client):
    post = scheduled_post(users)
    client.force_login(users["chief"])
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert readonly_value(html, "状態") == SHOWN
    assert f"状態: <strong>{SHOWN}</strong>" in html


def test_the_post_page_shows_a_live_post_as_published(users, client):
    post = post_in_state("live", owner=users["writer"])
    client.force_login(users["chief"])
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert readonly_value(html, "状態") == "公開"
    assert "状態: <strong>公開</strong>" in html


def test_a_new_post_page_shows_the_draft_state(users, client):
    client.force_login(users["writer"])
    html = client.get("/admin/blog/post/add/").content.decode()
    assert readonly_value(html, "状態") == "下書き"


def desk_row(html: str, title: str) -> str:
    match = re.search(rf"<tr><td><a [^>]*>{title}</a></td>(.*?)</tr>", html, re.DOTALL)
    assert match, f"{title} is not on the desk"
    return match.group(1)


def test_the_desk_shows_a_scheduled_post_as_scheduled_with_its_time(users, client):
    scheduled_post(users, title="予約した記事")
    post_in_state("live", owner=users["writer"], title="公開中の記事")
    client.force_login(users["editor"])
    html = client.get("/admin/editorial/desk/").content.decode()
    row = desk_row(html, "予約した記事")
    assert f"<td>{SHOWN}</td>" in row
    assert "<td>公開</td>" not in row
    assert "<td>公開</td>" in desk_row(html, "公開中の記事")


def test_the_post_list_shows_a_scheduled_post_as_scheduled_with_its_time(users, client):
    post = scheduled_post(users)
    client.force_login(users["chief"])
    response = client.get("/admin/blog/post/")
    html = response.content.decode()
    row = re.search(
        rf"<tr[^>]*>(?:(?!</tr>).)*?/admin/blog/post/{post.pk}/change/.*?</tr>", html, re.DOTALL
    )
    assert row
    cells = re.findall(r'<td class="field-(\w+)[^"]*">(.*?)</td>', row.group(0), re.DOTALL)
    values = dict(cells)
    assert values["state"] == "予約"
    assert "2099-01-02 09:00" in values["published_jst"]
