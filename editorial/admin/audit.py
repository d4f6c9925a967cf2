"""The audit log (read-only for everyone) and each editor's notification settings."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect

from editorial.models import AuditEntry, NotificationPreference


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
    list_display = ["user_name", "disabled_labels"]

    @admin.display(description="ユーザー", ordering="user__username")
    def user_name(self, obj):
        return obj.user.get_full_name() or obj.user.get_username()

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
