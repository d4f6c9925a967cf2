"""E-mail notifications for the review workflow (console backend in development).

Sent after the transaction commits, so a refused or rolled-back action never mails anyone.
Each user can switch kinds off (NotificationPreference).
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q

from blog.models import Post
from editorial.models import AuditEntry, NotificationPreference

A = AuditEntry.Action
K = NotificationPreference.Kind

MENTION_RE = re.compile(r"@([\w.+-]+)")


def users_with_perm(dotted: str):
    app_label, codename = dotted.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)
        )
        .distinct()
    )


def _writer(post: Post):
    return [post.created_by] if post.created_by_id else []


def recipients_for(post: Post, action: str) -> tuple[str, list]:
    if action in {A.SUBMIT, A.WITHDRAW}:
        # The reviewers asked for a review are also told when it is taken back.
        return K.SUBMITTED, list(users_with_perm("blog.review_post"))
    if action == A.REQUEST_CHANGES:
        return K.CHANGES_REQUESTED, _writer(post)
    if action == A.APPROVE:
        return K.APPROVED, _writer(post)
    if action == A.PUBLISH:
        return K.PUBLISHED, _writer(post) + list(users_with_perm("blog.review_post"))
    return "", []


def _wants(user, kind: str) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref is None or pref.wants(kind)


def _send(kind: str, users, subject: str, body: str, *, exclude=None) -> None:
    seen, messages = set(), []
    for user in users:
        if user is None or not user.email or user.pk in seen:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        seen.add(user.pk)
        if _wants(user, kind):
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def transition_done(post: Post, action: str, *, by, note: str, done: str) -> None:
    """Tell those concerned. `done` is the transition's own sentence
    (「「記事名」を承認しました。」); `by` is None for a scheduled post going live at its time."""
    kind, users = recipients_for(post, action)
    if not kind:
        return
    label = A(action).label
    subject = f"[{settings.SITE_NAME}] {label}: {post.title}"
    if by is None:
        body = f"予約した時刻になり、{done}\n"
    else:
        body = f"{by.get_full_name() or by.get_username()} が{done}\n"
    if note:
        body += f"\nコメント:\n{note}\n"
    body += f"\n管理画面: {settings.SITE_URL}/admin/blog/post/{post.pk}/change/\n"
    _send(kind, users, subject, body, exclude=by)


def mentioned_users(text: str):
    names = set(MENTION_RE.findall(text))
    if not names:
        return []
    return list(get_user_model().objects.filter(username__in=names, is_active=True))


def mention(post: Post, users, *, by, text: str) -> None:
    subject = f"[{settings.SITE_NAME}] コメントでメンションされました: {post.title}"
    who = by.get_full_name() or by.get_username()
    body = (
        f"{who} が「{post.title}」のレビューコメントであなたをメンションしました。\n\n{text}\n\n"
        f"管理画面: {settings.SITE_URL}/admin/blog/post/{post.pk}/change/\n"
    )
    _send(K.MENTION, users, subject, body, exclude=by)


def comment_posted(comment) -> None:
    """Record a review comment's @mentions and notify those users (any comment: a plain one,
    or the note of a request for changes or an approval)."""
    mentioned = mentioned_users(comment.body)
    if not mentioned:
        return
    comment.mentions.set(mentioned)
    mention(comment.post, mentioned, by=comment.author, text=comment.body)
