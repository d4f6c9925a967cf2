"""Stored redirects answer where the site would otherwise say 404."""

from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect

from blog.logic.urls import legacy_destination


class RedirectFallbackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        from blog.models import Redirect  # the app registry is ready by the first request

        path = request.path  # already percent-decoded by Django
        candidates = {path, path if path.endswith("/") else path + "/"}
        redirect = (
            Redirect.objects.select_related("target_post").filter(old_path__in=candidates).first()
        )
        destination = redirect.destination() if redirect is not None else legacy_destination(path)
        if not destination or destination == path:
            return response
        query = _query_string(request)
        if query:
            destination += ("&" if "?" in destination else "?") + query
        return HttpResponsePermanentRedirect(destination)


def _query_string(request) -> str:
    """The request's query string as URL text: QUERY_STRING holds the raw bytes decoded as
    latin-1 (PEP 3333), so a raw UTF-8 query is turned back into bytes and percent-encoded
    instead of being encoded a second time as if it were text."""
    raw = request.META.get("QUERY_STRING", "")
    try:
        data = raw.encode("iso-8859-1")
    except UnicodeEncodeError:  # a caller that put text there (not a WSGI server)
        data = raw.encode("utf-8")
    return quote(data, safe="!$&'()*+,;=:@/?%[]~")


PUBLIC_NAMESPACES = frozenset({"blog", "blog_pages"})


class PublicNotFoundMiddleware:
    """With DEBUG on, Django answers every 404 with its English debug page. A reader's 404
    (an article, tag or page that does not exist) is not a routing mistake: show the site's
    own Japanese 404 page there, as production does, so `make run` shows what readers see.
    The admin, the API and paths no route matches keep Django's debug page; add
    ``?debug404`` to a public URL to see it there too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG or not isinstance(exception, Http404):
            return None
        match = getattr(request, "resolver_match", None)
        if match is None or match.namespace not in PUBLIC_NAMESPACES:
            return None
        if "debug404" in request.GET:
            return None
        from blog.views import page_not_found  # views import models: load them lazily

        return page_not_found(request, exception)
