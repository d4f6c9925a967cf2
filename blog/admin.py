"""The admin screens of what blog owns. Every model is registered here except Post: its
screen is declared once, in editorial, from `PostAdminBase` and the workflow's mixins (blog
must not import editorial, so the registration happens there).
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import TagWidget
from taggit.models import Tag

from blog.models import (
    AffiliateBook,
    ArticleImage,
    Author,
    CallToAction,
    Category,
    Page,
    Post,
    PostBook,
    Redirect,
    RelatedPost,
    StalePostError,
    TaggedPost,
)
from blog.ogp import admin as ogp_admin


class PostAdminForm(forms.ModelForm):
    canonical_url = forms.URLField(
        label=Post._meta.get_field("canonical_url").verbose_name,
        required=False,
        assume_scheme="https",
        help_text="別の URL を正規版として検索エンジンに伝えるときだけ入力します。",
    )

    class Meta:
        model = Post
        fields = [
            "title",
            "slug",
            "status",
            "category",
            "author",
            "tags",
            "version",
            "excerpt",
            "body",
            "published_at",
            "url_date",
            "description",
            "canonical_url",
            "noindex",
            "ogp_image_source",
            "ogp_image",
            "reading_time_override",
            "extra",
        ]
        widgets = {
            "version": forms.HiddenInput,
            "tags": TagWidget(
                attrs={"data-suggest-url": reverse_lazy("admin:blog_post_tag_suggest")}
            ),
            "body": forms.Textarea(attrs={"rows": 30, "class": "kosei-body"}),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
            "ogp_image_source": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ogp_image_source" in self.fields:
            # A form (or script) that does not send the choice keeps the current one.
            self.fields["ogp_image_source"].required = False

    def clean_body(self):
        # Browsers send textarea line breaks as CRLF; bodies are stored with LF, as the API
        # and the importer store them, so line numbers, diffs and fixes agree everywhere.
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def clean_ogp_image_source(self):
        return (
            self.cleaned_data.get("ogp_image_source")
            or self.instance.ogp_image_source
            or Post.OgpImageSource.GENERATED
        )

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("version")
        if self.instance.pk and loaded is not None and loaded != self.instance.version:
            # The instance was just read from the database: its version is the current one.
            raise forms.ValidationError(StalePostError.message, code="stale")
        return cleaned


class PostPartInline(admin.TabularInline):
    """Rows that belong to a post (its books, its related posts): whoever may edit the post
    may edit them, without separate permissions on these models (the roles grant none)."""

    def _post_admin(self):
        return self.admin_site._registry[self.parent_model]

    def _may_edit(self, request, obj):
        post_admin = self._post_admin()
        if obj is None:
            return post_admin.has_add_permission(request)
        return post_admin.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self._post_admin().has_view_or_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)


class PostBookInline(PostPartInline):
    model = PostBook
    extra = 0
    autocomplete_fields = ["book"]
    fields = ["position", "book", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("book")  # each row's name


class RelatedPostInline(PostPartInline):
    model = RelatedPost
    fk_name = "post"
    extra = 0
    autocomplete_fields = ["related"]
    fields = ["position", "related"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("related")  # each row's name


class PostAdminBase(admin.ModelAdmin):
    """The post page's blog part (fields, preview, social card, tag suggestions). Not
    registered: editorial's `PostAdmin` builds on it and is the one registered for Post."""

    form = PostAdminForm
    list_display = ["title", "status", "category", "author", "published_at", "tag_list"]
    list_filter = ["status", "category", "author", "noindex"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "body", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["author", "category"]
    readonly_fields = [
        "public_link",
        "reading_time",
        "rendered_preview",
        "updated_at",
        "ogp_card_preview",
    ]
    inlines = [PostBookInline, RelatedPostInline]
    actions = ["regenerate_ogp_cards"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "category", "author", "tags", "version"]}),
        ("本文", {"fields": ["excerpt", "body", "rendered_preview"]}),
        (
            "公開と URL",
            {"fields": ["published_at", "url_date", "public_link", "updated_at"]},
        ),
        (
            "検索エンジンと SNS",
            {"fields": ["description", "canonical_url", "noindex"]},
        ),
        (
            "SNS カード（OGP 画像）",
            {"fields": ["ogp_card_preview", "ogp_image_source", "ogp_image"]},
        ),
        (
            "その他",
            {
                "classes": ["collapse"],
                "fields": ["reading_time", "reading_time_override", "extra"],
            },
        ),
    ]

    class Media:
        js = ["js/admin_tag_suggest.js", "js/admin_ogp.js"]
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="タグ")
    def tag_list(self, obj):
        return "、".join(tag.name for tag in obj.tags.all())

    @admin.display(description="公開 URL")
    def public_link(self, obj):
        if obj.public_path is None:
            return "未公開（初回公開時に決まります）"
        if obj.is_public():
            return format_html('<a href="{0}">{0}</a>', obj.get_absolute_url())
        return f"{obj.public_path}（非公開）"

    @admin.display(description="プレビュー")
    def rendered_preview(self, obj):
        if not obj.body_html:
            return "保存するとここに表示されます。"
        # body_html was sanitised by the renderer when the post was saved.
        return format_html('<div class="kosei-preview">{}</div>', mark_safe(obj.body_html))

    @admin.display(description="SNS カード")
    def ogp_card_preview(self, obj):
        url = None
        if obj.pk is not None:
            url = reverse("admin:blog_post_ogp_regenerate", args=[obj.pk])
        return ogp_admin.card_preview(obj, url)

    @admin.action(description="選択した記事の OGP カードを再生成", permissions=["change"])
    def regenerate_ogp_cards(self, request, queryset):
        ogp_admin.regenerate_action(self, request, queryset)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public() else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StalePostError:
            # Another save landed between this form's validation and its save. Running the
            # view again re-validates against the new version, so the editor sees the
            # refusal with their own text still in the form.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "tag-suggest/",
                self.admin_site.admin_view(self.tag_suggest),
                name="blog_post_tag_suggest",
            ),
            path(
                "<path:object_id>/ogp/regenerate/",
                self.admin_site.admin_view(partial(ogp_admin.regenerate_view, self)),
                name="blog_post_ogp_regenerate",
            ),
        ] + super().get_urls()

    def tag_suggest(self, request):
        """Existing tag names for the tag field's autocomplete, most used first."""
        query = request.GET.get("q", "").strip()
        tags = Tag.objects.none()
        if query:
            tags = (
                Tag.objects.filter(name__icontains=query)
                .annotate(uses=Count("blog_taggedpost_items"))
                .order_by("-uses", "name")[:15]
            )
        return JsonResponse({"results": [tag.name for tag in tags]})


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_organization", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            ogp_admin.warn_cards_outdated(request, form, ("name",), obj.posts.all())


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "colours"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    readonly_fields = ["ogp_preview"]

    @admin.display(description="OGP カードのプレビュー")
    def ogp_preview(self, obj):
        return ogp_admin.category_preview_link(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            drawn = ("name", "ogp_gradient_start", "ogp_gradient_end", "ogp_accent")
            ogp_admin.warn_cards_outdated(request, form, drawn, obj.posts.all())

    def get_urls(self):
        return [
            path(
                "<path:object_id>/ogp-preview/",
                self.admin_site.admin_view(partial(ogp_admin.category_preview_view, self)),
                name="blog_category_ogp_preview",
            ),
            path(
                "<path:object_id>/ogp-preview.png",
                self.admin_site.admin_view(partial(ogp_admin.category_preview_png, self)),
                name="blog_category_ogp_preview_png",
            ),
        ] + super().get_urls()

    @admin.display(description="OGP の色")
    def colours(self, obj):
        swatch = '<span style="display:inline-block;width:1.2em;height:1.2em;background:{}"></span>'
        return format_html_join(
            "",
            swatch,
            ((c,) for c in (obj.ogp_gradient_start, obj.ogp_gradient_end, obj.ogp_accent)),
        )


@admin.register(AffiliateBook)
class AffiliateBookAdmin(admin.ModelAdmin):
    list_display = ["title", "asin", "is_active", "amazon_link"]
    list_filter = ["is_active"]
    search_fields = ["title", "asin"]

    @admin.display(description="Amazon")
    def amazon_link(self, obj):
        return format_html('<a href="{0}" rel="noopener">{0}</a>', obj.amazon_url)


@admin.register(ArticleImage)
class ArticleImageAdmin(admin.ModelAdmin):
    """Images uploaded from the post page (the upload itself happens there, with alt text)."""

    list_display = ["thumbnail", "alt", "format", "dimensions", "size", "post", "created_at"]
    list_filter = ["format"]
    search_fields = ["alt", "key"]
    list_select_related = ["post"]
    readonly_fields = ["thumbnail", "markdown", "alt", "post", "uploaded_by", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="画像")
    def thumbnail(self, obj):
        smallest = min(obj.renditions, key=lambda r: r["width"], default=None)
        url = default_storage.url(smallest["name"]) if smallest else obj.url
        return format_html('<img src="{}" alt="" width="120" loading="lazy">', url)

    @admin.display(description="大きさ")
    def dimensions(self, obj):
        return f"{obj.width}x{obj.height}"

    @admin.display(description="本文に書く Markdown")
    def markdown(self, obj):
        return f"![{obj.alt}]({obj.url})"


@admin.register(CallToAction)
class CallToActionAdmin(admin.ModelAdmin):
    list_display = ["heading", "category", "url", "is_active"]
    list_filter = ["is_active", "category"]


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "target_post", "target_path", "created_at"]
    search_fields = ["old_path", "target_path"]
    autocomplete_fields = ["target_post"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "path", "is_published", "noindex", "updated_at"]
    list_filter = ["is_published", "noindex"]
    search_fields = ["title", "path", "body"]
    fields = ["title", "path", "description", "body", "is_published", "noindex"]

    def view_on_site(self, obj):
        return obj.path if obj.is_published else None


