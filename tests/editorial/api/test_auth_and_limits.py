"""Tokens (401), permissions (403), CSRF, body size (413), content type, JSON and rate limits."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from blog.models import Post
from editorial.models import ApiToken
from editorial.models.api import hash_token
from tests.editorial.api.conftest import Api, draft_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/drafts"
ENDPOINTS = [
    ("post", "/api/v1/drafts"),
    ("get", "/api/v1/drafts/1"),
    ("post", "/api/v1/drafts/1/submit"),
    ("get", "/api/v1/posts"),
]


def _call(api, method, path):
    return api.get(path) if method == "get" else api.post(path, {})


def _is_japanese(text):
    return any("\u3040" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_token_is_401_with_a_json_code_and_japanese_message(client, method, path):
    response = _call(Api(client, None), method, path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert error["code"] == "authentication_required" and _is_japanese(error["message"])


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_wrong_token_is_401(client, method, path):
    response = _call(Api(client, "kosei_not-a-real-token"), method, path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_a_malformed_authorization_header_is_401(client):
    response = client.get("/api/v1/posts", headers={"Authorization": "Token abc"})
    assert response.json()["error"]["code"] == "invalid_token"


def test_an_expired_token_is_refused(users, make_api):
    api = make_api(users["writer"], expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api.get("/api/v1/posts")
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_expired"


def test_a_revoked_token_is_refused(users, make_api):
    api = make_api(users["writer"])
    ApiToken.objects.update(revoked_at=timezone.now())
    response = api.get("/api/v1/posts")
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_revoked"


def test_a_token_of_a_deactivated_user_is_refused(users, make_api):
    api = make_api(users["writer"])
    users["writer"].is_active = False
    users["writer"].save()
    response = api.get("/api/v1/posts")
    assert response.status_code == 401 and response.json()["error"]["code"] == "user_inactive"


def test_tokens_are_stored_only_as_a_hash_and_record_their_last_use(users, make_api):
    api = make_api(users["writer"])
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(api.raw) and api.raw not in token.key_hash
    assert api.raw.startswith(token.prefix) and len(token.prefix) < len(api.raw) // 2
    assert token.last_used_at is None
    api.get("/api/v1/posts")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_logged_in_admin_session_is_not_a_token(users, client):
    client.force_login(users["chief"])
    response = client.get("/api/v1/posts")
    assert response.status_code == 401


def test_token_requests_need_no_csrf_token_but_the_admin_does(users, make_api, site):
    csrf_client = Client(enforce_csrf_checks=True)
    _, raw = ApiToken.objects.create_token(user=users["writer"], name="csrf")
    response = Api(csrf_client, raw).post(URL, draft_payload())
    assert response.status_code == 201
    boss = type(users["writer"]).objects.create_superuser("boss", "b@example.invalid", "x")
    csrf_client.force_login(boss)
    response = csrf_client.post(
        "/admin/editorial/apitoken/add/", {"name": "x", "user": users["writer"].pk}
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_a_user_without_add_permission_gets_403(django_user_model, make_api, site):
    reader = django_user_model.objects.create_user("reader", "r@example.invalid", "x")
    reader.user_permissions.add(Permission.objects.get(codename="view_post"))
    api = make_api(reader)
    response = api.post(URL, draft_payload())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert _is_japanese(response.json()["error"]["message"])
    assert api.get("/api/v1/posts").status_code == 200


def test_a_user_without_any_permission_cannot_read(django_user_model, make_api):
    nobody = django_user_model.objects.create_user("nobody", "n@example.invalid", "x")
    api = make_api(nobody)
    assert api.get("/api/v1/posts").status_code == 403
    assert api.get("/api/v1/drafts/1").status_code == 403


def test_a_body_over_the_limit_is_413_before_anything_is_written(writer_api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = writer_api.post(URL, draft_payload(body="あ" * 400))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "1,000" in response.json()["error"]["message"]
    assert Post.objects.count() == 0
    assert writer_api.post(URL, draft_payload(body="あ" * 50)).status_code == 201


def test_the_default_body_limit_is_two_megabytes(writer_api, settings):
    assert settings.API_MAX_BODY_BYTES == 2 * 1024 * 1024
    big = draft_payload(body="a" * (2 * 1024 * 1024))
    assert writer_api.post(URL, big).status_code == 413


def test_a_body_that_is_not_json_is_400(writer_api):
    response = writer_api.post(URL, raw_body='{"external_id": ')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_json" and "1行" in error["message"]


def test_a_form_post_is_415(writer_api):
    response = writer_api.post(
        URL, raw_body="a=b", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_json_array_is_422(writer_api):
    response = writer_api.post(URL, raw_body="[1, 2]")
    assert response.status_code == 422


def test_a_wrong_method_is_405_with_allow(writer_api):
    response = writer_api.get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_rate_limit_answers_429_with_retry_after(writer_api, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    codes = [writer_api.get("/api/v1/posts").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = writer_api.get("/api/v1/posts")
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Remaining"] == "0"


def test_the_rate_limit_is_per_token(users, make_api, settings, site):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    first, second = make_api(users["writer"]), make_api(users["writer"])
    assert [first.get("/api/v1/posts").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/posts").status_code == 200


def test_the_rate_limit_window_resets():
    from editorial.api import ratelimit

    start = 1_000_040.0  # 20 s into a one-minute window (1_000_020 is a window start)
    assert ratelimit.hit("t", limit=1, now=start).allowed
    blocked = ratelimit.hit("t", limit=1, now=start + 1)
    assert not blocked.allowed and blocked.retry_after == 39
    assert ratelimit.hit("t", limit=1, now=start + 40).allowed


def test_the_default_rate_limit_is_sixty_a_minute(settings):
    assert settings.API_RATE_LIMIT_PER_MINUTE == 60


def test_a_concurrent_save_is_a_409_the_pipeline_can_retry(writer_api, monkeypatch):
    from blog.models import StalePostError
    from editorial.api import drafts

    writer_api.post(URL, draft_payload())

    def stale(*args, **kwargs):
        raise StalePostError(StalePostError.message)

    monkeypatch.setattr(drafts, "apply_snapshot", stale)
    response = writer_api.post(URL, draft_payload(title="別のタイトル"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert Post.objects.get().title == draft_payload()["title"]


def test_an_unexpected_failure_is_a_json_500_and_is_logged(writer_api, monkeypatch, caplog):
    from editorial.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "save_draft", broken)
    response = writer_api.post(URL, draft_payload())
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert any("boom" in (r.exc_text or "") or r.exc_info for r in caplog.records)
