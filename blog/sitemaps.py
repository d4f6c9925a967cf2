"""/sitemap.xml: an index of post sitemaps (50,000 URLs each at most) and the other sections.

Only what `Post.objects.published()` allows, without noindex posts or posts whose canonical
URL points elsewhere; `lastmod` is the last substantive change (publication or a later edit
of title, lead or body).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Max, Q
from django.utils.encoding import iri_to_uri
from taggit.models import Tag

from blog.models import Author, Category, Page, Post


class SiteSitemap(Sitemap):
    """Absolute URLs from SITE_URL (not from the request's host)."""

    limit = 50_000

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def _location(self, item, force_lang_code=None):
        # Japanese slugs percent-encoded (UTF-8), as the sitemap protocol asks for: crawlers
        # read <loc> as a URI, not as an IRI.
        return iri_to_uri(super()._location(item, force_lang_code))


def _indexable():
    return (
        Post.objects.published()
        .filter(noindex=False)
        .filter(Q(canonical_url="") | Q(canonical_url__isnull=True))
    )


class PostSitemap(SiteSitemap):
    def items(self):
        return (
            _indexable()
            .only("pk", "url_date", "slug", "published_at", "content_updated_at")
            .order_by("-published_at", "-pk")
        )

    def location(self, item):
        return item.public_path

    def lastmod(self, item):
        return item.last_modified


class CategorySitemap(SiteSitemap):
    def items(self):
        return list(
            Category.objects.annotate(
                newest=Max("posts__published_at", filter=Q(posts__in=_indexable().values("pk")))
            )
            .filter(newest__isnull=False)
            .order_by("order", "name")
        )

    def location(self, item):
        return f"/category/{item.slug}/"

    def lastmod(self, item):
        return item.newest


class TagSitemap(SiteSitemap):
    def items(self):
        return list(
            Tag.objects.filter(blog_taggedpost_items__content_object__in=_indexable())
            .annotate(newest=Max("blog_taggedpost_items__content_object__published_at"))
            .order_by("name")
        )

    def location(self, item):
        return f"/tag/{item.slug}/"

    def lastmod(self, item):
        return item.newest


class AuthorSitemap(SiteSitemap):
    def items(self):
        return list(
            Author.objects.annotate(
                newest=Max("posts__published_at", filter=Q(posts__in=_indexable().values("pk")))
            )
            .filter(newest__isnull=False)
            .order_by("name")
        )

    def location(self, item):
        return f"/author/{item.slug}/"

    def lastmod(self, item):
        return item.newest


class ArchiveSitemap(SiteSitemap):
    """/archive/, each year and each month that has public posts."""

    def items(self):
        months = list(
            Post.objects.published()
            .order_by()
            .values("url_date__year", "url_date__month")
            .annotate(n=Count("pk"), newest=Max("published_at"))
            .order_by("-url_date__year", "-url_date__month")
        )
        rows = [
            (f"/{m['url_date__year']:04d}/{m['url_date__month']:02d}/", m["newest"]) for m in months
        ]
        years: dict[str, object] = {}
        for m in months:
            path = f"/{m['url_date__year']:04d}/"
            years[path] = max(years.get(path, m["newest"]), m["newest"])
        newest = max((n for _, n in rows), default=None)
        return [("/archive/", newest), *years.items(), *rows] if rows else []

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]


class PageSitemap(SiteSitemap):
    def items(self):
        return Page.objects.filter(is_published=True, noindex=False).order_by("path")

    def location(self, item):
        return item.path

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "posts": PostSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "archives": ArchiveSitemap,
    "pages": PageSitemap,
}


def index_entries(request) -> list[tuple[str, object]]:
    """(absolute sitemap URL, lastmod) for every non-empty section page."""
    entries = []
    for section, cls in SITEMAPS.items():
        sitemap = cls()
        pages = sitemap.paginator.num_pages if sitemap.paginator.count else 0
        for page in range(1, pages + 1):
            url = f"{settings.SITE_URL}/sitemap-{section}.xml"
            if page > 1:
                url += f"?p={page}"
            entries.append((url, sitemap.get_latest_lastmod() if page == 1 else None))
    return entries
