"""Every path that changes an approved post's content sends it back to review, and the one who
changed it may not approve it (EDITORIAL_EDIT_APPROVED_RETURNS_TO_REVIEW, self-approval rule)."""

import json

import pytest

from blog.models import Post
from editorial import workflow
from editorial.api.drafts import apply_proposal
from editorial.models import RevisionProposal
from editorial.revisions import record_revision, restore_revision
from tests.blog.test_admin import change_form_data
from tests.editorial.conftest import post_in_state
from tests.factories import make_book

pytestmark = pytest.mark.django_db


def same_form(post, **overrides) -> dict:
    """The change form as the page shows it for `post`, with `overrides`."""
    return change_form_data(
        post,
        ogp_image_source=post.ogp_image_source,
        extra=json.dumps(post.extra),
        **{"initial-extra": json.dumps(post.extra)},  # as the page sends it
        tags=", ".join(sorted(post.tags.names())),
        **overrides,
    )


def returned(post) -> bool:
    post.refresh_from_db()
    return (
        post.status == "in_review"
        and post.audit_entries.filter(action="returned_to_review").exists()
    )


def test_changing_only_the_books_of_an_approved_post_sends_it_back(users, client):
    post = post_in_state("approved", owner=users["writer"], tags=["LLM", "生成AI"])
    book = make_book()
    client.force_login(users["editor"])
    data = same_form(
        post,
        **{
            "book_links-TOTAL_FORMS": "1",
            "book_links-0-position": "0",
            "book_links-0-book": str(book.pk),
            "book_links-0-note": "",
        },
    )
    response = client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(post.book_links.values_list("book_id", flat=True)) == [book.pk]
    assert returned(post)


def test_saving_an_approved_post_unchanged_keeps_it_approved(users, client):
    post = post_in_state("approved", owner=users["writer"], tags=["LLM", "生成AI"])
    client.force_login(users["editor"])
    data = same_form(post)
    response = client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == "approved"


def test_restoring_a_revision_of_an_approved_post_sends_it_back(users):
    post = post_in_state("draft", owner=users["writer"], body="最初の本文。")
    first = record_revision(post, by=users["writer"])
    post.body = "承認された本文。"
    post.status = "approved"
    post.save()
    restore_revision(first, by=users["editor"])
    assert returned(post)
    assert post.body == "最初の本文。"


def test_applying_an_api_proposal_to_an_approved_post_sends_it_back(users):
    post = post_in_state("approved", owner=users["writer"], title="承認済みの題")
    proposal = RevisionProposal.objects.create(
        post=post,
        token_name="pipeline",
        reason="not_draft",
        base_version=post.version,
        data={"title": "提案された題"},
        digest="x" * 64,
    )
    apply_proposal(proposal, by=users["editor"])
    assert returned(post)
    assert post.title == "提案された題"


def test_the_editor_who_changed_an_approved_post_cannot_approve_it(users, client):
    post = post_in_state("approved", owner=users["writer"], tags=["LLM", "生成AI"])
    client.force_login(users["editor"])
    client.post(
        f"/admin/blog/post/{post.pk}/change/", change_form_data(post, body="承認後の書き換え")
    )
    post = Post.objects.get(pk=post.pk)
    assert post.status == "in_review"
    with pytest.raises(workflow.PermissionDenied):
        workflow.apply(post, "approve", by=users["editor"])
    workflow.apply(post, "approve", by=users["editor2"])
    assert Post.objects.get(pk=post.pk).status == "approved"


def test_the_first_edit_of_a_post_without_history_keeps_what_was_there(users, client):
    post = post_in_state("draft", owner=users["writer"], body="取り込んだままの本文。")
    assert post.revisions.count() == 0  # imported or seeded: no revision yet
    client.force_login(users["writer"])
    client.post(f"/admin/blog/post/{post.pk}/change/", same_form(post, body="書き直した本文。"))
    first, second = post.revisions.order_by("created_at", "pk")
    assert first.data["body"] == "取り込んだままの本文。" and first.created_by is None
    assert second.data["body"] == "書き直した本文。"
    restore_revision(first, by=users["writer"])
    post.refresh_from_db()
    assert post.body == "取り込んだままの本文。"


def test_a_revision_restores_the_card_choice_and_survives_deleted_references(users):
    from blog.models import Category

    category = Category.objects.create(name="消えるカテゴリ", slug="gone")
    book = make_book(asin="4062938421")
    post = post_in_state("draft", owner=users["writer"], category=category)
    post.book_links.create(book=book, position=0)
    revision = record_revision(post, by=users["writer"])
    assert revision.data["ogp_image_source"] == post.ogp_image_source
    post.book_links.all().delete()
    book.delete()
    post.category = Category.objects.create(name="移った先", slug="moved")
    post.save()
    category.delete()
    restore_revision(revision, by=users["editor"])
    post.refresh_from_db()
    assert post.category_id is None and post.book_links.count() == 0
