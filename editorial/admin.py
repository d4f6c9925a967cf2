"""The screens editors work in: the post page with its workflow panel, history and diffs,
review comments, share links, the work queues, the scheduled list and the audit log. The
desk on the post page (live preview, autosave, images, books) is in `admin_desk.py`, the post
list's columns, filters and bulk actions in `admin_list.py`.

blog registers a plain PostAdmin; this module replaces it with one that knows the workflow
(blog must not import editorial, so the swap happens here).
"""

import contextlib
import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from blog.admin import PostAdmin
from blog.models import Post, PostStatus
from editorial import notifications, quality, workflow
from editorial.admin_desk import DeskAdminMixin
from editorial.admin_list import PostListMixin
from editorial.api import admin as api_admin  # registers the API's admin screens
from editorial.audit import log
from editorial.logic.diff import field_changes, side_by_side
from editorial.models import (
    AuditEntry,
    NotificationPreference,
    ReviewComment,
    Revision,
    ShareLink,
)
from editorial.queues import queues_for
from editorial.revisions import (
    FIELD_LABELS,
    ensure_baseline,
    readable_changes,
    record_revision,
    restore_revision,
)

A = AuditEntry.Action


def parse_jst(value: str) -> dt.datetime | None:
    """A `datetime-local` value as entered by an editor, in the site's time zone (JST)."""
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive, timezone.get_default_timezone())


