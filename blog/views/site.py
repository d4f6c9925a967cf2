"""Site pages, search, robots.txt, llms.txt and the 404 page."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from blog import search as site_search
from blog.cache import public_page
from blog.models import Category, Page, Post
from blog.views.common import paginate

LATEST_ON_404 = 5


@public_page
def page(request, path: str):
    """A site page at any path (/about/, /ad-policy/...), edited in the admin."""
    full = "/" + path
    if not full.endswith("/"):
        if Page.objects.filter(path=full + "/", is_published=True).exists():
            return HttpResponsePermanentRedirect(full + "/")
        raise Http404("ページがありません。")
    site_page = get_object_or_404(Page, path=full, is_published=True)
    return render(
        request,
        "blog/page.html",
        {"page": site_page, "breadcrumbs": [{"name": site_page.title, "url": site_page.path}]},
    )


@public_page
def search(request):
    text = request.GET.get("q", "").strip()[: site_search.MAX_QUERY_LENGTH]
    context = {"query": text, "breadcrumbs": [{"name": "検索", "url": "/search/"}]}
    if text:
        page_obj = site_search.search_page(text, request.GET.get("page"), paginate)
        context.update(
            page_obj=page_obj,
            hits=site_search.hits(site_search.load_page(page_obj.object_list), text),
            total=page_obj.paginator.count,
        )
    return render(request, "blog/search.html", context)


@require_safe
@public_page
def robots_txt(request):
    lines = []
    for agent in settings.ROBOTS_BLOCKED_AGENTS:
        lines += [f"User-agent: {agent}", "Disallow: /", ""]
    lines.append("User-agent: *")
    lines += [f"Disallow: {path}" for path in settings.ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {settings.SITE_URL}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


LLMS_LATEST = 30


@require_safe
@public_page
def llms_txt(request):
    """/llms.txt (llmstxt.org): the site for language models, generated from the database."""
    published = Post.objects.published()
    categories = Category.objects.annotate(
        count=Count("posts", filter=Q(posts__in=published.values("pk")))
    ).order_by("order", "name")
    latest = published.filter(noindex=False).for_cards()[:LLMS_LATEST]
    base = settings.SITE_URL
    out = [f"# {settings.SITE_NAME}", "", f"> {settings.SITE_DESCRIPTION}", ""]
    out += [
        f"{settings.SITE_NAME}は{settings.SITE_PUBLISHER}が運営する日本語のAI専門メディアです。"
        f"全文のRSSは {base}/feed.xml、サイトマップは {base}/sitemap.xml にあります。",
        "",
        "## カテゴリ",
        "",
    ]
    for category in categories:
        line = f"- [{category.name}]({base}/category/{category.slug}/): {category.count}件"
        if category.description:
            line += f"。{category.description}"
        out.append(line)
    out += ["", "## 最新記事", ""]
    for post in latest:
        line = f"- [{post.title}]({base}{post.public_path})"
        summary = (post.description or post.excerpt).replace("\n", " ").strip()
        if summary:
            line += f": {summary}"
        out.append(line)
    out += ["", "## Optional", "", f"- [広告ポリシー]({base}/ad-policy/)", ""]
    return HttpResponse("\n".join(out), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    """The Japanese 404 page: a search box and the latest articles, with status 404."""
    latest = Post.objects.published().for_cards()[:LATEST_ON_404]
    return render(request, "404.html", {"latest": latest}, status=404)


def favicon(request):
    """Browsers and the admin ask for /favicon.ico whatever the page links to."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
