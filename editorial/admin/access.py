"""Who may do what is part of the audit trail: changes to users' roles, permissions and staff
flags, to groups' permissions, and API tokens issued or revoked are recorded in the audit log
(action 「権限の変更」), with who made them and the state before and after."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from editorial.audit import record_access_change

User = get_user_model()


def _permissions(queryset) -> list[str]:
    return sorted(
        f"{app}.{codename}"
        for app, codename in queryset.values_list("content_type__app_label", "codename")
    )


def user_access(pk) -> dict:
    user = User.objects.get(pk=pk)
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": _permissions(user.user_permissions),
    }


def group_access(pk) -> dict:
    group = Group.objects.get(pk=pk)
    return {"name": group.name, "permissions": _permissions(group.permissions)}


class _AuditedAccess:
    """Reads the access state before the form is saved and compares it after the many-to-many
    fields (groups, permissions) are saved too."""

    access_kind = ""
    access_state = staticmethod(lambda pk: {})

    def save_model(self, request, obj, form, change):
        obj._access_before = self.access_state(obj.pk) if change and obj.pk else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        record_access_change(
            self.access_kind,
            str(obj),
            getattr(obj, "_access_before", None),
            self.access_state(obj.pk),
            by=request.user,
        )


class AuditedUserAdmin(_AuditedAccess, UserAdmin):
    access_kind = "ユーザー"
    access_state = staticmethod(user_access)


class AuditedGroupAdmin(_AuditedAccess, GroupAdmin):
    access_kind = "グループ"
    access_state = staticmethod(group_access)


# django.contrib.auth registered its own admins first (it comes before editorial in
# INSTALLED_APPS); these take their place.
for _model, _model_admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)
