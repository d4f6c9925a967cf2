"""Images in article bodies: what an upload must be, what is stored, what the page serves."""

import io

import pytest
from PIL import Image

from blog.images import store_upload
from blog.logic.images import ImageUploadError, prepare_image, rendition_widths
from blog.logic.rendering import ImageSource, ResponsiveImage, render_markdown
from blog.models import ArticleImage
from tests.factories import make_post


def image_bytes(fmt="PNG", size=(1600, 900), mode="RGB", colour=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def exif_bytes(orientation: int, size=(400, 200)) -> bytes:
    """A JPEG whose pixels are stored sideways, with the EXIF tag saying how to turn it, and
    a GPS position (the kind of metadata that must not reach readers)."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = image.getexif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCamera"  # Make
    exif.get_ifd(0x8825)[2] = (35.0, 41.0, 0.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


# --- checks (no database) --------------------------------------------------------------------


def test_a_text_file_renamed_png_is_refused_with_a_clear_reason():
    with pytest.raises(ImageUploadError, match="画像として読めません.*拡張子だけ"):
        prepare_image(io.BytesIO("これは画像ではありません。\n".encode() * 20))


def test_truncated_image_data_is_refused():
    data = image_bytes("JPEG", size=(800, 600))
    with pytest.raises(ImageUploadError, match="画像として読めません"):
        prepare_image(io.BytesIO(data[: len(data) // 2]))


def test_formats_outside_the_list_are_refused_by_their_real_format():
    with pytest.raises(ImageUploadError, match="形式 GIF は使えません"):
        prepare_image(io.BytesIO(image_bytes("GIF", mode="P", colour=1)))
    with pytest.raises(ImageUploadError, match="形式 BMP は使えません"):
        prepare_image(io.BytesIO(image_bytes("BMP")))


def test_too_large_files_are_refused_before_decoding():
    with pytest.raises(ImageUploadError, match="大きすぎます.*1 MB 以下"):
        prepare_image(io.BytesIO(b"\0" * (1024 * 1024 + 1)), max_bytes=1024 * 1024)


def test_too_many_pixels_are_refused_from_the_header():
    # 3000x3000 compresses to a few KB, decoded it is 27 MB: the pixel limit decides.
    data = image_bytes("PNG", size=(3000, 3000), mode="L", colour=0)
    with pytest.raises(ImageUploadError, match="ピクセル数が多すぎます（3000x3000）"):
        prepare_image(io.BytesIO(data), max_pixels=5_000_000)


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    data = image_bytes("PNG", size=(100, 100))
    with pytest.raises(ImageUploadError, match="異常に多い"):
        prepare_image(io.BytesIO(data))


def test_animations_are_refused():
    frames = [Image.new("RGB", (50, 50), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    with pytest.raises(ImageUploadError, match="アニメーション"):
        prepare_image(out)


def test_orientation_is_applied_and_exif_removed():
    prepared = prepare_image(io.BytesIO(exif_bytes(orientation=6, size=(400, 200))))
    # Orientation 6 means "turn 90° clockwise to view": a 400x200 sensor image is 200x400.
    assert (prepared.width, prepared.height) == (200, 400)
    for data in (prepared.original, *(r.data for r in prepared.renditions)):
        with Image.open(io.BytesIO(data)) as image:
            assert image.size[0] < image.size[1]
            assert not image.getexif(), "EXIF survived"
            assert "exif" not in image.info


def test_png_text_chunks_are_not_kept():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "山田太郎 090-0000-0000")
    prepared = prepare_image(io.BytesIO(image_bytes("PNG", size=(300, 200), pnginfo=info)))
    with Image.open(io.BytesIO(prepared.original)) as image:
        assert "Author" not in image.info


def test_renditions_are_640_and_1280_wide_in_webp_and_the_original_format():
    prepared = prepare_image(io.BytesIO(image_bytes("PNG", size=(2000, 1000))))
    assert prepared.format == "PNG" and (prepared.width, prepared.height) == (2000, 1000)
    got = sorted((r.format, r.width, r.height) for r in prepared.renditions)
    assert got == [
        ("PNG", 640, 320),
        ("PNG", 1280, 640),
        ("WEBP", 640, 320),
        ("WEBP", 1280, 640),
    ]
    for rendition in prepared.renditions:
        with Image.open(io.BytesIO(rendition.data)) as image:
            assert image.format == rendition.format and image.size[0] == rendition.width


def test_an_image_narrower_than_the_largest_step_is_offered_at_its_own_width():
    assert rendition_widths(2000) == [640, 1280]
    assert rendition_widths(1000) == [640, 1000]
    assert rendition_widths(500) == [500]
    assert rendition_widths(1280) == [640, 1280]


def test_the_real_format_decides_not_the_name():
    prepared = prepare_image(io.BytesIO(image_bytes("JPEG", size=(700, 400))))
    assert prepared.format == "JPEG" and prepared.suffix == "jpg"


def test_transparency_is_kept_in_png_and_webp():
    data = image_bytes("PNG", size=(800, 400), mode="RGBA", colour=(0, 0, 0, 0))
    prepared = prepare_image(io.BytesIO(data))
    for rendition in prepared.renditions:
        with Image.open(io.BytesIO(rendition.data)) as image:
            assert image.mode == "RGBA"


def test_cmyk_jpeg_becomes_rgb():
    data = image_bytes("JPEG", size=(700, 300), mode="CMYK", colour=(0, 100, 100, 0))
    prepared = prepare_image(io.BytesIO(data))
    with Image.open(io.BytesIO(prepared.original)) as image:
        assert image.mode == "RGB"


# --- rendering with renditions (no database) -------------------------------------------------


def _lookup(src):
    if src != "/media/articles/x.png":
        return None
    return ResponsiveImage(
        src="/media/articles/x-1280w.png",
        width=1280,
        height=720,
        sources=(
            ImageSource("/media/articles/x-640w.png", 640),
            ImageSource("/media/articles/x-1280w.png", 1280),
        ),
        webp=(
            ImageSource("/media/articles/x-640w.webp", 640),
            ImageSource("/media/articles/x-1280w.webp", 1280),
        ),
    )


def test_an_uploaded_image_gets_picture_srcset_size_and_lazy_loading():
    html = render_markdown("![構成図](/media/articles/x.png)", images=_lookup).html
    assert (
        '<picture><source type="image/webp" srcset="/media/articles/x-640w.webp 640w, '
        '/media/articles/x-1280w.webp 1280w"'
    ) in html
    assert 'src="/media/articles/x-1280w.png"' in html
    assert 'srcset="/media/articles/x-640w.png 640w, /media/articles/x-1280w.png 1280w"' in html
    assert 'width="1280" height="720" alt="構成図" loading="lazy"' in html
    assert html.count("</picture>") == 1


def test_other_images_are_left_as_written():
    html = render_markdown("![外部](https://example.com/a.png)", images=_lookup).html
    assert "<picture>" not in html and "srcset" not in html
    assert 'src="https://example.com/a.png"' in html and 'loading="lazy"' in html


def test_authors_cannot_write_srcset_or_picture_themselves():
    source = '<picture><source srcset="javascript:alert(1)"><img src="/a.png" srcset="/b.png 2x"></picture>'
    html = render_markdown(source).html
    assert "srcset" not in html and "<picture" not in html and "<source" not in html


# --- storing and looking up (database) --------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_an_upload_is_stored_with_its_renditions_and_the_same_file_once(media):
    data = image_bytes("PNG", size=(1500, 1000))
    image = store_upload(io.BytesIO(data), alt="図1")
    assert image.original.name == f"articles/{image.key}.png"
    names = sorted(r["name"] for r in image.renditions)
    assert names == sorted(
        f"articles/{image.key}-{w}w.{ext}" for w in (640, 1280) for ext in ("png", "webp")
    )
    for name in [image.original.name, *names]:
        assert (media / name).is_file()
    again = store_upload(io.BytesIO(data), alt="別の説明")
    assert again.pk == image.pk and ArticleImage.objects.count() == 1


@pytest.mark.django_db
def test_a_post_body_with_an_uploaded_image_stores_its_srcset(media):
    image = store_upload(io.BytesIO(image_bytes("JPEG", size=(1000, 500))), alt="グラフ")
    post = make_post(body=f"## 図\n\n![売上のグラフ]({image.url})\n")
    assert f'srcset="/media/articles/{image.key}-640w.webp 640w' in post.body_html
    assert f'src="/media/articles/{image.key}-1000w.jpg"' in post.body_html
    assert 'width="1000" height="500" alt="売上のグラフ"' in post.body_html


@pytest.mark.django_db
def test_the_lookup_costs_no_query_without_uploaded_images(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert ArticleImage.objects.lookup_for("![a](https://example.com/articles/x.png)") is None


@pytest.mark.django_db
def test_a_look_alike_url_elsewhere_is_not_swapped_for_an_unknown_key(media):
    lookup = ArticleImage.objects.lookup_for("![a](/media/articles/0123456789abcdef0123.png)")
    assert lookup is None


def test_a_webp_original_has_one_rendition_per_width():
    prepared = prepare_image(io.BytesIO(image_bytes("WEBP", size=(1000, 500))))
    assert sorted((r.format, r.width) for r in prepared.renditions) == [
        ("WEBP", 640),
        ("WEBP", 1000),
    ]


@pytest.mark.django_db
def test_the_images_admin_lists_uploads_without_an_add_form(media, admin_client):
    image = store_upload(io.BytesIO(image_bytes("PNG", size=(800, 400))), alt="構成図")
    html = admin_client.get("/admin/blog/articleimage/").content.decode()
    assert f"articles/{image.key}-640w." in html and "構成図" in html and "800x400" in html
    assert admin_client.get("/admin/blog/articleimage/add/").status_code == 403
