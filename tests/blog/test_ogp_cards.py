"""Cards on the Django side: drawn on save, stored under their hash, shown in meta tags and the
admin, regenerated in bulk."""

import io
import json
import struct
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from PIL import Image

from blog import media
from blog.logic import ogp
from blog.models import Post
from blog.ogp import cards
from tests.blog.test_admin import change_form_data
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cards_on(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OGP_CARDS_ON_SAVE = True
    settings.SITE_URL = "https://ai-media.co.jp"
    settings.OGP_DOMAIN = "ai-media.co.jp"
    return settings


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.invalid", "pw-12345!")
    client.force_login(user)
    return client


def upload(size=(1200, 630), fmt="PNG", name="card.png", content=None):
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
        content = out.getvalue()
    return SimpleUploadedFile(name, content, content_type="image/png")


def bomb_png() -> bytes:
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


# --- generation on save ---------------------------------------------------------------------


def test_saving_a_post_draws_its_card_named_by_its_hash():
    post = make_post(title="生成AIの導入で現場はどう変わるか")
    assert post.ogp_card.name == f"ogp/cards/{post.ogp_card_hash}.png"
    assert post.ogp_card_hash == cards.current_hash(post)
    with default_storage.open(post.ogp_card.name) as stored, Image.open(stored) as image:
        assert image.size == (1200, 630)
    post.refresh_from_db()
    assert post.ogp_card.name.endswith(f"{post.ogp_card_hash}.png")


def test_a_new_title_gets_a_new_file_and_the_old_file_is_kept():
    post = make_post(title="最初のタイトル")
    old_name, old_version = post.ogp_card.name, post.version
    post.title = "直したタイトル"
    post.save()
    assert post.ogp_card.name != old_name
    assert default_storage.exists(old_name), "a URL that networks cached must keep working"
    assert default_storage.exists(post.ogp_card.name)
    assert post.version == old_version + 1  # the card update itself did not bump the version


def test_editing_what_the_card_does_not_show_draws_nothing(monkeypatch):
    post = make_post(title="変わらないタイトル")
    name = post.ogp_card.name
    drawn = []
    monkeypatch.setattr(ogp, "draw_card", lambda *a: drawn.append(a))
    post.body = "## 新しい本文\n\n書き直しました。"
    post.description = "新しい説明"
    post.save()
    assert drawn == []
    assert post.ogp_card.name == name


def test_a_save_without_a_font_still_saves_and_explains_why_there_is_no_card(settings):
    settings.OGP_FONT_PATH = "/nonexistent/font.otf"
    post = make_post(title="フォントがない環境")
    post.refresh_from_db()
    assert post.title == "フォントがない環境"
    assert not post.ogp_card
    assert "OGP_FONT_PATH に指定されたフォント" in post.ogp_card_note


def test_cards_are_not_drawn_when_switched_off(settings):
    settings.OGP_CARDS_ON_SAVE = False
    assert not make_post().ogp_card


# --- meta tags ------------------------------------------------------------------------------


def test_the_article_page_points_social_networks_at_the_card(client, settings):
    post = make_post(title="カードのある記事")
    html = client.get(post.get_absolute_url()).content.decode()
    url = f"{settings.SITE_URL}/media/ogp/cards/{post.ogp_card_hash}.png"
    assert f'<meta property="og:image" content="{url}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta property="og:image:type" content="image/png">' in html
    assert '<meta property="og:image:alt" content="カードのある記事">' in html
    assert f'<meta name="twitter:image" content="{url}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_the_site_default_image_stands_in_while_a_post_has_no_card(client, settings):
    settings.OGP_CARDS_ON_SAVE = False
    post = make_post()
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'property="og:image" content="http' in html
    assert "ogp-default" in html and "/ogp/cards/" not in html


# --- admin: override, preview, regenerate ---------------------------------------------------


def test_an_uploaded_replacement_is_used_when_chosen(admin_client, client, settings):
    post = make_post()
    data = change_form_data(post, ogp_image_source="uploaded", ogp_image=upload((1300, 680)))
    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    assert post.ogp_image.name.startswith("ogp/uploads/") and post.ogp_image.name.endswith(".png")
    og = post.og_image
    assert (og.width, og.height, og.type) == (1300, 680, "image/png")
    assert og.url == f"{settings.SITE_URL}/media/{post.ogp_image.name}"
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="{og.url}">' in html


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            upload(content="ただのテキストです。".encode() * 30, name="fake.png"),
            "画像として読めません",
        ),
        (upload((600, 600)), "画像が小さすぎます（600x600）"),
        (upload(content=bomb_png(), name="bomb.png"), "ピクセル数が異常に多い"),
    ],
    ids=["text-renamed-png", "600x600", "bomb"],
)
def test_the_admin_refuses_a_bad_replacement_with_the_reason(admin_client, file, message):
    post = make_post()
    data = change_form_data(post, ogp_image_source="uploaded", ogp_image=file)
    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    post.refresh_from_db()
    assert not post.ogp_image
    assert post.ogp_image_source == "generated"


