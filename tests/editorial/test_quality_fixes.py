"""Fixes as normal edits: one click or in bulk, each a revision and an audit row attributed to
a person, never overwriting newer work and never removing the last copy of any text."""

import pytest

from blog.models import Post
from editorial.models import AuditEntry, Revision
from editorial.quality import checking
from tests.factories import make_post

from .quality_helpers import CLEAN_BODY, DEFECTIVE_BODY, approved_post, editor

pytestmark = pytest.mark.django_db


def end_marker(post):
    return next(f for f in checking.check_post(post) if f.code == "leftover.end_marker")


def test_a_one_click_fix_saves_a_revision_and_an_audit_row():
    post = approved_post(DEFECTIVE_BODY, status=Post.Status.DRAFT)
    account = editor()
    found = end_marker(post)
    checking.apply_fix(post, found.fingerprint, by=account, version=post.version)
    post.refresh_from_db()
    assert "---END---" not in post.body and post.body == CLEAN_BODY
    revision = Revision.objects.exclude(created_by=None).get(post=post)
    assert revision.created_by == account and "区切りの行を削除" in revision.note
    entry = AuditEntry.objects.get(post=post, action=AuditEntry.Action.QUALITY_FIX)
    assert entry.actor == account and entry.data["codes"] == ["leftover.end_marker"]
    assert post.quality_report.errors == 0 and post.quality_report.post_version == post.version


def test_a_fix_on_a_page_opened_before_someone_else_saved_is_refused():
    post = approved_post(DEFECTIVE_BODY, status=Post.Status.DRAFT)
    found = end_marker(post)
    shown_version = post.version
    other = Post.objects.get(pk=post.pk)
    other.excerpt = (
        "同僚が書き直したリード文。生成AIを業務の手順に組み込む企業が増えている理由を整理した。"
    )
    other.save()
    with pytest.raises(checking.FixError, match="読み込み直して"):
        checking.apply_fix(post, found.fingerprint, by=editor(), version=shown_version)
    assert "---END---" in Post.objects.get(pk=post.pk).body


def test_a_fix_for_a_finding_that_no_longer_applies_is_refused():
    post = approved_post(DEFECTIVE_BODY, status=Post.Status.DRAFT)
    found = end_marker(post)
    post.body = CLEAN_BODY
    post.save()
    with pytest.raises(checking.FixError, match="もう当てはまりません"):
        checking.apply_fix(post, found.fingerprint, by=editor())


def test_fixing_an_approved_post_sends_it_back_to_review():
    post = approved_post(DEFECTIVE_BODY)
    checking.apply_fix(post, end_marker(post).fingerprint, by=editor())
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert AuditEntry.objects.filter(
        post=post, action=AuditEntry.Action.RETURNED_TO_REVIEW
    ).exists()


def test_bulk_fix_dry_run_counts_and_shows_a_diff_without_changing_anything():
    post = make_post(body=DEFECTIVE_BODY)
    clean = make_post(body=CLEAN_BODY)
    report = checking.fix_posts(Post.objects.all(), ["leftover"], by=None, dry_run=True)
    assert report.checked == 2 and report.changed == 1
    assert report.counts == {"leftover.end_marker": 1}
    [(sample_post, diff)] = report.samples
    assert sample_post.pk == post.pk and "----END---" in diff
    assert Post.objects.get(pk=post.pk).body == DEFECTIVE_BODY
    assert not Revision.objects.exists() and not AuditEntry.objects.exists()
    assert clean.pk != post.pk


def test_bulk_fix_cleans_every_matching_post_with_one_revision_each():
    paragraph = CLEAN_BODY.split("\n\n")[1]
    pasted_twice = CLEAN_BODY + "\n" + paragraph + "\n\n---END---\n"
    posts = [make_post(body=pasted_twice) for _ in range(3)]
    account = editor()
    report = checking.fix_posts(
        Post.objects.all(), ["repetition", "leftover.end_marker"], by=account
    )
    assert report.changed == 3
    assert report.counts == {"repetition.paragraph": 3, "leftover.end_marker": 3}
    for post in posts:
        post.refresh_from_db()
        assert post.body.count(paragraph) == 1 and "---END---" not in post.body
        assert post.status == Post.Status.PUBLISHED  # published posts stay published
        assert post.revisions.exclude(created_by=None).get().created_by == account
        assert post.audit_entries.get(action=AuditEntry.Action.QUALITY_FIX).data["bulk"] is True


def test_bulk_fix_only_touches_the_chosen_checks():
    post = make_post(body=DEFECTIVE_BODY + "\n{% include ads.html %}\n")
    checking.fix_posts(Post.objects.all(), ["leftover.liquid"], by=editor())
    post.refresh_from_db()
    assert "{%" not in post.body and "---END---" in post.body


def test_conflict_markers_are_removed_and_then_the_duplicate_they_revealed():
    paragraph = CLEAN_BODY.split("\n\n")[1]
    body = f"{CLEAN_BODY}\n<<<<<<< Updated upstream\n{paragraph}\n=======\n{paragraph}\n>>>>>>> Stashed changes\n"
    post = make_post(body=body)
    report = checking.fix_posts(
        Post.objects.all(), ["leftover.conflict", "repetition"], by=editor()
    )
    post.refresh_from_db()
    assert "<<<<<<<" not in post.body and "=======" not in post.body
    assert post.body.count(paragraph) == 1
    assert report.counts["leftover.conflict"] == 1 and report.counts["repetition.paragraph"] >= 1


def test_a_post_edited_during_a_bulk_fix_is_skipped_and_not_counted(monkeypatch):
    from django.db.models import F

    edited, untouched = make_post(body=DEFECTIVE_BODY), make_post(body=DEFECTIVE_BODY)
    original = checking.fixed_texts

    def meanwhile(post, *args, **kwargs):
        if post.pk == edited.pk:  # an editor saves it while the bulk fix runs
            Post.objects.filter(pk=post.pk).update(version=F("version") + 1)
        return original(post, *args, **kwargs)

    monkeypatch.setattr(checking, "fixed_texts", meanwhile)
    report = checking.fix_posts(Post.objects.all(), ["leftover.end_marker"], by=editor())
    assert report.skipped == 1 and report.changed == 1
    assert report.counts == {"leftover.end_marker": 1}
    assert "---END---" in Post.objects.get(pk=edited.pk).body
    assert "---END---" not in Post.objects.get(pk=untouched.pk).body
