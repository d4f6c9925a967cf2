import datetime as dt

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.generic import ListView

from blog.models import CallToAction, Post

POSTS_PER_PAGE = 10


class PostListView(ListView):
    """Home page: newest published posts, 10 a page at /, /page2/, /page3/ (as Jekyll did)."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = POSTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return redirect("blog:home", permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Post.objects.published().for_listing()


def post_detail(request, year: int, month: int, day: int, slug: str):
    try:
        url_date = dt.date(year, month, day)
    except ValueError:
        raise Http404("日付が正しくありません。") from None
    post = get_object_or_404(
        Post.objects.published().select_related("author", "category").prefetch_related("tags"),
        url_date=url_date,
        slug=slug,
    )
    book_links = post.book_links.filter(book__is_active=True).select_related("book")
    related_ids = list(post.related_links.values_list("related_id", flat=True))
    by_id = Post.objects.published().for_listing().in_bulk(related_ids)
    return render(
        request,
        "blog/post_detail.html",
        {
            "post": post,
            "book_links": book_links,
            "related_posts": [by_id[pk] for pk in related_ids if pk in by_id],
            "call_to_action": CallToAction.for_category(post.category_id),
        },
    )


def favicon(request):
    """Browsers and the admin ask for /favicon.ico whatever the page links to."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
