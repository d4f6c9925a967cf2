"""The uploaded replacement for a post's social card: checked before Django's own image check,
so a decompression bomb or a renamed text file gets its own clear message rather than
"not an image or broken"."""

import hashlib
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from blog.logic.ogp import OverrideImageError, check_override_image

_EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "WebP": ".webp"}


def validate_ogp_override(file) -> None:
    """Model-level check (also for uploads that bypass forms, such as imports)."""
    if getattr(file, "_committed", False):
        return  # already stored, so it passed this check when it was uploaded
    raw = getattr(file, "file", file)
    try:
        check_override_image(raw, getattr(file, "size", None))
    except OverrideImageError as exc:
        raise ValidationError(str(exc), code="ogp_override") from None


def ogp_override_upload_to(instance, filename: str) -> str:
    """Content-addressed name: a replaced image never reuses a URL that networks cached."""
    file = instance.ogp_image
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    image = getattr(getattr(file, "file", None), "image", None)  # set by forms.ImageField
    suffix = _EXTENSIONS.get(getattr(image, "format", None) or "", "")
    if not suffix:
        suffix = PurePosixPath(filename).suffix.lower()
        suffix = ".jpg" if suffix == ".jpeg" else suffix
    return f"ogp/uploads/{digest.hexdigest()[:20]}{suffix}"


class OgpOverrideFormField(forms.ImageField):
    default_error_messages = {
        "invalid_image": "画像として読めません。PNG・JPEG・WebP の画像ファイルを選んでください。"
    }

    def to_python(self, data):
        if data in self.empty_values:
            return None
        try:
            check_override_image(data, getattr(data, "size", None))
        except OverrideImageError as exc:
            raise ValidationError(str(exc), code="ogp_override") from None
        return super().to_python(data)


class OgpOverrideField(models.ImageField):
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OgpOverrideFormField, **kwargs})
