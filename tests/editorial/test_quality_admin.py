"""The quality checks in the admin: the panel on the post page, one-click fixes, checking the
unsaved text, the site-wide quality page with CSV and bulk fix, and the rules' admin."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from blog.models import Post
from editorial.models import AuditEntry, PostQualityReport, StyleRule
from editorial.quality import checking
from tests.factories import make_post

from .quality_helpers import CLEAN_BODY, DEFECTIVE_BODY, approved_post, chief, editor, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.invalid", "pw-12345!")
    client.force_login(user)
    return client


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def test_the_post_page_shows_the_findings_with_place_fix_and_why_publishing_is_blocked(
    superuser_client,
):
    post = approved_post(DEFECTIVE_BODY)
    page = superuser_client.get(change_url(post)).content.decode()
    assert 'id="quality-panel"' in page
    assert "品質チェックのエラーが1件あるため公開できません" in page
    marker_line = DEFECTIVE_BODY.split("\n").index("---END---") + 1
    assert f'data-line="{marker_line}"' in page and f"本文 {marker_line}行目" in page
    assert 'name="quality_fingerprint"' in page and "区切りの行を削除" in page
    assert reverse("editorial_quality:post_fix", args=[post.pk]) in page
    assert "editorial/quality.js" in page


def test_the_page_context_carries_the_block_reason_for_the_publish_button(superuser_client):
    post = approved_post(DEFECTIVE_BODY)
    response = superuser_client.get(change_url(post))
    assert response.context["quality_block_reason"].startswith("品質チェックのエラーが1件")
    clean = approved_post(CLEAN_BODY)
    assert superuser_client.get(change_url(clean)).context["quality_block_reason"] == ""


def test_the_one_click_fix_applies_and_returns_to_the_post(superuser_client):
    post = approved_post(DEFECTIVE_BODY, status=Post.Status.DRAFT)
    found = next(f for f in checking.check_post(post) if f.code == "leftover.end_marker")
    response = superuser_client.post(
        reverse("editorial_quality:post_fix", args=[post.pk]),
        {"quality_fingerprint": found.fingerprint, "version": post.version, "title": "無視される"},
    )
    assert response.status_code == 302 and response.url.startswith(change_url(post))
    post.refresh_from_db()
    assert post.body == CLEAN_BODY and post.title != "無視される"
    assert AuditEntry.objects.filter(post=post, action=AuditEntry.Action.QUALITY_FIX).exists()
    page = superuser_client.get(response.url).content.decode()
    assert "を適用しました" in page and "公開を止めるエラーはありません" in page


def test_a_fix_with_a_stale_version_is_refused_with_a_message(superuser_client):
    post = approved_post(DEFECTIVE_BODY, status=Post.Status.DRAFT)
    found = next(f for f in checking.check_post(post) if f.code == "leftover.end_marker")
    response = superuser_client.post(
        reverse("editorial_quality:post_fix", args=[post.pk]),
        {"quality_fingerprint": found.fingerprint, "version": post.version - 1},
        follow=True,
    )
    assert "読み込み直して" in response.content.decode()
    assert "---END---" in Post.objects.get(pk=post.pk).body


def test_a_writer_cannot_fix_someone_elses_post(client):
    owner = writer("owner")
    post = approved_post(DEFECTIVE_BODY, status=Post.Status.DRAFT, created_by=owner)
    client.force_login(writer("other"))
    found = next(f for f in checking.check_post(post) if f.code == "leftover.end_marker")
    response = client.post(
        reverse("editorial_quality:post_fix", args=[post.pk]),
        {"quality_fingerprint": found.fingerprint},
    )
    assert response.status_code == 403
    client.force_login(owner)
    response = client.post(
        reverse("editorial_quality:post_fix", args=[post.pk]),
        {"quality_fingerprint": found.fingerprint},
    )
    assert response.status_code == 302
    assert "---END---" not in Post.objects.get(pk=post.pk).body


def test_checking_the_unsaved_text_reports_on_it_without_saving(superuser_client):
    post = approved_post(CLEAN_BODY)
    unsaved = CLEAN_BODY.replace("\n", "\r\n") + "\r\n私が取材した。\r\n"
    response = superuser_client.post(
        reverse("editorial_quality:post_preview", args=[post.pk]),
        {"title": post.title, "body": unsaved, "excerpt": post.excerpt},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "一人称「私が」は使えません" in html and "保存前の入力内容" in html
    assert 'name="quality_fingerprint"' not in html  # fixes apply to saved text only
    assert f'data-line="{CLEAN_BODY.count(chr(10)) + 2}"' in html  # LF line numbers
    assert Post.objects.get(pk=post.pk).body == CLEAN_BODY


def test_the_quality_page_counts_checks_and_lists_published_posts_with_errors(superuser_client):
    broken = make_post(title="終了マーカーが残った記事", body=DEFECTIVE_BODY)
    make_post(title="問題のない記事", body=CLEAN_BODY)
    draft = approved_post(DEFECTIVE_BODY, title="下書きの記事", status=Post.Status.DRAFT)
    for post in (broken, draft):
        checking.store_report(post, checking.check_post(post))
    page = superuser_client.get(reverse("editorial_quality:dashboard"))
    html = page.content.decode()
    [row] = [r for r in page.context["code_rows"] if r["code"] == "leftover.end_marker"]
    assert (row["posts"], row["published"]) == (2, 1)
    assert list(page.context["page"]) == [broken.quality_report]
    assert (
        "終了マーカーが残った記事" in html
        and "下書きの記事" not in html.split("エラーのある公開中の記事")[1]
    )
    assert page.context["stale_posts"] == 1  # the clean post was never checked


def test_the_list_sorts_by_errors_or_title(superuser_client):
    few = make_post(title="あ：エラー1件", body=DEFECTIVE_BODY)
    many = make_post(title="い：エラー2件", body=DEFECTIVE_BODY + "\n私が書いた。\n")
    for post in (few, many):
        checking.store_report(post, checking.check_post(post))
    url = reverse("editorial_quality:dashboard")
    by_errors = [r.post for r in superuser_client.get(url).context["page"]]
    by_title = [r.post for r in superuser_client.get(url, {"o": "title"}).context["page"]]
    assert by_errors == [many, few] and by_title == [few, many]


def test_the_list_exports_as_csv(superuser_client):
    post = make_post(title="終了マーカーが残った記事", body=DEFECTIVE_BODY)
    checking.store_report(post, checking.check_post(post))
    response = superuser_client.get(reverse("editorial_quality:dashboard"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["ID", "タイトル", "URL", "公開日時", "エラー"]
    assert rows[1][1] == "終了マーカーが残った記事" and rows[1][4] == "1"
    assert "leftover.end_marker×1" in rows[1][7] and "---END---" in rows[1][8]


def test_refresh_checks_the_stale_posts(superuser_client):
    post = make_post(body=DEFECTIVE_BODY)
    response = superuser_client.post(reverse("editorial_quality:refresh"))
    assert response.status_code == 302
    assert PostQualityReport.objects.get(post=post).errors == 1


def test_the_quality_page_needs_a_staff_editor(client):
    url = reverse("editorial_quality:dashboard")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(
        get_user_model().objects.create_user("reader", password="pw-12345!", is_staff=True)
    )
    assert client.get(url).status_code == 403
    client.force_login(writer())
    assert client.get(url).status_code == 200


def test_bulk_fix_from_the_quality_page_tries_first_then_runs_as_the_editor(client):
    post = make_post(body=DEFECTIVE_BODY)
    account = editor()
    client.force_login(account)
    url = reverse("editorial_quality:bulk_fix")
    trial = client.post(url, {"codes": ["leftover.end_marker"], "scope": "published"})
    assert trial.status_code == 200 and trial.context["dry_run"]
    assert "----END---" in trial.content.decode()
    assert "---END---" in Post.objects.get(pk=post.pk).body
    run = client.post(url, {"codes": ["leftover.end_marker"], "scope": "published", "run": "1"})
    assert not run.context["dry_run"] and run.context["report"].changed == 1
    post.refresh_from_db()
    assert "---END---" not in post.body
    assert post.revisions.exclude(created_by=None).get().created_by == account


def test_bulk_fix_is_refused_to_writers_and_for_unsafe_checks(client):
    make_post(body=DEFECTIVE_BODY)
    client.force_login(writer())
    url = reverse("editorial_quality:bulk_fix")
    assert client.post(url, {"codes": ["leftover.end_marker"]}).status_code == 403
    client.force_login(chief())
    response = client.post(url, {"codes": ["title.padding"], "scope": "published"}, follow=True)
    assert "修正するチェックと対象を選んでください" in response.content.decode()


def test_an_invalid_regex_rule_is_refused_in_the_admin(superuser_client):
    response = superuser_client.post(
        reverse("admin:editorial_stylerule_add"),
        {
            "name": "壊れた規則",
            "key": "broken",
            "pattern": "(私|僕",
            "is_regex": "on",
            "message": "x",
            "severity": "error",
            "order": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "正規表現として読めません" in response.content.decode()
    assert not StyleRule.objects.filter(key="broken").exists()


def test_the_settings_have_one_page_and_severities_offer_the_known_checks(superuser_client):
    response = superuser_client.get(reverse("admin:editorial_qualitysettings_changelist"))
    assert response.status_code == 302 and response.url.endswith("/1/change/")
    form = superuser_client.get(reverse("admin:editorial_checkseverity_add")).content.decode()
    assert "leftover.end_marker" in form and "style.voice-watashi-ga" in form


def test_changing_a_severity_makes_every_stored_report_stale(superuser_client):
    from editorial.models import CheckSeverity

    post = make_post(body=DEFECTIVE_BODY)
    superuser_client.post(reverse("editorial_quality:refresh"))
    assert PostQualityReport.objects.get(post=post).errors == 1
    assert not checking.stale_posts().exists()
    CheckSeverity.objects.create(code="leftover.end_marker", severity="warning")
    assert list(checking.stale_posts()) == [post]
    superuser_client.post(reverse("editorial_quality:refresh"))
    report = PostQualityReport.objects.get(post=post)
    assert report.errors == 0 and report.warnings >= 1
