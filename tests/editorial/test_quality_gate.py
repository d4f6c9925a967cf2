"""The quality checks as the workflow's gate: errors block publishing and scheduling, a chief
editor may override with a reason (recorded in the audit log), and the site's own rules,
severities and settings apply."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from blog.models import Post
from editorial import gate, workflow
from editorial.models import AuditEntry, CheckSeverity, QualitySettings, StyleRule
from editorial.quality import checking

from .quality_helpers import CLEAN_BODY, DEFECTIVE_BODY, approved_post, chief, editor

pytestmark = pytest.mark.django_db


def test_the_quality_checks_are_registered_as_the_gate():
    assert checking.gate_provider in gate._providers


def test_an_error_blocks_publishing_and_says_where():
    post = approved_post(DEFECTIVE_BODY)
    with pytest.raises(workflow.QualityGateBlocked) as blocked:
        workflow.apply(post, "publish", by=chief())
    assert "---END---" in blocked.value.message and "行目" in blocked.value.message
    assert [f.code for f in blocked.value.findings] == ["leftover.end_marker"]
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED


def test_an_error_blocks_scheduling_too():
    post = approved_post(DEFECTIVE_BODY)
    with pytest.raises(workflow.QualityGateBlocked):
        workflow.apply(post, "schedule", by=chief(), when=timezone.now() + dt.timedelta(days=1))


def test_a_clean_post_publishes_and_warnings_do_not_block():
    post = approved_post(CLEAN_BODY, title="AI議事録ツールの全貌と実践的な活用法")
    workflow.apply(post, "publish", by=chief())
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.quality_report.warnings >= 1 and post.quality_report.errors == 0


def test_a_chief_editor_override_is_recorded_in_the_audit_log_with_its_reason():
    post = approved_post(DEFECTIVE_BODY)
    workflow.apply(
        post, "publish", by=chief(), override_reason="速報のため。終了マーカーは公開後すぐ直す。"
    )
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    override = AuditEntry.objects.get(post=post, action=AuditEntry.Action.OVERRIDE)
    assert override.note == "速報のため。終了マーカーは公開後すぐ直す。"
    assert override.data == {"codes": ["leftover.end_marker"]}
    assert override.actor.username == "chief"
    # The override comes before the publication it allowed.
    publish = AuditEntry.objects.get(post=post, action=AuditEntry.Action.PUBLISH)
    assert override.pk < publish.pk


def test_an_editor_without_the_override_permission_cannot_override():
    post = approved_post(DEFECTIVE_BODY)
    account = editor()
    account.user_permissions.add(Permission.objects.get(codename="publish_post"))
    with pytest.raises(PermissionDenied):
        workflow.apply(post, "publish", by=account, override_reason="急ぎなので")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.OVERRIDE).exists()


def test_a_site_can_lower_a_checks_severity_so_it_no_longer_blocks():
    CheckSeverity.objects.create(code="leftover.end_marker", severity="warning")
    post = approved_post(DEFECTIVE_BODY)
    workflow.apply(post, "publish", by=chief())
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_a_check_turned_off_reports_nothing():
    CheckSeverity.objects.create(code="leftover.end_marker", severity="off")
    assert "leftover.end_marker" not in {f.code for f in checking.check_post(approved_post())}


def test_the_house_voice_rules_are_seeded_and_block_publishing():
    assert set(StyleRule.objects.values_list("pattern", flat=True)) >= {"私が", "僕が"}
    post = approved_post(CLEAN_BODY + "\n私が実際に試したところ、要約はかなり正確だった。\n")
    with pytest.raises(workflow.QualityGateBlocked) as blocked:
        workflow.apply(post, "publish", by=chief())
    assert "編集部では" in blocked.value.message


def test_rules_editors_add_in_the_admin_are_applied():
    StyleRule.objects.create(
        key="no-yoroshiku",
        name="「よろしく」",
        pattern="よろしくお願いします",
        message="記事に挨拶は不要です。",
        severity="error",
    )
    post = approved_post(CLEAN_BODY + "\n今後ともよろしくお願いします。\n")
    assert "style.no-yoroshiku" in {f.code for f in checking.check_post(post)}


def test_an_inactive_rule_is_not_applied():
    StyleRule.objects.filter(key="voice-watashi-ga").update(is_active=False)
    post = approved_post(CLEAN_BODY + "\n私が実際に試した。\n")
    assert "style.voice-watashi-ga" not in {f.code for f in checking.check_post(post)}


def test_an_invalid_regular_expression_is_refused_with_a_japanese_reason():
    rule = StyleRule(key="broken", name="壊れた規則", pattern="(私|僕", is_regex=True, message="x")
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "正規表現として読めません" in str(refused.value.message_dict["pattern"])


def test_the_settings_tune_the_checks():
    settings = QualitySettings.load()
    settings.padding_suffixes = "の仕組みと導入の注意点"
    settings.save()
    post = approved_post(CLEAN_BODY, title="AI議事録ツールの仕組みと導入の注意点")
    assert "title.padding" in {f.code for f in checking.check_post(post)}


def test_an_internal_link_to_an_unpublished_post_is_an_error_naming_the_meant_post(settings):
    from tests.factories import make_post

    target = make_post(title="RAGの評価はどう設計するか", slug="3-rag-evaluation")
    wrong_date = f"/2020/01/01/{target.slug}/"
    post = approved_post(CLEAN_BODY + f"\n詳しくは[RAGの評価]({wrong_date})を参照。\n")
    [found] = [f for f in checking.check_post(post) if f.code == "links.internal_missing"]
    assert found.refs[0].id == target.pk
    ok = approved_post(CLEAN_BODY + f"\n詳しくは[RAGの評価]({target.public_path})を参照。\n")
    assert "links.internal_missing" not in {f.code for f in checking.check_post(ok)}


def test_a_near_duplicate_in_any_state_is_listed():
    approved_post(CLEAN_BODY, title="生成AIの社内活用が進む理由", status=Post.Status.DRAFT)
    post = approved_post(CLEAN_BODY, title="生成AIの社内活用、試験導入から業務への組み込みへ")
    [found] = [f for f in checking.check_post(post) if f.code == "duplicates.similar"]
    assert found.refs[0].status == "draft"


def test_seeded_demo_clean_articles_have_no_error_and_the_defects_are_found(tmp_path, monkeypatch):
    from editorial import demo

    monkeypatch.setattr(demo, "CREDENTIALS_FILE", tmp_path / "credentials.txt")
    call_command("seed_demo", verbosity=0)
    wanted = {
        "duplicated_section": "repetition.section",
        "end_marker": "leftover.end_marker",
        "first_person": "style.voice-watashi-ga",
        "currency_conversion": "numbers.currency_off",
        "padded_title": "title.padding",
    }
    for post, findings in checking.check_posts(Post.objects.all()):
        codes = {f.code for f in findings}
        if post.status == Post.Status.PUBLISHED:
            assert not [f for f in findings if f.severity == "error"], post.title
        for label in post.extra.get("defects", []):
            assert wanted[label] in codes, (post.title, label)
