"""RSS 2.0 and Atom feeds: the site, each category and each tag.

Items carry the full HTML (content:encoded in RSS, content in Atom) with absolute links, a
summary, the category and tags, the author, a GUID fixed at first publication, and Tokyo-time
dates. Each feed answers conditional requests from its own newest change.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import http_date
from taggit.models import Tag

from blog.cache import public_page
from blog.logic.seo import absolutize_urls
from blog.models import Category, Post

FEED_ITEMS = 20


class _TokyoDates:
    def latest_post_date(self):
        # Django falls back to "now" in UTC for an empty feed; the site speaks +0900.
        return timezone.localtime(super().latest_post_date())


class ContentRss(_TokyoDates, Rss201rev2Feed):
    """RSS 2.0 with the full HTML in content:encoded (the summary stays in description)."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        attrs["xmlns:dc"] = "http://purl.org/dc/elements/1.1/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class ContentAtom(_TokyoDates, Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def guid(post: Post) -> str:
    """A tag: URI from the site host, the first publication date and the id: neither a new
    title nor a new slug changes it. An importer may keep an old feed's GUID in extra."""
    kept = (post.extra or {}).get("feed_guid")
    if kept:
        return kept
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{post.url_date:%Y-%m-%d}:post-{post.pk}"


class SiteFeed(Feed):
    feed_type = ContentRss
    language = "ja"

    def get_object(self, request, *args, **kwargs):
        return None

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj):
        return (
            self.posts(obj)
            .select_related("author", "category")
            .prefetch_related("tags")
            .defer("body", "body_text", "toc")
            .order_by("-published_at", "-pk")[:FEED_ITEMS]
        )

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return settings.SITE_DESCRIPTION

    def link(self, obj):
        return settings.SITE_URL + "/"

    def feed_url(self, obj):
        return settings.SITE_URL + "/feed.xml"

    def author_name(self, obj):
        return settings.SITE_PUBLISHER

    def feed_copyright(self, obj):
        return f"© {settings.SITE_PUBLISHER}"

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return settings.SITE_URL + item.public_path

    def item_guid(self, item):
        return guid(item)

    item_guid_is_permalink = False

    def item_description(self, item):
        return item.description or item.excerpt or item.title

    def item_author_name(self, item):
        return item.author.name

    def item_author_link(self, item):
        return f"{settings.SITE_URL}/author/{item.author.slug}/"

    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(item.last_modified)

    def item_categories(self, item):
        names = [item.category.name] if item.category else []
        return names + [tag.name for tag in item.tags.all()]

    def item_extra_kwargs(self, item):
        body = absolutize_urls(item.body_html, settings.SITE_URL + item.public_path)
        if item.has_affiliate_links:
            body = f"<p>{escape(settings.AFFILIATE_DISCLOSURE)}</p>" + body
        return {"content_html": body}


class SiteAtomFeed(SiteFeed):
    feed_type = ContentAtom
    subtitle = SiteFeed.description

    def feed_url(self, obj):
        return settings.SITE_URL + "/atom.xml"


def _known(request, lookup):
    return getattr(request, "feed_object", None) or lookup()


class CategoryFeed(SiteFeed):
    def get_object(self, request, slug):
        return _known(request, lambda: get_object_or_404(Category, slug=slug))

    def posts(self, obj):
        return Post.objects.published().in_category(obj)

    def title(self, obj):
        return f"{obj.name} | {settings.SITE_NAME}"

    def description(self, obj):
        return obj.description or f"{settings.SITE_NAME}の「{obj.name}」の新着記事"

    def link(self, obj):
        return f"{settings.SITE_URL}/category/{obj.slug}/"

    def feed_url(self, obj):
        return f"{settings.SITE_URL}/feeds/{obj.slug}.xml"


class TagFeed(SiteFeed):
    def get_object(self, request, slug):
        return _known(request, lambda: get_object_or_404(Tag, slug=slug))

    def posts(self, obj):
        return Post.objects.published().with_tag(obj.slug)

    def title(self, obj):
        return f"タグ「{obj.name}」 | {settings.SITE_NAME}"

    def description(self, obj):
        return f"{settings.SITE_NAME}の「{obj.name}」タグの新着記事"

    def link(self, obj):
        return f"{settings.SITE_URL}/tag/{obj.slug}/"

    def feed_url(self, obj):
        return f"{settings.SITE_URL}/tag/{obj.slug}/feed.xml"


def conditional_feed(feed_class):
    """A view answering If-None-Match / If-Modified-Since from the feed's own newest change
    (one small query) before building anything, with a strong ETag and Last-Modified."""
    feed = feed_class()

    @public_page
    def view(request, **kwargs):
        obj = feed.get_object(request, **kwargs)
        state = list(
            feed.posts(obj)
            .order_by("-published_at", "-pk")
            .values_list("pk", "updated_at")[:FEED_ITEMS]
        )
        fingerprint = repr(
            (feed_class.__name__, getattr(obj, "pk", None), settings.SITE_URL, state)
        )
        etag = '"' + hashlib.blake2b(fingerprint.encode(), digest_size=16).hexdigest() + '"'
        newest = max((changed for _, changed in state), default=None)
        last_modified = int(newest.timestamp()) if newest else None
        conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if conditional is not None:
            return conditional
        request.feed_object = obj  # Feed.__call__ asks get_object again; answer from memory
        response = feed(request, **kwargs)
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return response

    return view


site_feed = conditional_feed(SiteFeed)
atom_feed = conditional_feed(SiteAtomFeed)
category_feed = conditional_feed(CategoryFeed)
tag_feed = conditional_feed(TagFeed)
