"""The quality checks in the admin: the findings panel on the post page (a mixin of the one
Post admin, editorial/admin/posts.py) and the admin for house style rules, severities and
settings."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from blog.models import Post
from editorial.logic.checks import CODES, code_info
from editorial.logic.draft import SEVERITY_LABELS
from editorial.models import CheckSeverity, QualitySettings, StyleRule
from editorial.quality import checking
from editorial.quality.panel import findings_for, render_panel


class QualityAdminMixin:
    """Put in front of a Post ModelAdmin: adds the findings panel at the top of the change page
    and `quality_block_reason` / `quality_findings` to its context (for the publish button)."""

    quality_fieldset_title = "品質チェック"

    @property
    def media(self):
        return super().media + forms.Media(
            js=["editorial/quality.js"], css={"all": ["editorial/quality.css"]}
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._quality_request = request  # the readonly field below has no request
        return obj

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is None else [*fields, "quality_panel"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        return [(self.quality_fieldset_title, {"fields": ["quality_panel"]}), *fieldsets]

    @admin.display(description="指摘")
    def quality_panel(self, obj):
        request = getattr(obj, "_quality_request", None)
        if request is None or obj.pk is None:
            return "保存するとチェックします。"
        return render_panel(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = Post.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if post is not None and self.has_view_or_change_permission(request, post):
            findings = findings_for(request, post)
            extra_context = {
                **(extra_context or {}),
                "quality_findings": findings,
                "quality_block_reason": checking.publish_block_reason(findings),
            }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(StyleRule)
class StyleRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "pattern", "is_regex", "severity", "replacement", "is_active"]
    list_editable = ["severity", "is_active"]
    list_filter = ["severity", "is_active", "is_regex"]
    search_fields = ["name", "key", "pattern", "message"]
    fields = [
        "name",
        "key",
        "pattern",
        "is_regex",
        "message",
        "severity",
        "replacement",
        "order",
        "is_active",
    ]


def _code_choices() -> list[tuple[str, str]]:
    # Grouped by what they check, named in Japanese (the code is the stored value only).
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, info in sorted(CODES.items(), key=lambda item: (item[1].group_label, item[0])):
        groups.setdefault(info.group_label, []).append((code, info.label))
    rules = [(f"style.{rule.key}", rule.name or rule.pattern) for rule in StyleRule.objects.all()]
    if rules:
        groups["表記ルール"] = rules
    return list(groups.items())


class CheckSeverityForm(forms.ModelForm):
    class Meta:
        model = CheckSeverity
        fields = ["code", "severity", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = forms.ChoiceField(label="チェック", choices=_code_choices())


@admin.register(CheckSeverity)
class CheckSeverityAdmin(admin.ModelAdmin):
    form = CheckSeverityForm
    list_display = ["check_label", "default_severity", "severity", "note"]

    @admin.display(description="チェック", ordering="code")
    def check_label(self, obj):
        return format_html('<span title="{}">{}</span>', obj.code, obj.check_label)

    @admin.display(description="既定の重要度")
    def default_severity(self, obj):
        return SEVERITY_LABELS.get(code_info(obj.code).severity, "")


@admin.register(QualitySettings)
class QualitySettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings = QualitySettings.load()
        return redirect(reverse("admin:editorial_qualitysettings_change", args=[settings.pk]))
