import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from blog import media

admin.site.site_header = "Kōsei 管理画面"
admin.site.site_title = "Kōsei"
admin.site.index_title = "サイト管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("blog.urls")),
]

if settings.DEBUG and settings.MEDIA_URL.startswith("/"):
    # Development only: production serves media from the proxy or object storage.
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.*)$", media.serve_media))
