import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from blog import media
from blog.urls import page_urlpatterns
from editorial.admin.screens import desk_view, scheduled_view

admin.site.site_header = "Kōsei 管理画面"
admin.site.site_title = "Kōsei"
admin.site.index_title = "サイト管理"

handler404 = "blog.views.page_not_found"

urlpatterns = [
    path("admin/editorial/desk/", desk_view, name="editorial_desk"),
    path("admin/editorial/scheduled/", scheduled_view, name="editorial_scheduled"),
    path("admin/quality/", include("editorial.quality.urls")),
    path("admin/", admin.site.urls),
    path("preview/", include("editorial.urls")),
    path("api/", include("editorial.api.urls")),
    path("", include("blog.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploaded media under the site's own prefix. Django answers it only with DEBUG on
    # (production serves it from the proxy or object storage); the route is always here so
    # that no site page can take the prefix. It must come before the page route.
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.*)$", media.serve_media, name="media"))

# Site pages (/about/, /ad-policy/...) at any path not taken above: keep this last. A page
# at a path an earlier route answers is refused on save (blog.validators.validate_page_path).
urlpatterns.append(path("", include((page_urlpatterns, "blog_pages"))))
