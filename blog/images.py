"""Images in article bodies: storing an upload with its renditions (see `blog.logic.images` for
the checks; the lookup the renderer uses to give an inserted image its `srcset` is
`ArticleImage.objects.lookup_for`).

Names are content-addressed (`articles/<key>.png`, `articles/<key>-640w.webp`), so a file at a
URL never changes and may be cached for a year (`blog.media.IMMUTABLE_PREFIXES`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from blog.logic.images import (
    MIME_TYPES,
    UPLOAD_KEY_LENGTH,
    UPLOAD_PREFIX,
    PreparedImage,
    prepare_image,
)
from blog.models import ArticleImage


def _name(key: str, suffix: str, width: int | None = None) -> str:
    return f"{UPLOAD_PREFIX}{key}{f'-{width}w' if width else ''}.{suffix}"


def _put(name: str, data: bytes) -> str:
    # Content-addressed: an existing file already holds these bytes.
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(data))


def store_upload(file, *, alt: str, user=None, post=None) -> ArticleImage:
    """Check an uploaded file (raises ImageUploadError), store it and its renditions, and
    return its row. The same file uploaded again returns the existing row."""
    prepared = prepare_image(
        file,
        max_bytes=settings.ARTICLE_IMAGE_MAX_BYTES,
        max_pixels=settings.ARTICLE_IMAGE_MAX_PIXELS,
    )
    key = prepared.digest[:UPLOAD_KEY_LENGTH]
    existing = ArticleImage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    row = ArticleImage(
        key=key,
        format=prepared.format,
        width=prepared.width,
        height=prepared.height,
        size=len(prepared.original),
        renditions=_store_files(key, prepared),
        alt=alt[:300],
        post=post if post is not None and post.pk else None,
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    row.original.name = _put(_name(key, prepared.suffix), prepared.original)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same file uploaded twice at once: both stored the same bytes
        return ArticleImage.objects.get(key=key)
    return row


def _store_files(key: str, prepared: PreparedImage) -> list[dict]:
    return [
        {
            "width": r.width,
            "height": r.height,
            "format": r.format,
            "name": _put(_name(key, r.suffix, r.width), r.data),
        }
        for r in prepared.renditions
    ]


def mime_type(image: ArticleImage) -> str:
    return MIME_TYPES.get(image.format, "application/octet-stream")
