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
]
_EDITOR_PERMS = _WRITER_PERMS + [
    "blog.review_post",
    "blog.add_affiliatebook",
    "blog.change_affiliatebook",
    "blog.view_redirect",
    "taggit.add_tag",
    "taggit.change_tag",
]
_CHIEF_PERMS = _EDITOR_PERMS + [
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
            wanted.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
