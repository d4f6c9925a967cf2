"""Records of the AI pipeline's integration: API tokens, the drafts it owns (by its own ids),
the update proposals kept when a person edited a draft, and webhooks with their delivery log.

Part of the `editorial.models` package, so they belong to the editorial app and its migrations.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

from blog.models import Post

TOKEN_PREFIX = "kosei_"


def hash_token(raw: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 is enough (no password stretching needed),
    # and it lets a request find its token with one indexed lookup.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def create_token(self, *, user, name: str, created_by=None, expires_at=None):
        """Create a token; returns (token, raw secret). The secret is not stored anywhere."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self.create(
            user=user,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=hash_token(raw),
            created_by=created_by,
            expires_at=expires_at,
        )
        return token, raw


class ApiToken(models.Model):
    """A secret that lets a program act as one user, with that user's permissions."""

    name = models.CharField("名前", max_length=100, help_text="例: AI パイプライン（本番）")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ユーザー",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="トークンはこのユーザーの権限で動きます。執筆者なら承認・公開はできません。",
    )
    prefix = models.CharField("先頭の文字", max_length=20, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("作成日時", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(
        "有効期限", null=True, blank=True, help_text="空欄なら無期限（無効化するまで使えます）。"
    )
    last_used_at = models.DateTimeField("最終使用日時", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("無効化日時", null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API トークン"
        verbose_name_plural = "API トークン"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def problem(self, now=None) -> str | None:
        """Why the token cannot be used now (an error code), or None."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "token_revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "token_expired"
        if not self.user.is_active:
            return "user_inactive"
        return None


class ExternalDraft(models.Model):
    """A post the pipeline created, under the id the pipeline gave it.

    The unique (user, external_id) pair makes `POST /drafts` idempotent even for concurrent
    identical requests: the database lets one insert win. `written_version`/`written_digest`
    are the post as the API last wrote it, to tell a person's edit from the pipeline's own.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ユーザー",
        on_delete=models.CASCADE,
        related_name="+",
    )
    external_id = models.CharField("外部 ID", max_length=200)
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="external_draft")
    written_version = models.PositiveIntegerField("API が最後に書いた版")
    written_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta:
        verbose_name = "API で作成された下書き"
        verbose_name_plural = "API で作成された下書き"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "external_id"], name="editorial_externaldraft_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.external_id} → {self.post_id}"


class RevisionProposal(models.Model):
    """New content from the pipeline that was not written over the post: a person had edited
    it (or it had left the draft states). An editor looks at the diff and applies or drops it."""

    class Reason(models.TextChoices):
        EDITED = "edited", "前回の送信後に人が編集していたため"
        NOT_DRAFT = "not_draft", "下書き・差し戻し以外の状態だったため"

    class Status(models.TextChoices):
        PENDING = "pending", "未対応"
        APPLIED = "applied", "反映済み"
        DISMISSED = "dismissed", "見送り"

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="proposals", verbose_name="記事"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="送信したユーザー",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    token_name = models.CharField("トークン", max_length=100, blank=True)
    reason = models.CharField("理由", max_length=20, choices=Reason.choices)
    base_version = models.PositiveIntegerField("提案時の記事の版")
    data = models.JSONField("提案内容")
    digest = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        "対応", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("日時", default=timezone.now)
    decided_at = models.DateTimeField("対応日時", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="対応した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "API からの更新提案"
        verbose_name_plural = "API からの更新提案"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"提案 #{self.pk}: {self.post}"


# --- webhooks --------------------------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    SUBMITTED = "submitted", "レビュー依頼"
    CHANGES_REQUESTED = "changes_requested", "差し戻し"
    APPROVED = "approved", "承認"
    PUBLISHED = "published", "公開（予約記事は公開時刻に）"
    UNPUBLISHED = "unpublished", "公開停止"


def validate_webhook_url(value: str) -> None:
    # Only http(s): a receiver URL is fetched by the server, so file:, ftp: and the like are
    # refused outright (urllib would happily open them).
    URLValidator(schemes=["http", "https"], message="http:// か https:// の URL にしてください。")(
        value
    )


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    name = models.CharField("名前", max_length=100)
    url = models.CharField(
        "送信先 URL", max_length=500, validators=[validate_webhook_url], help_text="http(s) のみ。"
    )
    secret = models.CharField(
        "署名の秘密鍵",
        max_length=100,
        default=new_webhook_secret,
        help_text="受信側はこの鍵で X-Kosei-Signature（HMAC-SHA256）を検証します。",
    )
    events = models.JSONField(
        "送るイベント", default=list, blank=True, help_text="空なら全イベントを送ります。"
    )
    is_active = models.BooleanField("有効", default=True)
    created_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        verbose_name = "Webhook 送信先"
        verbose_name_plural = "Webhook 送信先"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.events or []) - set(WebhookEvent.values)
        if unknown:
            raise ValidationError({"events": f"不明なイベント: {', '.join(sorted(unknown))}"})

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the transaction of the change it reports (so a
    rolled-back change sends nothing), sent after commit, retried until it succeeds or gives up.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "送信待ち"
        SUCCEEDED = "succeeded", "成功"
        FAILED = "failed", "失敗（再試行を終了）"

    uuid = models.UUIDField("配信 ID", default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name="送信先",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField("イベント", max_length=30, choices=WebhookEvent.choices)
    post = models.ForeignKey(
        Post,
        verbose_name="記事",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField("内容")
    status = models.CharField(
        "状態", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("試行回数", default=0)
    next_attempt_at = models.DateTimeField("次の試行", default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField("最後の試行", null=True, blank=True)
    response_status = models.PositiveSmallIntegerField("応答コード", null=True, blank=True)
    last_error = models.TextField("エラー", blank=True)
    created_at = models.DateTimeField("作成日時", default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField("配信日時", null=True, blank=True)

    class Meta:
        verbose_name = "Webhook 配信ログ"
        verbose_name_plural = "Webhook 配信ログ"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.endpoint}（{self.get_status_display()}）"
