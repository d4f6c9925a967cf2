"""RSS 2.0 and Atom feeds: the site, each category and each tag.

Items carry the full HTML (content:encoded in RSS, content in Atom) with absolute links, a
summary, the category and tags, the author, a GUID fixed at first publication, and Tokyo-time
dates. Each feed answers conditional requests from its own newest change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.xmlutils import SimplerXMLGenerator

from blog.cache import fragment_key, public_page
from blog.logic.seo import absolutize_urls
from blog.models import Category, Post

FEED_ITEMS = 20

# The posts whose items must be built in this request (the rest come from the cache).
_items_to_build: ContextVar[list[int] | None] = ContextVar("feed_items_to_build", default=None)


class _TokyoDates:
    def latest_post_date(self):
        # Django falls back to "now" in UTC for an empty feed; the site speaks +0900.
        return timezone.localtime(super().latest_post_date())


class _CachedItems:
    """Writes each item's XML once per post version and public generation, then reuses it.

    Full-content items are large; escaping their HTML is most of what a feed costs, and it
    is the same for every request until the post or the public site changes.
    """

    item_element = "item"

    def write_items(self, handler):
        keys = {
            i: item["cache_key"]
            for i, item in enumerate(self.items)
            if item.get("cache_key") and not item.get("xml")
        }
        cached = cache.get_many(list(keys.values())) if keys else {}
        fresh = {}
        for i, item in enumerate(self.items):
            key = keys.get(i)
            xml = item.get("xml") or (cached.get(key) if key else None)
            if xml is None:
                buffer = io.StringIO()
                writer = SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True)
                writer.startElement(self.item_element, self.item_attributes(item))
                self.add_item_elements(writer, item)
                writer.endElement(self.item_element)
                xml = buffer.getvalue()
                if key:
                    fresh[key] = xml
            # Raw output of an already well-formed, escaped fragment.
            handler.ignorableWhitespace(xml)
        if fresh:
            cache.set_many(fresh, settings.FRAGMENT_CACHE_SECONDS)


class ContentRss(_CachedItems, _TokyoDates, Rss201rev2Feed):
    """RSS 2.0 with the full HTML in content:encoded (the summary stays in description)."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        attrs["xmlns:dc"] = "http://purl.org/dc/elements/1.1/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", content_html(item["post"]))


class ContentAtom(_CachedItems, _TokyoDates, Atom1Feed):
    item_element = "entry"

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", content_html(item["post"]), {"type": "html"})


def content_html(post: Post) -> str:
    """The full body for feed readers: absolute links, and the affiliate disclosure first
    when the body has affiliate links."""
    body = absolutize_urls(post.body_html, settings.SITE_URL + post.public_path)
    if post.has_affiliate_links:
        body = f"<p>{escape(settings.AFFILIATE_DISCLOSURE)}</p>" + body
    return body


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

    def posts(self, obj, now=None):
        return Post.objects.published(now)

    def items(self, obj):
        posts = (
            self.posts(obj)
            .select_related("author", "category")
            .prefetch_related("tags")
            .defer("body", "body_text", "toc")
            .order_by("-published_at", "-pk")
        )
        wanted = _items_to_build.get(None)
        if wanted is None:
            return posts[:FEED_ITEMS]
        return posts.filter(pk__in=wanted) if wanted else []

    def listing(self, obj, request) -> list[Post]:
        """The feed's posts with just what identifies their items."""
        return list(
            self.posts(obj)
            .order_by("-published_at", "-pk")
            .only("pk", "version", "updated_at", "published_at", "content_updated_at")[:FEED_ITEMS]
        )

    def get_feed(self, obj, request):
        """Build only the items whose post changed since their XML was cached.

        Django's feed machinery (and the query that loads bodies and tags) runs only for those
        posts. (An unchanged listing never gets here: the view keeps the whole document.)
        """
        listed = self.listing(obj, request)
        kind = self.feed_type.__name__
        keys = {p.pk: fragment_key("feed-item", kind, p.pk, p.version) for p in listed}
        cached = cache.get_many(list(keys.values()))
        to_build = [p.pk for p in listed if keys[p.pk] not in cached]
        token = _items_to_build.set(to_build)
        try:
            feed = super().get_feed(obj, request)
        finally:
            _items_to_build.reset(token)
        built = {item["post"].pk: item for item in feed.items}
        items = []
        for post in listed:
            if post.pk in built:
                items.append(built[post.pk])
            elif keys[post.pk] in cached:
                items.append(
                    {
                        "xml": cached[keys[post.pk]],
                        "pubdate": self.item_pubdate(post),
                        "updateddate": self.item_updateddate(post),
                    }
                )
        feed.items = items
        return feed

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
        # The body is turned into feed HTML only when the item's cached XML is missing.
        return {
            "post": item,
            "cache_key": fragment_key("feed-item", self.feed_type.__name__, item.pk, item.version),
        }


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

    def posts(self, obj, now=None):
        return Post.objects.published(now).in_category(obj)

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
        from blog.views.common import public_tag_or_404

        return _known(request, lambda: public_tag_or_404(slug))

    def posts(self, obj, now=None):
        return Post.objects.published(now).with_tag(obj.slug)

    def title(self, obj):
        return f"タグ「{obj.name}」 | {settings.SITE_NAME}"

    def description(self, obj):
        return f"{settings.SITE_NAME}の「{obj.name}」タグの新着記事"

    def link(self, obj):
        return f"{settings.SITE_URL}/tag/{obj.slug}/"

    def feed_url(self, obj):
        return f"{settings.SITE_URL}/tag/{obj.slug}/feed.xml"


