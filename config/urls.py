from django.contrib import admin
from django.urls import include, path

from editorial.admin import desk_view, scheduled_view

admin.site.site_header = "Kōsei 管理画面"
admin.site.site_title = "Kōsei"
admin.site.index_title = "サイト管理"

urlpatterns = [
    path("admin/editorial/desk/", desk_view, name="editorial_desk"),
    path("admin/editorial/scheduled/", scheduled_view, name="editorial_scheduled"),
    path("admin/", admin.site.urls),
    path("preview/", include("editorial.urls")),
    path("", include("blog.urls")),
]
