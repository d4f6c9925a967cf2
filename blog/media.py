"""Media files under `runserver` (DJANGO_DEBUG=1). In production the proxy or the object
storage serves MEDIA_URL with the same headers (docs/ogp.md); Django never serves media there."""

from django.conf import settings
from django.http import Http404
from django.views.static import serve

# Content-addressed names: a file at one of these paths never changes, so browsers, CDNs and
# social networks may keep it for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
IMMUTABLE_PREFIXES = ("ogp/cards/", "ogp/uploads/", "articles/")


def serve_media(request, path: str):
    if not settings.DEBUG:
        raise Http404("メディアはこのサーバーからは配信しません。")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if path.startswith(IMMUTABLE_PREFIXES) and response.status_code == 200:
        response["Cache-Control"] = IMMUTABLE
    return response
