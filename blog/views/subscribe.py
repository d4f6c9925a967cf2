"""「RSSで購読」: the page a person reaches from the RSS links, in place of the feed's XML.

A browser opened on a feed shows its XML: Chromium displays `application/rss+xml` as plain
text and ignores an `<?xml-stylesheet?>` in it (it is removing XSLT altogether, and where it
still applies one it covers the page with a warning). So the links a person clicks (the
footer's, a category's or tag's 「RSSで購読」) lead here: what a feed is, how to add it to a
feed reader, the URL to copy and the feed's latest items. Feed readers keep finding the XML
through `<link rel="alternate">` in every page's head, this one included.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.encoding import iri_to_uri

from blog.cache import public_page
from blog.feeds import FEED_ITEMS, CategoryFeed, SiteAtomFeed, SiteFeed, TagFeed
from blog.models import Category
from blog.views.common import public_tag_or_404, site_data

_SITE, _CATEGORY, _TAG = SiteFeed(), CategoryFeed(), TagFeed()


def _guide(request, feed, obj, *, heading: str, crumbs: list[dict], context: dict):
    feed_url = feed.feed_url(obj)
    return render(
        request,
        "blog/feed_guide.html",
        {
            "heading": heading,
            "feed_title": feed.title(obj),
            "feed_description": feed.description(obj),
            "feed_url": feed_url,
            "items": feed.posts(obj).for_cards()[:FEED_ITEMS],
            "breadcrumbs": [{"name": "RSSフィード", "url": "/feeds/"}, *crumbs],
            # The head's <link rel="alternate"> for this feed (base.html).
            "section_feed": feed_url.removeprefix(settings.SITE_URL) if obj else None,
            "section_feed_title": feed.title(obj),
            **context,
        },
    )


@public_page
def site_feed_guide(request):
    return _guide(
        request,
        _SITE,
        None,
        heading="RSSフィードで新着記事を受け取る",
        crumbs=[],
        context={
            "atom_url": SiteAtomFeed().feed_url(None),
            "categories": site_data()["categories"],
        },
    )


@public_page
def category_feed_guide(request, slug: str):
    category = get_object_or_404(Category, slug=slug)
    return _guide(
        request,
        _CATEGORY,
        category,
        heading=f"「{category.name}」の新着記事をRSSで受け取る",
        crumbs=[{"name": category.name, "url": request.path}],
        context={"listing_url": f"/category/{category.slug}/", "listing_name": category.name},
    )


@public_page
def tag_feed_guide(request, slug: str):
    tag = public_tag_or_404(slug)
    return _guide(
        request,
        _TAG,
        tag,
        heading=f"タグ「{tag.name}」の新着記事をRSSで受け取る",
        crumbs=[{"name": f"タグ「{tag.name}」", "url": request.path}],
        context={
            "listing_url": iri_to_uri(f"/tag/{tag.slug}/"),
            "listing_name": f"タグ「{tag.name}」",
        },
    )
