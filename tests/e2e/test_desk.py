"""The editor's desk in a real browser: live preview and counters, findings and their fixes
while typing, autosave across a closed tab, images uploaded into the body and served with
their renditions, and a renamed non-image refused."""

import datetime as dt
import mimetypes
import time
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from blog.models import ArticleImage, Post
from editorial.models import AutosaveSlot, ReviewComment
from tests.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-12345-abc"
PARAGRAPH = (
    "生成AIを社内で試す段階を終え、日常業務の手順そのものに組み込もうとする企業が目立ち始めている。"
    "編集部が取材した各社では、議論の中心が「まず触ってみる」から「どの業務で誰がどう使うか」へと移っていた。"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def serve_media(page, media_root: Path, requested: list[str]):
    """Media is served by the proxy or object storage in production, never by Django: here
    the browser's requests for /media/ are answered from the storage directory."""

    def handle(route):
        path = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        requested.append(path)
        file = media_root / path
        if not file.is_file():
            route.fulfill(status=404, body="missing")
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=file.read_bytes(), headers={"Content-Type": kind})

    page.route("**/media/**", handle)


def login(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.invalid", PASSWORD)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def draft(**overrides):
    fields = {
        "title": "デスクで書く記事のタイトル、十五文字を超える長さ",
        "body": f"## 背景\n\n{PARAGRAPH}\n",
        "status": Post.Status.DRAFT,
        "published_at": None,
    }
    return make_post(**{**fields, **overrides})


def open_post(page, live_server, post):
    page.set_viewport_size({"width": 1400, "height": 950})
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    page.wait_for_selector(".kd-desk .kd-counter")


def type_at_end(page, text):
    area = page.locator("#id_body")
    area.click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(text)


def assert_numbers_follow_wrapping(page):
    numbered, wrapped, visible = page.evaluate(
        """() => { const d = window.KoseiDesk.desk; const s = getComputedStyle(d.area);
          const rows = Array.from(d.gutterInner.children);
          const total = rows.reduce((sum, n) => sum + parseFloat(n.style.height), 0);
          return [total + parseFloat(s.paddingTop) + parseFloat(s.paddingBottom),
                  d.area.scrollHeight, d.area.clientHeight]; }"""
    )
    assert abs(max(numbered, visible) - wrapped) < 2, (numbered, wrapped)


def test_typing_updates_the_preview_and_the_counters(
    live_server, page, django_user_model, output_dir
):
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    preview = page.locator(".kd-preview")
    assert preview.locator("h2", has_text="背景").count() == 1
    chars_before = int(page.locator(".kd-counters").get_attribute("data-chars"))

    type_at_end(page, "\n## 新しい節の見出し\n\n**太字**で書いた一文。\n")
    page.wait_for_selector(".kd-preview h2:has-text('新しい節の見出し')")
    assert preview.locator("strong", has_text="太字").count() == 1
    page.wait_for_function(
        "n => Number(document.querySelector('.kd-counters').dataset.chars) > n", arg=chars_before
    )
    counters = page.locator(".kd-counters").inner_text()
    assert "見出し h2\n2" in counters or "見出し h2 2" in counters
    # Keyboard shortcut: bold around the selection.
    page.keyboard.insert_text("強調したい")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+b")
    assert page.input_value("#id_body").endswith("**強調したい**")
    # Line numbers: one per source line, each as tall as its line is when wrapped.
    lines = page.input_value("#id_body").count("\n") + 1
    assert page.locator(".kd-gutter .kd-line").count() == lines
    assert_numbers_follow_wrapping(page)
    # Lines of every length from 1 to 150 characters: a wrap width off by even one
    # character puts some line's number out of step.
    page.fill("#id_body", "\n".join("あ" * n + "。" for n in range(1, 151)))
    page.wait_for_timeout(200)
    assert_numbers_follow_wrapping(page)
    # Nothing was saved.
    assert Post.objects.get(pk=post.pk).body == f"## 背景\n\n{PARAGRAPH}\n"
    page.locator(".kd-wide-toggle").click()
    assert page.evaluate("document.body.classList.contains('kd-wide')")
    assert page.locator("#nav-sidebar").is_hidden()
    page.screenshot(path=str(output_dir / "desk-wide.png"))
    assert page.console_errors == []


def test_a_duplicated_paragraph_is_found_while_typing_and_its_fix_removes_it(
    live_server, page, django_user_model, output_dir
):
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    assert page.locator(".kd-finding", has_text="段落の繰り返し").count() == 0

    type_at_end(page, f"\n## まとめ\n\n{PARAGRAPH}\n")
    finding = page.locator(".kd-finding", has_text="段落の繰り返し")
    finding.wait_for()
    assert "本文 7行目" in finding.inner_text()
    assert page.locator(".kd-gutter .kd-line").nth(6).get_attribute("class").count("kd-line--error")
    page.screenshot(path=str(output_dir / "desk-duplicate.png"))

    finding.locator(".kd-jump").click()
    selected = page.evaluate(
        "(() => { const a = document.getElementById('id_body');"
        " return a.value.substring(a.selectionStart, a.selectionEnd); })()"
    )
    assert PARAGRAPH[:20] in selected

    finding.locator(".kd-fix").click()
    page.wait_for_selector(".kd-status:has-text('適用しました')")
    assert page.input_value("#id_body").count(PARAGRAPH) == 1
    assert page.locator(".kd-finding", has_text="段落の繰り返し").count() == 0
    assert page.locator(".kd-preview").inner_text().count("生成AIを社内で試す段階") == 1
    assert Post.objects.get(pk=post.pk).body.count(PARAGRAPH) == 1  # not saved by the fix
    assert page.console_errors == []


def test_text_typed_while_a_fix_is_on_its_way_is_never_lost(live_server, page, django_user_model):
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    type_at_end(page, f"\n## まとめ\n\n{PARAGRAPH}\n")
    finding = page.locator(".kd-finding", has_text="段落の繰り返し")
    finding.wait_for()
    page.wait_for_function("() => !window.KoseiDesk.desk.inFlight")

    held, seen = [], []

    def hold_the_fix(route):
        if 'name="fix"' in (route.request.post_data or "") and not seen:
            seen.append(route)
            held.append(route)  # answered later, after more typing
        else:
            route.continue_()

    page.route("**/live/", hold_the_fix)
    finding.locator(".kd-fix").click()
    page.wait_for_function("() => window.KoseiDesk.desk.inFlight")
    type_at_end(page, "\n修正の途中で足した一文。\n")
    page.wait_for_timeout(600)  # past the debounce: a preview of the new text is now queued
    while not held:
        page.wait_for_timeout(50)
    held.pop().continue_()
    page.wait_for_function(
        "() => { const d = window.KoseiDesk.desk; return !d.inFlight && !d.pending; }"
    )
    body = page.input_value("#id_body")
    assert "修正の途中で足した一文。" in body
    assert body.count(PARAGRAPH) == 2  # the fix made from the older text was not applied

    # Asked again on the current text, the fix applies and keeps what was typed.
    page.locator(".kd-finding", has_text="段落の繰り返し").locator(".kd-fix").click()
    page.wait_for_selector(".kd-status:has-text('適用しました')")
    body = page.input_value("#id_body")
    assert "修正の途中で足した一文。" in body and body.count(PARAGRAPH) == 1
    assert page.console_errors == []


def test_closing_the_tab_mid_edit_and_reopening_offers_the_autosaved_text(
    live_server, browser, page, django_user_model, output_dir
):
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    type_at_end(page, "\n閉じる直前に書いた一文。\n")
    # Leaving the page: the "unsaved changes" warning appears and is accepted, the page-hide
    # beacon saves the slot as the tab goes away.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]
    deadline = time.monotonic() + 10
    while not AutosaveSlot.objects.filter(post=post).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    slot = AutosaveSlot.objects.get(post=post)
    assert slot.data["body"].endswith("閉じる直前に書いた一文。\n")
    assert Post.objects.get(pk=post.pk).body == f"## 背景\n\n{PARAGRAPH}\n"

    reopened = page.context.new_page()
    reopened.console_errors = []
    reopened.on("pageerror", lambda exc: reopened.console_errors.append(str(exc)))
    open_post(reopened, live_server, post)
    offer = reopened.locator("#kd-restore")
    assert "保存していない編集が残っています" in offer.inner_text()
    assert "閉じる直前に書いた一文。" in offer.locator("ins").all_inner_texts()
    reopened.screenshot(path=str(output_dir / "desk-restore.png"))
    assert "閉じる直前" not in reopened.input_value("#id_body")
    offer.locator(".kd-restore__apply").click()
    assert reopened.input_value("#id_body").endswith("閉じる直前に書いた一文。\n")
    reopened.locator("input[name=_continue]").click()
    reopened.wait_for_load_state()
    saved = Post.objects.get(pk=post.pk).body
    assert saved == f"## 背景\n\n{PARAGRAPH}\n\n閉じる直前に書いた一文。"
    assert not AutosaveSlot.objects.exists()
    assert reopened.console_errors == []


def test_a_long_article_closed_mid_edit_keeps_what_was_typed_last(
    live_server, page, django_user_model
):
    # 40,000 characters are about 120 KB: more than a page-leave beacon may carry, so the
    # page sends only what changed since its last autosave.
    long_body = "## 背景\n\n" + "\n\n".join(f"{i}段落目。{PARAGRAPH}" for i in range(400))
    assert len(long_body.encode()) > 64 * 1024
    post = draft(body=long_body)
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    type_at_end(page, "\n\n最初に書き足した段落。")
    page.wait_for_selector(".kd-status:has-text('自動保存しました')", timeout=8000)
    type_at_end(page, "\n\n閉じる直前の段落。")
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    deadline = time.monotonic() + 10
    body = ""
    while time.monotonic() < deadline:
        slot = AutosaveSlot.objects.filter(post=post).first()
        body = slot.data.get("body", "") if slot else ""
        if body.endswith("閉じる直前の段落。"):
            break
        time.sleep(0.1)
    assert body == long_body + "\n\n最初に書き足した段落。\n\n閉じる直前の段落。"


def test_a_large_paste_closed_before_the_first_autosave_comes_back_from_the_browser(
    live_server, page, django_user_model
):
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    # About 120 KB pasted and the tab closed at once: no autosave has given the page a base to
    # send changes against, and the whole text is more than a beacon may carry.
    pasted = "\n\n".join(f"{i}段落目。{PARAGRAPH}" for i in range(400))
    assert len(pasted.encode()) > 64 * 1024
    type_at_end(page, "\n\n" + pasted)
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    time.sleep(1)
    assert not AutosaveSlot.objects.filter(post=post).exists()  # the beacon could not carry it

    reopened = page.context.new_page()
    reopened.console_errors = []
    reopened.on("pageerror", lambda exc: reopened.console_errors.append(str(exc)))
    reopened.set_viewport_size({"width": 1400, "height": 950})
    reopened.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    # The copy kept in the browser goes to the slot; the page comes back with the usual offer.
    offer = reopened.wait_for_selector("#kd-restore", timeout=10000)
    assert "保存していない編集が残っています" in offer.inner_text()
    assert AutosaveSlot.objects.get(post=post).data["body"].endswith(pasted)
    reopened.locator(".kd-restore__apply").click()
    assert reopened.input_value("#id_body").endswith(pasted)
    kept = "() => Object.keys(localStorage).filter((k) => k.startsWith('kosei-autosave:'))"
    assert reopened.evaluate(kept) == []
    assert reopened.console_errors == []


def test_a_comment_quote_is_found_in_the_body_and_a_selection_becomes_a_quote(
    live_server, page, django_user_model
):
    post = draft(
        body=f"## 背景\n\n{PARAGRAPH}\n\n## 数字\n\n市場は8,300億ドル（約1,250億円）に達する。\n"
    )
    login(page, live_server, django_user_model)
    boss = django_user_model.objects.get(username="boss")
    ReviewComment.objects.create(
        post=post, author=boss, body="換算を確認", quote="8,300億ドル（約1,250億円）"
    )
    ReviewComment.objects.create(
        post=post, author=boss, body="古い指摘", quote="もう本文にない一文"
    )
    open_post(page, live_server, post)
    selection = (
        "() => { const a = document.querySelector('#id_body');"
        " return a.value.slice(a.selectionStart, a.selectionEnd); }"
    )
    panel = page.locator("#comments-heading + .kosei-comment, #comments-heading ~ .kosei-comment")
    assert page.locator(".kosei-quote-show").count() == 2
    panel.filter(has_text="古い指摘").locator(".kosei-quote-show").click()
    page.wait_for_selector(".kd-status:has-text('見つかりません')")
    panel.filter(has_text="換算を確認").locator(".kosei-quote-show").click()
    assert page.evaluate(selection) == "8,300億ドル（約1,250億円）"

    page.evaluate(
        "() => { const a = document.querySelector('#id_body'); const i = a.value.indexOf('市場は');"
        " a.focus(); a.setSelectionRange(i, i + 3); }"
    )
    page.click(".kosei-quote-copy")
    assert page.input_value("textarea[name=quote][form=comment-form]") == "市場は"
    assert page.console_errors == []


def test_the_timer_autosaves_while_typing(live_server, page, django_user_model, settings):
    settings.EDITORIAL_AUTOSAVE_SECONDS = 1
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    type_at_end(page, "タイマーで保存される。")
    page.wait_for_selector(".kd-status:has-text('自動保存しました')", timeout=5000)
    assert AutosaveSlot.objects.get(post=post).data["body"].endswith("タイマーで保存される。")


def png_file(path: Path, size=(1600, 900)) -> Path:
    Image.new("RGB", size, (30, 120, 200)).save(path, "PNG")
    return path


def test_an_uploaded_png_is_inserted_with_alt_text_and_served_with_renditions(
    live_server, page, django_user_model, media, tmp_path, output_dir
):
    requested: list[str] = []
    serve_media(page, media, requested)
    post = draft(body=f"## 背景\n\n{PARAGRAPH}\n")
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    page.locator("#id_body").click()
    page.keyboard.press("Control+End")
    with page.expect_file_chooser() as chooser:
        page.locator(".kd-image-button").click()
    chooser.value.set_files(str(png_file(tmp_path / "architecture.png")))
    dialog = page.locator(".kd-image-dialog")
    dialog.locator("button[type=submit]").click()
    assert "代替テキストを入力してください" in dialog.inner_text()  # alt text is required
    dialog.locator("#kd-image-alt").fill("システム構成図")
    dialog.locator("button[type=submit]").click()
    page.wait_for_function("document.getElementById('id_body').value.includes('![システム構成図]')")
    image = ArticleImage.objects.get()
    assert page.input_value("#id_body").endswith(f"。\n\n![システム構成図]({image.url})")
    page.wait_for_selector(".kd-preview picture img[srcset]")
    page.screenshot(path=str(output_dir / "desk-image.png"))

    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    public = Post.objects.get(pk=post.pk)
    public.status = Post.Status.PUBLISHED  # as publishing does (the workflow is tested elsewhere)
    public.published_at = timezone.now() - dt.timedelta(minutes=1)
    public.save()
    requested.clear()
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(live_server.url + public.get_absolute_url())
    picture = page.locator("article picture, .post-body picture").first
    source = picture.locator("source[type='image/webp']")
    assert f"articles/{image.key}-640w.webp 640w" in source.get_attribute("srcset")
    img = picture.locator("img")
    assert img.get_attribute("alt") == "システム構成図"
    assert img.get_attribute("loading") == "lazy"
    assert (img.get_attribute("width"), img.get_attribute("height")) == ("1280", "720")
    img.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=10000
    )
    current = img.evaluate("img => img.currentSrc")
    assert f"articles/{image.key}-" in current and current.endswith(".webp")
    assert any(name.endswith(".webp") for name in requested)
    assert page.console_errors == []


