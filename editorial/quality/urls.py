"""The quality checks' admin pages (mounted at /admin/quality/)."""

from django.contrib import admin
from django.urls import path

from editorial.quality import views

app_name = "editorial_quality"

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard_view), name="dashboard"),
    path("refresh/", admin.site.admin_view(views.refresh_view), name="refresh"),
    path("bulk-fix/", admin.site.admin_view(views.bulk_fix_view), name="bulk_fix"),
    path("post/<int:pk>/fix/", admin.site.admin_view(views.post_fix_view), name="post_fix"),
    path(
        "post/<int:pk>/preview/",
        admin.site.admin_view(views.post_preview_view),
        name="post_preview",
    ),
]