# A time no request runs at: compiled into a feed's listing query in place of "now", then
# replaced by the request's own time (see listing_state).
_COMPILED_NOW = dt.datetime(2000, 1, 1, 0, 0, 0, 424242, tzinfo=dt.UTC)
_LISTING_COLUMNS = ("pk", "version", "updated_at", "published_at")


def _as_datetime(value) -> dt.datetime:
    # PostgreSQL returns aware datetimes; SQLite the naive UTC text Django stored.
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return parse_datetime(value).replace(tzinfo=dt.UTC)


def listing_state(feed: SiteFeed, obj, compiled: dict) -> list[tuple]:
    """(pk, version, updated_at, published_at) of the feed's posts, newest first.

    The query is the ORM's own (`feed.posts()`, so the rule of what is public stays in one
    place), compiled once per feed and object and run with the request's time: building and
    compiling the queryset cost more than running it, on every request of a feed.
    """
    key = (getattr(obj, "pk", None), getattr(obj, "slug", None))
    if key not in compiled:
        if len(compiled) > 4096:
            compiled.clear()
        query = (
            feed.posts(obj, _COMPILED_NOW)
            .order_by("-published_at", "-pk")
            .values_list(*_LISTING_COLUMNS)[:FEED_ITEMS]
            .query
        )
        sql, params = query.sql_with_params()
        placeholder = connection.ops.adapt_datetimefield_value(_COMPILED_NOW)
        slots = [i for i, value in enumerate(params) if value == placeholder]
        if len(slots) != 1:
            raise RuntimeError(f"{type(feed).__name__}: the listing must use the time once")
        compiled[key] = (sql, list(params), slots[0])
    sql, params, slot = compiled[key]
    params = params.copy()
    params[slot] = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(pk, version, _as_datetime(u), _as_datetime(p)) for pk, version, u, p in rows]


def conditional_feed(feed_class):
    """A view answering If-None-Match / If-Modified-Since from the feed's own newest change
    (one small query) before building anything, with a strong ETag and Last-Modified."""
    feed = feed_class()
    compiled: dict = {}

    @public_page
    def view(request, **kwargs):
        obj = feed.get_object(request, **kwargs)
        state = listing_state(feed, obj, compiled)
        fingerprint = repr(
            (
                feed_class.__name__,
                getattr(obj, "pk", None),
                str(obj or ""),  # a renamed category or tag
                settings.SITE_URL,
                settings.SITE_NAME,
                settings.SITE_DESCRIPTION,
                settings.AFFILIATE_DISCLOSURE,
                state,
            )
        )
        etag = '"' + hashlib.blake2b(fingerprint.encode(), digest_size=16).hexdigest() + '"'
        # A scheduled post that went live was not saved then: its go-live time counts as a
        # change, or readers asking If-Modified-Since would be told nothing is new.
        newest = max((max(changed, live) for _, _, changed, live in state), default=None)
        last_modified = int(newest.timestamp()) if newest else None
        conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if conditional is not None:
            return conditional
        # The whole document is a function of this listing (and of the public generation, for
        # names and settings): written once, then served as it is until either changes.
        key = fragment_key("feed", etag.strip('"'))
        entry = cache.get(key)
        if entry is None:
            request.feed_object = obj  # Feed.__call__ asks get_object again; answer from memory
            built = feed(request, **kwargs)
            entry = {"content": built.content, "content_type": built["Content-Type"]}
            if built.has_header("Last-Modified"):
                entry["last_modified"] = built["Last-Modified"]
            cache.set(key, entry, settings.FRAGMENT_CACHE_SECONDS)
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        elif "last_modified" in entry:
            response["Last-Modified"] = entry["last_modified"]
        return response

    return view


site_feed = conditional_feed(SiteFeed)
atom_feed = conditional_feed(SiteAtomFeed)
category_feed = conditional_feed(CategoryFeed)
tag_feed = conditional_feed(TagFeed)
