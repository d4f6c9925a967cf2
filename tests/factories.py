"""Small builders for test data: make_post(**overrides) and friends, no fixtures."""

import datetime as dt
import itertools

from django.utils import timezone

from blog.models import AffiliateBook, Author, Category, Post

_seq = itertools.count(1)


def make_author(**overrides) -> Author:
    n = next(_seq)
    fields = {"name": f"テスト編集部{n}", "slug": f"team-{n}", "is_organization": True}
    fields.update(overrides)
    return Author.objects.create(**fields)


def make_category(**overrides) -> Category:
    n = next(_seq)
    fields = {"name": f"カテゴリ{n}", "slug": f"cat-{n}", "order": n}
    fields.update(overrides)
    return Category.objects.create(**fields)


def make_book(**overrides) -> AffiliateBook:
    fields = {"title": "テスト書籍", "asin": "4798181986"}
    fields.update(overrides)
    return AffiliateBook.objects.create(**fields)


def make_post(*, tags=(), **overrides) -> Post:
    """A published post from yesterday unless overridden; author and category created."""
    n = next(_seq)
    fields = {
        "title": f"テスト記事{n}",
        "slug": f"test-post-{n}",
        "status": Post.Status.PUBLISHED,
        "published_at": timezone.now() - dt.timedelta(days=1),
        "body": "## 見出し\n\n本文です。",
    }
    fields.update(overrides)
    if "author" not in fields:
        fields["author"] = make_author()
    if "category" not in fields:
        fields["category"] = make_category()
    post = Post(**fields)
    post.save()
    if tags:
        post.tags.set(list(tags))
    return post
