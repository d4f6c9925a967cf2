"""Field validators shared by the models (uploads and link targets)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat

MAX_IMAGE_BYTES = 5 * 1024 * 1024
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def validate_image_upload(file) -> None:
    """Size and real-format check on top of ImageField's "is it an image at all"."""
    size = getattr(file, "size", 0) or 0
    if size > MAX_IMAGE_BYTES:
        raise ValidationError(
            f"画像は{filesizeformat(MAX_IMAGE_BYTES)}までです（{filesizeformat(size)}）。"
        )
    image = getattr(file, "image", None)  # set by forms.ImageField after Pillow verified it
    fmt = getattr(image, "format", None)
    if fmt is not None and fmt not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(f"画像の形式 {fmt} は使えません（PNG・JPEG・WebP・GIF）。")


_absolute_url = URLValidator(schemes=["http", "https"])


def validate_link_target(value: str) -> None:
    """A site path ("/services/?utm_source=...") or an absolute http(s) URL."""
    if value.startswith("/") and not value.startswith("//"):
        return
    try:
        _absolute_url(value)
    except ValidationError:
        raise ValidationError(
            "リンク先は / で始まるサイト内パスか、http(s):// で始まる URL にしてください。"
        ) from None


def validate_page_path(value: str) -> None:
    """A site page may not sit where the site answers something else: under the static or
    media prefix, or at a path one of the site's own routes (admin, API, preview, articles,
    categories, tags, feeds, search...) answers first. Such a page would never be shown, and
    keeping system routes ahead of the catch-all page route is what keeps them working."""
    from django.conf import settings
    from django.urls import Resolver404, resolve

    for label, prefix in (("静的ファイル", settings.STATIC_URL), ("メディア", settings.MEDIA_URL)):
        prefix = "/" + (prefix or "").lstrip("/") if prefix and "://" not in prefix else ""
        if prefix and prefix != "/" and value.startswith(prefix):
            raise ValidationError(
                f"{value} は{label}のパス（{prefix}）の下なので、固定ページには使えません。"
            )
    try:
        match = resolve(value)
    except Resolver404:
        return
    if match.url_name == "page" and match.namespace == "blog_pages":
        return
    raise ValidationError(
        f"{value} はサイトの機能（{match.view_name}）が使うパスなので、固定ページには使えません。"
    )
