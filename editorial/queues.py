"""The editor's work queues: what each user has to do next, and the admin front page's list of
it."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
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


@dataclass
class Task:
    key: str
    title: str
    url: str
    count: int | None = None


def dashboard_for(user) -> list[Task]:
    """The admin front page's work, the user's main task first, by what they may do (not by
    role name): publishing (the desk's approved queue, then the scheduled posts), reviewing
    (the review queue, then the site's quality), writing (a new post, then their own drafts and
    returned posts). A writer is offered nothing beyond their own posts."""
    counts = counts_for(user)
    desk = reverse("editorial_desk")
    publish, review, write = [], [], []
    if user.has_perm("blog.publish_post"):
        publish = [
            Task("approved", "承認済み・公開待ち", desk + "#q-approved", counts["approved"]),
            Task("scheduled", "予約投稿", reverse("editorial_scheduled"), counts["scheduled"]),
        ]
    if user.has_perm("blog.review_post"):
        in_review = reverse("admin:blog_post_changelist") + "?state=" + S.IN_REVIEW
        review = [
            Task("to_review", "レビュー待ち", in_review, counts["to_review"]),
            Task("quality", "品質チェック（サイト全体）", reverse("editorial_quality:dashboard")),
        ]
    if user.has_perm("blog.add_post"):
        write = [
            Task("new_post", "新しい記事を書く", reverse("admin:blog_post_add")),
            Task("my_drafts", "自分の下書き", desk + "#q-my_drafts", counts["my_drafts"]),
            Task("returned", "差し戻された自分の記事", desk + "#q-returned", counts["returned"]),
        ]
    return publish + review + write