def test_the_admin_refuses_a_replacement_over_5_mb(admin_client):
    post = make_post()
    image = upload((1200, 630)).read()
    padded = upload(content=image + b"\0" * (5 * 1024 * 1024), name="big.png")  # still a PNG
    data = change_form_data(post, ogp_image_source="uploaded", ogp_image=padded)
    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 200
    assert "5 MB 以下にしてください" in response.content.decode()
    post.refresh_from_db()
    assert not post.ogp_image


def test_choosing_the_uploaded_image_without_one_is_refused(admin_client):
    post = make_post()
    data = change_form_data(post, ogp_image_source="uploaded")
    response = admin_client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 200
    assert "OGP 画像をアップロードしてください" in response.content.decode()


def test_the_post_page_shows_the_card_with_the_crop_of_x_and_facebook(admin_client):
    post = make_post()
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert f'src="/media/ogp/cards/{post.ogp_card_hash}.png"' in html
    # X shows 1200x600 of 1200x630: 15 px (2.38%) off the top and the bottom.
    assert 'title="X（2:1）の表示範囲" style="position:absolute;inset:2.38% 0.00%' in html
    assert 'title="Facebook（1.91:1）の表示範囲" style="position:absolute;inset:0.14% 0.00%' in html
    assert "カードを再生成" in html


def test_the_post_page_says_when_the_card_is_outdated(admin_client):
    post = make_post()
    post.category.ogp_gradient_start = "#000000"
    post.category.save()
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "古くなっています" in html


def test_regenerate_redraws_a_lost_card(admin_client):
    post = make_post()
    default_storage.delete(post.ogp_card.name)
    url = f"/admin/blog/post/{post.pk}/ogp/regenerate/"
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/blog/post/{post.pk}/change/"
    assert default_storage.exists(post.ogp_card.name)


def test_regenerate_from_the_script_returns_the_new_preview(admin_client):
    post = make_post()
    post.category.ogp_accent = "#FFCC00"
    post.category.save()
    response = admin_client.post(
        f"/admin/blog/post/{post.pk}/ogp/regenerate/", HTTP_ACCEPT="application/json"
    )
    payload = json.loads(response.content)
    post.refresh_from_db()
    assert post.ogp_card_hash == cards.current_hash(post)
    assert f"{post.ogp_card_hash}.png" in payload["html"]
    assert payload["error"] is None


def test_the_admin_action_regenerates_the_selected_posts(admin_client):
    posts = [make_post(), make_post()]
    for post in posts:
        default_storage.delete(post.ogp_card.name)
    response = admin_client.post(
        "/admin/blog/post/",
        {"action": "regenerate_ogp_cards", "_selected_action": [p.pk for p in posts]},
    )
    assert response.status_code == 302
    assert all(default_storage.exists(p.ogp_card.name) for p in posts)


def test_the_category_preview_draws_sample_titles_in_the_colours_being_tried(admin_client):
    category = make_category(name="AI技術ガイド")
    page = admin_client.get(f"/admin/blog/category/{category.pk}/ogp-preview/")
    assert page.status_code == 200
    assert "ogp-preview.png?" in page.content.decode()
    response = admin_client.get(
        f"/admin/blog/category/{category.pk}/ogp-preview.png",
        {"gradient_start": "#FF0000", "gradient_end": "#FF0000", "accent": "#FFFFFF"},
    )
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        red, green, blue = image.convert("RGB").getpixel((10, 620))
    assert red > 200 and green < 60 and blue < 60


