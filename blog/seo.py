"""Head metadata for articles: the OGP image and the JSON-LD structured data."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone

from blog.models import Post

DEFAULT_OGP_IMAGE = "img/ogp-default.png"
OGP_WIDTH, OGP_HEIGHT = 1200, 630

NEWS_CATEGORY_SLUG = "latest"  # AI最新ニュース: NewsArticle; every other category BlogPosting


@dataclass(frozen=True)
class OgImage:
    url: str
    width: int
    height: int
    type: str
    alt: str


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def og_image(post: Post) -> OgImage:
    """The post's share image: the generated card (once that feature exists), the uploaded
    override, else the site's default image. Always absolute, with its size."""
    card = post.og_image  # the uploaded override or the generated card, already absolute
    if card is not None:
        return OgImage(card.url, card.width, card.height, card.type, card.alt)
    return OgImage(
        absolute(static(DEFAULT_OGP_IMAGE)), OGP_WIDTH, OGP_HEIGHT, "image/png", settings.SITE_NAME
    )


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
