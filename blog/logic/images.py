"""Images for article bodies, checked and prepared with Pillow, without Django.

An upload is untrusted bytes with an untrusted name. `prepare_image` decides what it really is
from its content (a text file renamed .png is refused), refuses what would exhaust memory when
decoded (decompression bombs: the pixel count is read from the header and checked before any
pixel is decoded), refuses animations (one frame would silently be kept), applies the EXIF
orientation to the pixels and re-encodes everything, so no metadata (GPS position, camera
serial, thumbnails) survives. It returns the cleaned original and the renditions the public
page offers in `srcset`: each width in `RENDITION_WIDTHS` narrower than the image, plus the
image's own width when that is not wider than the largest, in WebP and in the original format.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps

# Pillow's names for the formats an article may use, and the file suffix each is stored with.
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
MIME_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
RENDITION_WIDTHS = (640, 1280)
# Stored names: `articles/<key>.png`, `articles/<key>-640w.webp` (the key from the content).
UPLOAD_PREFIX = "articles/"
UPLOAD_KEY_LENGTH = 20
# What an uploaded image's URL looks like in a body, wherever MEDIA_URL pointed at the time.
UPLOAD_KEY_RE = re.compile(rf"{UPLOAD_PREFIX}([0-9a-f]{{{UPLOAD_KEY_LENGTH}}})\.(?:png|jpg|webp)\b")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # a 7,700 x 5,200 photo; decoded RGBA that is 160 MB
MAX_SIDE = 16_000
JPEG_QUALITY = 85
WEBP_QUALITY = 80


class ImageUploadError(ValueError):
    """Why an upload was refused, in Japanese, for the editor who sent it."""


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str  # "WEBP", "PNG" or "JPEG"
    data: bytes

    @property
    def suffix(self) -> str:
        return FORMATS[self.format]


@dataclass(frozen=True)
class PreparedImage:
    digest: str  # sha256 of the uploaded bytes: the same file uploaded twice is one image
    format: str
    width: int
    height: int
    original: bytes  # re-encoded: orientation applied, metadata gone
    renditions: tuple[Rendition, ...]

    @property
    def suffix(self) -> str:
        return FORMATS[self.format]


def _format_list() -> str:
    return "・".join(name if name != "WEBP" else "WebP" for name in FORMATS)


def prepare_image(
    file: BinaryIO,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    widths: tuple[int, ...] = RENDITION_WIDTHS,
) -> PreparedImage:
    """Validate an uploaded image and produce its cleaned original and renditions.

    Raises ImageUploadError with the reason (size, format, not an image, too many pixels,
    animation, broken data)."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise ImageUploadError("ファイルが空です。画像ファイルを選び直してください。")
    if size > max_bytes:
        raise ImageUploadError(
            f"ファイルが大きすぎます（{size / 1024 / 1024:.1f} MB）。"
            f"{max_bytes / 1024 / 1024:.0f} MB 以下にしてください。"
        )
    raw = file.read()
    image = _open(raw, max_pixels)
    fmt = image.format
    try:
        cleaned = _clean(image)
    finally:
        image.close()
    original = _encode(cleaned, fmt)
    renditions = []
    for width in rendition_widths(cleaned.width, widths):
        resized = _resize(cleaned, width)
        for target in dict.fromkeys(("WEBP", fmt)):  # once when the original is WebP
            renditions.append(
                Rendition(resized.width, resized.height, target, _encode(resized, target))
            )
    return PreparedImage(
        digest=hashlib.sha256(raw).hexdigest(),
        format=fmt,
        width=cleaned.width,
        height=cleaned.height,
        original=original,
        renditions=tuple(renditions),
    )


def rendition_widths(width: int, widths: tuple[int, ...] = RENDITION_WIDTHS) -> list[int]:
    """The widths offered in srcset: the steps narrower than the image, and the image itself
    when it is not wider than the largest step (a wider original is never sent to readers)."""
    chosen = [step for step in sorted(widths) if step < width]
    if width <= max(widths):
        chosen.append(width)
    return chosen


def _open(raw: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its own limit; treat both as a bomb.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            fmt, (width, height) = image.format, image.size
            # The header is read, no pixel is decoded yet: refuse huge images before decoding.
            if width * height > max_pixels or max(width, height) > MAX_SIDE:
                raise ImageUploadError(
                    f"画像のピクセル数が多すぎます（{width}x{height}）。"
                    f"{max_pixels / 1_000_000:.0f} メガピクセル（一辺 {MAX_SIDE} px）以下に"
                    "縮小して書き出し直してください。"
                )
            if fmt not in FORMATS:
                raise ImageUploadError(
                    f"画像の形式 {fmt} は使えません。{_format_list()} のいずれかにしてください。"
                )
            if getattr(image, "is_animated", False) and getattr(image, "n_frames", 1) > 1:
                raise ImageUploadError(
                    "アニメーション画像は使えません（最初のコマだけが残ってしまいます）。"
                    "静止画を書き出し直してください。"
                )
            image.verify()  # structure and checksums; the image cannot be used afterwards
            image = Image.open(io.BytesIO(raw))
            image.load()  # decode every pixel: truncated data fails here, not for a reader
            return image
    except ImageUploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageUploadError(
            "画像のピクセル数が異常に多いため受け付けません（展開するとメモリを使い果たす"
            "おそれのある画像です）。普通の大きさで書き出し直してください。"
        ) from exc
    except Exception as exc:  # Pillow raises many types for broken or non-image files
        raise ImageUploadError(
            "画像として読めません。中身が PNG・JPEG・WebP の画像ファイルか確かめてください"
            "（拡張子だけ .png などに変えたファイルや、壊れたファイルは使えません）。"
        ) from exc


def _clean(image: Image.Image) -> Image.Image:
    """Orientation applied to the pixels, a mode every target format can write, no metadata."""
    icc = image.info.get("icc_profile")
    rotated = ImageOps.exif_transpose(image) or image
    has_alpha = rotated.mode in {"RGBA", "LA", "PA"} or (
        rotated.mode == "P" and "transparency" in rotated.info
    )
    if image.format == "JPEG":
        mode = "L" if rotated.mode == "L" else "RGB"  # CMYK and YCCK become RGB
    else:
        mode = "RGBA" if has_alpha else ("L" if rotated.mode in {"1", "L", "I;16"} else "RGB")
    converted = rotated.convert(mode) if rotated.mode != mode else rotated.copy()
    converted.info = {"icc_profile": icc} if icc else {}
    return converted


def _resize(image: Image.Image, width: int) -> Image.Image:
    if width == image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = dict(image.info)
    return resized


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    # Only the colour profile is passed on; EXIF, XMP and text chunks are never written.
    extra = {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}
    if fmt == "JPEG":
        target = image if image.mode in {"L", "RGB"} else image.convert("RGB")
        target.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **extra)
    elif fmt == "WEBP":
        target = image if image.mode in {"RGB", "RGBA"} else image.convert("RGB")
        target.save(out, "WEBP", quality=WEBP_QUALITY, method=4, **extra)
    else:
        image.save(out, "PNG", optimize=True, **extra)
    return out.getvalue()