def test_a_non_image_renamed_png_is_refused_with_a_clear_message(
    live_server, page, django_user_model, media, tmp_path
):
    fake = tmp_path / "screenshot.png"
    fake.write_text("これは画像ではなくテキストです。\n" * 30, encoding="utf-8")
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    body_before = page.input_value("#id_body")
    with page.expect_file_chooser() as chooser:
        page.locator(".kd-image-button").click()
    chooser.value.set_files(str(fake))
    dialog = page.locator(".kd-image-dialog")
    dialog.locator("#kd-image-alt").fill("画面")
    dialog.locator("button[type=submit]").click()
    error = dialog.locator(".kd-image-dialog__error")
    error.wait_for()
    page.wait_for_function(
        "el => el.textContent.includes('画像として読めません')", arg=error.element_handle()
    )
    assert "「screenshot.png」は使えません" in error.inner_text()
    assert "拡張子だけ" in error.inner_text()
    assert page.input_value("#id_body") == body_before
    assert not ArticleImage.objects.exists()


def test_books_are_picked_in_order_and_saved(live_server, page, django_user_model):
    from blog.models import AffiliateBook

    first = AffiliateBook.objects.create(title="生成AI活用入門", asin="4798181986")
    second = AffiliateBook.objects.create(title="機械学習の教科書", asin="B0ABCDEFGH")
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    query = page.locator(".kd-books__query")
    for title in ("機械学習", "生成AI"):
        query.fill(title)
        page.locator(".kd-books__result", has_text=title).locator("button").click()
    page.locator(".kd-books__create summary").click()
    page.fill("#kd-book-asin", "4297127830")
    page.fill("#kd-book-title", "新しく登録する本")
    page.locator(".kd-books__create button").click()
    page.wait_for_selector(".kd-books__note:has-text('登録して追加しました')")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    links = list(post.book_links.order_by("position").values_list("book__asin", "position"))
    assert links == [(second.asin, 1), (first.asin, 2), ("4297127830", 3)]
    assert page.console_errors == []


