"""One way to write the audit log."""

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
