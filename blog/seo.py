"""Head metadata for articles: the JSON-LD structured data, and absolute URLs from SITE_URL
(the `og:image` is chosen in `blog.ogp.meta`)."""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone

from blog.logic.urls import absolute_url
from blog.models import Post
from blog.ogp.meta import OgImage

NEWS_CATEGORY_SLUG = "latest"  # AI最新ニュース: NewsArticle; every other category BlogPosting


def absolute(url: str) -> str:
    return absolute_url(url, settings.SITE_URL)


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def breadcrumb_list(crumbs: list[dict]) -> dict:
    """schema.org BreadcrumbList from [{"name", "url"}], the home page first."""
    items = [{"name": "ホーム", "url": "/"}, *crumbs]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": c["name"], "item": absolute(c["url"])}
            for i, c in enumerate(items, start=1)
        ],
    }


def article_data(post: Post, image: OgImage, tags: list[str]) -> dict:
    author = post.author
    author_data = {
        "@type": "Organization" if author.is_organization else "Person",
        "name": author.name,
        "url": absolute(f"/author/{author.slug}/"),
    }
    category = post.category
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle"
        if category and category.slug == NEWS_CATEGORY_SLUG
        else "BlogPosting",
        "headline": post.title[:110],
        "description": post.description or post.excerpt,
        "datePublished": _iso(post.published_at),
        "dateModified": _iso(post.last_modified),
        "image": {
            "@type": "ImageObject",
            "url": image.url,
            "width": image.width,
            "height": image.height,
        },
        "author": author_data,
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_PUBLISHER,
            "logo": {
                "@type": "ImageObject",
                "url": absolute(static("img/logo.png")),
                "width": 600,
                "height": 60,
            },
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": post.canonical},
        "inLanguage": "ja",
    }
    if category:
        data["articleSection"] = category.name
    if tags:
        data["keywords"] = tags
    return data
