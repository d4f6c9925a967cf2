import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from blog.models import Post, StalePostError
from blog.signals import post_went_live
from editorial import gate, workflow
from editorial.models import AuditEntry, ReviewComment, ScheduledPublication, ShareLink
from editorial.revisions import record_revision, restore_revision
from tests.editorial.conftest import post_in_state
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def actions_of(post):
    return list(post.audit_entries.order_by("created_at", "pk").values_list("action", flat=True))


def test_request_changes_requires_a_comment_and_stores_it(users):
    post = post_in_state("in_review", owner=users["writer"])
    with pytest.raises(workflow.NoteRequired):
        workflow.apply(post, "request_changes", by=users["editor"], note="  ")
    workflow.apply(post, "request_changes", by=users["editor"], note="数字の出典を追記してください")
    comment = ReviewComment.objects.get(post=post)
    assert comment.kind == "request_changes" and comment.body == "数字の出典を追記してください"


def test_unpublish_requires_a_reason_and_takes_the_post_off_the_site(users, client):
    post = post_in_state("live", owner=users["writer"])
    url = post.get_absolute_url()
    assert client.get(url).status_code == 200
    with pytest.raises(workflow.NoteRequired):
        workflow.apply(post, "unpublish", by=users["chief"])
    workflow.apply(post, "unpublish", by=users["chief"], note="誤った数字のため")
    assert client.get(url).status_code == 404
    entry = post.audit_entries.get(action="unpublish")
    assert entry.note == "誤った数字のため" and entry.actor == users["chief"]


def test_wrong_state_is_a_clear_domain_error(users):
    post = post_in_state("draft", owner=users["writer"])
    with pytest.raises(workflow.InvalidTransition) as exc:
        workflow.apply(post, "approve", by=users["editor"])
    assert "下書き" in exc.value.message


def test_schedule_needs_a_future_time(users):
    post = post_in_state("approved", owner=users["writer"])
    with pytest.raises(workflow.InvalidTransition):
        workflow.apply(
            post, "schedule", by=users["chief"], when=timezone.now() - dt.timedelta(minutes=1)
        )


def test_scheduled_post_goes_live_at_its_time_and_the_command_announces_it_once(
    users, django_capture_on_commit_callbacks
):
    sent = []
    post_went_live.connect(lambda sender, post, **kw: sent.append(post.pk), weak=False)
    post = post_in_state("approved", owner=users["writer"])
    when = timezone.now() + dt.timedelta(hours=2)
    workflow.apply(post, "schedule", by=users["chief"], when=when)
    assert post.status == "published" and workflow.is_scheduled(post)
    assert not Post.objects.published().filter(pk=post.pk).exists()
    assert Post.objects.published(now=when).filter(pk=post.pk).exists()
    assert workflow.run_due_go_lives(now=timezone.now()) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert [p.pk for p in workflow.run_due_go_lives(now=when)] == [post.pk]
    assert workflow.run_due_go_lives(now=when + dt.timedelta(minutes=1)) == []
    assert ScheduledPublication.objects.get(post=post).processed_at is not None
    assert actions_of(post)[-2:] == ["schedule", "went_live"]
    assert sent == [post.pk]


