"""Admin screens for the pipeline integration: API tokens (the secret is shown once, on the
page that follows creation, and stored only as a hash), update proposals with their diff and
apply/dismiss buttons, webhook endpoints and the delivery log.

Imported by `editorial.admin` (the module Django's admin autodiscovery loads).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from blog.models import Post, StalePostError
from editorial import workflow
from editorial.api import drafts
from editorial.audit import record_access_change
from editorial.logic.diff import field_changes, side_by_side
from editorial.models import (
    ApiToken,
    RevisionProposal,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from editorial.revisions import readable_changes, snapshot


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "state"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        # Someone who may manage tokens but is not a superuser sees (and makes) only their own.
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "user", "expires_at"]
        return ["name", "user", "prefix", "created_at", "created_by", "last_used_at",
                "expires_at", "revoked_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = get_user_model().objects.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="状態")
    def state(self, obj):
        problem = obj.problem()
        return {
            None: "有効",
            "token_revoked": "無効化済み",
            "token_expired": "期限切れ",
            "user_inactive": "ユーザーが無効",
        }[problem]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        if not request.user.is_superuser and obj.user_id != request.user.pk:
            raise PermissionDenied
        token, raw = ApiToken.objects.create_token(
            user=obj.user, name=obj.name, created_by=request.user, expires_at=obj.expires_at
        )
        # The admin goes on with `obj` (change message, redirect): make it the saved token.
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        obj.created_at, obj.created_by = token.created_at, token.created_by
        obj._state.adding = False
        request._kosei_new_token = raw
        record_access_change(
            "API トークン",
            f"{token.name}（{token.user}）",
            None,
            {"prefix": token.prefix, "user": str(token.user), "expires_at": str(token.expires_at)},
            by=request.user,
        )

    def response_add(self, request, obj, post_url_continue=None):
        # The secret exists only in this response: it is never stored in clear or in a
        # message cookie. Closing the page loses it; a new token is then needed.
        raw = getattr(request, "_kosei_new_token", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "API トークンを発行しました",
            "token": obj,
            "raw": raw,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/editorial/api/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="選んだトークンを無効にする", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = list(queryset.filter(revoked_at__isnull=True).select_related("user"))
        count = queryset.filter(pk__in=[t.pk for t in revoked]).update(revoked_at=timezone.now())
        for token in revoked:
            record_access_change(
                "API トークン",
                f"{token.name}（{token.user}）",
                {"prefix": token.prefix, "revoked": False},
                {"prefix": token.prefix, "revoked": True},
                by=request.user,
            )
        self.message_user(request, f"{count} 件のトークンを無効にしました。", messages.SUCCESS)


class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "post", "reason", "status", "created_at", "created_by"]
    list_filter = ["status", "reason"]
    list_select_related = ["post", "created_by"]
    search_fields = ["post__title"]
    change_form_template = "admin/editorial/api/proposal.html"
    fields = ["post", "reason", "status", "created_at", "created_by", "token_name",
              "base_version", "decided_at", "decided_by"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("blog.view_post")

    def has_module_permission(self, request):
        return request.user.has_perm("blog.view_post")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        if proposal is not None and self.has_view_permission(request, proposal):
            extra_context = {**(extra_context or {}), **self.diff_context(request, proposal)}
        return super().change_view(request, object_id, form_url, extra_context)

    def diff_context(self, request, proposal):
        post = proposal.post
        current = snapshot(post)
        proposed = {k: v for k, v in proposal.data.items() if k != "extra_api"}
        # Field names and ids as editors read them (labels, category and book names).
        fields = [
            (label, side_by_side(old, new))
            for label, old, new in readable_changes(
                current, proposed, field_changes(current, proposed)
            )
        ]
        return {
            "proposal": proposal,
            "post": post,
            "diff_fields": fields,
            "can_decide": proposal.status == RevisionProposal.Status.PENDING
            and workflow.can_edit(request.user, post),
        }

    def get_urls(self):
        own = [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="editorial_revisionproposal_decide",
            )
        ]
        return own + super().get_urls()

    def decide_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        proposal = get_object_or_404(RevisionProposal.objects.select_related("post"), pk=pk)
        if not workflow.can_edit(request.user, proposal.post):
            raise PermissionDenied
        back = reverse("admin:blog_post_change", args=[proposal.post_id])
        if proposal.status != RevisionProposal.Status.PENDING:
            messages.warning(request, "この提案はすでに対応済みです。")
            return redirect(back)
        if request.POST.get("decision") == "apply":
            try:
                drafts.apply_proposal(proposal, by=request.user)
            except StalePostError as exc:
                messages.error(request, str(exc))
                return redirect(back)
            messages.success(
                request, f"更新提案 #{proposal.pk} を反映しました（変更履歴から戻せます）。"
            )
        else:
            drafts.dismiss_proposal(proposal, by=request.user)
            messages.success(request, f"更新提案 #{proposal.pk} を見送りました。")
        return redirect(back)


admin.site.register(RevisionProposal, ProposalAdmin)


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label="送るイベント",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="何も選ばなければ全イベントを送ります。",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "is_active", "created_at"]
    readonly_fields = ["secret"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "events", "is_active"]
        return fields + ["secret"] if obj is not None else fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "post_link",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint", "post"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [
        "uuid",
        "endpoint",
        "event",
        "post",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "response_status",
        "last_error",
        "created_at",
        "delivered_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="記事")
    def post_link(self, obj):
        if obj.post_id is None:
            return "—"
        url = reverse("admin:blog_post_change", args=[obj.post_id])
        return format_html('<a href="{}">{}</a>', url, obj.post)

    @admin.action(description="今すぐ再送する（deliver_webhooks の次の実行で送ります）")
    def retry_now(self, request, queryset):
        count = queryset.exclude(status=WebhookDelivery.Status.SUCCEEDED).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now()
        )
        self.message_user(request, f"{count} 件を再送待ちにしました。", messages.SUCCESS)


def pending_proposals(post: Post):
    return list(
        post.proposals.filter(status=RevisionProposal.Status.PENDING)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