def test_leaving_after_only_picking_a_book_warns(live_server, page, django_user_model):
    from blog.models import AffiliateBook

    AffiliateBook.objects.create(title="生成AI活用入門", asin="4798181986")
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    would_warn = (
        "(() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; })()"
    )
    assert not page.evaluate(would_warn)  # nothing changed yet
    page.locator(".kd-books__query").fill("生成AI")
    page.locator(".kd-books__result", has_text="生成AI").locator("button").click()
    page.wait_for_timeout(200)
    assert page.evaluate(would_warn)  # the book is not saved yet: leaving would lose it
    assert page.console_errors == []


def open_sectioned_post(page, live_server, django_user_model):
    """A post of twelve sections, much taller than the editor, open with its preview drawn."""
    sections = "\n\n".join(f"## 節{i}\n\n{PARAGRAPH}\n\n{PARAGRAPH[::-1]}" for i in range(1, 13))
    post = draft(body=sections)
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    page.wait_for_selector(".kd-preview h2:has-text('節12')")


def test_scrolling_the_body_scrolls_the_preview_in_step(live_server, page, django_user_model):
    open_sectioned_post(page, live_server, django_user_model)
    assert_numbers_follow_wrapping(page)  # a body much taller than the editor
    page.evaluate(
        "(() => { const a = document.getElementById('id_body'); a.scrollTop = a.scrollHeight; })()"
    )
    page.wait_for_function(
        "(() => { const p = document.querySelector('.kd-preview');"
        " return p.scrollTop + p.clientHeight >= p.scrollHeight - 2; })()"
    )
    # The heading at the top of the editor is near the top of the preview.
    page.evaluate(
        "(() => { const a = document.getElementById('id_body');"
        " const line = a.value.split('\\n').indexOf('## 節6');"
        " a.scrollTop = window.KoseiDesk.desk.lineTops[line]; })()"
    )
    page.wait_for_timeout(300)
    offset = page.evaluate(
        "(() => { const p = document.querySelector('.kd-preview');"
        " const h = Array.from(p.querySelectorAll('h2')).find(e => e.textContent === '節6');"
        " return h.getBoundingClientRect().top - p.getBoundingClientRect().top; })()"
    )
    assert abs(offset) < 40, offset