def test_going_live_draws_the_missing_card_and_starts_a_new_public_generation(
    users, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from blog.cache import STATE_KEY, public_generation

    settings.OGP_CARDS_ON_SAVE = False  # nothing drew the card when the post was saved
    post = post_in_state("approved", owner=users["writer"], title="予約で公開される記事")
    when = timezone.now() + dt.timedelta(minutes=5)
    workflow.apply(post, "schedule", by=users["chief"], when=when)
    assert not Post.objects.get(pk=post.pk).ogp_card
    before = public_generation()
    cache.set(STATE_KEY, {**cache.get(STATE_KEY), "next_live": None})  # a time check missed
    with django_capture_on_commit_callbacks(execute=True):
        assert [p.pk for p in workflow.run_due_go_lives(now=when)] == [post.pk]
    assert Post.objects.get(pk=post.pk).ogp_card
    assert public_generation() != before


def test_publish_scheduled_command_prints_what_it_did(users, capsys):
    post = post_in_state("approved", owner=users["writer"], title="予約された記事")
    workflow.apply(
        post, "schedule", by=users["chief"], when=timezone.now() + dt.timedelta(seconds=1)
    )
    ScheduledPublication.objects.filter(post=post).update(
        publish_at=timezone.now() - dt.timedelta(seconds=1)
    )
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("publish_scheduled")
    out = capsys.readouterr().out
    assert "予約された記事" in out and "1件" in out
    call_command("publish_scheduled")
    assert "0件" in capsys.readouterr().out


def test_unschedule_returns_the_post_to_approved_and_cancels_the_go_live(users):
    post = post_in_state("approved", owner=users["writer"])
    workflow.apply(post, "schedule", by=users["chief"], when=timezone.now() + dt.timedelta(days=1))
    workflow.apply(post, "unschedule", by=users["chief"])
    assert post.status == "approved" and post.published_at is None
    assert not ScheduledPublication.objects.filter(post=post).exists()


def test_publish_now_on_a_scheduled_post_makes_it_public_immediately(users):
    post = post_in_state("scheduled", owner=users["writer"])
    workflow.apply(post, "publish", by=users["chief"])
    assert post.is_public()


def test_quality_gate_blocks_publishing_until_a_chief_overrides_with_a_reason(users):
    def provider(post):
        if "---END---" in post.body:
            yield gate.GateFinding("leftover_marker", gate.ERROR, "生成の残骸 ---END--- があります")

    gate.register(provider)
    try:
        post = post_in_state("approved", owner=users["writer"], body="本文\n\n---END---")
        with pytest.raises(workflow.QualityGateBlocked) as exc:
            workflow.apply(post, "publish", by=users["chief"])
        assert "---END---" in exc.value.message
        assert post.status == "approved"
        workflow.apply(post, "publish", by=users["chief"], override_reason="速報のため後で修正")
        assert post.status == "published"
        override = post.audit_entries.get(action="override")
        assert override.note == "速報のため後で修正"
        assert "leftover_marker" in override.data["codes"]
        assert override.actor == users["chief"]
    finally:
        gate.unregister(provider)


def test_only_holders_of_the_override_permission_can_override(users, django_user_model):
    from django.contrib.auth.models import Permission

    def provider(post):
        yield gate.GateFinding("x", gate.ERROR, "エラー")

    gate.register(provider)
    try:
        publisher = django_user_model.objects.create_user("pub", "p@example.invalid", "x")
        publisher.user_permissions.add(
            *Permission.objects.filter(codename__in=["change_post", "publish_post"])
        )
        publisher = django_user_model.objects.get(pk=publisher.pk)
        post = post_in_state("approved", owner=users["writer"])
        with pytest.raises(workflow.PermissionDenied):
            workflow.apply(post, "publish", by=publisher, override_reason="理由")
        assert not post.audit_entries.filter(action="override").exists()
    finally:
        gate.unregister(provider)


def test_notifications_go_to_the_right_people(users, django_capture_on_commit_callbacks):
    post = post_in_state("draft", owner=users["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(post, "submit", by=users["writer"])
    to = {address for m in mail.outbox for address in m.to}
    assert {"editor@example.invalid", "editor2@example.invalid", "chief@example.invalid"} <= to
    assert "writer@example.invalid" not in to
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(post, "request_changes", by=users["editor"], note="見出しを直してください")
    assert [m.to for m in mail.outbox] == [["writer@example.invalid"]]
    assert "見出しを直してください" in mail.outbox[0].body


def test_a_user_can_switch_a_notification_kind_off(users, django_capture_on_commit_callbacks):
    from editorial.models import NotificationPreference

    NotificationPreference.objects.create(user=users["editor"], disabled_kinds=["submitted"])
    post = post_in_state("draft", owner=users["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(post, "submit", by=users["writer"])
    to = {address for m in mail.outbox for address in m.to}
    assert "editor@example.invalid" not in to and "editor2@example.invalid" in to


def test_revisions_record_restore_and_restore_is_undoable(users):
    post = make_post(body="第1版", created_by=users["writer"])
    first = record_revision(post, by=users["writer"])
    post.body = "第2版"
    post.save()
    second = record_revision(post, by=users["editor"])
    assert post.revisions.count() == 2
    restored = restore_revision(first, by=users["editor"])
    post.refresh_from_db()
    assert post.body == "第1版"
    assert restored.data["body"] == "第1版" and post.revisions.count() == 3
    restore_revision(second, by=users["editor"])
    post.refresh_from_db()
    assert post.body == "第2版"
    assert list(post.audit_entries.values_list("action", flat=True)) == ["restore", "restore"]


def test_identical_saves_do_not_pile_up_revisions(users):
    post = make_post(body="同じ本文")
    record_revision(post, by=users["writer"])
    record_revision(post, by=users["writer"])
    assert post.revisions.count() == 1


def test_share_link_shows_a_draft_until_it_expires_or_is_revoked(users, client):
    post = post_in_state(
        "draft",
        owner=users["writer"],
        title="まだ下書きの記事",
        body="## 見出し\n\n下書きの本文です。",
    )
    link = ShareLink.objects.create(
        post=post, created_by=users["editor"], expires_at=timezone.now() + dt.timedelta(days=7)
    )
    response = client.get(f"/preview/{link.token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "まだ下書きの記事" in html and "下書きプレビュー" in html
    assert "下書きの本文です。" in html
    assert '<meta name="robots" content="noindex' in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert client.get("/preview/not-a-real-token/").status_code == 404
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(f"/preview/{link.token}/").status_code == 404
    expired = ShareLink.objects.create(
        post=post, created_by=users["editor"], expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(f"/preview/{expired.token}/").status_code == 404


def test_concurrent_saves_from_one_version_let_exactly_one_win(transactional_db):
    post = make_post(body="元の本文")
    barrier = threading.Barrier(2)
    results = {}

    def editor(name):
        try:
            mine = Post.objects.get(pk=post.pk)
            mine.body = f"{name}の本文"
            barrier.wait(timeout=10)
            mine.save()
            results[name] = "saved"
        except StalePostError:
            results[name] = "refused"
        except Exception as exc:  # SQLite may report the lock instead of waiting
            results[name] = f"error: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=editor, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == ["refused", "saved"], results
    assert list(results.values()).count("saved") == 1, results
    winner = next(name for name, result in results.items() if result == "saved")
    assert Post.objects.get(pk=post.pk).body == f"{winner}の本文"


def test_audit_log_rows_cannot_be_changed_in_the_admin(users, client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "b@example.invalid", "x")
    post = post_in_state("draft", owner=users["writer"])
    workflow.apply(post, "submit", by=users["writer"])
    entry = AuditEntry.objects.get(post=post, actor=users["writer"], action="submit", note="")
    client.force_login(boss)
    assert client.get("/admin/editorial/auditentry/").status_code == 200
    response = client.post(f"/admin/editorial/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_mention_in_a_request_for_changes_notifies_the_mentioned_user(
    users, django_capture_on_commit_callbacks
):
    post = post_in_state("in_review", owner=users["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(
            post, "request_changes", by=users["editor"], note="@chief 為替の換算を見てください"
        )
    comment = ReviewComment.objects.get(post=post)
    assert list(comment.mentions.all()) == [users["chief"]]
    mention_mails = [m for m in mail.outbox if "メンション" in m.subject]
    assert [m.to for m in mention_mails] == [[users["chief"].email]]
