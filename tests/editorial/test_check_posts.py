import io
import json

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from editorial.models import AuditEntry, PostQualityReport
from tests.factories import make_post

from .quality_helpers import CLEAN_BODY, DEFECTIVE_BODY, approved_post, editor

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("check_posts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_text_output_lists_findings_and_a_summary_and_fails_on_errors():
    make_post(title="終了マーカーが残った記事", body=DEFECTIVE_BODY)
    make_post(title="問題のない記事", body=CLEAN_BODY)
    with pytest.raises(CommandError, match="1件の記事に「error」以上") as failed:
        run()
    assert failed.value.returncode == 1


def test_text_output_content():
    make_post(title="終了マーカーが残った記事", body=DEFECTIVE_BODY)
    out, _ = run("--fail-on", "never")
    assert "終了マーカーが残った記事" in out and "leftover.end_marker" in out
    assert "---END---" in out
    assert "2件をチェック" not in out and "1件をチェック: エラーのある記事 1件" in out


def test_fail_on_warning_and_never():
    make_post(title="AI議事録ツールの全貌と実践的な活用法", body=CLEAN_BODY)
    run()  # warnings only: passes with the default --fail-on error
    with pytest.raises(CommandError):
        run("--fail-on", "warning")
    make_post(body=DEFECTIVE_BODY)
    run("--fail-on", "never")


def test_json_output_has_one_object_per_post_and_totals_per_check():
    broken = make_post(title="終了マーカーが残った記事", body=DEFECTIVE_BODY)
    approved_post(CLEAN_BODY, status=Post.Status.DRAFT)
    out, _ = run("--format", "json", "--fail-on", "never")
    data = json.loads(out)
    assert len(data["posts"]) == 2
    [entry] = [p for p in data["posts"] if p["title"] == "終了マーカーが残った記事"]
    assert entry["url"] == broken.public_path and entry["status"] == "published"
    [finding] = [f for f in entry["findings"] if f["code"] == "leftover.end_marker"]
    assert set(finding) == {"code", "severity", "message", "field", "line"}
    assert finding["severity"] == "error" and finding["field"] == "body" and finding["line"] > 1
    assert data["totals"]["leftover.end_marker"] == {
        "label": "終了マーカー（---END--- など）",
        "severity": "error",
        "posts": 1,
        "findings": 1,
    }


def test_status_selects_posts_and_unknown_status_is_an_error():
    make_post(body=DEFECTIVE_BODY)
    approved_post(CLEAN_BODY, status=Post.Status.DRAFT)
    out, _ = run("--status", "draft", "--format", "json")
    assert [p["status"] for p in json.loads(out)["posts"]] == ["draft"]
    with pytest.raises(CommandError, match="不明な状態です: secret"):
        run("--status", "secret")


def test_results_are_stored_for_the_quality_page_unless_told_not_to():
    post = make_post(body=DEFECTIVE_BODY)
    run("--fail-on", "never", "--no-store")
    assert not PostQualityReport.objects.exists()
    run("--fail-on", "never")
    assert PostQualityReport.objects.get(post=post).errors == 1


def test_fix_dry_run_shows_counts_and_a_diff_and_changes_nothing():
    post = make_post(body=DEFECTIVE_BODY)
    out, _ = run("--fix", "leftover.end_marker,repetition", "--dry-run")
    assert "1件が修正対象です" in out and "leftover.end_marker" in out
    assert "-" + "---END---" in out and "保存していません" in out
    assert Post.objects.get(pk=post.pk).body == DEFECTIVE_BODY


def test_fix_applies_and_attributes_to_the_named_user():
    post = make_post(body=DEFECTIVE_BODY)
    account = editor("cleaner")
    out, _ = run("--fix", "leftover", "--user", "cleaner")
    assert "1件が修正済みです" in out
    post.refresh_from_db()
    assert "---END---" not in post.body
    assert post.revisions.exclude(created_by=None).get().created_by == account
    assert post.audit_entries.get(action=AuditEntry.Action.QUALITY_FIX).actor == account


def test_fix_needs_a_user_an_existing_user_and_a_fixable_check():
    make_post(body=DEFECTIVE_BODY)
    with pytest.raises(CommandError, match="--user"):
        run("--fix", "leftover")
    with pytest.raises(CommandError, match="nobody"):
        run("--fix", "leftover", "--user", "nobody")
    with pytest.raises(
        CommandError, match="title.padding には一括で適用できる安全な修正がありません"
    ):
        run("--fix", "title.padding", "--dry-run")


def test_worker_processes_find_exactly_what_one_process_finds():
    from editorial.quality import checking

    for i in range(7):
        make_post(title=f"並列チェックの記事{i}", body=DEFECTIVE_BODY if i % 2 else CLEAN_BODY)

    def run(jobs):
        return [
            (post.pk, [(f.code, f.severity, f.line, f.message) for f in findings])
            for post, findings in checking.check_posts(
                Post.objects.order_by("pk"), store=False, jobs=jobs, chunk_size=3
            )
        ]

    alone = run(1)
    assert len(alone) == 7 and any(findings for _, findings in alone)
    assert run(2) == alone