def test_scrolling_the_preview_scrolls_the_body_in_step(live_server, page, django_user_model):
    open_sectioned_post(page, live_server, django_user_model)
    # The preview brought to 節8: the editor shows the line of 「## 節8」 near its top.
    page.evaluate(
        "(() => { const p = document.querySelector('.kd-preview');"
        " const h = Array.from(p.querySelectorAll('h2')).find(e => e.textContent === '節8');"
        " p.scrollTop += h.getBoundingClientRect().top - p.getBoundingClientRect().top; })()"
    )
    page.wait_for_timeout(300)
    offset = page.evaluate(
        "(() => { const a = document.getElementById('id_body');"
        " const line = a.value.split('\\n').indexOf('## 節8');"
        " return window.KoseiDesk.desk.lineTops[line] - a.scrollTop; })()"
    )
    assert abs(offset) < 40, offset


def test_fast_typing_asks_for_one_preview_when_it_pauses(live_server, page, django_user_model):
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    page.wait_for_timeout(1000)  # the first preview is done
    sent = []
    page.on("request", lambda request: sent.append(request) if "/live/" in request.url else None)
    page.locator("#id_body").click()
    page.keyboard.press("Control+End")
    for character in "速く打ち続ける間は問い合わせない":
        page.keyboard.insert_text(character)
        page.wait_for_timeout(60)  # well under the 400 ms pause that asks for a preview
    assert sent == [], "no preview while typing goes on"
    page.wait_for_function(
        "document.querySelector('.kd-preview').textContent.includes('問い合わせない')",
        timeout=5000,
    )
    page.wait_for_timeout(600)
    assert len(sent) == 1


