from django.urls import path, re_path

from editorial.api import views

app_name = "api"

urlpatterns = [
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("v1/drafts", views.drafts, name="drafts"),
    path("v1/drafts/<int:id>", views.draft_detail, name="draft_detail"),
    path("v1/drafts/<int:id>/submit", views.draft_submit, name="draft_submit"),
    path("v1/posts", views.posts, name="posts"),
    # Last: anything else under /api/ is a JSON 404 (not part of the documented API).
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