class EditorialPostAdmin(DeskAdminMixin, PostListMixin, PostAdmin):
    change_form_template = "admin/editorial/post_change_form.html"

    # --- permissions: the server decides, whatever the page showed -----------------------

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("blog.delete_post")

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "published_at", *super().get_readonly_fields(request, obj)]
        if not request.user.has_perm("blog.publish_post"):
            fields.append("url_date")
        return fields

    @admin.display(description="状態", ordering="status")
    def status_label(self, obj):
        if workflow.is_scheduled(obj):
            local = timezone.localtime(obj.published_at)
            return f"予約（{local:%Y-%m-%d %H:%M} JST）"
        return obj.get_status_display()

    # --- saving: revisions and the "edited after approval" rule --------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            ensure_baseline(obj)
        obj._returned_to_review = (
            change
            and bool(set(form.changed_data) - {"version"})
            and workflow.return_to_review_if_approved(
                obj,
                by=request.user,
                note="承認後に編集されたため、もう一度レビューが必要です。",
                data={"fields": sorted(form.changed_data)},
            )
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        post = form.instance
        changed_inlines = sorted(formset.prefix for formset in formsets if formset.has_changed())
        if change and changed_inlines and not getattr(post, "_returned_to_review", False):
            # Books and related articles are content too.
            post._returned_to_review = workflow.return_to_review_if_approved(
                post,
                by=request.user,
                note="承認後に書籍・関連記事が編集されたため、もう一度レビューが必要です。",
                data={"inlines": changed_inlines},
                save=True,
            )
        if getattr(post, "_returned_to_review", False):
            messages.warning(request, "承認後に編集したため、記事はレビュー待ちに戻りました。")
        record_revision(post, by=request.user)
        post_id = post.pk
        transaction.on_commit(lambda: quality.refresh_report(post_id))

    # --- the change page ----------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = self.get_object(request, object_id)
        if post is not None and self.has_view_or_change_permission(request, post):
            extra_context = {**(extra_context or {}), **self.workflow_context(request, post)}
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, post):
        comments = list(
            post.review_comments.select_related("author", "resolved_by").prefetch_related(
                "mentions"
            )
        )
        return {
            "workflow_actions": workflow.available_actions(post, request.user),
            "is_scheduled": workflow.is_scheduled(post),
            "open_change_requests": [
                c
                for c in comments
                if c.kind == ReviewComment.Kind.REQUEST_CHANGES and not c.is_resolved
            ],
            "review_comments": comments,
            "audit_entries": post.audit_entries.select_related("actor")[:30],
            "share_links": post.share_links.all()[:10],
            "revision_count": post.revisions.count(),
            "can_override_gate": request.user.has_perm("blog.override_quality_gate"),
            "site_url": settings.SITE_URL,
            "api_proposals": api_admin.pending_proposals(post),
        }

    def get_urls(self):
        own = [
            ("<int:pk>/transition/", self.transition_view, "blog_post_transition"),
            ("<int:pk>/revisions/", self.revisions_view, "blog_post_revisions"),
            ("<int:pk>/revisions/compare/", self.compare_view, "blog_post_compare"),
            ("<int:pk>/revisions/<int:rid>/restore/", self.restore_view, "blog_post_restore"),
            ("<int:pk>/comment/", self.comment_view, "blog_post_comment"),
            ("<int:pk>/comment/<int:cid>/resolve/", self.resolve_view, "blog_post_resolve"),
            ("<int:pk>/share/", self.share_view, "blog_post_share"),
            ("<int:pk>/share/<int:sid>/revoke/", self.revoke_view, "blog_post_share_revoke"),
        ]
        return [
            path(route, self.admin_site.admin_view(fn), name=name) for route, fn, name in own
        ] + super().get_urls()

    def _post_for(self, request, pk, *, edit=False):
        post = get_object_or_404(Post, pk=pk)
        allowed = (
            workflow.can_edit(request.user, post)
            if edit
            else self.has_view_or_change_permission(request, post)
        )
        if not allowed:
            raise PermissionDenied
        return post

    def _back(self, post):
        return redirect(reverse("admin:blog_post_change", args=[post.pk]))

    def transition_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = get_object_or_404(Post, pk=pk)
        when = None
        if request.POST.get("when"):
            when = parse_jst(request.POST["when"])
            if when is None:
                messages.error(
                    request, "予約日時の形式が正しくありません（例: 2026-12-01T09:00）。"
                )
                return self._back(post)
        try:
            workflow.apply(
                post,
                request.POST.get("action", ""),
                by=request.user,
                note=request.POST.get("note", ""),
                when=when,
                override_reason=request.POST.get("override_reason", ""),
            )
        except PermissionDenied as exc:
            return HttpResponseForbidden(str(exc) or "権限がありません。")
        except workflow.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            label = workflow.TRANSITIONS[request.POST["action"]].label
            messages.success(request, f"「{post.title}」: {label}しました。")
        return self._back(post)

    def revisions_view(self, request, pk):
        post = self._post_for(request, pk)
        revisions = list(post.revisions.select_related("created_by"))
        rows = []
        for newer, older in zip(revisions, revisions[1:] + [None], strict=True):
            changed = (
                [FIELD_LABELS.get(n, n) for n in field_changes(older.data, newer.data)]
                if older
                else ["（最初の版）"]
            )
            rows.append({"revision": newer, "older": older, "changed": changed})
        context = {
            **self.admin_site.each_context(request),
            "title": f"変更履歴: {post.title}",
            "post": post,
            "rows": rows,
            "opts": self.model._meta,
            "can_restore": workflow.can_edit(request.user, post),
        }
        return TemplateResponse(request, "admin/editorial/revisions.html", context)

    def compare_view(self, request, pk):
        post = self._post_for(request, pk)
        a = get_object_or_404(Revision, pk=request.GET.get("a"), post=post)
        b = get_object_or_404(Revision, pk=request.GET.get("b"), post=post)
        if (a.created_at, a.pk) > (b.created_at, b.pk):
            a, b = b, a
        fields = [
            (label, side_by_side(old, new))
            for label, old, new in readable_changes(a.data, b.data, field_changes(a.data, b.data))
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"リビジョンの比較: {post.title}",
            "post": post,
            "a": a,
            "b": b,
            "fields": fields,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/editorial/compare.html", context)

    def restore_view(self, request, pk, rid):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post_for(request, pk, edit=True)
        revision = get_object_or_404(Revision, pk=rid, post=post)
        restore_revision(revision, by=request.user)
        messages.success(request, f"リビジョン {rid} を復元しました（元に戻すこともできます）。")
        return self._back(post)

    def comment_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post_for(request, pk)
        body = request.POST.get("body", "").strip()
        if not body:
            messages.error(request, "コメントを入力してください。")
            return self._back(post)
        comment = ReviewComment.objects.create(
            post=post, author=request.user, body=body, quote=request.POST.get("quote", "").strip()
        )
        notifications.comment_posted(comment)
        messages.success(request, "コメントを追加しました。")
        return self._back(post)

    def resolve_view(self, request, pk, cid):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post_for(request, pk)
        comment = get_object_or_404(ReviewComment, pk=cid, post=post)
        if not (comment.author_id == request.user.pk or workflow.can_edit(request.user, post)):
            raise PermissionDenied
        comment.resolved_at = timezone.now()
        comment.resolved_by = request.user
        comment.save(update_fields=["resolved_at", "resolved_by"])
        return self._back(post)

    def share_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post_for(request, pk, edit=True)
        days = settings.EDITORIAL_SHARE_LINK_DAYS
        with contextlib.suppress(ValueError):
            days = max(1, min(90, int(request.POST.get("days") or days)))
        link = ShareLink.objects.create(
            post=post, created_by=request.user, expires_at=timezone.now() + dt.timedelta(days=days)
        )
        log(post, A.SHARE_CREATE, by=request.user, data={"link": link.pk, "days": days})
        messages.success(request, f"共有リンクを作成しました（{days}日間有効）。")
        return self._back(post)

    def revoke_view(self, request, pk, sid):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post_for(request, pk, edit=True)
        link = get_object_or_404(ShareLink, pk=sid, post=post)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            log(post, A.SHARE_REVOKE, by=request.user, data={"link": link.pk})
        messages.success(request, "共有リンクを無効にしました。")
        return self._back(post)


admin.site.unregister(Post)
admin.site.register(Post, EditorialPostAdmin)


class AuditScopeFilter(admin.SimpleListFilter):
    title = "対象"
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("post", "記事"), ("site", "サイト全体（権限・トークンなど）")]

    def queryset(self, request, queryset):
        if self.value() == "post":
            return queryset.filter(post__isnull=False)
        if self.value() == "site":
            return queryset.filter(post__isnull=True)
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "post_title", "actor", "from_status", "to_status"]
    list_filter = ["action", AuditScopeFilter, "to_status", "actor"]
    search_fields = ["post_title", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NotificationPreferenceForm(forms.ModelForm):
    disabled_kinds = forms.TypedMultipleChoiceField(
        label="受け取らない通知",
        choices=NotificationPreference.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="チェックした種類のメールは届かなくなります。",
    )

    class Meta:
        model = NotificationPreference
        fields = ["user", "disabled_kinds"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Everyone switches their own notification kinds; only a superuser sees and sets others'."""

    form = NotificationPreferenceForm
    list_display = ["user", "disabled_labels"]

    @admin.display(description="受け取らない通知")
    def disabled_labels(self, obj):
        labels = dict(NotificationPreference.Kind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in obj.disabled_kinds) or "なし"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return ["user", "disabled_kinds"] if request.user.is_superuser else ["disabled_kinds"]

    def _own(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def add_view(self, request, form_url="", extra_context=None):
        # One row per user: someone who has theirs already changes it instead.
        if not request.user.is_superuser:
            mine = NotificationPreference.objects.filter(user=request.user).first()
            if mine is not None:
                return redirect("admin:editorial_notificationpreference_change", mine.pk)
        return super().add_view(request, form_url, extra_context)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.user = request.user  # never anybody else's, whatever the request says
        super().save_model(request, obj, form, change)


@staff_member_required
def desk_view(request):
    context = {
        **admin.site.each_context(request),
        "title": "編集デスク",
        "queues": queues_for(request.user),
    }
    return TemplateResponse(request, "admin/editorial/desk.html", context)


@staff_member_required
def scheduled_view(request):
    now = timezone.now()
    posts = (
        Post.objects.filter(status=PostStatus.PUBLISHED, published_at__gt=now)
        .select_related("category", "author")
        .defer("body", "body_html", "body_text")
        .order_by("published_at")
    )
    context = {
        **admin.site.each_context(request),
        "title": "予約投稿",
        "posts": posts,
        "can_publish": request.user.has_perm("blog.publish_post"),
    }
    return TemplateResponse(request, "admin/editorial/scheduled.html", context)
