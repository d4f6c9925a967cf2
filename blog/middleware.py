"""Stored redirects answer where the site would otherwise say 404."""

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
        query = request.META.get("QUERY_STRING", "")
        if query:
            destination += ("&" if "?" in destination else "?") + query
        return HttpResponsePermanentRedirect(destination)
