"""Admin screens for social cards: the card preview with crop overlays on the post page, the
"regenerate" button, and the per-category preview page where designers tune theme colours.

The post admin and CategoryAdmin (blog/admin.py) wire these in; the screens live here so the
card-specific code stays in one place.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from blog.logic import ogp
from blog.models import Author, Category, Post
from blog.ogp import cards

# Visible part of the card on each network (width:height).
CROPS = [("X（2:1）", 2.0, "#e11d48", "dashed"), ("Facebook（1.91:1）", 1.91, "#2563eb", "dotted")]

SAMPLE_TITLES = [
    "生成AIの導入で現場はどう変わる？ 2,000億円市場とGPT-4o時代の業務改革",
    "AIエージェント",
    "製造業の予知保全にAIを導入した企業が直面した「データ整備」の壁と、"
    "半年で成果を出すための体制づくり（チェックリスト付き）",
]
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def crop_insets(width: int, height: int, ratio: float) -> tuple[float, float]:
    """(top/bottom, left/right) margins in percent that a network trims to show `ratio`."""
    if width / height > ratio:
        return 0.0, (width - height * ratio) / 2 / width * 100
    return (height - width / ratio) / 2 / height * 100, 0.0


def card_preview(post: Post, regenerate_url: str | None) -> str:
    """The card the article page points at, with the crop of each network drawn over it."""
    if post.pk is None:
        return "保存すると自動でカードが作られます。"
    uploaded = post.ogp_image_source == Post.OgpImageSource.UPLOADED and post.ogp_image
    if uploaded:
        src, size = post.ogp_image.url, (post.ogp_image_width, post.ogp_image_height)
        status = "アップロード画像を使っています。"
    elif post.ogp_card:
        src, size = post.ogp_card.url, (ogp.WIDTH, ogp.HEIGHT)
        status = "自動生成カードを使っています。"
        if not _is_current(post):
            status += (
                "カテゴリや著者の名前・色、またはデザインが変わったため古くなっています。"
                "「カードを再生成」で描き直してください。"
            )
    else:
        src, size = None, None
        status = "自動生成カードはまだありません。「カードを再生成」で作成できます。"
    parts = []
    if src:
        width, height = size if all(size) else (ogp.WIDTH, ogp.HEIGHT)
        overlays = format_html_join(
            "",
            '<div title="{}の表示範囲" style="position:absolute;inset:{}% {}%;'
            'border:2px {} {};pointer-events:none"></div>',
            (
                (
                    label,
                    *(f"{inset:.2f}" for inset in crop_insets(width, height, ratio)),
                    style,
                    colour,
                )
                for label, ratio, colour, style in CROPS
            ),
        )
        parts.append(
            format_html(
                '<div style="position:relative;max-width:600px;line-height:0">'
                '<img src="{}" alt="{}" width="600" style="width:100%;height:auto;'
                'border:1px solid #ccc">{}</div>',
                src,
                post.title,
                overlays,
            )
        )
        legend = format_html_join(
            " ",
            '<span style="border:2px {} {};padding:0 .4em">{}</span>',
            ((style, colour, label) for label, _, colour, style in CROPS),
        )
        parts.append(format_html("<p>枠の内側が各 SNS で表示される範囲です: {}</p>", legend))
    parts.append(format_html("<p>{}</p>", status))
    if post.ogp_card_note:
        notes = format_html_join("", "<li>{}</li>", ((n,) for n in post.ogp_card_note.splitlines()))
        parts.append(format_html('<ul class="messagelist"><li class="warning">{}</li></ul>', notes))
    if regenerate_url:
        parts.append(
            format_html(
                '<button type="submit" class="button" formaction="{}" formmethod="post" '
                "formnovalidate data-ogp-regenerate>カードを再生成</button> "
                '<span class="help">保存済みの内容で描き直します。</span>',
                regenerate_url,
            )
        )
    return format_html(
        '<div class="kosei-ogp">{}</div>', format_html_join("", "{}", ((p,) for p in parts))
    )


def _is_current(post: Post) -> bool:
    try:
        return cards.card_is_current(post)
    except ogp.OgpFontError:
        return False


def regenerate_view(model_admin, request, object_id: str):
    """Draw the saved post's card again (also after a lost file or a design change)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    post = model_admin.get_object(request, object_id)
    if post is None:
        raise Http404("記事が見つかりません。")
    if not model_admin.has_change_permission(request, post):
        raise PermissionDenied
    change_url = reverse("admin:blog_post_change", args=[post.pk])
    error = None
    try:
        cards.generate_card(post, force=True)
    except ogp.OgpFontError as exc:
        error = str(exc)
    if "application/json" in request.headers.get("Accept", ""):
        url = reverse("admin:blog_post_ogp_regenerate", args=[post.pk])
        return JsonResponse(
            {"html": card_preview(post, url), "error": error}, status=500 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"「{post.title}」の OGP カードを描き直しました。")
    return redirect(change_url)


