"""The uploaded replacement for a post's social card: checked before Django's own image check,
so a decompression bomb or a renamed text file gets its own clear message rather than
"not an image or broken"."""

import hashlib
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import ImageFieldFile

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


def content_addressed_name(filename: str, content) -> str:
    """A name from the file's bytes: a replaced image never reuses a URL networks cached."""
    digest = hashlib.sha256()
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    image = getattr(content, "image", None) or getattr(
        getattr(content, "file", None), "image", None
    )  # set by forms.ImageField
    suffix = _EXTENSIONS.get(getattr(image, "format", None) or "", "")
    if not suffix:
        suffix = PurePosixPath(filename).suffix.lower()
        suffix = ".jpg" if suffix == ".jpeg" else suffix
    return f"{digest.hexdigest()[:20]}{suffix}"


def ogp_override_upload_to(instance, filename: str) -> str:
    # The name is already content-addressed by OgpOverrideFieldFile.save().
    return f"ogp/uploads/{PurePosixPath(filename).name}"


class OgpOverrideFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # upload_to cannot see the bytes being saved (the field is still empty then), so the
        # hash is taken here, for forms and for code that calls .save() alike.
        super().save(content_addressed_name(name, content), content, save)


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
    attr_class = OgpOverrideFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OgpOverrideFormField, **kwargs})
