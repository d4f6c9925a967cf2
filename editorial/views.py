"""Share-link previews: a secret URL shows the current draft to whoever holds it."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from blog.views.post import article_context
from editorial.models import ShareLink


@never_cache
def share_preview(request, token: str):
    link = get_object_or_404(ShareLink.objects.select_related("post"), token=token)
    if not link.is_valid():
        raise Http404("この共有リンクは期限切れか、無効になっています。")
    post = link.post
    context = article_context(
        post,
        path=reverse("editorial:share_preview", args=[token]),
        body=mark_safe(post.body_html),  # sanitised by the renderer on save
    )
    response = TemplateResponse(
        request, "editorial/share_preview.html", {**context, "share_link": link}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