class TagMergeForm(forms.Form):
    name = forms.CharField(
        label="統合後のタグ名",
        max_length=100,
        help_text="選んだタグの付いた記事は、すべてこのタグになります。既存のタグ名も使えます。",
    )


@transaction.atomic
def merge_tags(tags: list[Tag], name: str) -> tuple[Tag, int]:
    """Give every post tagged with one of `tags` the tag `name` instead (an existing tag, or a
    new one) and delete the others. Returns the tag and how many posts it was given to."""
    target = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
    sources = [tag for tag in tags if tag.pk != target.pk]
    links = TaggedPost.objects.filter(tag__in=sources)
    posts = set(links.values_list("content_object_id", flat=True))
    posts -= set(
        TaggedPost.objects.filter(tag=target, content_object_id__in=posts).values_list(
            "content_object_id", flat=True
        )
    )
    TaggedPost.objects.bulk_create(TaggedPost(tag=target, content_object_id=pk) for pk in posts)
    links.delete()
    for tag in sources:
        tag.delete()  # its post_delete empties the page cache
    return target, len(posts)


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """taggit's tag admin with the number of posts and a merge that moves this site's posts:
    taggit's own merge page is in English and moves only its generic TaggedItem rows, which no
    post uses (posts are tagged through TaggedPost)."""

    inlines = []  # taggit's inline lists the generic TaggedItem rows, not posts
    list_display = ["name", "slug", "post_count"]
    actions = ["merge_selected_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("blog_taggedpost_items"))

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)  # without taggit's merge page

    @admin.display(description="記事数", ordering="post_count")
    def post_count(self, obj):
        return obj.post_count

    def has_merge_permission(self, request):
        # A merge deletes the tags it empties.
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="選んだタグを統合", permissions=["merge"])
    def merge_selected_tags(self, request, queryset):
        tags = list(queryset.order_by("name"))
        form = TagMergeForm(
            request.POST if "apply" in request.POST else None,
            initial={"name": tags[0].name if tags else ""},
        )
        if form.is_valid():
            target, count = merge_tags(tags, form.cleaned_data["name"].strip())
            self.message_user(
                request,
                f"{len(tags)}個のタグを「{target.name}」に統合しました（記事{count}件に付け替え）。",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "選んだタグを統合",
            "opts": self.model._meta,
            "tags": tags,
            "form": form,
            "action": "merge_selected_tags",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)
