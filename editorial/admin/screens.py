"""Admin screens that are not a model's: the editor desk with its work queues, and the list of
scheduled posts."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.template.response import TemplateResponse
from django.utils import timezone

from blog.models import Post
from editorial.queues import queues_for


@staff_member_required
def desk_view(request):
    context = {
        **admin.site.each_context(request),
        "title": "編集デスク",
        "queues": queues_for(request.user),
    }
    return TemplateResponse(request, "admin/editorial/desk.html", context)


@staff_member_required
def scheduled_view(request):
    now = timezone.now()
    posts = (
        Post.objects.scheduled(now)
        .select_related("category", "author")
        .defer("body", "body_html", "body_text")
        .order_by("published_at")
    )
    context = {
        **admin.site.each_context(request),
        "title": "予約投稿",
        "posts": posts,
        "can_publish": request.user.has_perm("blog.publish_post"),
    }
    return TemplateResponse(request, "admin/editorial/scheduled.html", context)
