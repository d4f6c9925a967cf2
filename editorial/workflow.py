"""How a post becomes public: one transition table and one atomic function, `apply()`.

Admin buttons, views, management commands and the API all call `apply()`. It checks the
table (a wrong state raises `InvalidTransition`), the user's permissions (`PermissionDenied`),
runs the quality gate before publishing or scheduling (`QualityGateBlocked` unless a user
with `blog.override_quality_gate` gives a reason), saves, and writes one audit row.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from blog.models import Post, PostStatus
from blog.signals import post_went_live
from editorial import gate, notifications, webhooks
from editorial.audit import log
from editorial.models import AuditEntry, ReviewComment, ScheduledPublication

S = PostStatus
A = AuditEntry.Action


class WorkflowError(Exception):
    """A refusal the user can act on; `message` is shown to them in Japanese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(WorkflowError):
    pass


class NoteRequired(WorkflowError):
    pass


class QualityGateBlocked(WorkflowError):
    def __init__(self, findings: list[gate.GateFinding]):
        self.findings = findings
        lines = "\n".join(f"・{f.message}" for f in findings)
        super().__init__(
            f"品質チェックでエラーが {len(findings)} 件あるため公開できません。\n{lines}"
        )


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button: 「承認する」
    # What was done, as a whole sentence around `{subject}` (「「記事名」」, 「3件の記事」):
    # never the label with 「しました」 glued on (「承認するしました」).
    done: str
    sources: frozenset[str]
    target: str
    permission: str
    note_required: bool = False
    runs_gate: bool = False

    def done_message(self, subject: str) -> str:
        return self.done.format(subject=subject)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            A.SUBMIT,
            "レビューを依頼",
            "{subject}のレビューを依頼しました。",
            frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            S.IN_REVIEW,
            "blog.change_post",
        ),
        Transition(
            A.REQUEST_CHANGES,
            "差し戻す",
            "{subject}を差し戻しました。",
            frozenset({S.IN_REVIEW, S.APPROVED}),
            S.CHANGES_REQUESTED,
            "blog.review_post",
            note_required=True,
        ),
        Transition(
            A.APPROVE,
            "承認する",
            "{subject}を承認しました。",
            frozenset({S.IN_REVIEW}),
            S.APPROVED,
            "blog.review_post",
        ),
        Transition(
            A.PUBLISH,
            "今すぐ公開",
            "{subject}を公開しました。",
            frozenset({S.APPROVED, S.UNPUBLISHED, S.PUBLISHED}),
            S.PUBLISHED,
            "blog.publish_post",
            runs_gate=True,
        ),
        Transition(
            A.SCHEDULE,
            "予約する",
            "{subject}の公開を予約しました。",
            frozenset({S.APPROVED, S.UNPUBLISHED}),
            S.PUBLISHED,
            "blog.publish_post",
            runs_gate=True,
        ),
        # "Scheduled" is published-with-a-future-time; the source check below narrows it.
        Transition(
            A.UNSCHEDULE,
            "予約を取り消す",
            "{subject}の公開予約を取り消しました。",
            frozenset({S.PUBLISHED}),
            S.APPROVED,
            "blog.publish_post",
        ),
        Transition(
            A.UNPUBLISH,
            "公開を停止",
            "{subject}の公開を停止しました。",
            frozenset({S.PUBLISHED}),
            S.UNPUBLISHED,
            "blog.publish_post",
            note_required=True,
        ),
        Transition(
            A.REOPEN,
            "下書きに戻す",
            "{subject}を下書きに戻しました。",
            frozenset({S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.UNPUBLISHED}),
            S.DRAFT,
            "blog.change_post",
        ),
        # The one who asked for the review takes it back while it still waits for a reviewer
        # (approved or returned, it is the reviewer's turn no more); see permission_error.
        Transition(
            A.WITHDRAW,
            "レビュー依頼を取り下げる",
            "{subject}のレビュー依頼を取り下げ、下書きに戻しました。",
            frozenset({S.IN_REVIEW}),
            S.DRAFT,
            "blog.change_post",
        ),
    ]
}


def parse_jst(value: str) -> dt.datetime | None:
    """A `datetime-local` value as entered by an editor, in the site's time zone (JST)."""
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive, timezone.get_default_timezone())


def is_scheduled(post: Post, now: dt.datetime | None = None) -> bool:
    return (
        post.status == S.PUBLISHED
        and post.published_at is not None
        and post.published_at > (now or timezone.now())
    )


