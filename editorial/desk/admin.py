"""The editor's desk on the post page: JSON endpoints under the Post admin's URLs for the live
preview (with counters, findings and fixes for the unsaved text), the autosave slot, image
uploads and the book picker, and the page context the scripts in static/js/desk*.js read.

Progressive enhancement: the page is the stock admin form, which saves without JavaScript;
the scripts add the side-by-side editor, autosave and the pickers on top of it.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone

from blog.images import store_upload
from blog.logic.images import ImageUploadError
from blog.models import Post
from editorial import workflow
from editorial.desk import autosave, books, preview
from editorial.quality import checking


def markdown_image(alt: str, url: str) -> str:
    """`![alt](url)` with the characters that would end the alt text escaped."""
    text = " ".join(alt.split())
    for char in ("\\", "[", "]"):
        text = text.replace(char, "\\" + char)
    return f"![{text}]({url})"


def _error(message: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


class DeskAdminMixin:
    """A mixin of the one Post admin (editorial/admin/posts.py)."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=[
                "js/desk.js",
                "js/desk_autosave.js",
                "js/desk_images.js",
                "js/desk_books.js",
                "js/desk_quotes.js",
            ],
            css={"all": ["css/desk.css"]},
        )

    def get_urls(self):
        own = [
            ("add/live/", self.live_view, "blog_post_live_add"),
            ("<int:pk>/live/", self.live_view, "blog_post_live"),
            ("add/autosave/", self.autosave_view, "blog_post_autosave_add"),
            ("<int:pk>/autosave/", self.autosave_view, "blog_post_autosave"),
            ("images/upload/", self.image_upload_view, "blog_post_image_upload"),
            ("books/search/", self.book_search_view, "blog_post_book_search"),
            ("books/add/", self.book_add_view, "blog_post_book_add"),
        ]
        return [
            path(route, self.admin_site.admin_view(fn), name=name) for route, fn, name in own
        ] + super().get_urls()

    # --- the page ---------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["desk"] = self.desk_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def desk_context(self, request, obj) -> dict:
        if obj is None:
            can_edit = self.has_add_permission(request)
            live, autosave_url = (
                reverse("admin:blog_post_live_add"),
                reverse("admin:blog_post_autosave_add"),
            )
        else:
            can_edit = workflow.can_edit(request.user, obj)
            live = reverse("admin:blog_post_live", args=[obj.pk])
            autosave_url = reverse("admin:blog_post_autosave", args=[obj.pk])
        offer = None
        if can_edit and request.method == "GET":
            offer = autosave.autosave_offer(request.user, obj)
        return {
            "live_url": live,
            "autosave_url": autosave_url if can_edit else "",
            "autosave_seconds": settings.EDITORIAL_AUTOSAVE_SECONDS,
            "upload_url": reverse("admin:blog_post_image_upload") if can_edit else "",
            "book_search_url": reverse("admin:blog_post_book_search"),
            "book_add_url": reverse("admin:blog_post_book_add"),
            "can_add_book": request.user.has_perm("blog.add_affiliatebook"),
            "post_id": obj.pk if obj else "",
            "offer": offer,
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # What the autosave slot held is now saved (or deliberately replaced by this save).
        autosave.discard_slot(request.user, form.instance)
        if not change:
            autosave.discard_slot(request.user, None)

    # --- endpoints ------------------------------------------------------------------------

    def _desk_post(self, request, pk, *, edit: bool):
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied("記事を作成する権限がありません。")
            return None
        post = get_object_or_404(checking.posts_for_checking(Post.objects.all()), pk=pk)
        allowed = (
            workflow.can_edit(request.user, post)
            if edit
            else self.has_view_or_change_permission(request, post)
        )
        if not allowed:
            raise PermissionDenied("この記事を操作する権限がありません。")
        return post

    def live_view(self, request, pk=None):
        """Preview HTML, counters and findings for the posted (unsaved) fields; with `fix`,
        one finding's fix applied to them first. Nothing is saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._desk_post(request, pk, edit=False)
        form = preview.FormInput.from_post_data(request.POST)
        return JsonResponse(preview.analyse(post, form, fix=request.POST.get("fix", "")))

    def autosave_view(self, request, pk=None):
        """Keep the form in the user's autosave slot: the fields, or with `patch=1` the changes
        since the slot's `base` token (`patch-<field>`); `discard=1` empties it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._desk_post(request, pk, edit=True)
        if request.POST.get("discard"):
            autosave.discard_slot(request.user, post)
            return JsonResponse({"discarded": True})
        version = request.POST.get("version", "")
        base_version = int(version) if version.isdigit() else None
        if request.POST.get("patch"):
            try:
                slot = autosave.patch_slot(request.user, post, request.POST, base_version)
            except autosave.PatchRefused as exc:
                return _error(f"自動保存の差分を適用できませんでした（{exc}）。", status=409)
        else:
            slot = autosave.save_slot(request.user, post, request.POST, base_version)
        return JsonResponse(
            {
                "saved_at": timezone.localtime(slot.saved_at).strftime("%H:%M:%S"),
                "token": autosave.slot_token(slot),
            }
        )

    def image_upload_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied("画像をアップロードする権限がありません。")
        upload = request.FILES.get("image")
        if upload is None:
            return _error("画像ファイルを選んでください。")
        alt = " ".join(request.POST.get("alt", "").split())
        if not alt:
            return _error(
                "代替テキスト（画像の内容の説明）を入力してください。"
                "画像が表示されないときや読み上げソフトで使われます。"
            )
        if len(alt) > 300:
            return _error(f"代替テキストは300文字までです（{len(alt)}文字）。")
        post = None
        post_id = request.POST.get("post", "")
        if post_id.isdigit():
            post = Post.objects.filter(pk=int(post_id)).first()
            if post is not None and not workflow.can_edit(request.user, post):
                post = None
        try:
            image = store_upload(upload, alt=alt, user=request.user, post=post)
        except ImageUploadError as exc:
            return _error(f"「{upload.name}」は使えません: {exc}")
        return JsonResponse(
            {
                "url": image.url,
                "markdown": markdown_image(alt, image.url),
                "width": image.width,
                "height": image.height,
            }
        )

    def book_search_view(self, request):
        if not request.user.has_perm("blog.view_affiliatebook"):
            raise PermissionDenied("書籍を見る権限がありません。")
        return JsonResponse({"results": books.search_books(request.GET.get("q", ""))})

    def book_add_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("blog.add_affiliatebook"):
            return _error("新しい書籍を登録する権限がありません（編集者以上）。", status=403)
        try:
            book, created = books.add_book(
                request.POST.get("asin", ""),
                request.POST.get("title", ""),
                request.POST.get("description", ""),
            )
        except books.BookError as exc:
            return JsonResponse({"errors": exc.errors}, status=400)
        return JsonResponse({"book": books.book_json(book), "created": created})
