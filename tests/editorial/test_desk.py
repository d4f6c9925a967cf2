"""The editor's desk on the post page, at the HTTP level: the live preview with counters and
findings for unsaved text, fixes applied to that text, the autosave slot, image uploads, the
book picker, and the form still saving without JavaScript."""

import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from blog.models import AffiliateBook, ArticleImage, Post
from editorial.models import AutosaveSlot, QualitySettings
from tests.blog.test_admin import change_form_data
from tests.factories import make_book, make_category, make_post

from .quality_helpers import CLEAN_BODY, chief, editor, user, writer

pytestmark = pytest.mark.django_db

PARAGRAPH = (
    "生成AIを社内で試す段階を終え、日常業務の手順そのものに組み込もうとする企業が目立ち始めている。"
    "編集部が取材した各社では、議論の中心が「まず触ってみる」から「どの業務で誰がどう使うか」へと移っていた。"
)


def logged_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def live(client, post=None, **fields):
    url = (
        reverse("admin:blog_post_live", args=[post.pk])
        if post
        else reverse("admin:blog_post_live_add")
    )
    return client.post(url, fields)


def draft_of(owner, **overrides):
    fields = {"status": Post.Status.DRAFT, "published_at": None, "created_by": owner}
    return make_post(**{**fields, **overrides})


# --- live preview -----------------------------------------------------------------------------


def test_the_preview_renders_the_unsaved_body_like_the_public_page_and_saves_nothing():
    account = editor()
    post = draft_of(account, body="## 元の見出し\n\n元の本文。")
    version, body = post.version, post.body
    data = live(
        logged_in(account),
        post,
        title="入力中のタイトル",
        body="## 新しい見出し\n\n**強調**と<script>alert(1)</script>[外部](https://example.com/)",
    ).json()
    assert '<h2 id="新しい見出し">新しい見出し</h2>' in data["html"]
    assert "<strong>強調</strong>" in data["html"]
    assert "<script" not in data["html"] and "alert(1)" not in data["html"]
    assert 'rel="noopener"' in data["html"]
    post.refresh_from_db()
    assert (post.version, post.body) == (version, body)
    assert post.revisions.count() == 0 and not AutosaveSlot.objects.exists()


def test_the_counters_count_japanese_characters_headings_and_lengths_against_the_settings():
    settings_row = QualitySettings.load()
    settings_row.title_min_length, settings_row.title_max_length = 10, 12
    settings_row.save()
    account = editor()
    body = "## 見出し一\n\n本文は十文字です。。\n\n### 小見出し\n\n## 見出し二\n\n終わり。"
    data = live(
        logged_in(account),
        draft_of(account),
        title="十三文字のタイトルを書いた",
        description="短い説明",
        body=body,
    ).json()
    counters = data["counters"]
    # 見出し一(4) + 本文は十文字です。。(10) + 小見出し(4) + 見出し二(4) + 終わり。(4)
    assert counters["chars"] == 26
    assert (counters["h2"], counters["h3"]) == (2, 1)
    assert counters["reading_minutes"] == 1
    assert counters["fields"]["title"] == {"length": 13, "min": 10, "max": 12, "state": "long"}
    assert counters["fields"]["description"]["state"] == "short"


def test_a_duplicated_paragraph_is_found_with_its_line_and_the_fix_returns_the_fixed_text():
    account = editor()
    post = draft_of(account, body=CLEAN_BODY)
    body = f"## 背景\n\n{PARAGRAPH}\n\n## 次の節\n\n{PARAGRAPH}\n"
    client = logged_in(account)
    data = live(client, post, body=body).json()
    duplicate = next(f for f in data["findings"] if f["code"] == "repetition.paragraph")
    assert duplicate["severity"] == "error" and duplicate["line"] == 7
    assert duplicate["fix"] == "重複している部分を削除"
    assert "公開できません" in data["block_reason"]

    fixed = live(client, post, body=body, fix=duplicate["fingerprint"]).json()
    assert fixed["applied"] == "重複している部分を削除"
    assert fixed["fields"]["body"].count(PARAGRAPH) == 1
    assert not any(f["code"] == "repetition.paragraph" for f in fixed["findings"])
    assert fixed["html"].count("生成AIを社内で試す段階") == 1
    post.refresh_from_db()
    assert post.body == CLEAN_BODY  # the fix changed the form's text, not the post


def test_a_fix_for_text_that_moved_on_is_refused_with_a_reason():
    account = editor()
    data = live(logged_in(account), draft_of(account), body="本文", fix="0123456789abcdef").json()
    assert "もう当てはまりません" in data["error"] and "fields" not in data


