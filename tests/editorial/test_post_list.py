"""The post list for editors: columns, filters, bulk actions through the workflow rules, and a
fixed number of queries."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from blog.models import Post
from editorial.models import ReviewComment
from editorial.quality import checking
from editorial.revisions import record_revision
from tests.factories import make_category, make_post

from .quality_helpers import CLEAN_BODY, DEFECTIVE_BODY, chief, editor, writer

pytestmark = pytest.mark.django_db

LIST = "/admin/blog/post/"


def logged_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def checked(post):
    checking.store_report(post, checking.check_post(post))
    return post


def rows(response):
    return {obj.pk: obj for obj in response.context["cl"].result_list}


def test_the_list_shows_quality_jst_times_and_the_last_editor():
    account = editor()
    account.first_name, account.last_name = "花子", "山田"
    account.save()
    when = dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)  # 09:30 in Tokyo
    broken = checked(make_post(title="壊れた記事", body=DEFECTIVE_BODY, published_at=when))
    record_revision(broken, by=account)
    scheduled = make_post(
        title="予約した記事", published_at=timezone.now() + dt.timedelta(days=2), body=CLEAN_BODY
    )
    html = logged_in(chief()).get(LIST).content.decode()
    assert '<span class="kd-q__n kd-q--error">エラー 1</span>' in html and "未チェック" in html
    assert "2026-03-01 09:30" in html
    local = timezone.localtime(scheduled.published_at)
    assert f"予約 {local:%Y-%m-%d %H:%M}" in html
    assert "花子 山田" in html


def test_a_report_older_than_the_post_is_marked():
    post = checked(make_post(body=CLEAN_BODY))
    post.body = DEFECTIVE_BODY
    post.save()
    assert "（保存後未チェック）" in logged_in(chief()).get(LIST).content.decode()


def test_filters_by_state_and_by_has_errors():
    broken = checked(make_post(title="エラーのある記事", body=DEFECTIVE_BODY))
    clean = checked(make_post(title="きれいな記事", body=CLEAN_BODY))
    draft = make_post(title="下書き", status=Post.Status.DRAFT, published_at=None)
    scheduled = make_post(title="予約", published_at=timezone.now() + dt.timedelta(hours=3))
    client = logged_in(chief())
    assert set(rows(client.get(LIST, {"quality": "errors"}))) == {broken.pk}
    assert set(rows(client.get(LIST, {"quality": "clean"}))) == {clean.pk}
    assert draft.pk in rows(client.get(LIST, {"quality": "unchecked"}))
    assert set(rows(client.get(LIST, {"state": "draft"}))) == {draft.pk}
    assert set(rows(client.get(LIST, {"state": "scheduled"}))) == {scheduled.pk}
    assert set(rows(client.get(LIST, {"state": "live"}))) == {broken.pk, clean.pk}


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_runs_the_same_number_of_queries_however_many_posts(
    count, django_assert_num_queries
):
    account = chief()
    client = logged_in(account)
    client.get(LIST)  # session, permissions and content types are loaded once per request
    for i in range(count):
        post = checked(make_post(body=CLEAN_BODY, tags=["LLM", f"タグ{i}"]))
        record_revision(post, by=account)
    with django_assert_num_queries(QUERIES):
        response = client.get(LIST)
    assert len(response.context["cl"].result_list) == count
    assert "タグ0" in response.content.decode()  # the tags column, from one prefetch


# Session, user, permissions (user's and groups'), the filters' choices (categories,
# authors), two counts, the page (quality report and last editor joined in), its tags, and the date
# hierarchy (range, days). A column that queries per row fails the 12-post case.
QUERIES = 12


def _action(client, action, posts, **extra):
    data = {"action": action, "_selected_action": [p.pk for p in posts], **extra}
    return client.post(LIST, data)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_bulk_submit_goes_through_the_workflow_and_reports_refusals():
    me = writer("me")
    mine = make_post(status=Post.Status.DRAFT, published_at=None, created_by=me)
    theirs = make_post(status=Post.Status.DRAFT, published_at=None, created_by=writer("other"))
    response = _action(logged_in(me), "submit_selected", [mine, theirs])
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "in_review" and mine.audit_entries.filter(action="submit").exists()
    assert theirs.status == "draft"
    assert "1件の記事のレビューを依頼しました。" in messages_of(response)
    assert f"「{theirs.title}」: 自分が作成した記事だけを操作できます。" in messages_of(response)


def test_bulk_submit_skips_posts_in_a_state_that_cannot_be_submitted():
    live = make_post(title="公開中の記事")
    response = _action(logged_in(editor()), "submit_selected", [live])
    live.refresh_from_db()
    assert live.status == "published"
    assert (
        "「公開中の記事」: 「レビューを依頼」は状態が「公開」の記事にはできません"
        "（できるのは差し戻し・下書き）。" in messages_of(response)
    )


def test_bulk_request_changes_asks_for_one_comment_and_puts_it_on_every_post():
    author = writer()
    posts = [
        make_post(status=Post.Status.IN_REVIEW, published_at=None, created_by=author)
        for _ in range(2)
    ]
    client = logged_in(editor())
    page = _action(client, "request_changes_selected", posts)
    assert page.status_code == 200 and "差し戻しのコメント" in page.content.decode()
    empty = _action(client, "request_changes_selected", posts, apply="1", note="")
    assert empty.status_code == 200 and "このフィールドは必須です" in empty.content.decode()
    assert all(Post.objects.get(pk=p.pk).status == "in_review" for p in posts)
    done = _action(
        client, "request_changes_selected", posts, apply="1", note="出典を足してください"
    )
    assert done.status_code == 302
    for post in posts:
        post.refresh_from_db()
        assert post.status == "changes_requested"
        comment = ReviewComment.objects.get(post=post)
        assert comment.body == "出典を足してください" and comment.kind == "request_changes"


def test_writers_do_not_get_the_request_changes_action():
    make_post()  # the action menu appears only above a list with rows
    html = logged_in(writer()).get(LIST).content.decode()
    assert "submit_selected" in html and "request_changes_selected" not in html


def test_bulk_category_and_tags_save_like_an_edit():
    account = editor()
    old, new = make_category(), make_category(name="生成AI")
    draft = make_post(category=old, tags=["古い", "残す"], status=Post.Status.DRAFT)
    approved = make_post(category=old, status=Post.Status.APPROVED, published_at=None)
    version = draft.version
    response = _action(
        logged_in(account),
        "assign_category_tags",
        [draft, approved],
        apply="1",
        category=new.pk,
        add_tags="LLM, 新しい",
        remove_tags="古い",
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    approved.refresh_from_db()
    assert draft.category == new and sorted(draft.tags.names()) == ["LLM", "新しい", "残す"]
    assert draft.version == version + 1
    revision = draft.revisions.exclude(created_by=None).get()
    assert revision.created_by == account and revision.data["category_id"] == new.pk
    # An edit of an approved post sends it back to review, as in the form.
    assert approved.status == "in_review" and approved.category == new


def test_bulk_category_skips_posts_the_user_may_not_edit():
    me = writer("me")
    new = make_category()
    theirs = make_post(status=Post.Status.DRAFT, published_at=None, created_by=writer("other"))
    response = _action(logged_in(me), "assign_category_tags", [theirs], apply="1", category=new.pk)
    theirs.refresh_from_db()
    assert theirs.category != new and theirs.revisions.count() == 0
    assert any("権限がありません" in m for m in messages_of(response))


def test_bulk_category_needs_something_to_set():
    post = make_post()
    response = _action(logged_in(editor()), "assign_category_tags", [post], apply="1")
    assert response.status_code == 200
    assert "カテゴリか、追加・削除するタグを指定してください。" in response.content.decode()


def test_a_post_saved_in_the_admin_is_listed_with_its_errors_at_once(
    django_capture_on_commit_callbacks,
):
    from tests.blog.test_admin import change_form_data

    post = make_post(title="保存で壊れる記事", body=CLEAN_BODY)
    client = logged_in(chief())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/blog/post/{post.pk}/change/", change_form_data(post, body=DEFECTIVE_BODY)
        )
    assert response.status_code == 302
    assert set(rows(client.get(LIST, {"quality": "errors"}))) == {post.pk}
