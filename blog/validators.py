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
