"""Full-page and fragment caching for public pages, and their invalidation.

Every cached entry is keyed on the *public-set generation*, a token stored in the cache with
the time at which the next scheduled post goes live. Invalidation replaces the token, so every
page and fragment rendered before it is unreachable at once (Redis or local memory alike):

- `invalidate_public_pages()` runs on every save or delete of what the public sees (posts,
  tags, books, categories, pages, redirects...; see `connect_signals`), immediately and again
  after the transaction commits, so a request racing the commit cannot cache the old state
  under the new token. For a post it runs on `post_saved`, the last step of `Post.save()`
  (after the search document and the social card). This module only invalidates.
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
from django.utils.cache import get_conditional_response, patch_vary_headers

STATE_KEY = "kosei:public-state"
_STATE_MAX_AGE = 24 * 3600


def _new_state() -> dict:
    from blog.models import Post

    next_live = (
        Post.objects.scheduled()
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


def _gzip_etag(etag: str) -> str:
    # The compressed copy is another representation: a strong ETag must differ from the
    # plain one's, or a cache could answer one with the other's bytes.
    return etag[:-1] + '-gzip"'


def _build(request, entry: dict, status: int = 200) -> HttpResponse:
    """A response from a cache entry (content, gzipped content, headers, etag)."""
    has_gzip = entry.get("gzip") is not None
    use_gzip = has_gzip and _accepts_gzip(request)
    etag = _gzip_etag(entry["etag"]) if use_gzip else entry["etag"]
    conditional = get_conditional_response(
        request, etag=etag, last_modified=entry.get("last_modified")
    )
    if conditional is not None:
        _cache_control(conditional)
        if has_gzip:
            patch_vary_headers(conditional, ("Accept-Encoding",))
        return conditional
    response = HttpResponse(entry["gzip"] if use_gzip else entry["content"], status=status)
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = etag
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    if has_gzip:
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


def _page_key(path: str, query_string: str, generation: str) -> str:
    """The key of the page at `path` (decoded text, as `request.path`) with `query_string`
    (the environ's QUERY_STRING as the server passed it, never rewritten by Django)."""
    # Hashed: Japanese slugs percent-encode past memcached's 250-byte key limit.
    raw = (path + "?" + query_string).encode("utf-8", "surrogatepass")
    return "kosei:page:" + generation + ":" + hashlib.sha256(raw).hexdigest()[:32]


def page_key(request) -> str:
    return _page_key(request.path, request.META.get("QUERY_STRING", ""), public_generation())


# Set in the WSGI environ (request.META) for PageCacheApplication: the page this request was
# answered from or stored as, and that the cache had no page for it.
ENV_ENTRY = "kosei.page_cache_entry"
ENV_MISSED = "kosei.page_cache_missed"


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
            # An unknown Host gets Django's 400 (DisallowedHost), never a cached page.
            request.get_host()
            key = page_key(request)
            entry = None if request.META.get(ENV_MISSED) else cache.get(key)
            if entry is not None:
                request.META[ENV_ENTRY] = (key, entry)
                response = _build(request, entry)
                # What the middlewares below this one would have added to the page.
                response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
                return response
            request.META[ENV_MISSED] = True
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
            entry = None if request.META.get(ENV_MISSED) else cache.get(key)
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
            request.META[ENV_ENTRY] = (key, entry)
        return _build(request, entry)

    return wrapper


# --- in front of Django: hits answered at the WSGI level --------------------------------------

# Headers a page gets from its cache entry (see _build); the other headers of a cached page's
# final response were added by the middleware around the view (security headers, framing).
_ENTRY_HEADERS = frozenset(
    {h.lower() for h in _CACHED_HEADERS}
    | {"etag", "vary", "cache-control", "content-encoding", "content-length"}
)
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE")  # fmt: skip


def _scheme(environ) -> str:
    # Security headers depend on whether the request is secure (HSTS), so the recorded
    # headers are kept per scheme as the request states it.
    return environ.get("wsgi.url_scheme", "http") + "|" + environ.get("HTTP_X_FORWARDED_PROTO", "")


def wsgi_request_path(environ) -> str:
    """`request.path` of the request Django would build from `environ`, without building it.

    Django's WSGIRequest writes the decoded path back into the environ it is given, and the
    handler then reads PATH_INFO again as latin-1 bytes (PEP 3333): a request object made here
    from the live environ breaks every non-ASCII URL. Django's own readers leave it untouched.
    """
    from django.core.handlers.wsgi import get_path_info, get_script_name

    script_name = get_script_name(environ)
    path_info = get_path_info(environ) or "/"
    return "{}/{}".format(script_name.rstrip("/"), path_info.replace("/", "", 1))


def _host_allowed(environ) -> bool:
    """Whether Django would accept the request's Host (ALLOWED_HOSTS): a cached page is never
    answered for a host the site does not serve; Django answers those with 400."""
    from django.core.exceptions import DisallowedHost
    from django.http import HttpRequest

    probe = HttpRequest()
    probe.META = environ  # get_host() only reads META
    try:
        probe.get_host()
    except DisallowedHost:
        return False
    return True


class PageCacheApplication:
    """WSGI wrapper around Django (config/wsgi.py) that answers page-cache hits without
    Django's request handling: a plain GET of a cached page costs two cache reads.

    The first time a cached page goes out through Django, the headers the middleware added
    around it are recorded in its entry; later plain GETs get the entry's content with the
    same headers. Anything else (conditional or HEAD requests, a page without recorded
    headers, a generation that needs renewing) goes to Django, whose PageCacheMiddleware and
    views answer as before. Pages whose response sets a cookie or varies on more than the
    encoding are never answered here.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if self._eligible(environ):
            key = self._key(environ)
            entry = cache.get(key) if key else None
            if entry is not None:
                recorded = (entry.get("outer") or {}).get(_scheme(environ))
                if recorded is not None:
                    return self._answer(environ, start_response, entry, recorded)
            elif key is not None:
                environ[ENV_MISSED] = True  # PageCacheMiddleware need not look again
        if not settings.PAGE_CACHE_SECONDS > 0 or environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        sent = {}

        def recording_start_response(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        self._record(environ, sent)
        return result

    @staticmethod
    def _eligible(environ) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("PATH_INFO", "/").startswith(PageCacheMiddleware.skip_prefixes)
            and not any(environ.get(name) for name in _CONDITIONAL)
            and _host_allowed(environ)
        )

    @staticmethod
    def _key(environ) -> str | None:
        """The page's key, or None when the generation must be renewed (Django does that)."""
        state = cache.get(STATE_KEY)
        if state is None or (state["next_live"] is not None and time.time() >= state["next_live"]):
            return None
        return _page_key(wsgi_request_path(environ), environ.get("QUERY_STRING", ""), state["gen"])

    @staticmethod
    def _answer(environ, start_response, entry: dict, recorded: list):
        has_gzip = entry.get("gzip") is not None
        use_gzip = has_gzip and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        body = entry["gzip"] if use_gzip else entry["content"]
        headers = list(entry["headers"].items())
        headers.append(("ETag", _gzip_etag(entry["etag"]) if use_gzip else entry["etag"]))
        if use_gzip:
            headers.append(("Content-Encoding", "gzip"))
        if has_gzip:
            headers.append(("Vary", "Accept-Encoding"))
        headers.append(
            (
                "Cache-Control",
                f"public, max-age={settings.PUBLIC_MAX_AGE}, s-maxage={settings.PUBLIC_S_MAXAGE}",
            )
        )
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers + recorded)
        return [body]

    @staticmethod
    def _record(environ, sent: dict) -> None:
        answered = environ.get(ENV_ENTRY)
        if not answered or not sent.get("status", "").startswith("200"):
            return
        key, entry = answered
        scheme = _scheme(environ)
        if scheme in (entry.get("outer") or {}):
            return
        names = [name.lower() for name, _ in sent["headers"]]
        vary = [value for name, value in sent["headers"] if name.lower() == "vary"]
        if "set-cookie" in names or vary not in ([], ["Accept-Encoding"]):
            return
        recorded = [(n, v) for n, v in sent["headers"] if n.lower() not in _ENTRY_HEADERS]
        outer = {**(entry.get("outer") or {}), scheme: recorded}
        cache.set(key, {**entry, "outer": outer}, settings.PAGE_CACHE_SECONDS)


# --- signals ---------------------------------------------------------------------------------


def _on_change(sender, **kwargs) -> None:
    invalidate_public_pages()


def _on_post_saved(sender, post, **kwargs) -> None:
    invalidate_public_pages(post)


def _on_went_live(sender, post=None, **kwargs) -> None:
    # The request after the go-live time already starts a new generation; this makes it
    # explicit for the workflow's job (and for any cache a time check does not cover).
    invalidate_public_pages(post)


def connect_signals() -> None:
    from taggit.models import Tag

    from blog import models
    from blog.signals import post_saved, post_went_live

    post_went_live.connect(_on_went_live, dispatch_uid="kosei-went-live-cache")

    # Post.save() sends post_saved after its own steps; connected after the card's receiver.
    post_saved.connect(_on_post_saved, sender=models.Post, dispatch_uid="kosei-post-saved")
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
