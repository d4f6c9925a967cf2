"""The editorial roles as permission sets.

Code checks permissions, never group names: a site can define other roles in the admin.
These three are the defaults the team works with.
"""

WRITER = "執筆者"
EDITOR = "編集者"
CHIEF_EDITOR = "編集長"

_WRITER_PERMS = [
    "blog.view_post",
    "blog.add_post",
    "blog.change_post",
    "blog.view_author",
    "blog.view_category",
    "blog.view_affiliatebook",
    "blog.view_calltoaction",
    "taggit.view_tag",
    # Everyone manages their own notification switches.
    "editorial.view_notificationpreference",
    "editorial.add_notificationpreference",
    "editorial.change_notificationpreference",
]
_EDITOR_PERMS = _WRITER_PERMS + [
    # Editors issue their own API tokens. A writer is offered none: the AI pipeline acts
    # through a writer account whose token an administrator issues (docs/api.md).
    "editorial.view_apitoken",
    "editorial.add_apitoken",
    "editorial.change_apitoken",
    "blog.review_post",
    "blog.add_affiliatebook",
    "blog.change_affiliatebook",
    "blog.view_redirect",
    "taggit.add_tag",
    "taggit.change_tag",
    "editorial.view_auditentry",
]
# Editors maintain the house style rules; the chief editor also tunes the checks.
_EDITOR_PERMS += [
    "editorial.view_stylerule",
    "editorial.add_stylerule",
    "editorial.change_stylerule",
    "editorial.delete_stylerule",
    "editorial.view_checkseverity",
    "editorial.view_qualitysettings",
]
_CHIEF_PERMS = _EDITOR_PERMS + [
    "editorial.add_checkseverity",
    "editorial.change_checkseverity",
    "editorial.delete_checkseverity",
    "editorial.change_qualitysettings",
    "blog.publish_post",
    "blog.override_quality_gate",
    "blog.delete_post",
    "blog.add_author",
    "blog.change_author",
    "blog.change_category",
    "blog.add_calltoaction",
    "blog.change_calltoaction",
    "blog.add_redirect",
    "blog.change_redirect",
    "blog.delete_redirect",
    "taggit.delete_tag",
    "blog.view_page",
    "blog.add_page",
    "blog.change_page",
    "editorial.view_webhookendpoint",
    "editorial.view_webhookdelivery",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    WRITER: _WRITER_PERMS,
    EDITOR: _EDITOR_PERMS,
    CHIEF_EDITOR: _CHIEF_PERMS,
}


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    for group_name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None and _model_exists(permission_model, app_label, codename):
                raise LookupError(f"permission {dotted} does not exist")
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def _model_exists(permission_model, app_label: str, codename: str) -> bool:
    """Whether the permission's model has been migrated yet: an early migration syncs the
    roles before later migrations create the models some permissions belong to (they are
    added when the roles are synced again), but a misspelt permission must still fail."""
    model = codename.split("_", 1)[1]
    return permission_model.objects.filter(
        content_type__app_label=app_label, content_type__model=model
    ).exists()
