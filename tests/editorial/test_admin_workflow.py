import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from blog.models import Post
from editorial import workflow
from editorial.models import ShareLink
from tests.blog.test_admin import change_form_data
from tests.editorial.conftest import post_in_state

pytestmark = pytest.mark.django_db


def test_change_page_shows_the_actions_the_user_may_take(users, client):
    post = post_in_state("in_review", owner=users["writer"])
    client.force_login(users["editor"])
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "承認する" in html and "差し戻す" in html
    assert "今すぐ公開" not in html
    client.force_login(users["chief"])
    post2 = post_in_state("approved", owner=users["writer"])
    html = client.get(f"/admin/blog/post/{post2.pk}/change/").content.decode()
    assert "今すぐ公開" in html and "予約する" in html


def test_status_cannot_be_changed_through_the_form(users, client):
    post = post_in_state("draft", owner=users["writer"])
    client.force_login(users["chief"])
    data = change_form_data(post, status="published", body="本文を直した")
    response = client.post(f"/admin/blog/post/{post.pk}/change/", data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == "draft" and post.body == "本文を直した"


def test_writer_creates_a_post_that_is_theirs_and_cannot_edit_anothers(users, client):
    client.force_login(users["writer"])
    mine = post_in_state("draft", owner=users["writer"])
    theirs = post_in_state("draft", owner=users["other_writer"])
    response = client.post(
        f"/admin/blog/post/{theirs.pk}/change/", change_form_data(theirs, body="乗っ取り")
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.body != "乗っ取り"
    response = client.post(f"/admin/blog/post/{mine.pk}/change/", change_form_data(mine))
    assert response.status_code == 302


def test_adding_a_post_records_its_creator_and_a_revision(users, client):
    client.force_login(users["writer"])
    existing = post_in_state("draft", owner=users["writer"])
    data = change_form_data(existing, title="新しい記事", slug="brand-new", version=1)
    response = client.post("/admin/blog/post/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get(slug="brand-new")
    assert post.created_by == users["writer"] and post.status == "draft"
    assert post.revisions.count() == 1


def test_editing_an_approved_post_sends_it_back_to_review(users, client):
    post = post_in_state("approved", owner=users["writer"])
    client.force_login(users["editor"])
    response = client.post(
        f"/admin/blog/post/{post.pk}/change/", change_form_data(post, body="承認後の修正")
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == "in_review"
    assert post.audit_entries.filter(action="returned_to_review").exists()


def test_history_compare_and_restore_through_the_admin(users, client):
    post = post_in_state("draft", owner=users["writer"], body="最初の本文です。")
    client.force_login(users["writer"])
    url = f"/admin/blog/post/{post.pk}/change/"
    client.post(url, change_form_data(post, body="最初の本文です。"))
    post.refresh_from_db()
    client.post(url, change_form_data(post, body="書き直した本文です。"))
    # The post had no history: the first save also kept what was there before it.
    revisions = list(post.revisions.order_by("created_at", "pk"))[1:]
    assert len(revisions) == 2
    html = client.get(f"/admin/blog/post/{post.pk}/revisions/").content.decode()
    assert "本文" in html
    compare = client.get(
        f"/admin/blog/post/{post.pk}/revisions/compare/",
        {"a": revisions[0].pk, "b": revisions[1].pk},
    ).content.decode()
    assert "<del>最初の</del>" in compare and "<ins>書き直した</ins>" in compare
    client.post(f"/admin/blog/post/{post.pk}/revisions/{revisions[0].pk}/restore/")
    post.refresh_from_db()
    assert post.body == "最初の本文です。"
    assert post.revisions.count() == 4


def test_compare_names_the_category_author_books_and_related_posts(users, client):
    from blog.models import PostBook, RelatedPost
    from editorial.revisions import record_revision
    from tests.factories import make_book, make_category, make_post

    post = post_in_state("draft", owner=users["writer"])
    post.category = make_category(name="AI導入戦略", slug="strategy-cmp")
    post.save()
    first = record_revision(post)
    post.category = make_category(name="導入事例", slug="case-cmp")
    post.save()
    PostBook.objects.create(post=post, book=make_book(title="比較の本"), position=0, note="必読")
    RelatedPost.objects.create(post=post, related=make_post(title="関連する記事"), position=0)
    second = record_revision(post)
    client.force_login(users["writer"])
    html = client.get(
        f"/admin/blog/post/{post.pk}/revisions/compare/", {"a": first.pk, "b": second.pk}
    ).content.decode()
    assert "<h2>カテゴリ</h2>" in html and "<h2>書籍</h2>" in html and "<h2>関連記事</h2>" in html
    text = re.sub(r"</?(?:ins|del)>", "", html)  # the diff marks changed characters
    assert "AI導入戦略" in text and "導入事例" in text
    assert "比較の本（4798181986） — 必読" in text and "関連する記事" in text
    assert "category_id" not in html and "book_id" not in html


def test_comments_with_mentions_notify_and_can_be_resolved(
    users, client, django_capture_on_commit_callbacks
):
    post = post_in_state("in_review", owner=users["writer"])
    client.force_login(users["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/blog/post/{post.pk}/comment/",
            {"body": "@chief この数字を確認してください", "quote": "8,300億ドル"},
        )
    comment = post.review_comments.get()
    assert list(comment.mentions.all()) == [users["chief"]]
    assert comment.quote == "8,300億ドル"
    assert [m.to for m in mail.outbox] == [["chief@example.invalid"]]
    client.post(f"/admin/blog/post/{post.pk}/comment/{comment.pk}/resolve/")
    comment.refresh_from_db()
    assert comment.is_resolved and comment.resolved_by == users["editor"]


def test_change_requests_are_shown_to_the_writer_until_resolved(users, client):
    post = post_in_state("in_review", owner=users["writer"])
    workflow.apply(post, "request_changes", by=users["editor"], note="導入部を短くしてください")
    client.force_login(users["writer"])
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "修正依頼（未解決 1 件）" in html and "導入部を短くしてください" in html
    comment = post.review_comments.get()
    client.post(f"/admin/blog/post/{post.pk}/comment/{comment.pk}/resolve/")
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "修正依頼（未解決" not in html


def test_share_links_are_created_and_revoked_in_the_admin_and_audited(users, client):
    post = post_in_state("draft", owner=users["writer"])
    client.force_login(users["editor"])
    client.post(f"/admin/blog/post/{post.pk}/share/")
    link = ShareLink.objects.get(post=post)
    assert link.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    assert client.get(f"/preview/{link.token}/").status_code == 200
    client.post(f"/admin/blog/post/{post.pk}/share/{link.pk}/revoke/")
    assert client.get(f"/preview/{link.token}/").status_code == 404
    actions = set(post.audit_entries.values_list("action", flat=True))
    assert {"share_create", "share_revoke"} <= actions


def test_schedule_time_is_entered_in_jst(users, client):
    post = post_in_state("approved", owner=users["writer"])
    client.force_login(users["chief"])
    client.post(
        f"/admin/blog/post/{post.pk}/transition/",
        {"action": "schedule", "when": "2099-01-02T09:00"},
    )
    post.refresh_from_db()
    assert post.published_at == dt.datetime(2099, 1, 2, 0, 0, tzinfo=dt.UTC)
    assert post.url_date == dt.date(2099, 1, 2)


def test_desk_scheduled_page_and_index_counts(users, client):
    post_in_state("draft", owner=users["writer"], title="自分の下書きA")
    post_in_state("in_review", owner=users["other_writer"], title="レビュー待ちB")
    post_in_state("scheduled", owner=users["writer"], title="予約C")
    client.force_login(users["editor"])
    desk = client.get("/admin/editorial/desk/").content.decode()
    assert "レビュー待ちB" in desk and "予約C" in desk
    client.force_login(users["writer"])
    desk = client.get("/admin/editorial/desk/").content.decode()
    assert "自分の下書きA" in desk and "レビュー待ちB" not in desk
    scheduled = client.get("/admin/editorial/scheduled/").content.decode()
    assert "予約C" in scheduled
    index = client.get("/admin/").content.decode()
    assert 'id="kosei-queues"' in index


def test_publish_button_says_why_the_quality_gate_blocks_it(users, client, django_user_model):
    from django.contrib.auth.models import Permission

    post = post_in_state(
        "approved", owner=users["writer"], body="## 見出し\n\n本文です。\n\n---END---\n"
    )
    publisher = django_user_model.objects.create_user(
        "publisher", "p@example.invalid", "x", is_staff=True
    )
    publisher.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_post", "change_post", "publish_post"])
    )
    client.force_login(publisher)
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "品質チェックのエラーが" in html
    assert 'class="button default"\n          disabled' in html
    client.force_login(users["chief"])
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "品質チェックのエラーが" in html
    assert 'name="override_reason" rows="2" form="transition-publish" required' in html


def test_a_writer_redraws_only_the_cards_of_posts_they_may_edit(users, client):
    from django.core.files.storage import default_storage

    from blog.ogp.cards import generate_card

    mine = post_in_state("draft", owner=users["writer"])
    theirs = post_in_state("in_review", owner=users["other_writer"])
    for post in (mine, theirs):
        generate_card(post)
        default_storage.delete(post.ogp_card.name)
    client.force_login(users["writer"])
    response = client.post(
        "/admin/blog/post/",
        {"action": "regenerate_ogp_cards", "_selected_action": [mine.pk, theirs.pk]},
    )
    assert response.status_code == 302
    assert default_storage.exists(mine.ogp_card.name)
    assert not default_storage.exists(theirs.ogp_card.name)
