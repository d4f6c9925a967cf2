"""Revisions: every save of a post stores what an editor can change, so nothing is ever lost."""

from django.db import transaction

from blog.models import AffiliateBook, Author, Category, Post, PostBook, RelatedPost
from editorial.audit import log
from editorial.logic.draft import FORM_FIELD_LABELS, TEXT_FIELDS
from editorial.models import AuditEntry, Revision

CONTENT_FIELDS = [
    "title",
    "slug",
    "excerpt",
    "description",
    "body",
    "canonical_url",
    "noindex",
    "reading_time_override",
]


def snapshot(post: Post) -> dict:
    data = {name: getattr(post, name) for name in CONTENT_FIELDS}
    data["category_id"] = post.category_id
    data["author_id"] = post.author_id
    data["tags"] = sorted(post.tags.names())
    data["books"] = [
        {"book_id": link.book_id, "position": link.position, "note": link.note}
        for link in post.book_links.order_by("position", "pk")
    ]
    data["related"] = list(
        post.related_links.order_by("position", "pk").values_list("related_id", flat=True)
    )
    data["ogp_image"] = post.ogp_image.name if post.ogp_image else ""
    data["ogp_image_source"] = post.ogp_image_source
    return data


def ensure_baseline(post: Post) -> Revision | None:
    """Before the first edit of a post that has no revision yet (imported, seeded, created
    before revisions existed), store what the database holds now, so that edit can be undone.
    Call before saving the edit."""
    if post.pk is None or post.revisions.exists():
        return None
    stored = Post.objects.get(pk=post.pk)
    return Revision.objects.create(
        post=stored,
        created_by=None,
        post_version=stored.version,
        data=snapshot(stored),
        note="最初の記録（編集前の内容）",
    )


def record_revision(post: Post, *, by=None, note: str = "") -> Revision:
    """Store the post's current content as a revision (call after the post and its tags,
    books and related posts are saved). Skips a revision identical to the previous one."""
    data = snapshot(post)
    latest = post.revisions.order_by("-created_at", "-pk").first()
    if latest is not None and latest.data == data:
        return latest
    return Revision.objects.create(
        post=post, created_by=by, post_version=post.version, data=data, note=note
    )


def apply_snapshot(post: Post, data: dict, *, trial: bool = False) -> Post:
    """Write content in `snapshot()` form to the post (a new one is created): one save, then
    its tags, books and related posts. Call inside a transaction.

    `trial` writes only the content columns (rendered), without bumping the version or drawing
    the social card: for checking content inside a savepoint that is then rolled back.
    """
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(post, name, data[name])
    # What the snapshot points at may have been deleted since: such a reference is dropped
    # (the category) or left as it is now (the author), never an integrity error.
    category_id = data.get("category_id")
    if category_id is not None and not Category.objects.filter(pk=category_id).exists():
        category_id = None
    post.category_id = category_id
    if data.get("author_id") and Author.objects.filter(pk=data["author_id"]).exists():
        post.author_id = data["author_id"]
    if not trial and "ogp_image_source" in data:
        # Uploaded cards are stored by content and never deleted, so the name still serves.
        image = data.get("ogp_image") or ""
        source = data["ogp_image_source"]
        if source != Post.OgpImageSource.UPLOADED or image:
            post.ogp_image_source = source
            post.ogp_image = image
    if trial:
        post.render()
        rendered = ["body_html", "toc", "body_text", "reading_time"]
        post.save(update_fields=[*CONTENT_FIELDS, "category", "author", *rendered])
    else:
        post.save()
    post.tags.set(data.get("tags", []))
    post.book_links.all().delete()
    books = data.get("books", [])
    existing = set(
        AffiliateBook.objects.filter(pk__in=[b["book_id"] for b in books]).values_list(
            "pk", flat=True
        )
    )
    PostBook.objects.bulk_create(
        PostBook(post=post, book_id=b["book_id"], position=b["position"], note=b["note"])
        for b in books
        if b["book_id"] in existing
    )
    post.related_links.all().delete()
    RelatedPost.objects.bulk_create(
        RelatedPost(post=post, related_id=pk, position=i)
        for i, pk in enumerate(data.get("related", []))
        if pk != post.pk and Post.objects.filter(pk=pk).exists()
    )
    return post


@transaction.atomic
def restore_revision(revision: Revision, *, by) -> Revision:
    """Put a revision's content back as a new save (itself a revision, so it can be undone)."""
    from editorial import workflow

    post = Post.objects.select_for_update().get(pk=revision.post_id)
    ensure_baseline(post)
    workflow.return_to_review_if_approved(
        post, by=by, note="承認後にリビジョンを復元したため、もう一度レビューが必要です。"
    )
    apply_snapshot(post, revision.data)
    log(post, AuditEntry.Action.RESTORE, by=by, note=f"リビジョン {revision.pk} を復元")
    return record_revision(post, by=by, note=f"リビジョン {revision.pk} から復元")


# --- showing revisions to editors ------------------------------------------------------------

FIELD_LABELS = {
    **{name: FORM_FIELD_LABELS[name] for name in (*TEXT_FIELDS, "reading_time_override")},
    "canonical_url": "canonical URL",
    "noindex": "検索エンジンに載せない",
    "category_id": FORM_FIELD_LABELS["category"],
    "author_id": "著者",
    "tags": FORM_FIELD_LABELS["tags"],
    "books": FORM_FIELD_LABELS["books"],
    "related": "関連記事",
    "ogp_image": "OGP 画像",
    "ogp_image_source": "OGP 画像の種類",
}


def readable_changes(old: dict, new: dict, names: list[str]) -> list[tuple[str, str, str]]:
    """(label, old text, new text) for each changed snapshot field: names for the ids a
    revision stores (category, author, books, related posts), one item per line for lists.
    Rows deleted since are shown by their id with 「削除済み」."""
    ids = {"category_id": set(), "author_id": set(), "books": set(), "related": set()}
    for data in (old, new):
        for name in ("category_id", "author_id"):
            if data.get(name) is not None:
                ids[name].add(data[name])
        ids["books"].update(b["book_id"] for b in data.get("books") or [])
        ids["related"].update(data.get("related") or [])
    categories = dict(Category.objects.filter(pk__in=ids["category_id"]).values_list("pk", "name"))
    authors = dict(Author.objects.filter(pk__in=ids["author_id"]).values_list("pk", "name"))
    books = {
        pk: f"{title}（{asin}）"
        for pk, title, asin in AffiliateBook.objects.filter(pk__in=ids["books"]).values_list(
            "pk", "title", "asin"
        )
    }
    posts = dict(Post.objects.filter(pk__in=ids["related"]).values_list("pk", "title"))

    def named(names_by_id: dict, pk) -> str:
        if pk is None:
            return "（なし）"
        return names_by_id.get(pk, f"（削除済み: ID {pk}）")

    def text(name: str, value) -> str:
        if name == "category_id":
            return named(categories, value)
        if name == "author_id":
            return named(authors, value)
        if name == "books":
            return "\n".join(
                f"{i}. {named(books, b['book_id'])}" + (f" — {b['note']}" if b.get("note") else "")
                for i, b in enumerate(value or [], 1)
            )
        if name == "related":
            return "\n".join(f"{i}. {named(posts, pk)}" for i, pk in enumerate(value or [], 1))
        if name == "tags":
            return "\n".join(value or [])
        if isinstance(value, bool):
            return "はい" if value else "いいえ"
        return "" if value is None else str(value)

    return [
        (FIELD_LABELS.get(name, name), text(name, old.get(name)), text(name, new.get(name)))
        for name in names
    ]