def test_at_most_one_preview_request_is_in_flight(
    live_server, page, django_user_model, monkeypatch
):
    from editorial.desk import preview

    original = preview.analyse

    def slow(*args, **kwargs):
        time.sleep(0.8)  # a slow server: typing goes on while a request is answered
        return original(*args, **kwargs)

    monkeypatch.setattr(preview, "analyse", slow)
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    page.wait_for_timeout(1000)  # the first preview is done
    open_requests, most = [], [0]

    def started(request):
        if request.url.endswith("/live/"):
            open_requests.append(request)
            most[0] = max(most[0], len(open_requests))

    def finished(request):
        if request in open_requests:
            open_requests.remove(request)

    page.on("request", started)
    page.on("requestfinished", finished)
    page.on("requestfailed", finished)
    page.locator("#id_body").click()
    page.keyboard.press("Control+End")
    for word in ("一", "二", "三", "四", "五"):
        page.keyboard.insert_text(word)
        page.wait_for_timeout(450)  # longer than the debounce: each pause asks for a preview
    page.wait_for_function(
        "document.querySelector('.kd-preview').textContent.includes('一二三四五')", timeout=10000
    )
    assert most[0] == 1


def test_shortcuts_for_link_and_headings(live_server, page, django_user_model):
    post = draft(body="導入")
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    area = page.locator("#id_body")
    area.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Control+Alt+Digit2")
    assert page.input_value("#id_body") == "## 導入"
    page.keyboard.press("Control+Alt+Digit3")
    assert page.input_value("#id_body") == "### 導入"
    page.keyboard.press("Control+Alt+Digit3")  # the same level again takes it off
    assert page.input_value("#id_body") == "導入"
    page.keyboard.insert_text("\n出典")
    for _ in range(2):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    page.keyboard.insert_text("https://example.com/")
    assert page.input_value("#id_body") == "導入\n[出典](https://example.com/)"
    page.wait_for_selector(".kd-preview a[href='https://example.com/']")


@pytest.mark.parametrize("how", ["paste", "drop"])
def test_a_pasted_or_dropped_image_asks_for_alt_text_then_uploads(
    live_server, page, django_user_model, media, how
):
    post = draft()
    login(page, live_server, django_user_model)
    open_post(page, live_server, post)
    page.locator("#id_body").click()
    page.evaluate(
        """async (how) => {
          const canvas = Object.assign(document.createElement('canvas'), {width: 700, height: 400});
          canvas.getContext('2d').fillRect(0, 0, 700, 400);
          const blob = await new Promise(done => canvas.toBlob(done, 'image/png'));
          const data = new DataTransfer();
          data.items.add(new File([blob], 'chart.png', {type: 'image/png'}));
          const area = document.getElementById('id_body');
          const event = how === 'paste'
            ? new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})
            : new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true});
          area.dispatchEvent(event);
        }""",
        how,
    )
    dialog = page.locator(".kd-image-dialog")
    dialog.wait_for()
    dialog.locator("#kd-image-alt").fill("売上の推移グラフ")
    dialog.locator("button[type=submit]").click()
    page.wait_for_function(
        "document.getElementById('id_body').value.includes('![売上の推移グラフ]')"
    )
    assert ArticleImage.objects.get().width == 700
