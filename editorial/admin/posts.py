"""The one Post admin: the post page with its workflow panel, history and diffs, review
comments and share links. It is declared here once, statically, from the mixins of the
features it shows: the quality panel (`editorial.quality.admin`), the desk
(`editorial.desk.admin`), the post list (`editorial.admin.post_list`) and blog's base admin
(fields, inlines, OGP). blog registers no Post admin of its own (blog must not know editorial).
"""

import contextlib
import datetime as dt

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from blog.admin import PostAdminBase
from blog.models import Post
from editorial import notifications, workflow
from editorial.admin.post_list import PostListMixin
from editorial.api.admin import pending_proposals
from editorial.audit import log
from editorial.desk.admin import DeskAdminMixin
from editorial.logic.diff import field_changes, side_by_side
from editorial.models import (
    AuditEntry,
    ReviewComment,
    Revision,
    ShareLink,
)
from editorial.quality import checking
from editorial.quality.admin import QualityAdminMixin
from editorial.revisions import (
    FIELD_LABELS,
    ensure_baseline,
    readable_changes,
    record_revision,
    restore_revision,
)

A = AuditEntry.Action


def _state_field(name):
    return "status_label" if name == "status" else name


@admin.register(Post)
class PostAdmin(QualityAdminMixin, DeskAdminMixin, PostListMixin, PostAdminBase):
    change_form_template = "admin/editorial/post_change_form.html"

    # --- permissions: the server decides, whatever the page showed -----------------------

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("blog.delete_post")

    def get_readonly_fields(self, request, obj=None):
        fields = [
            "status",
            "status_label",
            "published_at",
            *super().get_readonly_fields(request, obj),
        ]
        if not request.user.has_perm("blog.publish_post"):
            fields.append("url_date")
        return fields

    def get_fieldsets(self, request, obj=None):
        # The state as editors read it (a scheduled post is not 「公開」), in the status's place.
        return [
            (name, {**options, "fields": [_state_field(f) for f in options["fields"]]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description="状態", ordering="status")
    def status_label(self, obj):
        return workflow.state_label(obj)

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
        transaction.on_commit(lambda: checking.refresh_report(post_id))

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
            "state_label": workflow.state_label(post),
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
            "api_proposals": pending_proposals(post),
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
            when = workflow.parse_jst(request.POST["when"])
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
            transition = workflow.TRANSITIONS[request.POST["action"]]
            messages.success(request, transition.done_message(f"「{post.title}」"))
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
