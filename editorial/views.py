"""Share-link previews: a secret URL shows the current draft to whoever holds it."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from blog.models import CallToAction, Post
from editorial.models import ShareLink


@never_cache
def share_preview(request, token: str):
    link = get_object_or_404(ShareLink.objects.select_related("post"), token=token)
    if not link.is_valid():
        raise Http404("この共有リンクは期限切れか、無効になっています。")
    post = link.post
    related_ids = list(post.related_links.values_list("related_id", flat=True))
    by_id = Post.objects.published().for_listing().in_bulk(related_ids)
    context = {
        "post": post,
        "book_links": post.book_links.filter(book__is_active=True).select_related("book"),
        "related_posts": [by_id[pk] for pk in related_ids if pk in by_id],
        "call_to_action": CallToAction.for_category(post.category_id),
        "share_link": link,
    }
    response = TemplateResponse(request, "editorial/share_preview.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