def state_label(post: Post, now: dt.datetime | None = None) -> str:
    """The post's state as editors read it: a scheduled post is 「予約」 with its time, not
    「公開」 (it is not public until then)."""
    if is_scheduled(post, now):
        local = timezone.localtime(post.published_at, timezone.get_default_timezone())
        return f"予約（{local:%Y-%m-%d %H:%M} JST に公開）"
    return post.get_status_display()


def _is_owner(user, post: Post) -> bool:
    return post.created_by_id is not None and post.created_by_id == user.pk


def can_edit(user, post: Post) -> bool:
    """Writers edit their own drafts and returned posts; reviewers edit any post."""
    if not user.has_perm("blog.change_post"):
        return False
    if user.has_perm("blog.review_post"):
        return True
    return _is_owner(user, post) and post.status in {S.DRAFT, S.CHANGES_REQUESTED}


def last_submitter_id(post: Post) -> int | None:
    """Who asked for the current review: the last to submit, or the last to change an
    approved post (which sent it back to review), so nobody approves their own change."""
    entry = (
        post.audit_entries.filter(action__in=[A.SUBMIT, A.RETURNED_TO_REVIEW])
        .order_by("-created_at", "-pk")
        .first()
    )
    return entry.actor_id if entry else None


def return_to_review_if_approved(
    post: Post, *, by, note: str, data: dict | None = None, save: bool = False
) -> bool:
    """The rule for every path that changes an approved post's content (admin form and its
    inlines, revision restore, API proposal, quality fix, bulk edit): with
    EDITORIAL_EDIT_APPROVED_RETURNS_TO_REVIEW it goes back to review, recorded in the audit
    log with `by` as the one who asked for the new review.

    Call it before the post is saved, or with `save=True` after (the status alone is written).
    """
    if post.status != S.APPROVED or not settings.EDITORIAL_EDIT_APPROVED_RETURNS_TO_REVIEW:
        return False
    post.status = S.IN_REVIEW
    if save:
        post.save(update_fields=["status"])
    log(
        post,
        A.RETURNED_TO_REVIEW,
        by=by,
        from_status=S.APPROVED,
        to_status=S.IN_REVIEW,
        note=note,
        data=data,
    )
    return True


def state_error(transition: Transition, post: Post, now: dt.datetime) -> str | None:
    """Why `transition` cannot apply to the post in its current state, or None."""
    if post.status not in transition.sources:
        return (
            f"「{transition.label}」は状態が「{post.get_status_display()}」の記事にはできません"
            f"（できるのは{'・'.join(str(S(s).label) for s in sorted(transition.sources))}）。"
        )
    scheduled = is_scheduled(post, now)
    if transition.action == A.PUBLISH and post.status == S.PUBLISHED and not scheduled:
        return "この記事はすでに公開されています。"
    if transition.action == A.UNSCHEDULE and not scheduled:
        return "予約中の記事ではないため、予約は取り消せません。"
    if transition.action == A.UNPUBLISH and scheduled:
        return "まだ公開されていない予約記事です。公開停止ではなく予約取り消しを使ってください。"
    return None