def test_the_preview_works_on_the_add_page_too():
    data = live(logged_in(writer()), title="新規", body="## 新規の見出し\n\n本文。").json()
    assert '<h2 id="新規の見出し">' in data["html"] and data["counters"]["h2"] == 1
    assert any(f["field"] == "title" for f in data["findings"])


def test_crlf_from_browsers_gives_the_same_line_numbers():
    account = editor()
    body = f"## 背景\r\n\r\n{PARAGRAPH}\r\n\r\n## 次\r\n\r\n{PARAGRAPH}\r\n"
    data = live(logged_in(account), draft_of(account), body=body).json()
    assert next(f for f in data["findings"] if f["code"] == "repetition.paragraph")["line"] == 7


def test_the_preview_needs_staff_permission_post_and_csrf():
    post = make_post()
    outsider = user("outsider")  # staff without any permission
    assert live(logged_in(outsider), post, body="x").status_code == 403
    assert live(logged_in(outsider), body="x").status_code == 403
    anonymous = Client().post(reverse("admin:blog_post_live", args=[post.pk]), {"body": "x"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    account = editor()
    assert (
        logged_in(account).get(reverse("admin:blog_post_live", args=[post.pk])).status_code == 405
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(account)
    response = strict.post(reverse("admin:blog_post_live", args=[post.pk]), {"body": "x"})
    assert response.status_code == 403


# --- autosave ---------------------------------------------------------------------------------


def autosave(client, post=None, **fields):
    url = (
        reverse("admin:blog_post_autosave", args=[post.pk])
        if post
        else reverse("admin:blog_post_autosave_add")
    )
    return client.post(url, fields)


def test_autosave_keeps_the_form_in_the_users_slot_and_never_touches_the_post():
    account = writer()
    post = draft_of(account, body="保存済みの本文。")
    before = Post.objects.filter(pk=post.pk).values().get()
    response = autosave(
        logged_in(account), post, body="書きかけ\r\nの本文", title="途中", version=post.version
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    slot = AutosaveSlot.objects.get(user=account, post=post)
    assert slot.data["body"] == "書きかけ\nの本文" and slot.base_version == post.version
    assert Post.objects.filter(pk=post.pk).values().get() == before
    assert post.revisions.count() == 0
    autosave(logged_in(account), post, body="さらに書いた", version=post.version)
    assert AutosaveSlot.objects.filter(user=account).count() == 1
    assert AutosaveSlot.objects.get(user=account).data["body"] == "さらに書いた"


def test_reopening_the_post_offers_the_autosave_with_a_diff_to_its_owner_only():
    account = writer()
    other = editor()
    post = draft_of(account, body="一行目\n二行目\n")
    autosave(logged_in(account), post, body="一行目\n二行目を直した\n", version=post.version)
    page = logged_in(account).get(reverse("admin:blog_post_change", args=[post.pk]))
    html = page.content.decode()
    assert "保存していない編集が残っています" in html
    assert "二行目<ins>を直した</ins>" in html
    script = re.search(
        r'<script id="kd-autosave-data" type="application/json">(.*?)</script>', html
    )
    assert json.loads(script.group(1))["fields"]["body"] == "一行目\n二行目を直した\n"
    assert (
        "保存していない編集"
        not in logged_in(other)
        .get(reverse("admin:blog_post_change", args=[post.pk]))
        .content.decode()
    )


def test_an_autosave_equal_to_the_saved_post_is_not_offered_and_is_removed():
    account = writer()
    post = draft_of(account, body="同じ本文。")
    autosave(logged_in(account), post, body="同じ本文。", title=post.title)
    html = logged_in(account).get(reverse("admin:blog_post_change", args=[post.pk])).content
    assert "保存していない編集" not in html.decode()
    assert not AutosaveSlot.objects.exists()


def test_the_offer_says_when_the_post_was_saved_after_the_autosaved_edit_began():
    account = writer()
    post = draft_of(account, body="元の本文。")
    autosave(logged_in(account), post, body="私の書きかけ。", version=post.version)
    post.body = "同僚が保存した本文。"
    post.save()
    html = logged_in(account).get(reverse("admin:blog_post_change", args=[post.pk])).content
    assert f"いまは版 {post.version}" in html.decode()


def test_saving_the_form_empties_the_slot_and_discard_does_too():
    account = writer()
    post = draft_of(account, body="元の本文。")
    client = logged_in(account)
    autosave(client, post, body="書きかけ。", version=post.version)
    response = client.post(
        reverse("admin:blog_post_change", args=[post.pk]),
        change_form_data(post, body="書きかけ。", status="draft"),
    )
    assert response.status_code == 302
    assert not AutosaveSlot.objects.exists()
    autosave(client, post, body="また書きかけ。")
    assert autosave(client, post, discard="1").json() == {"discarded": True}
    assert not AutosaveSlot.objects.exists()


def test_a_new_post_has_its_own_slot_cleared_when_the_post_is_added():
    account = writer()
    client = logged_in(account)
    autosave(client, title="新しい記事", body="新規の書きかけ。")
    slot = AutosaveSlot.objects.get(user=account)
    assert slot.post is None
    html = client.get(reverse("admin:blog_post_add")).content.decode()
    assert "保存していない編集が残っています" in html and "新規の書きかけ。" in html
    template = draft_of(account)
    data = change_form_data(template, title="新しい記事", slug="brand-new-post", version=1)
    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302
    assert not AutosaveSlot.objects.exists()


def test_only_someone_who_may_edit_the_post_can_autosave_it():
    owner, other = writer("owner"), writer("other")
    post = draft_of(owner)
    assert autosave(logged_in(other), post, body="乗っ取り").status_code == 403
    assert not AutosaveSlot.objects.exists()


# --- images -----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_upload(name="図.png", size=(900, 600)):
    out = io.BytesIO()
    Image.new("RGB", size, (0, 128, 255)).save(out, "PNG")
    out.seek(0)
    out.name = name
    return out


def upload(client, file, **fields):
    return client.post(reverse("admin:blog_post_image_upload"), {"image": file, **fields})


def test_an_uploaded_png_comes_back_as_markdown_with_its_alt_text(media):
    account = writer()
    post = draft_of(account)
    response = upload(logged_in(account), png_upload(), alt="構成図 [案]", post=post.pk)
    assert response.status_code == 200, response.content
    data = response.json()
    image = ArticleImage.objects.get()
    assert data["url"] == f"/media/articles/{image.key}.png"
    assert data["markdown"] == f"![構成図 \\[案\\]](/media/articles/{image.key}.png)"
    assert (image.post, image.uploaded_by, image.alt) == (post, account, "構成図 [案]")


def test_an_upload_without_alt_text_is_refused(media):
    response = upload(logged_in(writer()), png_upload(), alt="  ")
    assert response.status_code == 400
    assert "代替テキスト" in response.json()["error"]
    assert not ArticleImage.objects.exists()


def test_a_text_file_renamed_png_is_refused_with_a_clear_message(media):
    fake = io.BytesIO("画像ではありません".encode() * 50)
    fake.name = "screenshot.png"
    response = upload(logged_in(writer()), fake, alt="スクリーンショット")
    assert response.status_code == 400
    message = response.json()["error"]
    assert message.startswith("「screenshot.png」は使えません: 画像として読めません")
    assert "拡張子だけ" in message
    assert not ArticleImage.objects.exists() and not (media / "articles").exists()


def test_uploading_needs_a_post_permission(media):
    response = upload(logged_in(user("outsider")), png_upload(), alt="図")
    assert response.status_code == 403


# --- books ------------------------------------------------------------------------------------


def test_books_are_found_by_title_or_asin():
    make_book(title="生成AI活用入門", asin="4798181986")
    make_book(title="機械学習の教科書", asin="B0ABCDEFGH")
    client = logged_in(writer())
    url = reverse("admin:blog_post_book_search")
    assert [b["asin"] for b in client.get(url, {"q": "生成AI"}).json()["results"]] == ["4798181986"]
    assert [b["title"] for b in client.get(url, {"q": "b0abc"}).json()["results"]] == [
        "機械学習の教科書"
    ]
    assert client.get(url, {"q": ""}).json()["results"] == []


def test_a_new_book_is_added_by_asin_with_title_and_description():
    client = logged_in(editor())
    url = reverse("admin:blog_post_book_add")
    bad = client.post(url, {"asin": "4798181987", "title": ""})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "asin": "ISBN-10のチェックディジットが合いません。入力ミスがないか確認してください。",
        "title": "書名を入力してください。",
    }
    made = client.post(url, {"asin": " 4798181986 ", "title": "新しい本", "description": "紹介"})
    assert made.json()["created"] is True
    book = AffiliateBook.objects.get(asin="4798181986")
    assert (book.title, book.description) == ("新しい本", "紹介")
    again = client.post(url, {"asin": "4798181986", "title": "別名"}).json()
    assert again["created"] is False and again["book"]["title"] == "新しい本"


def test_writers_search_books_but_cannot_register_new_ones():
    response = logged_in(writer()).post(
        reverse("admin:blog_post_book_add"), {"asin": "4798181986", "title": "本"}
    )
    assert response.status_code == 403 and "権限" in response.json()["error"]
    assert not AffiliateBook.objects.exists()


# --- the page and the form without JavaScript ---------------------------------------------------


def test_the_post_page_carries_the_desk_settings_and_scripts():
    account = chief()
    post = make_post()
    html = logged_in(account).get(reverse("admin:blog_post_change", args=[post.pk])).content
    html = html.decode()
    assert f'data-live-url="{reverse("admin:blog_post_live", args=[post.pk])}"' in html
    assert 'data-autosave-seconds="10"' in html
    for script in (
        "js/desk.js",
        "js/desk_autosave.js",
        "js/desk_images.js",
        "js/desk_books.js",
        "js/desk_quotes.js",
    ):
        assert script in html


def test_without_javascript_the_form_adds_and_changes_a_post(media):
    """The desk is an enhancement: a plain form post (what a browser without JavaScript sends)
    creates and edits posts, books included."""
    account = chief()
    client = logged_in(account)
    category = make_category()
    book = make_book()
    template = make_post(category=category)
    data = change_form_data(
        template,
        title="スクリプトなしで書いた記事",
        slug="no-js",
        version=1,
        status="draft",
        body="## 見出し\n\nスクリプトなしでも保存できる。",
        **{
            "book_links-TOTAL_FORMS": "1",
            "book_links-0-position": "1",
            "book_links-0-book": str(book.pk),
            "book_links-0-note": "",
        },
    )
    response = client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get(slug="no-js")
    assert "<h2" in post.body_html and list(post.books.all()) == [book]
    data = change_form_data(post, body="直した本文。", status="draft")
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "直した本文。" and post.revisions.count() == 2


def test_json_endpoints_answer_json():
    account = editor()
    response = live(logged_in(account), draft_of(account), body="x")
    assert response["Content-Type"] == "application/json"
    json.loads(response.content)


def test_leaving_the_page_sends_only_the_changes_since_the_last_autosave():
    account = writer()
    post = draft_of(account)
    client = logged_in(account)
    long_body = "前半の段落。" * 20_000 + "😀絵文字のあと。"  # far over a beacon's 64 KB
    token = autosave(client, post, body=long_body, title="題").json()["token"]
    # JavaScript counts UTF-16 units: the emoji is two.
    end = len(long_body.encode("utf-16-le")) // 2
    patch = {"start": end, "end": end, "text": "\n書き足した。", "length": end}
    response = autosave(
        client, post, patch="1", base=token, **{"patch-body": json.dumps(patch, ensure_ascii=False)}
    )
    assert response.status_code == 200
    slot = AutosaveSlot.objects.get()
    assert slot.data["body"] == long_body + "\n書き足した。"
    assert slot.data["title"] == "題"
    assert response.json()["token"] != token


def test_a_patch_made_from_other_text_is_refused_and_changes_nothing():
    account = writer()
    post = draft_of(account)
    client = logged_in(account)
    token = autosave(client, post, body="一二三").json()["token"]
    wrong_length = json.dumps({"start": 0, "end": 1, "text": "X", "length": 99})
    assert (
        autosave(client, post, patch="1", base=token, **{"patch-body": wrong_length}).status_code
        == 409
    )
    stale = json.dumps({"start": 0, "end": 1, "text": "X", "length": 3})
    response = autosave(client, post, patch="1", base="2000-01-01", **{"patch-body": stale})
    assert response.status_code == 409 and "差分を適用できませんでした" in response.json()["error"]
    assert AutosaveSlot.objects.get().data["body"] == "一二三"
    # No slot yet: nothing to patch.
    other = draft_of(account)
    assert autosave(client, other, patch="1", base="", **{"patch-body": stale}).status_code == 409


def test_the_offer_names_the_autosaved_category_for_the_autocomplete():
    account = writer()
    post = draft_of(account)
    chosen = make_category(name="生成AI活用")
    autosave(logged_in(account), post, category=str(chosen.pk))
    html = logged_in(account).get(reverse("admin:blog_post_change", args=[post.pk])).content
    script = re.search(
        r'<script id="kd-autosave-data" type="application/json">(.*?)</script>', html.decode()
    )
    data = json.loads(script.group(1))
    assert data["fields"]["category"] == str(chosen.pk)
    assert data["labels"]["category"] == "生成AI活用"
