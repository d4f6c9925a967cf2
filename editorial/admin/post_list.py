"""The post list as editors use it: state (scheduled and live apart), quality counts from the
last check, publication time in JST, who last saved; filters by state and by "has errors";
bulk actions that go through `workflow.apply` (submit, request changes with one comment) or
save like an edit (category and tags: version check, revision, back to review when approved).

The list runs a fixed number of queries however many rows it shows (a test counts them).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from taggit.utils import parse_tags

from blog.models import Category, Post, PostStatus, StalePostError
from editorial import workflow
from editorial.models import AuditEntry, Revision
from editorial.quality import checking
from editorial.revisions import ensure_baseline, record_revision

A = AuditEntry.Action
S = PostStatus


class StateFilter(admin.SimpleListFilter):
    title = "状態"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            (S.DRAFT, S.DRAFT.label),
            (S.IN_REVIEW, S.IN_REVIEW.label),
            (S.CHANGES_REQUESTED, S.CHANGES_REQUESTED.label),
            (S.APPROVED, S.APPROVED.label),
            ("scheduled", "予約"),
            ("live", "公開中"),
            (S.UNPUBLISHED, S.UNPUBLISHED.label),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        if value in S.values:
            return queryset.filter(status=value)
        return queryset


class QualityFilter(admin.SimpleListFilter):
    title = "品質チェック"
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return [
            ("errors", "エラーあり"),
            ("warnings", "警告あり（エラーなし）"),
            ("clean", "エラーなし"),
            ("unchecked", "未チェック"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "errors":
            return queryset.filter(quality_report__errors__gt=0)
        if value == "warnings":
            return queryset.filter(quality_report__errors=0, quality_report__warnings__gt=0)
        if value == "clean":
            return queryset.filter(quality_report__errors=0)
        if value == "unchecked":
            return queryset.filter(quality_report__isnull=True)
        return queryset


class EditorChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        latest = Revision.objects.filter(post=OuterRef("pk")).order_by("-created_at", "-pk")
        return (
            super()
            .get_queryset(request, exclude_parameters)
            # One query for the tags of the whole page.
            .prefetch_related(None)
            .prefetch_related("tags")
            .annotate(
                last_editor_username=Subquery(latest.values("created_by__username")[:1]),
                last_editor_first=Subquery(latest.values("created_by__first_name")[:1]),
                last_editor_last=Subquery(latest.values("created_by__last_name")[:1]),
            )
        )


# --- bulk action forms ------------------------------------------------------------------------


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label="差し戻しのコメント（選んだすべての記事に付きます）",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AssignForm(forms.Form):
    category = forms.ModelChoiceField(
        label="カテゴリ",
        queryset=Category.objects.all(),
        required=False,
        empty_label="（変えない）",
    )
    add_tags = forms.CharField(label="追加するタグ（カンマ区切り）", required=False)
    remove_tags = forms.CharField(label="外すタグ（カンマ区切り）", required=False)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("category") or cleaned.get("add_tags") or cleaned.get("remove_tags")):
            raise forms.ValidationError("カテゴリか、追加・削除するタグを指定してください。")
        return cleaned


def assign(post: Post, *, by, category: Category | None, add: list[str], remove: list[str]):
    """Set the category and add/remove tags as an edit of `post`: refused when the user may not
    edit it; a revision and the approved-goes-back-to-review rule as in the form. Returns
    whether anything changed."""
    if not workflow.can_edit(by, post):
        raise PermissionDenied("この記事を編集する権限がありません。")
    with transaction.atomic():
        current = Post.objects.select_for_update().get(pk=post.pk)
        before = (current.category_id, sorted(current.tags.names()))
        if category is not None:
            current.category = category
        names = [name for name in current.tags.names() if name not in set(remove)]
        names += [name for name in add if name not in names]
        if (current.category_id, sorted(names)) == before:
            return False
        ensure_baseline(current)
        workflow.return_to_review_if_approved(
            current,
            by=by,
            note="承認後に一覧からカテゴリ・タグを変更したため、もう一度レビューが必要です。",
        )
        current.save()
        current.tags.set(names)
        record_revision(current, by=by, note="一覧からカテゴリ・タグを一括設定")
        transaction.on_commit(lambda: checking.refresh_report(current.pk))
    return True


class PostListMixin:
    """The changelist columns, filters and bulk actions for the registered Post admin."""

    list_display = [
        "title",
        "state",
        "quality_counts",
        "category",
        "published_jst",
        "byline",
        "tag_names",
    ]
    list_filter = [StateFilter, QualityFilter, "category", "author", "noindex"]
    list_select_related = ["category", "author", "quality_report"]
    actions = [
        "submit_selected",
        "request_changes_selected",
        "assign_category_tags",
        "regenerate_ogp_cards",
    ]

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["css/post_list.css"]})

    def get_changelist(self, request, **kwargs):
        return EditorChangeList

    @admin.display(description="タグ")
    def tag_names(self, obj):
        names = sorted(tag.name for tag in obj.tags.all())
        shown = "、".join(names[:4])
        return shown + (f" ほか{len(names) - 4}" if len(names) > 4 else "")

    def has_review_permission(self, request):
        return request.user.has_perm("blog.review_post")

    # --- columns ----------------------------------------------------------------------------

    @admin.display(description="状態", ordering="status")
    def state(self, obj):
        # The time of a scheduled post is in the publication column.
        return "予約" if workflow.is_scheduled(obj) else obj.get_status_display()

    @admin.display(description="品質", ordering="quality_report__errors")
    def quality_counts(self, obj):
        report = getattr(obj, "quality_report", None)
        if report is None:
            return format_html('<span class="kd-q kd-q--none">{}</span>', "未チェック")
        stale = report.post_version != obj.version
        return format_html(
            '<span class="kd-q" title="{}"><span class="kd-q__n{}">エラー {}</span> '
            '<span class="kd-q__n{}">警告 {}</span>{}</span>',
            f"{timezone.localtime(report.checked_at):%Y-%m-%d %H:%M} にチェック",
            " kd-q--error" if report.errors else "",
            report.errors,
            " kd-q--warning" if report.warnings else "",
            report.warnings,
            format_html(' <span class="kd-q--stale">{}</span>', "（保存後未チェック）")
            if stale
            else "",
        )

    @admin.display(description="公開日時（JST）", ordering="published_at")
    def published_jst(self, obj):
        if obj.published_at is None:
            return "—"
        local = timezone.localtime(obj.published_at, timezone.get_default_timezone())
        text = f"{local:%Y-%m-%d %H:%M}"
        if obj.status == S.PUBLISHED and obj.published_at > timezone.now():
            return f"予約 {text}"
        return text

    @admin.display(description="著者・最終編集", ordering="author__name")
    def byline(self, obj):
        # One column for both names: the list must fit beside the filters on a laptop.
        username = getattr(obj, "last_editor_username", None)
        if not username:
            return obj.author.name if obj.author_id else "—"
        full = f"{obj.last_editor_first or ''} {obj.last_editor_last or ''}".strip()
        return format_html(
            '{}<span class="kd-sub">最終編集: {}</span>',
            obj.author.name if obj.author_id else "—",
            full or username,
        )

    # --- bulk actions ---------------------------------------------------------------------

    def _report(self, request, done: int, say, failures: list[str]):
        """`say` makes the whole sentence for its subject (「3件の記事」)."""
        if done:
            messages.success(request, say(f"{done}件の記事"))
        for failure in failures[:20]:
            messages.error(request, failure)
        if len(failures) > 20:
            messages.error(request, f"ほか{len(failures) - 20}件も処理できませんでした。")
        if not done and not failures:
            messages.info(request, "変更はありませんでした。")

    def _apply_all(self, request, queryset, action: str, note: str = ""):
        done, failures = 0, []
        for post in queryset.order_by("pk"):
            try:
                workflow.apply(post, action, by=request.user, note=note)
            except (workflow.WorkflowError, PermissionDenied) as exc:
                reason = getattr(exc, "message", None) or str(exc) or "権限がありません。"
                failures.append(f"「{post.title}」: {reason}")
            else:
                done += 1
        self._report(request, done, workflow.TRANSITIONS[action].done_message, failures)

    @admin.action(description="選択した記事のレビューを依頼", permissions=["change"])
    def submit_selected(self, request, queryset):
        self._apply_all(request, queryset, A.SUBMIT)

    def _intermediate(self, request, queryset, form, *, title: str, action: str, button: str):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "posts": queryset.order_by("pk"),
            "form": form,
            "action": action,
            "button": button,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/editorial/bulk_action.html", context)

    @admin.action(description="選択した記事を差し戻す（コメント付き）", permissions=["review"])
    def request_changes_selected(self, request, queryset):
        form = RequestChangesForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._apply_all(request, queryset, A.REQUEST_CHANGES, form.cleaned_data["note"])
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            title="選択した記事を差し戻す",
            action="request_changes_selected",
            button="差し戻す",
        )

    @admin.action(description="選択した記事のカテゴリ・タグを設定", permissions=["change"])
    def assign_category_tags(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._intermediate(
                request,
                queryset,
                form,
                title="カテゴリ・タグを設定",
                action="assign_category_tags",
                button="設定する",
            )
        data = form.cleaned_data
        add, remove = parse_tags(data["add_tags"]), parse_tags(data["remove_tags"])
        done, failures = 0, []
        for post in queryset.order_by("pk"):
            try:
                changed = assign(
                    post, by=request.user, category=data["category"], add=add, remove=remove
                )
            except (PermissionDenied, StalePostError) as exc:
                failures.append(f"「{post.title}」: {exc}")
            else:
                done += int(changed)
        self._report(request, done, lambda subject: f"{subject}を更新しました。", failures)
        return None
