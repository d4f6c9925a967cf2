"""The quality panel in a real browser: a finding selects its place in the body, the unsaved
text can be checked, and a one-click fix saves a revision."""

import pytest

from blog.models import Post
from editorial.models import StyleRule
from tests.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPH = (
    "生成AIを社内で試す段階を終え、日常業務の手順そのものに組み込もうとする企業が目立ち始めている。"
    "編集部が取材した各社では、議論の中心が「まず触ってみる」から「どの業務で誰がどう使うか」へと移っていた。"
)


def login(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.invalid", "pw-12345-abc")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-12345-abc")
    page.click("input[type=submit]")


def test_a_finding_selects_its_place_and_the_fix_removes_it(
    live_server, page, django_user_model, output_dir
):
    body = "## 背景\n\n" + "\n\n".join([PARAGRAPH] * 1).strip() + "\n\n"
    body += "\n\n".join(f"{i}番目の段落。{PARAGRAPH[:60]}{i}。" for i in range(40))
    body += "\n\n---END---\n"
    post = make_post(
        title="終了マーカーが残った下書き", body=body, status=Post.Status.DRAFT, published_at=None
    )
    login(page, live_server, django_user_model)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    panel = page.locator("#quality-panel")
    assert "公開できません" in panel.inner_text()
    panel.screenshot(path=str(output_dir / "quality-panel-findings.png"))

    page.locator("#quality-panel .kq-jump", has_text="行目").first.click()
    selected = page.evaluate(
        "(() => { const a = document.getElementById('id_body');"
        " return a.value.substring(a.selectionStart, a.selectionEnd); })()"
    )
    assert selected == "---END---"
    assert page.evaluate("document.activeElement.id") == "id_body"
    assert page.evaluate("document.getElementById('id_body').scrollTop") > 0
    page.screenshot(path=str(output_dir / "quality-panel.png"), full_page=False)

    page.locator("#quality-panel .kq-fix", has_text="区切りの行を削除").click()
    page.wait_for_load_state()
    assert "を適用しました" in page.content()
    post.refresh_from_db()
    # The post had no history: the fix keeps what was there first, then its own revision.
    assert "---END---" not in post.body and post.revisions.count() == 2
    assert "---END---" in post.revisions.order_by("pk").first().data["body"]
    assert page.console_errors == []


def test_the_unsaved_text_can_be_checked_without_saving(live_server, page, django_user_model):
    # Browser tests flush the database, seeded rows included: put the voice rule back.
    StyleRule.objects.get_or_create(
        key="voice-watashi-ga",
        defaults={
            "name": "私が",
            "pattern": "私が",
            "message": "一人称「{match}」は使えません。",
            "severity": "error",
        },
    )
    post = make_post(
        title="書きかけの記事",
        body=f"## 背景\n\n{PARAGRAPH}\n",
        status=Post.Status.DRAFT,
        published_at=None,
    )
    login(page, live_server, django_user_model)
    page.goto(f"{live_server.url}/admin/blog/post/{post.pk}/change/")
    assert "私が" not in page.locator("#quality-panel").inner_text()
    page.fill("#id_body", f"## 背景\n\n{PARAGRAPH}\n\n私が取材したところ、反応は上々だった。\n")
    page.locator("#quality-panel .kq-recheck").click()
    page.wait_for_selector("text=保存前の入力内容")
    assert "一人称「私が」は使えません" in page.locator("#quality-panel").inner_text()
    assert Post.objects.get(pk=post.pk).body == f"## 背景\n\n{PARAGRAPH}\n"
    assert page.console_errors == []
