"""Admin screens: tokens shown once and stored hashed, revoking, webhooks and their log."""

import re

import pytest
from django.utils import timezone

from editorial.models import ApiToken, WebhookDelivery, WebhookEndpoint
from editorial.models.api import hash_token
from tests.editorial.api.conftest import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.invalid", "x")


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(boss, users, client):
    client.force_login(boss)
    response = client.post(
        "/admin/editorial/apitoken/add/", {"name": "AI パイプライン", "user": users["writer"].pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    raw = re.search(r'value="(kosei_[^"]+)"', html).group(1)
    assert "この画面でしか表示されません" in html
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.user == users["writer"] and token.created_by == boss
    assert token.key_hash == hash_token(raw)
    # Nowhere to be seen again: not on the token's page, not in the list.
    for url in (f"/admin/editorial/apitoken/{token.pk}/change/", "/admin/editorial/apitoken/"):
        assert raw not in client.get(url).content.decode()
    # And it works, as the writer.
    assert Api(client, raw).get("/api/v1/posts").status_code == 200


def test_revoking_a_token_in_the_admin_stops_it_at_once(boss, users, client, make_api):
    api = make_api(users["writer"])
    assert api.get("/api/v1/posts").status_code == 200
    token = ApiToken.objects.get()
    client.force_login(boss)
    client.post(
        "/admin/editorial/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert api.get("/api/v1/posts").json()["error"]["code"] == "token_revoked"


def test_the_token_list_shows_last_use_and_state(boss, users, client, make_api):
    api = make_api(users["writer"])
    api.get("/api/v1/posts")
    client.force_login(boss)
    html = client.get("/admin/editorial/apitoken/").content.decode()
    assert "最終使用日時" in html and "有効" in html
    last_used = timezone.localtime(ApiToken.objects.get().last_used_at)
    assert f"{last_used:%Y}" in html


def test_staff_who_may_manage_tokens_only_make_their_own(users, client):
    from django.contrib.auth.models import Permission

    editor = users["editor"]
    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_apitoken", "view_apitoken", "change_apitoken"]
        )
    )
    client.force_login(editor)
    response = client.post(
        "/admin/editorial/apitoken/add/", {"name": "他人の", "user": users["writer"].pk}
    )
    assert response.status_code == 200 and "kosei_" not in response.content.decode()
    assert ApiToken.objects.count() == 0  # the form refused another user
    client.post("/admin/editorial/apitoken/add/", {"name": "自分の", "user": editor.pk})
    assert list(ApiToken.objects.values_list("user", flat=True)) == [editor.pk]


def test_webhook_endpoints_refuse_non_http_urls_in_the_admin(boss, client):
    client.force_login(boss)
    response = client.post(
        "/admin/editorial/webhookendpoint/add/",
        {"name": "x", "url": "file:///etc/passwd", "is_active": "on"},
    )
    assert response.status_code == 200 and "http:// か https://" in response.content.decode()
    client.post(
        "/admin/editorial/webhookendpoint/add/",
        {"name": "受信", "url": "https://hooks.example.invalid/kosei", "events": ["published"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["published"] and endpoint.secret.startswith("whsec_")
    page = client.get(f"/admin/editorial/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret in page  # the receiver needs it to verify signatures


def test_the_delivery_log_lists_attempts_and_can_queue_a_retry(boss, client, users):
    endpoint = WebhookEndpoint.objects.create(name="受信", url="http://127.0.0.1:9/")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="submitted",
        payload={"id": "x"},
        status="failed",
        attempts=8,
        last_error="接続できませんでした",
    )
    client.force_login(boss)
    html = client.get("/admin/editorial/webhookdelivery/").content.decode()
    assert "失敗（再試行を終了）" in html
    assert (
        "接続できませんでした"
        in client.get(f"/admin/editorial/webhookdelivery/{delivery.pk}/change/").content.decode()
    )
    client.post(
        "/admin/editorial/webhookdelivery/",
        {"action": "retry_now", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == "pending"