def test_colours_tried_on_the_preview_page_can_be_saved(admin_client):
    category = make_category()
    response = admin_client.post(
        f"/admin/blog/category/{category.pk}/ogp-preview/",
        {"gradient_start": "#112233", "gradient_end": "#445566", "accent": "not-a-colour"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.ogp_gradient_start, category.ogp_gradient_end) == ("#112233", "#445566")
    assert category.ogp_accent == "#E6FFFA"  # an invalid value keeps the saved one


# --- serving --------------------------------------------------------------------------------


def test_cards_are_served_with_long_lived_immutable_caching_in_development(settings):
    settings.DEBUG = True
    post = make_post()
    request = RequestFactory().get(f"/media/{post.ogp_card.name}")
    response = media.serve_media(request, post.ogp_card.name)
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    default_storage.save("authors/avatar.png", io.BytesIO(b"not really"))
    other = media.serve_media(RequestFactory().get("/"), "authors/avatar.png")
    assert "immutable" not in other.get("Cache-Control", "")


# --- bulk -----------------------------------------------------------------------------------


def test_generate_ogp_draws_missing_and_outdated_cards_only(settings):
    settings.OGP_CARDS_ON_SAVE = False
    posts = [make_post() for _ in range(3)]
    out = io.StringIO()
    call_command("generate_ogp", "--jobs", "1", stdout=out, stderr=io.StringIO())
    assert "描いた: 3 件" in out.getvalue()
    for post in posts:
        post.refresh_from_db()
        assert post.ogp_card_hash == cards.current_hash(post)
        assert default_storage.exists(post.ogp_card.name)

    out = io.StringIO()
    call_command("generate_ogp", "--missing", "--jobs", "1", stdout=out, stderr=io.StringIO())
    assert "描いた: 0 件、最新のまま: 3 件" in out.getvalue()

    posts[0].category.name = "名前を変えたカテゴリ"
    posts[0].category.save()
    out = io.StringIO()
    call_command("generate_ogp", "--jobs", "1", stdout=out, stderr=io.StringIO())
    assert "描いた: 1 件、最新のまま: 2 件" in out.getvalue()


def test_generate_ogp_all_and_post_redraw_on_request(settings):
    posts = [make_post() for _ in range(2)]
    out = io.StringIO()
    call_command("generate_ogp", "--all", "--jobs", "1", stdout=out, stderr=io.StringIO())
    assert "描いた: 2 件" in out.getvalue()
    out = io.StringIO()
    call_command(
        "generate_ogp", "--post", str(posts[1].pk), "--jobs", "1", stdout=out, stderr=io.StringIO()
    )
    assert "描いた: 1 件" in out.getvalue()
    with pytest.raises(CommandError, match="記事が見つかりません"):
        call_command("generate_ogp", "--post", "999999", stdout=io.StringIO(), stderr=io.StringIO())


def test_generate_ogp_works_in_parallel_processes(settings):
    settings.OGP_CARDS_ON_SAVE = False
    posts = [make_post(title=f"並列で描く記事 {n}") for n in range(4)]
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_ogp", "--jobs", "2", stdout=out, stderr=err)
    assert "描いた: 4 件" in out.getvalue()
    assert "4/4" in err.getvalue()  # the progress indication
    for post in posts:
        post.refresh_from_db()
        assert post.ogp_card_hash == cards.current_hash(post)


def test_generate_ogp_keeps_the_card_of_a_post_edited_during_the_run(settings, monkeypatch):
    post = make_post(title="実行中に編集される記事")
    real_plan = cards.plan

    def plan_then_edit(**kwargs):
        planned = real_plan(**kwargs)
        fresh = Post.objects.get(pk=post.pk)
        fresh.title = "実行中に直したタイトル"
        fresh.save()  # draws its own card
        return planned

    monkeypatch.setattr(cards, "plan", plan_then_edit)
    summary = cards.generate_many(only_stale=False)
    assert summary.edited_meanwhile == 1
    post.refresh_from_db()
    assert post.ogp_card_hash == cards.current_hash(post)


def test_generate_ogp_without_a_font_fails_with_the_clear_error(settings):
    settings.OGP_FONT_PATH = "/nonexistent/font.otf"
    with pytest.raises(CommandError, match="OGP_FONT_PATH に指定されたフォント"):
        call_command("generate_ogp", stdout=io.StringIO(), stderr=io.StringIO())


def test_ogp_gallery_draws_the_difficult_titles_into_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KOSEI_SHARED_DIR", str(tmp_path / "no-samples"))
    out = io.StringIO()
    call_command("ogp_gallery", str(tmp_path / "gallery"), stdout=out)
    from blog.ogp.gallery import DIFFICULT_TITLES

    pngs = sorted((tmp_path / "gallery").glob("*.png"))
    assert len(pngs) == len(DIFFICULT_TITLES)
    index = (tmp_path / "gallery" / "index.html").read_text(encoding="utf-8")
    assert all(p.name in index for p in pngs)
    assert "省略しました" in out.getvalue()  # the overflowing title is reported
