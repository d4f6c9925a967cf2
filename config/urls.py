from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Kōsei 管理画面"
admin.site.site_title = "Kōsei"
admin.site.index_title = "サイト管理"

urlpatterns = [
    path("admin/quality/", include("editorial.quality_urls")),
    path("admin/", admin.site.urls),
    path("", include("blog.urls")),
]