def regenerate_action(model_admin, request, queryset):
    drawn, failed, refused = 0, [], 0
    for post in queryset.select_related("author", "category"):
        if not model_admin.has_change_permission(request, post):
            refused += 1  # the list may show posts this user may not edit
            continue
        try:
            cards.generate_card(post, force=True)
            drawn += 1
        except ogp.OgpFontError as exc:
            messages.error(request, str(exc))
            return
        except Exception as exc:  # one broken post must not hide the others' result
            failed.append(f"{post.pk}（{exc}）")
    messages.success(request, f"{drawn} 件の OGP カードを描き直しました。")
    if refused:
        messages.warning(request, f"編集する権限のない {refused} 件は描き直していません。")
    if failed:
        messages.error(request, "描けなかった記事: " + "、".join(failed))


# --- category preview ------------------------------------------------------------------------


def _colours(request, category: Category) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    colours = {}
    for key, current in (
        ("gradient_start", category.ogp_gradient_start),
        ("gradient_end", category.ogp_gradient_end),
        ("accent", category.ogp_accent),
    ):
        value = source.get(key, "").strip()
        colours[key] = value.upper() if _HEX.match(value) else current
    return colours


def category_preview_view(model_admin, request, object_id: str):
    """Cards for sample titles in this category's colours; designers try colours here and
    save them when they look right."""
    category = model_admin.get_object(request, object_id)
    if category is None:
        raise Http404("カテゴリが見つかりません。")
    if not model_admin.has_view_permission(request, category):
        raise PermissionDenied
    colours = _colours(request, category)
    if request.method == "POST":
        if not model_admin.has_change_permission(request, category):
            raise PermissionDenied
        category.ogp_gradient_start = colours["gradient_start"]
        category.ogp_gradient_end = colours["gradient_end"]
        category.ogp_accent = colours["accent"]
        category.save(update_fields=["ogp_gradient_start", "ogp_gradient_end", "ogp_accent"])
        messages.success(
            request,
            f"「{category.name}」の OGP の色を保存しました。既存の記事のカードは "
            "`manage.py generate_ogp --missing` か、記事ごとの「カードを再生成」で描き直されます。",
        )
        return redirect(reverse("admin:blog_category_ogp_preview", args=[category.pk]))
    title = request.GET.get("title", "").strip()[:200]
    titles = [title] if title else []
    titles += [t for t in SAMPLE_TITLES if t != title]
    png_url = reverse("admin:blog_category_ogp_preview_png", args=[category.pk])
    images = []
    for sample in titles:
        query = {**colours, "title": sample}
        images.append((sample, f"{png_url}?{urlencode(query)}"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": category,
        "title": f"OGP カードのプレビュー: {category.name}",
        "colours": colours,
        "sample_title": title,
        "images": images,
        "can_change": model_admin.has_change_permission(request, category),
    }
    return TemplateResponse(request, "admin/blog/category/ogp_preview.html", context)


def category_preview_png(model_admin, request, object_id: str):
    category = model_admin.get_object(request, object_id)
    if category is None:
        raise Http404("カテゴリが見つかりません。")
    if not model_admin.has_view_permission(request, category):
        raise PermissionDenied
    colours = _colours(request, category)
    author = Author.objects.order_by("pk").values_list("name", flat=True).first()
    data = ogp.CardInput(
        title=request.GET.get("title", "").strip()[:200] or SAMPLE_TITLES[0],
        category=category.name,
        author=author or "",
        site_name=cards.site_label(),
        domain=settings.OGP_DOMAIN,
        theme=ogp.Theme(colours["gradient_start"], colours["gradient_end"], colours["accent"]),
    )
    try:
        card = ogp.draw_card(data, cards.site_font())
    except ogp.OgpFontError as exc:
        return HttpResponse(str(exc), status=500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(card.png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"  # a preview, not a published card
    return response


def category_preview_link(category: Category) -> str:
    if category.pk is None:
        return "保存するとプレビューできます。"
    page = reverse("admin:blog_category_ogp_preview", args=[category.pk])
    png = reverse("admin:blog_category_ogp_preview_png", args=[category.pk])
    return format_html(
        '<a href="{0}"><img src="{1}" alt="" width="300" style="border:1px solid #ccc"></a>'
        '<p><a href="{0}">サンプルのタイトルでプレビューし、色を調整する</a></p>',
        page,
        png,
    )


def warn_cards_outdated(request, form, drawn_fields: tuple[str, ...], posts) -> None:
    """After a category or author edit that changes what cards show: say which cards are now
    outdated and how to redraw them. Redrawing hundreds of cards inside the request would make
    the editor wait; `generate_ogp --missing` (cron, docs/ogp.md) picks them up."""
    if not any(name in form.changed_data for name in drawn_fields):
        return
    count = posts.count()
    if count:
        messages.warning(
            request,
            f"この変更で記事 {count} 件の OGP カードが古くなりました。"
            "`python manage.py generate_ogp --missing` で描き直されます"
            "（記事ごとの「カードを再生成」でも描き直せます）。",
        )
