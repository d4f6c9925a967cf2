"""The review workflow's records: revisions, the audit log, review comments, share links,
scheduled go-lives and notification preferences."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from blog.models import Post, PostStatus


class Revision(models.Model):
    """A snapshot of everything an editor can change on a post, taken at every save."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField("日時", default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    post_version = models.PositiveIntegerField("記事の版")
    note = models.CharField("メモ", max_length=300, blank=True)
    data = models.JSONField("内容")

    class Meta:
        verbose_name = "リビジョン"
        verbose_name_plural = "リビジョン"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post_id} r{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class AuditEntry(models.Model):
    """Append-only: who did what to which post, when, from which state to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "レビュー依頼"
        REQUEST_CHANGES = "request_changes", "差し戻し"
        APPROVE = "approve", "承認"
        PUBLISH = "publish", "公開"
        SCHEDULE = "schedule", "予約"
        UNSCHEDULE = "unschedule", "予約取り消し"
        UNPUBLISH = "unpublish", "公開停止"
        REOPEN = "reopen", "下書きに戻す"
        WITHDRAW = "withdraw", "レビュー依頼の取り下げ"
        WENT_LIVE = "went_live", "予約公開の実行"
        OVERRIDE = "override", "品質チェックの無視"
        RETURNED_TO_REVIEW = "returned_to_review", "編集によりレビューへ戻る"
        RESTORE = "restore", "リビジョンの復元"
        SHARE_CREATE = "share_create", "共有リンク作成"
        SHARE_REVOKE = "share_revoke", "共有リンク無効化"
        PERMISSION = "permission", "権限の変更"
        QUALITY_FIX = "quality_fix", "品質チェックの自動修正"

    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="記事",
    )
    post_title = models.CharField("記事タイトル（記録時）", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="実行者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField("操作", max_length=30, choices=Action.choices, db_index=True)
    from_status = models.CharField("変更前", max_length=20, choices=PostStatus.choices, blank=True)
    to_status = models.CharField("変更後", max_length=20, choices=PostStatus.choices, blank=True)
    note = models.TextField("メモ・理由", blank=True)
    data = models.JSONField("詳細", default=dict, blank=True)
    created_at = models.DateTimeField("日時", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.post_title}"


class ReviewComment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "コメント"
        REQUEST_CHANGES = "request_changes", "修正依頼"
        APPROVAL = "approval", "承認コメント"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="review_comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="投稿者", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("種類", max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField("コメント")
    quote = models.TextField(
        "引用箇所", blank=True, help_text="本文の該当箇所をそのまま貼ると、その場所に紐づきます。"
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="メンション"
    )
    resolved_at = models.DateTimeField("解決日時", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解決した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("日時", default=timezone.now)

    class Meta:
        verbose_name = "レビューコメント"
        verbose_name_plural = "レビューコメント"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.body[:30]}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """A secret preview URL for a post that is not public (yet)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    expires_at = models.DateTimeField("有効期限")
    revoked_at = models.DateTimeField("無効化日時", null=True, blank=True)

    class Meta:
        verbose_name = "共有プレビューリンク"
        verbose_name_plural = "共有プレビューリンク"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.post} ({self.expires_at:%Y-%m-%d})"

    def is_valid(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class ScheduledPublication(models.Model):
    """A go-live still to be announced: the post is public from `publish_at` anyway; this row
    lets `publish_scheduled` run the once-only side effects exactly once."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="scheduled")
    publish_at = models.DateTimeField("公開予定日時", db_index=True)
    processed_at = models.DateTimeField("実行日時", null=True, blank=True)

    class Meta:
        verbose_name = "予約公開"
        verbose_name_plural = "予約公開"
        ordering = ["publish_at"]

    def __str__(self) -> str:
        return f"{self.post} @ {self.publish_at}"


class NotificationPreference(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "レビュー依頼が来たとき"
        CHANGES_REQUESTED = "changes_requested", "自分の記事が差し戻されたとき"
        APPROVED = "approved", "自分の記事が承認されたとき"
        PUBLISHED = "published", "記事が公開されたとき"
        MENTION = "mention", "コメントでメンションされたとき"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name="ユーザー",
    )
    disabled_kinds = models.JSONField(
        "受け取らない通知", default=list, blank=True, help_text="通知の種類のリスト。"
    )

    class Meta:
        verbose_name = "通知設定"
        verbose_name_plural = "通知設定"

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}さんの通知設定"

    def wants(self, kind: str) -> bool:
        return kind not in self.disabled_kinds


class AutosaveSlot(models.Model):
    """The form as an editor last had it on the post page, saved every few seconds while they
    type and when the page is left. Not a revision: it never touches the post, and only its
    owner sees it (as an offer to restore it when they open the post again). One slot per
    user and post; `post` is empty for the slot of the user's unsaved new post."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ユーザー",
        on_delete=models.CASCADE,
        related_name="+",
    )
    post = models.ForeignKey(
        Post,
        verbose_name="記事",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autosaves",
    )
    data = models.JSONField("入力内容", default=dict)
    base_version = models.PositiveIntegerField(
        "編集を始めた版", null=True, blank=True, help_text="フォームを開いたときの記事の版。"
    )
    saved_at = models.DateTimeField("自動保存日時", default=timezone.now)

    class Meta:
        verbose_name = "自動保存"
        verbose_name_plural = "自動保存"
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=models.Q(post__isnull=False),
                name="editorial_autosave_one_per_post",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(post__isnull=True),
                name="editorial_autosave_one_new_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.post_id or '新規'} ({self.saved_at:%Y-%m-%d %H:%M})"
