"""What editors configure for the quality checks (house style rules, per-check severities, the
tunables) and the stored result of the last check of each post.

Part of the `editorial.models` package; kept apart so the workflow models and these grow separately.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from blog.models import Post
from editorial.logic import draft
from editorial.logic.draft import DEFAULT_PADDING_SUFFIXES, OFF, SEVERITY_LABELS, Config

_DEFAULTS = Config()


class Severity(models.TextChoices):
    ERROR = draft.ERROR, SEVERITY_LABELS[draft.ERROR] + "（公開できない）"
    WARNING = draft.WARNING, SEVERITY_LABELS[draft.WARNING]
    INFO = draft.INFO, SEVERITY_LABELS[draft.INFO]


class QualitySettings(models.Model):
    """The tunables of the checks. One row; `QualitySettings.load()` creates it on first use."""

    title_min_length = models.PositiveSmallIntegerField(
        "タイトルの最小文字数", default=_DEFAULTS.title_length[0]
    )
    title_max_length = models.PositiveSmallIntegerField(
        "タイトルの最大文字数", default=_DEFAULTS.title_length[1]
    )
    excerpt_min_length = models.PositiveSmallIntegerField(
        "リード文の最小文字数", default=_DEFAULTS.excerpt_length[0]
    )
    excerpt_max_length = models.PositiveSmallIntegerField(
        "リード文の最大文字数", default=_DEFAULTS.excerpt_length[1]
    )
    description_min_length = models.PositiveSmallIntegerField(
        "メタディスクリプションの最小文字数", default=_DEFAULTS.description_length[0]
    )
    description_max_length = models.PositiveSmallIntegerField(
        "メタディスクリプションの最大文字数", default=_DEFAULTS.description_length[1]
    )
    yen_per_dollar_min = models.FloatField(
        "為替レートの下限（円／ドル）",
        default=_DEFAULTS.yen_per_dollar[0],
        validators=[MinValueValidator(1)],
        help_text="ドルと円を併記した金額から計算したレートがこの範囲の外なら指摘します。",
    )
    yen_per_dollar_max = models.FloatField(
        "為替レートの上限（円／ドル）",
        default=_DEFAULTS.yen_per_dollar[1],
        validators=[MinValueValidator(1)],
    )
    yen_per_dollar_reference = models.FloatField(
        "修正案に使うレート（円／ドル）",
        default=_DEFAULTS.reference_yen_per_dollar,
        validators=[MinValueValidator(1)],
        help_text="誤った換算の修正案はこのレートで計算します。2倍以上ずれた換算はエラーです。",
    )
    padding_suffixes = models.TextField(
        "タイトルの水増し表現",
        default="\n".join(DEFAULT_PADDING_SUFFIXES),
        blank=True,
        help_text="1行に1つ。タイトルの末尾がこれで終わると指摘します。",
    )
    min_repeat_chars = models.PositiveSmallIntegerField(
        "繰り返しとみなす最小文字数",
        default=_DEFAULTS.min_repeat_chars,
        validators=[MinValueValidator(20)],
        help_text="この文字数以上の文章が2回出てくると「繰り返し」として指摘します。",
    )
    reading_time_tolerance = models.FloatField(
        "読了時間の許容差（割合）",
        default=_DEFAULTS.reading_time_tolerance,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="0.5 なら、計算値から5割（最低2分）以上離れた上書きを指摘します。",
    )
    near_duplicate_threshold = models.FloatField(
        "類似記事とみなす類似度",
        default=_DEFAULTS.near_duplicate_threshold,
        validators=[MinValueValidator(0.3), MaxValueValidator(1)],
        help_text="0〜1。タイトルか書き出しの類似度がこれ以上の記事を「よく似た記事」として示します。",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "品質チェックの設定"
        verbose_name_plural = "品質チェックの設定"

    def __str__(self) -> str:
        return "品質チェックの設定"

    @classmethod
    def load(cls) -> "QualitySettings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def clean(self) -> None:
        errors = {}
        for low, high, label in (
            ("title_min_length", "title_max_length", "タイトル"),
            ("excerpt_min_length", "excerpt_max_length", "リード文"),
            ("description_min_length", "description_max_length", "メタディスクリプション"),
            ("yen_per_dollar_min", "yen_per_dollar_max", "為替レート"),
        ):
            if getattr(self, low) > getattr(self, high):
                errors[high] = f"{label}の上限が下限より小さくなっています。"
        if errors:
            raise ValidationError(errors)

    @property
    def padding_suffix_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.padding_suffixes.splitlines() if line.strip())


class StyleRule(models.Model):
    """A house style rule: text that must not appear (or should be written another way)."""

    key = models.SlugField(
        "コード",
        max_length=50,
        unique=True,
        help_text="英数字とハイフン。指摘のコードは style.<コード> になります"
        "（例: voice-watashi-ga）。",
    )
    name = models.CharField("名前", max_length=100)
    pattern = models.CharField(
        "探す文字列",
        max_length=300,
        help_text="そのままの文字列、または「正規表現」にチェックを入れて正規表現。",
    )
    is_regex = models.BooleanField("正規表現", default=False)
    message = models.CharField(
        "編集者へのメッセージ",
        max_length=300,
        help_text="{match} は見つかった文字列に置き換わります。",
    )
    severity = models.CharField(
        "重要度", max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    replacement = models.CharField(
        "置き換え候補",
        max_length=200,
        blank=True,
        help_text="空欄でなければ、ワンクリックでこの文字列に置き換えられます。",
    )
    is_active = models.BooleanField("有効", default=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "表記ルール"
        verbose_name_plural = "表記ルール"
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.is_regex:
            try:
                compiled = re.compile(self.pattern)
            except re.error as exc:
                where = f"{exc.pos + 1}文字目" if exc.pos is not None else "どこか"
                raise ValidationError(
                    {"pattern": f"正規表現として読めません（{where}：{exc.msg}）。"}
                ) from exc
            if compiled.match(""):
                raise ValidationError(
                    {
                        "pattern": "空の文字列にも一致する正規表現は使えません"
                        "（本文のあらゆる所に一致します）。"
                    }
                )


class CheckSeverity(models.Model):
    """A site's own severity for one check (the default is in the code)."""

    code = models.CharField("チェック", max_length=80, unique=True)
    severity = models.CharField(
        "重要度",
        max_length=10,
        choices=[*Severity.choices, (OFF, SEVERITY_LABELS[OFF])],
    )
    note = models.CharField("理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "チェックの重要度"
        verbose_name_plural = "チェックの重要度"
        ordering = ["code"]

    def __str__(self) -> str:
        # Editors read the check's name; the code is for the command line and the API.
        return f"{self.check_label}: {self.get_severity_display()}"

    @property
    def check_label(self) -> str:
        from editorial.logic.checks import code_info  # fills the registry of codes

        if self.code.startswith("style."):
            rule = StyleRule.objects.filter(key=self.code.removeprefix("style.")).first()
            if rule is not None:
                return f"表記ルール: {rule.name or rule.pattern}"
        return code_info(self.code).label


class PostQualityReport(models.Model):
    """The findings of the last check of a post, for the site-wide quality page. Stale when the
    post's version has moved on."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="quality_report")
    post_version = models.PositiveIntegerField("チェックした版")
    checked_at = models.DateTimeField("チェック日時", default=timezone.now)
    errors = models.PositiveIntegerField("エラー", default=0, db_index=True)
    warnings = models.PositiveIntegerField("警告", default=0)
    infos = models.PositiveIntegerField("情報", default=0)
    code_counts = models.JSONField("チェックごとの件数", default=dict)
    findings = models.JSONField("指摘", default=list)

    class Meta:
        verbose_name = "品質チェックの結果"
        verbose_name_plural = "品質チェックの結果"

    def __str__(self) -> str:
        return f"{self.post_id}: エラー{self.errors} 警告{self.warnings}"

    @property
    def is_stale(self) -> bool:
        return self.post_version != self.post.version
