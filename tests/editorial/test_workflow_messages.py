"""What editors read after a workflow action: whole Japanese sentences, never a button label with
「しました」 glued on (「承認するしました」, 「差し戻すしました」, 「下書きに戻すしました」).

Each transition's message is checked where the editor meets it: the success message of the post
page's action (the real admin URLconf, redirect followed), the post list's bulk actions and the
notification e-mail.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from editorial import workflow
from tests.editorial.conftest import post_in_state

pytestmark = pytest.mark.django_db

TITLE = "生成AIの社内活用"
# action -> (state of the post, who acts, the success message the editor must read)
EXPECTED = {
    "submit": ("draft", "writer", f"「{TITLE}」のレビューを依頼しました。"),
    "request_changes": ("in_review", "editor", f"「{TITLE}」を差し戻しました。"),
    "approve": ("in_review", "editor", f"「{TITLE}」を承認しました。"),
    "publish": ("approved", "chief", f"「{TITLE}」を公開しました。"),
    "schedule": ("approved", "chief", f"「{TITLE}」の公開を予約しました。"),
    "unschedule": ("scheduled", "chief", f"「{TITLE}」の公開予約を取り消しました。"),
    "unpublish": ("live", "chief", f"「{TITLE}」の公開を停止しました。"),
    "reopen": ("in_review", "editor", f"「{TITLE}」を下書きに戻しました。"),
    "withdraw": (
        "in_review",
        "writer",
        f"「{TITLE}」のレビュー依頼を取り下げ、下書きに戻しました。",
    ),
}


def assert_whole_sentence(text: str, transition) -> None:
    for glued in ("するしました", "すしました", "るしました", "をレビューを"):
        assert glued not in text, text
    # The old way: 「「記事名」: 今すぐ公開しました。」
    assert f": {transition.label}しました" not in text, text


def test_every_transition_has_a_message_of_its_own():
    assert set(EXPECTED) == set(workflow.TRANSITIONS)
    for transition in workflow.TRANSITIONS.values():
        message = transition.done_message("「記事」")
        assert_whole_sentence(message, transition)
        assert message.endswith("しました。"), message
        assert "「記事」" in message


def form_data(action):
    data = {"action": action}
    if workflow.TRANSITIONS[action].note_required:
        data["note"] = "理由を書きました"
    if action == "schedule":
        later = timezone.localtime(timezone.now() + dt.timedelta(days=2))
        data["when"] = later.strftime("%Y-%m-%dT%H:%M")
    return data


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_the_post_page_says_what_the_action_did_in_a_whole_sentence(users, client, action):
    state, role, expected = EXPECTED[action]
    post = post_in_state(state, owner=users["writer"], title=TITLE)
    client.force_login(users[role])
    response = client.post(
        f"/admin/blog/post/{post.pk}/transition/", form_data(action), follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/admin/blog/post/{post.pk}/change/"
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [expected]
    assert_whole_sentence(response.content.decode(), workflow.TRANSITIONS[action])
    assert expected in response.content.decode()
    post.refresh_from_db()
    assert post.status == workflow.TRANSITIONS[action].target


def bulk(client, action, posts, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in posts], "index": 0, **extra}
    return client.post("/admin/blog/post/", data, follow=True)


def test_the_post_lists_bulk_actions_say_what_they_did_in_a_whole_sentence(users, client):
    drafts = [post_in_state("draft", owner=users["writer"]) for _ in range(2)]
    client.force_login(users["writer"])
    response = bulk(client, "submit_selected", drafts)
    assert [str(m) for m in response.context["messages"]] == ["2件の記事のレビューを依頼しました。"]

    client.force_login(users["editor"])
    response = bulk(
        client, "request_changes_selected", drafts, apply="1", note="出典を足してください"
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["2件の記事を差し戻しました。"]
    assert "差し戻すしました" not in response.content.decode()


def test_notifications_say_what_happened_in_a_whole_sentence(
    users, django_capture_on_commit_callbacks
):
    post = post_in_state("draft", owner=users["writer"], title=TITLE)
    steps = [
        ("submit", users["writer"], {}, f"writer が「{TITLE}」のレビューを依頼しました。"),
        ("request_changes", users["editor"], {"note": "直してください"}, "を差し戻しました。"),
        ("submit", users["writer"], {}, "のレビューを依頼しました。"),
        ("approve", users["editor"], {}, f"editor が「{TITLE}」を承認しました。"),
        ("publish", users["chief"], {}, f"chief が「{TITLE}」を公開しました。"),
    ]
    for action, by, kwargs, expected in steps:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.apply(post, action, by=by, **kwargs)
        assert mail.outbox, action
        for message in mail.outbox:
            assert expected in message.body, (action, message.body)
            assert_whole_sentence(message.body, workflow.TRANSITIONS[action])


def test_a_scheduled_post_going_live_is_announced_in_a_whole_sentence(
    users, django_capture_on_commit_callbacks
):
    post = post_in_state("approved", owner=users["writer"], title=TITLE)
    workflow.apply(post, "schedule", by=users["chief"], when=timezone.now() + dt.timedelta(hours=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.run_due_go_lives(now=timezone.now() + dt.timedelta(hours=2))
    assert mail.outbox
    for message in mail.outbox:
        assert f"予約した時刻になり、「{TITLE}」を公開しました。" in message.body, message.body
        assert "予約公開 が" not in message.body
