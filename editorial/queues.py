"""The editor's work queues: what each user has to do next."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from blog.models import Post, PostStatus

S = PostStatus


@dataclass
class Queue:
    key: str
    title: str
    posts: QuerySet


def _querysets(user) -> list[Queue]:
    now = timezone.now()
    base = Post.objects.select_related("category", "author", "created_by").defer(
        "body", "body_html", "body_text", "toc"
    )
    recent_first = ("-updated_at", "-pk")
    queues = [
        Queue(
            "my_drafts",
            "自分の下書き",
            base.filter(created_by=user, status=S.DRAFT).order_by(*recent_first),
        ),
        Queue(
            "returned",
            "差し戻された自分の記事",
            base.filter(created_by=user, status=S.CHANGES_REQUESTED).order_by(*recent_first),
        ),
    ]
    if user.has_perm("blog.review_post"):
        queues.append(
            Queue(
                "to_review",
                "レビュー待ち",
                base.filter(status=S.IN_REVIEW).order_by("updated_at", "pk"),
            )
        )
    if user.has_perm("blog.publish_post"):
        queues.append(
            Queue(
                "approved",
                "承認済み・公開待ち",
                base.filter(status=S.APPROVED).order_by("updated_at", "pk"),
            )
        )
    queues.append(
        Queue(
            "scheduled",
            "予約投稿",
            base.scheduled(now).order_by("published_at"),
        )
    )
    queues.append(
        Queue(
            "recent",
            "最近公開",
            base.filter(status=S.PUBLISHED, published_at__lte=now).order_by("-published_at"),
        )
    )
    return queues


def queues_for(user, *, limit: int = 20) -> list[Queue]:
    queues = _querysets(user)
    for queue in queues:
        queue.posts = queue.posts[:limit]
    return queues


def counts_for(user) -> dict[str, int]:
    """Counts for the admin index (one COUNT per queue)."""
    return {q.key: q.posts.count() for q in _querysets(user) if q.key != "recent"}
