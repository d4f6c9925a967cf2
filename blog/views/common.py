"""What every public page shares: the site's navigation data and pagination by path."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from blog.cache import fragment_key
from blog.models import CallToAction, Category

POSTS_PER_PAGE = 10


def site_data() -> dict:
    """Categories (for the header) and calls to action, cached per public generation."""
    key = fragment_key("site")
    data = cache.get(key)
    if data is None:
        categories = list(Category.objects.values("id", "name", "slug", "description"))
        ctas = list(
            CallToAction.objects.filter(is_active=True).values(
                "category_id", "heading", "text", "link_label", "url"
            )
        )
        data = {"categories": categories, "ctas": ctas}
        cache.set(key, data, settings.FRAGMENT_CACHE_SECONDS)
    return data


def call_to_action_for(category_id: int | None) -> dict | None:
    """The category's own active call to action, else the site default (no query)."""
    ctas = site_data()["ctas"]
    own = [c for c in ctas if category_id is not None and c["category_id"] == category_id]
    default = [c for c in ctas if c["category_id"] is None]
    return (own or default or [None])[0]


class _CountedPaginator(Paginator):
    """A paginator whose total is read from the cache of the current public generation."""

    def __init__(self, *args, count_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        total = cache.get(self.count_key)
        if total is None:
            total = self.object_list.count()
            cache.set(self.count_key, total, settings.FRAGMENT_CACHE_SECONDS)
        return total


def paginate(
    queryset,
    page_number: int | str | None,
    per_page: int = POSTS_PER_PAGE,
    *,
    count_key: str | None = None,
):
    """The page, or 404 for a page that does not exist (a crawler must not get an empty 200).

    With `count_key` (a fragment key: it names the list and the public generation) the total
    is counted once per generation instead of on every request."""
    if count_key is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = _CountedPaginator(queryset, per_page, count_key=count_key)
    try:
        return paginator.page(page_number or 1)
    except (EmptyPage, PageNotAnInteger):
        if str(page_number or "1") == "1":
            return paginator.page(1)  # an empty first page is still a page
        raise Http404("ページがありません。") from None


def page_links(page, base_path: str) -> dict:
    """Previous/next URLs in the Jekyll scheme: base/, base/page2/, base/page3/..."""

    def url(number: int) -> str:
        return base_path if number == 1 else f"{base_path}page{number}/"

    return {
        "previous_url": url(page.previous_page_number()) if page.has_previous() else None,
        "next_url": url(page.next_page_number()) if page.has_next() else None,
    }


def card_html(post) -> str:
    """One list card, as templates/blog/_post_card.html renders it, without the template
    engine (lists render ten of these per request)."""
    from django.utils.html import format_html
    from django.utils.text import Truncator

    from blog.templatetags.blog_tags import date_ja, iso

    category = post.category
    label = (
        format_html(
            '<a class="category-label" href="/category/{}/">{}</a>', category.slug, category.name
        )
        if category
        else ""
    )
    excerpt = (
        format_html('<p class="post-card__excerpt">{}</p>', Truncator(post.excerpt).chars(120))
        if post.excerpt
        else ""
    )
    return format_html(
        '<article class="post-card">\n  {}\n  <h2 class="post-card__title"><a href="{}">{}</a>'
        '</h2>\n  <p class="post-meta"><time datetime="{}">{}</time></p>\n  {}\n</article>\n',
        label,
        post.public_path,
        post.title,
        iso(post.published_at),
        date_ja(post.published_at),
        excerpt,
    )


def public_tag_or_404(slug: str):
    """A tag that at least one public post carries: a tag only drafts or scheduled posts use
    must not reveal its name (or that it exists) before they are published."""
    from taggit.models import Tag

    from blog.models import Post, TaggedPost

    public = TaggedPost.objects.filter(content_object__in=Post.objects.published().values("pk"))
    return get_object_or_404(Tag, slug=slug, pk__in=public.values("tag_id"))
