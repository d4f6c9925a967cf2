"""Full-page and fragment caching for public pages, and their invalidation.

Every cached entry is keyed on the *public-set generation*, a token stored in the cache with
the time at which the next scheduled post goes live. Invalidation replaces the token, so every
page and fragment rendered before it is unreachable at once (Redis or local memory alike):

- `invalidate_public_pages()` runs on every save or delete of what the public sees (posts,
  tags, books, categories, pages, redirects...; see `connect_signals`), immediately and again
  after the transaction commits, so a request racing the commit cannot cache the old state
  under the new token.
- A scheduled post needs no job: when a request arrives after the stored go-live time, the
  generation is replaced before anything is read from the cache.

`PAGE_CACHE_SECONDS` (environment; 0 turns it off) bounds how long a page is kept. With the
local-memory cache each process has its own copy and an invalidation reaches only its own
process, so the default there is short (see config/settings.py).
"""

from __future__ import annotations

import gzip
import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers

STATE_KEY = "kosei:public-state"
_STATE_MAX_AGE = 24 * 3600


def _new_state() -> dict:
    from blog.models import Post

    now = timezone.now()
    next_live = (
        Post.objects.filter(status=Post.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return {
        "gen": f"{time.time_ns():x}",
        "next_live": next_live.timestamp() if next_live else None,
    }


def public_generation() -> str:
    """The current generation token; replaced when a scheduled post's time has come."""
    state = cache.get(STATE_KEY)
    if state is None or (state["next_live"] is not None and time.time() >= state["next_live"]):
        state = _new_state()
        cache.set(STATE_KEY, state, _STATE_MAX_AGE)
    return state["gen"]


def invalidate_public_pages(post=None) -> None:
    """Forget every cached public page and fragment (call after publish, edit, unpublish).

    `post` is accepted for callers that know what changed; lists, feeds and related articles
    all depend on any post, so everything goes.
    """
    cache.delete(STATE_KEY)
    transaction.on_commit(lambda: cache.delete(STATE_KEY))


def fragment_key(*parts) -> str:
    return "kosei:frag:" + public_generation() + ":" + ":".join(str(p) for p in parts)


# --- full-page cache -------------------------------------------------------------------------

_CACHED_HEADERS = ("Content-Type", "Last-Modified", "Content-Language", "X-Robots-Tag")


def _etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def _cache_control(response: HttpResponse) -> None:
    response["Cache-Control"] = (
        f"public, max-age={settings.PUBLIC_MAX_AGE}, s-maxage={settings.PUBLIC_S_MAXAGE}"
    )


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def _build(request, entry: dict, status: int = 200) -> HttpResponse:
    """A response from a cache entry (content, gzipped content, headers, etag)."""
    conditional = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry.get("last_modified")
    )
    if conditional is not None:
        _cache_control(conditional)
        return conditional
    use_gzip = entry.get("gzip") is not None and _accepts_gzip(request)
    response = HttpResponse(entry["gzip"] if use_gzip else entry["content"], status=status)
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = entry["etag"]
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    if entry.get("gzip") is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    _cache_control(response)
    return response


def _entry_from(response: HttpResponse, compress: bool) -> dict:
    content = response.content
    entry = {
        "content": content,
        "headers": {h: response[h] for h in _CACHED_HEADERS if response.has_header(h)},
        "etag": response.get("ETag") or _etag(content),
        # Compressed once when cached; uncached responses are left to the proxy (gzip on).
        "gzip": gzip.compress(content, 6) if compress and len(content) > 1024 else None,
    }
    if response.has_header("Last-Modified"):
        from django.utils.http import parse_http_date_safe

        entry["last_modified"] = parse_http_date_safe(response["Last-Modified"])
    return entry


def page_key(request) -> str:
    # Hashed: Japanese slugs percent-encode past memcached's 250-byte key limit.
    path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return "kosei:page:" + public_generation() + ":" + path_hash


class PageCacheMiddleware:
    """Answers page-cache hits before sessions, authentication, URL resolution and the view
    run: a cached public page costs two cache reads. Only `public_page` views fill the cache,
    so only their pages are ever answered here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    # Editors' screens, the API and previews are never public pages.
    skip_prefixes = ("/admin/", "/api/", "/preview/", "/static/", "/media/")

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.PAGE_CACHE_SECONDS > 0
            and not request.path.startswith(self.skip_prefixes)
        ):
            entry = cache.get(page_key(request))
            if entry is not None:
                response = _build(request, entry)
                # What the middlewares below this one would have added to the page.
                response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
                return response
            request._page_cache_missed = True
        return self.get_response(request)


def public_page(view):
    """Cache a public GET view's 200 responses, with ETag/304, gzip and Cache-Control.

    With PAGE_CACHE_SECONDS=0 the view runs on every request (the origin measured alone) but
    still answers conditional requests and sends the same headers.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        seconds = settings.PAGE_CACHE_SECONDS
        key = None
        if seconds > 0:
            key = page_key(request)
            # PageCacheMiddleware has usually looked already; don't ask the cache twice.
            entry = None if getattr(request, "_page_cache_missed", False) else cache.get(key)
            if entry is not None:
                return _build(request, entry)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming or response.has_header("Vary"):
            if response.status_code in (200, 304) and not response.streaming:
                _cache_control(response)
            return response
        if hasattr(response, "render") and callable(response.render):
            response.render()
        entry = _entry_from(response, compress=key is not None)
        if key is not None:
            cache.set(key, entry, seconds)
        return _build(request, entry)

    return wrapper


# --- signals ---------------------------------------------------------------------------------


def _on_change(sender, **kwargs) -> None:
    invalidate_public_pages()


def _on_post_saved(sender, instance, **kwargs) -> None:
    from blog import search

    update_fields = kwargs.get("update_fields")
    if update_fields is None or {"title", "excerpt", "body", "body_text"} & set(update_fields):
        search.index_post(instance)
    invalidate_public_pages(instance)


def _on_went_live(sender, post=None, **kwargs) -> None:
    # The request after the go-live time already starts a new generation; this makes it
    # explicit for the workflow's job (and for any cache a time check does not cover).
    invalidate_public_pages(post)


def connect_signals() -> None:
    from taggit.models import Tag

    from blog import models
    from blog.signals import post_went_live

    post_went_live.connect(_on_went_live, dispatch_uid="kosei-went-live-cache")

    post_save.connect(_on_post_saved, sender=models.Post, dispatch_uid="kosei-post-saved")
    post_delete.connect(_on_change, sender=models.Post, dispatch_uid="kosei-post-deleted")
    watched = [
        models.Author,
        models.Category,
        models.AffiliateBook,
        models.CallToAction,
        models.PostBook,
        models.RelatedPost,
        models.Redirect,
        models.Page,
        models.TaggedPost,
        Tag,
    ]
    for model in watched:
        uid = f"kosei-invalidate-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(
        _on_change, sender=models.Post.tags.through, dispatch_uid="kosei-invalidate-tags-m2m"
    )
