"""The whole review path in a real browser, as the three roles."""

import datetime as dt
import time

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from blog.models import Post
from editorial import roles
from editorial.models import AuditEntry
from tests.factories import make_author, make_category

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-Long-enough-123"


def make_user(django_user_model, name, group):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.invalid", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


def do_action(page, base, post, label, note=None, when=None):
    page.goto(f"{base}/admin/blog/post/{post.pk}/change/")
    page.locator("summary", has_text=label).click()
    body = page.locator("details[open] .kosei-action__body")
    if when is not None:
        # Computed at the last moment so "two seconds ahead" holds however slow the page was.
        body.locator("input[name=when]").fill(when())
    if note is not None:
        body.locator("textarea[name=note]").fill(note)
    body.locator("button", has_text=label).click()
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").count() == 1, page.content()[:2000]


def test_writer_editor_and_chief_take_a_post_from_draft_to_the_public_site(
    live_server, page, django_user_model, settings
):
    if Group.objects.filter(name=roles.WRITER).count() == 0:  # flushed by a transactional test
        from django.contrib.auth.models import Permission

        roles.sync_roles(Group, Permission)
    base = live_server.url
    make_user(django_user_model, "writer", roles.WRITER)
    make_user(django_user_model, "editor", roles.EDITOR)
    make_user(django_user_model, "chief", roles.CHIEF_EDITOR)
    author = make_author(name="ALLFORCES編集部", slug="editorial")
    category = make_category(name="AI最新ニュース", slug="latest")

    # Writer creates a draft and submits it.
    login(page, base, "writer")
    page.goto(f"{base}/admin/blog/post/add/?author={author.pk}&category={category.pk}")
    page.fill("#id_title", "ブラウザで通すワークフロー記事")
    page.fill("#id_slug", "browser-walk")
    page.fill("#id_body", "## はじめに\n\n本文の最初の版です。")
    page.click("input[name=_save]")
    post = Post.objects.get(slug="browser-walk")
    assert post.created_by.username == "writer"
    do_action(page, base, post, "レビューを依頼")

    # Editor requests changes with a comment.
    login(page, base, "editor")
    do_action(page, base, post, "差し戻す", note="導入をもう少し具体的にしてください")

    # Writer sees the request, fixes the text and resubmits.
    login(page, base, "writer")
    page.goto(f"{base}/admin/blog/post/{post.pk}/change/")
    assert (
        "導入をもう少し具体的にしてください" in page.locator(".kosei-change-requests").inner_text()
    )
    page.fill("#id_body", "## はじめに\n\n具体的な事例を加えた本文です。")
    page.click("input[name=_continue]")
    do_action(page, base, post, "レビューを依頼")

    # Editor approves.
    login(page, base, "editor")
    do_action(page, base, post, "承認する")

    # Chief schedules two seconds ahead (entered in JST).
    login(page, base, "chief")

    def two_seconds_ahead():
        moment = (timezone.localtime() + dt.timedelta(seconds=2)).replace(microsecond=0)
        return moment.strftime("%Y-%m-%dT%H:%M:%S")

    do_action(page, base, post, "予約する", when=two_seconds_ahead)
    post.refresh_from_db()
    assert post.status == "published" and post.published_at > timezone.now()
    url = base + post.get_absolute_url()
    assert page.goto(url).status == 404
    page.console_errors.clear()  # that 404 was the point; nothing else may fail

    time.sleep(max(0.0, (post.published_at - timezone.now()).total_seconds()) + 0.5)
    response = page.goto(url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "ブラウザで通すワークフロー記事"
    assert "具体的な事例" in page.content()

    # The audit log shows every step of the walk, in order, with who did it.
    steps = list(
        AuditEntry.objects.filter(post=post)
        .order_by("created_at", "pk")
        .values_list("action", "actor__username")
    )
    assert steps == [
        ("submit", "writer"),
        ("request_changes", "editor"),
        ("submit", "writer"),
        ("approve", "editor"),
        ("schedule", "chief"),
    ]
    assert page.console_errors == []
