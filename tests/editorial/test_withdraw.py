"""A writer takes back a post they submitted for review, while it still waits for a reviewer
(as Wagtail's 「Cancel workflow」 and WordPress's 「Switch to draft」): the post goes back to
draft, recorded in the audit log, and the reviewers who were asked are told. Nobody else
withdraws it, and once a reviewer has approved or returned it the action is gone."""

import pytest
from django.core import mail

from blog.models import Post
from editorial.models import AuditEntry
from tests.editorial.conftest import post_in_state

pytestmark = pytest.mark.django_db

BUTTON = "レビュー依頼を取り下げる"


def change_page(client, post) -> str:
    return client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()


def withdraw(client, post, **extra):
    return client.post(
        f"/admin/blog/post/{post.pk}/transition/", {"action": "withdraw", **extra}, follow=True
    )


def test_the_writer_who_submitted_withdraws_from_the_post_page(
    users, client, django_capture_on_commit_callbacks
):
    post = post_in_state("in_review", owner=users["writer"], title="取り下げる記事")
    client.force_login(users["writer"])
    html = change_page(client, post)
    assert f'<summary class="button">{BUTTON}</summary>' in html
    assert 'form="transition-withdraw"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = withdraw(client, post, note="図表を差し替えます")
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "「取り下げる記事」のレビュー依頼を取り下げ、下書きに戻しました。"
    ]
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    entry = post.audit_entries.order_by("-created_at", "-pk").first()
    assert (entry.action, entry.actor, entry.from_status, entry.to_status, entry.note) == (
        AuditEntry.Action.WITHDRAW,
        users["writer"],
        "in_review",
        "draft",
        "図表を差し替えます",
    )
    # The page the writer lands on shows it in the audit log, and the post is theirs to edit.
    page = response.content.decode()
    assert "<td>レビュー依頼の取り下げ</td>" in page
    assert 'name="_save"' in page
    # The reviewers who were asked for a review are told it was withdrawn.
    to = {address for m in mail.outbox for address in m.to}
    assert {"editor@example.invalid", "editor2@example.invalid", "chief@example.invalid"} <= to
    assert "writer@example.invalid" not in to
    body = mail.outbox[0].body
    assert "writer が「取り下げる記事」のレビュー依頼を取り下げ、下書きに戻しました。" in body
    assert "図表を差し替えます" in body


def test_another_writer_cannot_withdraw_someone_elses_submission(users, client):
    post = post_in_state("in_review", owner=users["writer"])
    client.force_login(users["other_writer"])
    assert BUTTON not in change_page(client, post)
    response = withdraw(client, post)
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert not post.audit_entries.filter(action="withdraw").exists()


def test_a_reviewer_who_did_not_submit_is_not_offered_withdraw(users, client):
    post = post_in_state("in_review", owner=users["writer"])
    client.force_login(users["editor"])
    html = change_page(client, post)
    assert BUTTON not in html and "下書きに戻す" in html
    assert withdraw(client, post).status_code == 403


def test_the_writer_cannot_withdraw_a_post_an_editor_submitted_for_them(users, client):
    post = post_in_state("in_review", owner=users["writer"], submitter=users["editor"])
    client.force_login(users["writer"])
    assert BUTTON not in change_page(client, post)
    assert withdraw(client, post).status_code == 403
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [("approve", {}), ("request_changes", {"note": "出典を足してください"})],
)
def test_once_a_reviewer_has_acted_the_writer_can_no_longer_withdraw(users, client, action, kwargs):
    from editorial import workflow

    post = post_in_state("in_review", owner=users["writer"])
    workflow.apply(post, action, by=users["editor"], **kwargs)
    client.force_login(users["writer"])
    assert BUTTON not in change_page(client, post)
    before = post.status
    response = withdraw(client, post)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "レビュー待ち" in shown[0], shown
    post.refresh_from_db()
    assert post.status == before
    assert not post.audit_entries.filter(action="withdraw").exists()


def test_a_withdrawn_post_can_be_submitted_again(users, client):
    post = post_in_state("in_review", owner=users["writer"])
    client.force_login(users["writer"])
    withdraw(client, post)
    response = client.post(
        f"/admin/blog/post/{post.pk}/transition/", {"action": "submit"}, follow=True
    )
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert BUTTON in response.content.decode()
