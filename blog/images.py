"""Images in article bodies: storing an upload with its renditions, and the lookup the renderer
uses to give an inserted image its `srcset` (see `blog.logic.images` for the checks).

Names are content-addressed (`articles/<key>.png`, `articles/<key>-640w.webp`), so a file at a
URL never changes and may be cached for a year (`blog.media.IMMUTABLE_PREFIXES`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from blog.logic.images import MIME_TYPES, PreparedImage, prepare_image
from blog.logic.rendering import ImageSource, ResponsiveImage
from blog.models import ArticleImage

PREFIX = "articles/"
KEY_LENGTH = 20
# What an uploaded image's URL looks like in a body, wherever MEDIA_URL pointed at the time.
_KEY_RE = re.compile(rf"{PREFIX}([0-9a-f]{{{KEY_LENGTH}}})\.(?:png|jpg|webp)\b")


def _name(key: str, suffix: str, width: int | None = None) -> str:
    return f"{PREFIX}{key}{f'-{width}w' if width else ''}.{suffix}"


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
    key = prepared.digest[:KEY_LENGTH]
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


def responsive(image: ArticleImage) -> ResponsiveImage:
    """What the renderer needs to offer the image's renditions."""
    own = sorted(
        (r for r in image.renditions if r["format"] == image.format), key=lambda r: r["width"]
    )
    webp = sorted((r for r in image.renditions if r["format"] == "WEBP"), key=lambda r: r["width"])
    if image.format == "WEBP":
        webp = []  # the fallback is WebP already; one srcset says it all
    widest = own[-1] if own else None
    return ResponsiveImage(
        src=default_storage.url(widest["name"]) if widest else image.url,
        width=widest["width"] if widest else image.width,
        height=widest["height"] if widest else image.height,
        sources=tuple(ImageSource(default_storage.url(r["name"]), r["width"]) for r in own),
        webp=tuple(ImageSource(default_storage.url(r["name"]), r["width"]) for r in webp),
    )


def lookup_for(source: str) -> Callable[[str], ResponsiveImage | None] | None:
    """The renderer's image lookup for a body: one query, and none when the body has no
    uploaded image. An <img> whose src is the URL of an upload gets its renditions."""
    keys = set(_KEY_RE.findall(source or ""))
    if not keys:
        return None
    images = {image.key: image for image in ArticleImage.objects.filter(key__in=keys)}
    if not images:
        return None
    cache: dict[str, ResponsiveImage] = {}

    def lookup(src: str) -> ResponsiveImage | None:
        match = _KEY_RE.search(src)
        image = images.get(match.group(1)) if match else None
        if image is None or not src.endswith(image.original.name):
            return None
        if image.key not in cache:
            cache[image.key] = responsive(image)
        return cache[image.key]

    return lookup


def mime_type(image: ArticleImage) -> str:
    return MIME_TYPES.get(image.format, "application/octet-stream")
