"""The article page."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from blog.cache import fragment_key, public_page
from blog.logic.seo import json_ld, share_links
from blog.logic.toc import nest_toc
from blog.models import HEAVY_FIELDS, Post, PostBook, RelatedPost, TaggedPost
from blog.ogp.meta import og_image
from blog.seo import article_data, breadcrumb_list
from blog.views.common import call_to_action_for

RELATED_COUNT = 6


def _card(post: Post) -> dict:
    category = post.category
    return {
        "title": post.title,
        "public_path": post.public_path,
        "published_at": post.published_at,
        "category": {"name": category.name, "slug": category.slug} if category else None,
    }


def _related(post: Post, tag_ids: list[int]) -> list[dict]:
    """Manual choices first, then posts sharing the most tags, then the same category."""
    now = post._now
    manual = [
        link.related
        for link in RelatedPost.objects.filter(
            post=post,
            related__status=Post.Status.PUBLISHED,
            related__published_at__lte=now,
        )
        .select_related("related__category")
        .defer(*(f"related__{f}" for f in HEAVY_FIELDS))
        .order_by("position", "pk")[:RELATED_COUNT]
    ]
    # Always the same two queries (a fixed count whatever the manual choices), then trimmed.
    candidates = Q(category_id=post.category_id)
    shared = Value(0)
    if tag_ids:
        tagged = TaggedPost.objects.filter(tag_id__in=tag_ids)
        candidates |= Q(pk__in=tagged.values("content_object_id"))
        shared = Coalesce(
            Subquery(
                tagged.filter(content_object_id=OuterRef("pk"))
                .order_by()
                .values("content_object_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        )
    automatic = list(
        Post.objects.published(now=now)
        .filter(candidates)
        .exclude(pk__in=[post.pk, *(p.pk for p in manual)])
        .annotate(
            shared=shared,
            same_category=Case(
                When(category_id=post.category_id, then=1),
                default=0,
                output_field=IntegerField(),
            ),
        )
        .for_cards()
        .order_by("-shared", "-same_category", "-published_at", "-pk")[:RELATED_COUNT]
    )
    return [_card(p) for p in (manual + automatic)[:RELATED_COUNT]]


def _neighbour(post: Post, newer: bool) -> dict | None:
    if post.published_at is None:
        return None  # a draft seen through a share link has no place in the sequence yet
    # A post without a category gets its neighbours among the uncategorised (same query).
    base = Post.objects.published(now=post._now).filter(category_id=post.category_id).for_cards()
    if newer:
        later = Q(published_at__gt=post.published_at) | Q(
            published_at=post.published_at, pk__gt=post.pk
        )
        found = base.filter(later).order_by("published_at", "pk").first()
    else:
        earlier = Q(published_at__lt=post.published_at) | Q(
            published_at=post.published_at, pk__lt=post.pk
        )
        found = base.filter(earlier).order_by("-published_at", "-pk").first()
    return _card(found) if found else None


def _around(post: Post) -> dict:
    """Everything around the body that comes from other rows, cached per post version."""
    key = fragment_key("around", post.pk, post.version)
    data = cache.get(key)
    if data is not None:
        return data
    tags = list(post.tags.order_by("name").values("id", "name", "slug"))
    books = [
        {
            "title": link.book.title,
            "url": link.book.amazon_url,
            "description": link.note or link.book.description,
            "cover": link.book.cover.url if link.book.cover else "",
        }
        for link in PostBook.objects.filter(post=post, book__is_active=True)
        .select_related("book")
        .order_by("position", "pk")
    ]
    data = {
        "tags": tags,
        "books": books,
        "related": _related(post, [t["id"] for t in tags]),
        "newer": _neighbour(post, newer=True),
        "older": _neighbour(post, newer=False),
    }
    cache.set(key, data, settings.FRAGMENT_CACHE_SECONDS)
    return data


# Stands in for the body while the page around it is rendered and cached (see post_detail).
BODY_MARKER = mark_safe("<!--kosei:article-body-->")


@public_page
def post_detail(request, year: int, month: int, day: int, slug: str):
    """The article: one query for the post, its rendered body (stored on save) placed inside
    the page around it, which is rendered once per post version and public generation."""
    try:
        url_date = dt.date(year, month, day)
    except ValueError:
        raise Http404("日付が正しくありません。") from None
    # The page around the body is rendered once per public generation (any public change
    # starts a new one) and post version; while it is cached a request reads only the body
    # (building the full model query with its joins took longer than running it).
    published = Post.objects.published().filter(url_date=url_date, slug=slug)
    slug_hash = hashlib.blake2b(slug.encode(), digest_size=12).hexdigest()
    key = fragment_key("article-shell", url_date.isoformat(), slug_hash)
    cached = cache.get(key)
    if cached is not None:
        found = published.values_list("version", "body_html").first()
        if found is None:
            raise Http404("記事が見つかりません。")
        version, body_html = found
        if version == cached["version"]:
            before, after = cached["shell"]
            return HttpResponse(before + body_html + after)
    post = get_object_or_404(
        # The Markdown source and the plain text are as long as the body and never shown.
        published.select_related("author", "category").defer("body", "body_text")
    )
    html = render_to_string("blog/post_detail.html", _context(post), request)
    before, after = html.split(BODY_MARKER, 1)
    cache.set(
        key, {"version": post.version, "shell": (before, after)}, settings.FRAGMENT_CACHE_SECONDS
    )
    return HttpResponse(before + post.body_html + after)


def article_context(post: Post, *, path: str | None = None, body=BODY_MARKER) -> dict:
    """The article template's context. `path` and `body` are given by a page that shows a post
    that has no public URL yet (the editorial share-link preview)."""
    return _context(post, path=path, body=body)


def _context(post: Post, *, path: str | None = None, body=BODY_MARKER) -> dict:
    post._now = timezone.now()  # one instant for every query of this page
    path = path or post.get_absolute_url()
    around = _around(post)
    tag_names = [t["name"] for t in around["tags"]]
    image = og_image(post)
    crumbs = []
    if post.category:
        crumbs.append({"name": post.category.name, "url": f"/category/{post.category.slug}/"})
    crumbs.append({"name": post.title, "url": path})
    return {
        "post": post,
        "body": body,
        "tags": around["tags"],
        "books": around["books"],
        "related_posts": around["related"],
        "newer": around["newer"],
        "older": around["older"],
        "call_to_action": call_to_action_for(post.category_id),
        "og_image": image,
        "breadcrumbs": crumbs,
        "json_ld": json_ld([article_data(post, image, tag_names), breadcrumb_list(crumbs)]),
        "share_links": share_links(settings.SITE_URL + path, post.title),
        "absolute_url": settings.SITE_URL + path,
        "show_toc": sum(1 for entry in post.toc if entry["level"] == 2) >= 3,
        "toc": nest_toc(post.toc),
        "twitter_site": settings.TWITTER_SITE,
        "show_disclosure": bool(around["books"]) or post.has_affiliate_links,
        "affiliate_disclosure": settings.AFFILIATE_DISCLOSURE,
        "section_feed": f"/feeds/{post.category.slug}.xml" if post.category else None,
        "section_feed_title": f"{post.category.name}の新着記事" if post.category else None,
    }
