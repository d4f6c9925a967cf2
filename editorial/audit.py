"""One way to write the audit log, and the entry for a change of who may do what."""

from blog.models import Post
from editorial.models import AuditEntry


def log(
    post: Post | None,
    action: str,
    *,
    by=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        post=post,
        post_title=post.title if post is not None else "",
        actor=by if (by is not None and by.is_authenticated) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def record_access_change(kind: str, name: str, before: dict | None, after: dict, *, by) -> None:
    if before == after:
        return
    changed = sorted(k for k in after if before is None or before.get(k) != after[k])
    verb = "作成" if before is None else "変更"
    log(
        None,
        AuditEntry.Action.PERMISSION,
        by=by,
        note=f"{kind}「{name}」の権限を{verb}: {', '.join(changed)}",
        data={"kind": kind, "name": name, "before": before, "after": after},
    )
