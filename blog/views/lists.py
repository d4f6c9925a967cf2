"""List pages: home, category, tag, author (paginated /page2/...), tags and archives."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from taggit.models import Tag

from blog.cache import fragment_key, public_page
from blog.models import Author, Category, Post
from blog.views.common import card_html, page_links, paginate, public_tag_or_404


def _list_page(request, *, posts, page: int, base_path: str, context: dict, route: str, **kw):
    if page == 1:
        # /page1/ is the list itself; one URL per page.
        return redirect(base_path, permanent=True)
    page_obj = paginate(posts, page or 1, count_key=fragment_key("list-count", base_path))
    # The page around the cards is rendered once per path and public generation; the cards
    # themselves come from the database on every request.
    key = fragment_key("list-shell", request.path)
    shell = cache.get(key)
    if shell is None:
        html = render_to_string(
            "blog/post_list.html",
            {
                "cards": CARDS_MARKER,
                "page_obj": page_obj,
                "base_path": base_path,
                **page_links(page_obj, base_path),
                **context,
            },
            request,
        )
        shell = html.split(CARDS_MARKER, 1)
        cache.set(key, shell, settings.FRAGMENT_CACHE_SECONDS)
    cards = _cards(posts, page_obj)
    return HttpResponse(shell[0] + (cards or EMPTY_LIST) + shell[1])


def _cards(posts, page_obj) -> str:
    """The page's cards: one light query for which posts (and their versions), then each card
    from the fragment cache, built only for the posts not cached in this generation."""
    start = page_obj.start_index() - 1 if page_obj.paginator.count else 0
    listed = list(posts.values_list("pk", "version")[start : start + page_obj.paginator.per_page])
    keys = {pk: fragment_key("card", pk, version) for pk, version in listed}
    cached = cache.get_many(list(keys.values())) if keys else {}
    missing = [pk for pk, _ in listed if keys[pk] not in cached]
    if missing:
        fresh = {keys[post.pk]: card_html(post) for post in posts.filter(pk__in=missing)}
        cache.set_many(fresh, settings.FRAGMENT_CACHE_SECONDS)
        cached.update(fresh)
    return "".join(cached[keys[pk]] for pk, _ in listed)


CARDS_MARKER = mark_safe("<!--kosei:cards-->")
EMPTY_LIST = "<p>公開中の記事はまだありません。</p>"


@public_page
def home(request, page: int | None = None):
    return _list_page(
        request,
        posts=Post.objects.published().for_cards(),
        page=page,
        base_path="/",
        route="home",
        context={"is_home": True},
    )


@public_page
def category(request, slug: str, page: int | None = None):
    category = get_object_or_404(Category, slug=slug)
    return _list_page(
        request,
        posts=Post.objects.published().in_category(category).for_cards(),
        page=page,
        base_path=f"/category/{category.slug}/",
        route="category",
        context={
            "heading": category.name,
            "list_description": category.description,
            "category": category,
            "section_feed": f"/feeds/{category.slug}.xml",
            "section_feed_guide": f"/feeds/category/{category.slug}/",
            "section_feed_title": f"{category.name}の新着記事",
            "breadcrumbs": [{"name": category.name, "url": f"/category/{category.slug}/"}],
        },
    )


@public_page
def tag(request, slug: str, page: int | None = None):
    tag = public_tag_or_404(slug)
    base = iri_to_uri(f"/tag/{tag.slug}/")
    return _list_page(
        request,
        posts=Post.objects.published().with_tag(tag.slug).for_cards(),
        page=page,
        base_path=base,
        route="tag",
        context={
            "heading": f"タグ「{tag.name}」",
            "list_description": f"「{tag.name}」のタグが付いた記事の一覧です。",
            "section_feed": f"{base}feed.xml",
            "section_feed_guide": iri_to_uri(f"/feeds/tag/{tag.slug}/"),
            "section_feed_title": f"タグ「{tag.name}」の新着記事",
            "breadcrumbs": [
                {"name": "タグ一覧", "url": "/tags/"},
                {"name": tag.name, "url": base},
            ],
        },
    )


@public_page
def author(request, slug: str, page: int | None = None):
    author = get_object_or_404(Author, slug=slug)
    return _list_page(
        request,
        posts=Post.objects.published().filter(author=author).for_cards(),
        page=page,
        base_path=f"/author/{author.slug}/",
        route="author",
        context={
            "heading": author.name,
            "list_description": author.bio or f"{author.name}の記事の一覧です。",
            "author": author,
            "breadcrumbs": [{"name": author.name, "url": f"/author/{author.slug}/"}],
        },
    )


@public_page
def tag_index(request):
    """/tags/: every tag in use by a public post, with its count (one page, as before)."""
    tags = (
        Tag.objects.filter(blog_taggedpost_items__content_object__in=Post.objects.published())
        .annotate(count=Count("blog_taggedpost_items"))
        .order_by("-count", "name")
    )
    return render(
        request,
        "blog/tag_list.html",
        {"tags": tags, "breadcrumbs": [{"name": "タグ一覧", "url": "/tags/"}]},
    )


def _month_counts(posts) -> list[dict]:
    rows = (
        posts.order_by()
        .values("url_date__year", "url_date__month")
        .annotate(count=Count("id"))
        .order_by("-url_date__year", "-url_date__month")
    )
    return [
        {"year": r["url_date__year"], "month": r["url_date__month"], "count": r["count"]}
        for r in rows
    ]


@public_page
def archive(request):
    months = _month_counts(Post.objects.published())
    years: dict[int, dict] = {}
    for row in months:
        years.setdefault(row["year"], {"year": row["year"], "count": 0, "months": []})
        years[row["year"]]["count"] += row["count"]
        years[row["year"]]["months"].append(row)
    return render(
        request,
        "blog/archive.html",
        {
            "years": list(years.values()),
            "breadcrumbs": [{"name": "アーカイブ", "url": "/archive/"}],
        },
    )


@public_page
def archive_year(request, year: int):
    posts = Post.objects.published().filter(url_date__year=year)
    months = _month_counts(posts)
    if not months:
        raise Http404("この年の記事はありません。")
    return render(
        request,
        "blog/archive_year.html",
        {
            "year": year,
            "months": months,
            "breadcrumbs": [
                {"name": "アーカイブ", "url": "/archive/"},
                {"name": f"{year}年", "url": f"/{year:04d}/"},
            ],
        },
    )


@public_page
def archive_month(request, year: int, month: int):
    try:
        start = dt.date(year, month, 1)
    except ValueError:
        raise Http404("日付が正しくありません。") from None
    end = dt.date(year + month // 12, month % 12 + 1, 1)
    posts = list(Post.objects.published().filter(url_date__gte=start, url_date__lt=end).for_cards())
    if not posts:
        raise Http404("この月の記事はありません。")
    return render(
        request,
        "blog/archive_month.html",
        {
            "year": year,
            "month": month,
            "posts": posts,
            "breadcrumbs": [
                {"name": "アーカイブ", "url": "/archive/"},
                {"name": f"{year}年", "url": f"/{year:04d}/"},
                {"name": f"{month}月", "url": f"/{year:04d}/{month:02d}/"},
            ],
        },
    )
