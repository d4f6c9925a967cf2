from django.contrib import admin
from django.urls import include, path

from blog.urls import page_urlpatterns

admin.site.site_header = "Kōsei 管理画面"
admin.site.site_title = "Kōsei"
admin.site.index_title = "サイト管理"

handler404 = "blog.views.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("blog.urls")),
    # Site pages (/about/, /ad-policy/...) at any path not taken above: keep this last.
    path("", include((page_urlpatterns, "blog_pages"))),
]