def permission_error(transition: Transition, post: Post, user) -> str | None:
    """Why `user` may not perform the transition, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return "ログインが必要です。"
    if not user.has_perm(transition.permission):
        return f"「{transition.label}」の権限がありません。"
    if transition.action in {A.SUBMIT, A.REOPEN} and not can_edit(user, post):
        if transition.action == A.REOPEN and user.has_perm("blog.publish_post"):
            return None
        return "自分が作成した記事だけを操作できます。"
    if transition.action == A.WITHDRAW and last_submitter_id(post) != user.pk:
        return "レビュー依頼を取り下げられるのは、依頼した本人だけです。"
    if (
        transition.action == A.APPROVE
        and not getattr(settings, "EDITORIAL_ALLOW_SELF_APPROVAL", False)
        and last_submitter_id(post) == user.pk
    ):
        return "自分がレビュー依頼した記事は承認できません。別の編集者に依頼してください。"
    return None


def available_actions(post: Post, user, now: dt.datetime | None = None) -> list[Transition]:
    now = now or timezone.now()
    return [
        t
        for t in TRANSITIONS.values()
        if state_error(t, post, now) is None and permission_error(t, post, user) is None
    ]


@transaction.atomic
def apply(
    post: Post,
    action: str,
    *,
    by,
    note: str = "",
    when: dt.datetime | None = None,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> Post:
    """Perform `action` on `post` as user `by`. Raises a WorkflowError subclass or
    PermissionDenied; on success the post is saved and one audit row (two with an override)
    is written."""
    now = now or timezone.now()
    try:
        transition = TRANSITIONS[action]
    except KeyError:
        raise InvalidTransition(f"不明な操作です: {action}") from None
    # Lock the row and work on the current state, not on what the caller loaded earlier.
    current = Post.objects.select_for_update().get(pk=post.pk)
    problem = permission_error(transition, current, by)
    if problem:
        raise PermissionDenied(problem)
    problem = state_error(transition, current, now)
    if problem:
        raise InvalidTransition(problem)
    note = note.strip()
    if transition.note_required and not note:
        raise NoteRequired(f"「{transition.label}」には理由（コメント）が必要です。")

    if transition.action == A.SCHEDULE:
        if when is None or when <= now:
            raise InvalidTransition("予約日時には未来の日時を指定してください。")
        if timezone.is_naive(when):
            raise InvalidTransition("予約日時にはタイムゾーン付きの日時が必要です。")

    if transition.runs_gate:
        _run_gate(current, by, override_reason)

    from_status = current.status
    current.status = transition.target
    data: dict = {}
    if transition.action == A.PUBLISH:
        if current.published_at is None or current.published_at > now:
            current.published_at = now
    elif transition.action == A.SCHEDULE:
        current.published_at = when
        data["publish_at"] = when.isoformat()
    elif transition.action == A.UNSCHEDULE:
        data["was_scheduled_for"] = current.published_at.isoformat()
        current.published_at = None
    current.save()

    if transition.action in {A.REQUEST_CHANGES, A.APPROVE} and note:
        kind = (
            ReviewComment.Kind.REQUEST_CHANGES
            if transition.action == A.REQUEST_CHANGES
            else ReviewComment.Kind.APPROVAL
        )
        comment = ReviewComment.objects.create(post=current, author=by, kind=kind, body=note)
        notifications.comment_posted(comment)
    _sync_schedule(current, transition.action, now)
    log(
        current,
        transition.action,
        by=by,
        from_status=from_status,
        to_status=current.status,
        note=note,
        data=data,
    )
    notifications.transition_done(
        current,
        transition.action,
        by=by,
        note=note,
        done=transition.done_message(f"「{current.title}」"),
    )
    webhooks.transition_done(current, transition.action, by=by, note=note)
    if transition.action == A.PUBLISH:
        transaction.on_commit(lambda: post_went_live.send(sender=Post, post=current))
    # Keep the caller's object in step with the database.
    post.refresh_from_db()
    return post


def _run_gate(post: Post, user, override_reason: str) -> None:
    findings = gate.blocking(gate.evaluate(post, record=True))
    if not findings:
        return
    override_reason = override_reason.strip()
    if not override_reason:
        raise QualityGateBlocked(findings)
    if not user.has_perm("blog.override_quality_gate"):
        raise PermissionDenied("品質チェックを無視する権限がありません。")
    log(
        post,
        A.OVERRIDE,
        by=user,
        from_status=post.status,
        to_status=post.status,
        note=override_reason,
        data={"codes": [f.code for f in findings]},
    )


def _sync_schedule(post: Post, action: str, now: dt.datetime) -> None:
    if action == A.SCHEDULE:
        ScheduledPublication.objects.update_or_create(
            post=post, defaults={"publish_at": post.published_at, "processed_at": None}
        )
    elif action in {A.UNSCHEDULE, A.PUBLISH, A.UNPUBLISH, A.REOPEN}:
        ScheduledPublication.objects.filter(post=post, processed_at__isnull=True).delete()


def run_due_go_lives(now: dt.datetime | None = None) -> list[Post]:
    """Announce the scheduled posts whose time has come, each exactly once.

    Safe to run every minute from cron and concurrently: each row is claimed by an UPDATE
    that only one runner can win.
    """
    now = now or timezone.now()
    done = []
    due = ScheduledPublication.objects.filter(processed_at__isnull=True, publish_at__lte=now)
    for row in due.select_related("post"):
        with transaction.atomic():
            claimed = ScheduledPublication.objects.filter(
                pk=row.pk, processed_at__isnull=True
            ).update(processed_at=now)
            if not claimed:
                continue
            post = row.post
            if not post.is_public(now):
                continue  # unscheduled or moved since: nothing went live
            log(post, A.WENT_LIVE, from_status=post.status, to_status=post.status)
            notifications.transition_done(
                post,
                A.PUBLISH,
                by=None,
                note="",
                done=TRANSITIONS[A.PUBLISH].done_message(f"「{post.title}」"),
            )
            webhooks.transition_done(post, A.WENT_LIVE)
            transaction.on_commit(lambda p=post: post_went_live.send(sender=Post, post=p))
            done.append(post)
    return done
