"""GET /api/v1/drafts/{id}, POST /api/v1/drafts/{id}/submit and GET /api/v1/posts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from editorial import gate, workflow
from editorial.models import AuditEntry
from tests.editorial.api.conftest import assert_matches_spec, draft_payload
from tests.editorial.conftest import post_in_state
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def _create(api, **overrides):
    response = api.post("/api/v1/drafts", draft_payload(**overrides))
    assert response.status_code == 201, response.json()
    assert_matches_spec(response, "DraftResult")
    return response.json()["draft"]["id"]


def test_get_a_draft_shows_status_no_url_and_the_latest_findings(writer_api):
    pk = _create(writer_api)
    response = writer_api.get(f"/api/v1/drafts/{pk}")
    assert response.status_code == 200
    assert_matches_spec(response, "DraftResponse")
    data = response.json()
    assert data["draft"]["status"] == "draft" and data["draft"]["url"] is None
    assert data["findings"] == []

    def provider(post):
        yield gate.GateFinding("late", gate.WARNING, "後から登録したチェック")

    gate.register(provider)
    try:
        data = writer_api.get(f"/api/v1/drafts/{pk}").json()
    finally:
        gate.unregister(provider)
    assert [f["code"] for f in data["findings"]] == ["late"]  # evaluated now, not stored


def test_a_public_post_has_its_url(writer_api, settings):
    post = make_post()
    data = writer_api.get(f"/api/v1/drafts/{post.pk}").json()["draft"]
    assert data["url"] == settings.SITE_URL + post.get_absolute_url()
    assert data["status"] == "published"


def test_a_scheduled_post_says_scheduled_and_has_no_url_yet(writer_api):
    post = make_post(published_at=timezone.now() + dt.timedelta(days=1))
    data = writer_api.get(f"/api/v1/drafts/{post.pk}").json()["draft"]
    assert data["status"] == "scheduled" and data["url"] is None


def test_an_unknown_id_is_a_json_404(writer_api):
    response = writer_api.get("/api/v1/drafts/987654")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- submit -------------------------------------------------------------------------------------


def test_the_writer_submits_its_draft_for_review(writer_api, users):
    pk = _create(writer_api)
    response = writer_api.post(f"/api/v1/drafts/{pk}/submit", {"note": "確認をお願いします"})
    assert response.status_code == 200, response.json()
    assert_matches_spec(response, "SubmitResult")
    assert response.json()["draft"]["status"] == "in_review"
    entry = AuditEntry.objects.get(post_id=pk, action="submit")
    assert entry.actor == users["writer"] and entry.note == "確認をお願いします"


def test_submitting_a_post_already_in_review_is_a_409(writer_api, users, make_api):
    pk = _create(writer_api)
    writer_api.post(f"/api/v1/drafts/{pk}/submit")
    # An editor may act on any post, so the refusal is about the state, not the person.
    response = make_api(users["editor"]).post(f"/api/v1/drafts/{pk}/submit")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition" and "レビュー待ち" in error["message"]


def test_a_writer_cannot_submit_someone_elses_draft(writer_api, users):
    other = post_in_state("draft", owner=users["other_writer"])
    response = writer_api.post(f"/api/v1/drafts/{other.pk}/submit")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Post.objects.get(pk=other.pk).status == "draft"


def test_submit_refuses_unknown_fields(writer_api):
    pk = _create(writer_api)
    response = writer_api.post(f"/api/v1/drafts/{pk}/submit", {"action": "publish"})
    assert response.status_code == 422
    assert Post.objects.get(pk=pk).status == "draft"


@pytest.mark.parametrize("action", ["approve", "publish", "schedule", "transition"])
def test_there_is_no_way_to_approve_or_publish_through_the_api(writer_api, users, make_api, action):
    pk = _create(writer_api)
    writer_api.post(f"/api/v1/drafts/{pk}/submit")
    chief = make_api(users["chief"])
    response = chief.post(f"/api/v1/drafts/{pk}/{action}")
    assert response.status_code == 404
    assert Post.objects.get(pk=pk).status == "in_review"


def test_a_writer_token_never_approves_even_through_the_workflow(writer_api, users):
    pk = _create(writer_api)
    writer_api.post(f"/api/v1/drafts/{pk}/submit")
    post = Post.objects.get(pk=pk)
    with pytest.raises(workflow.PermissionDenied):
        workflow.apply(post, "approve", by=users["writer"])


# --- listing ------------------------------------------------------------------------------------


def test_posts_are_listed_in_update_order_with_a_stable_cursor(writer_api, settings):
    posts = [make_post(title=f"記事{i}") for i in range(5)]
    seen = []
    params = {"limit": 2}
    while True:
        response = writer_api.get("/api/v1/posts", params)
        assert response.status_code == 200
        assert_matches_spec(response, "PostList")
        data = response.json()
        seen += [item["id"] for item in data["results"]]
        if not data["next_cursor"]:
            break
        assert data["next"].startswith(f"{settings.SITE_URL}/api/v1/posts?")
        params = {"limit": 2, "cursor": data["next_cursor"]}
    assert seen == [p.pk for p in sorted(posts, key=lambda p: (p.updated_at, p.pk))]


def test_posts_filter_by_status_and_updated_since(writer_api, users):
    old = make_post(title="古い記事")
    Post.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    new = make_post(title="新しい記事")
    draft = post_in_state("draft", owner=users["writer"])
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    ids = [
        p["id"] for p in writer_api.get("/api/v1/posts", {"updated_since": since}).json()["results"]
    ]
    assert old.pk not in ids and new.pk in ids and draft.pk in ids
    ids = [p["id"] for p in writer_api.get("/api/v1/posts", {"status": "draft"}).json()["results"]]
    assert ids == [draft.pk]
    ids = [
        p["id"]
        for p in writer_api.get("/api/v1/posts", {"status": "draft,published"}).json()["results"]
    ]
    assert set(ids) == {old.pk, new.pk, draft.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "live"},
        {"updated_since": "yesterday"},
        {"updated_since": "2026-03-01T09:00:00"},
        {"cursor": "!!!"},
        {"limit": "0"},
        {"limit": "1000"},
        {"page": "2"},
    ],
)
def test_bad_listing_parameters_are_400(writer_api, params):
    response = writer_api.get("/api/v1/posts", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_the_listing_runs_a_fixed_number_of_queries(writer_api):
    for i in range(3):
        make_post(tags=[f"タグ{i}"])
    writer_api.get("/api/v1/posts")  # warm up (token last-used write)
    with CaptureQueriesContext(connection) as few:
        writer_api.get("/api/v1/posts")
    for i in range(10):
        make_post(tags=[f"タグ{i}", "共通"])
    with CaptureQueriesContext(connection) as many:
        assert len(writer_api.get("/api/v1/posts").json()["results"]) == 13
    assert len(many) == len(few)


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def test_reading_drafts_and_posts_writes_nothing(writer_api, monkeypatch):
    """GET is a read: with the real quality gate in play it stores no report, no log row."""
    from editorial.models import PostQualityReport
    from editorial.quality.checking import gate_provider

    pk = _create(writer_api, body="## 見出し\n\n本文です。\n\n---END---\n")
    PostQualityReport.objects.all().delete()
    monkeypatch.setattr(gate, "_providers", [gate_provider])  # as the app registers it
    with CaptureQueriesContext(connection) as queries:
        draft = writer_api.get(f"/api/v1/drafts/{pk}")
        listing = writer_api.get("/api/v1/posts")
    assert draft.status_code == listing.status_code == 200
    assert "leftover.end_marker" in [f["code"] for f in draft.json()["findings"]]
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert not PostQualityReport.objects.exists()
