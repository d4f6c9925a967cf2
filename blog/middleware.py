"""Stored redirects answer where the site would otherwise say 404."""

from urllib.parse import quote

from django.http import HttpResponsePermanentRedirect

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
