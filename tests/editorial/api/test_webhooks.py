"""Webhooks: signed events after commit, never delaying the request, retried, logged.

The receiver is an http.server on 127.0.0.1 in a thread (nothing leaves the machine).
"""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from blog.models import Post
from editorial import webhooks, workflow
from editorial.logic.webhooks import backoff_seconds, sign, verify
from editorial.models import WebhookDelivery, WebhookEndpoint
from tests.editorial.api.conftest import draft_payload
from tests.editorial.conftest import post_in_state


class Receiver:
    def __init__(self):
        self.requests = []
        self.status = 200
        self.delay = 0.0
        self.release = threading.Event()
        self.release.set()
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                receiver.received.set()
                receiver.release.wait(15)
                time.sleep(receiver.delay)
                try:
                    self.send_response(receiver.status)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender gave up (timeout)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def endpoint(receiver, db):
    return WebhookEndpoint.objects.create(name="パイプライン", url=receiver.url)


# --- pure parts ---------------------------------------------------------------------------------


def test_signature_covers_timestamp_and_body():
    signature = sign("secret", 1_700_000_000, b'{"a":1}')
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify("secret", "1700000000", b'{"a":1}', signature, now=1_700_000_010)
    assert not verify("other", "1700000000", b'{"a":1}', signature, now=1_700_000_010)
    assert not verify("secret", "1700000000", b'{"a":2}', signature, now=1_700_000_010)
    assert not verify("secret", "1700000001", b'{"a":1}', signature, now=1_700_000_010)
    # An old request replayed later is refused.
    assert not verify("secret", "1700000000", b'{"a":1}', signature, now=1_700_001_000)


def test_backoff_doubles_and_is_capped():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff_seconds(30) == 6 * 3600


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x", "/relative"]
)
def test_only_http_urls_are_accepted(url):
    endpoint = WebhookEndpoint(name="x", url=url)
    with pytest.raises(ValidationError) as exc:
        endpoint.full_clean()
    assert "url" in exc.value.message_dict


def test_the_default_timeout_is_five_seconds(settings):
    assert settings.WEBHOOK_TIMEOUT_SECONDS == 5


# --- queueing -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_listed_transition_queues_one_event_per_endpoint(users, endpoint, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    only_published = WebhookEndpoint.objects.create(
        name="公開だけ", url="http://127.0.0.1:9/", events=["published"]
    )
    post = post_in_state("draft", owner=users["writer"])
    workflow.apply(post, "submit", by=users["writer"])
    workflow.apply(post, "request_changes", by=users["editor"], note="出典を")
    workflow.apply(post, "submit", by=users["writer"])
    workflow.apply(post, "approve", by=users["editor"])
    workflow.apply(post, "publish", by=users["chief"])
    workflow.apply(post, "unpublish", by=users["chief"], note="誤り")
    events = list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("created_at", "pk")
        .values_list("event", flat=True)
    )
    assert events == [
        "submitted", "changes_requested", "submitted", "approved", "published", "unpublished",
    ]  # fmt: skip
    assert list(only_published.deliveries.values_list("event", flat=True)) == ["published"]
    payload = WebhookDelivery.objects.filter(event="published").first().payload
    assert payload["post"]["id"] == post.pk and payload["actor"] == "chief"
    assert payload["post"]["url"].endswith(Post.objects.get(pk=post.pk).get_absolute_url())


@pytest.mark.django_db
def test_a_scheduled_post_is_announced_when_it_goes_live(users, endpoint, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    post = post_in_state("approved", owner=users["writer"])
    when = timezone.now() + dt.timedelta(hours=1)
    workflow.apply(post, "schedule", by=users["chief"], when=when)
    assert not WebhookDelivery.objects.filter(event="published").exists()
    workflow.run_due_go_lives(now=when + dt.timedelta(minutes=1))
    assert WebhookDelivery.objects.filter(event="published", post=post).count() == 1


@pytest.mark.django_db
def test_a_refused_transition_queues_nothing(users, endpoint):
    post = post_in_state("draft", owner=users["writer"])
    with pytest.raises(workflow.WorkflowError):
        workflow.apply(post, "approve", by=users["editor"])
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.apply(post, "submit", by=users["writer"])
        raise RuntimeError("rolled back after the transition")
    assert WebhookDelivery.objects.count() == 0


# --- sending ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivery_is_signed_with_the_endpoints_secret(users, endpoint, receiver, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    post = post_in_state("draft", owner=users["writer"])
    workflow.apply(post, "submit", by=users["writer"], note="よろしく")
    summary = webhooks.deliver_due()
    assert summary.succeeded == 1
    headers, body = receiver.requests[0]
    assert headers["X-Kosei-Event"] == "submitted"
    assert headers["Content-Type"].startswith("application/json")
    assert verify(endpoint.secret, headers["X-Kosei-Timestamp"], body, headers["X-Kosei-Signature"])
    payload = json.loads(body)
    assert payload["event"] == "submitted" and payload["note"] == "よろしく"
    assert payload["id"] == headers["X-Kosei-Delivery"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.response_status == 200
    assert delivery.attempts == 1 and delivery.delivered_at is not None


@pytest.mark.django_db
def test_failures_are_retried_with_backoff_then_given_up(users, endpoint, receiver, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    workflow.apply(post_in_state("draft", owner=users["writer"]), "submit", by=users["writer"])
    assert webhooks.deliver_due().retrying == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_status == 500
    assert "500" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert webhooks.deliver_due().attempted == 0  # not due yet
    later = timezone.now() + dt.timedelta(hours=1)
    assert webhooks.deliver_due(now=later).retrying == 1
    assert webhooks.deliver_due(now=later + dt.timedelta(hours=1)).failed == 1
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert len(receiver.requests) == 3


@pytest.mark.django_db
def test_a_slow_receiver_times_out_and_the_command_retries_it(users, endpoint, receiver, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    workflow.apply(post_in_state("draft", owner=users["writer"]), "submit", by=users["writer"])
    started = time.monotonic()
    webhooks.deliver_due()
    assert time.monotonic() - started < 1.0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "タイムアウト" in delivery.last_error
    receiver.delay = 0
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    call_command("deliver_webhooks", verbosity=0)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2


@pytest.mark.django_db
def test_the_command_fails_when_a_delivery_is_given_up(users, endpoint, receiver, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.status = 410
    workflow.apply(post_in_state("draft", owner=users["writer"]), "submit", by=users["writer"])
    with pytest.raises(CommandError):
        call_command("deliver_webhooks", verbosity=0)


@pytest.mark.django_db
def test_a_redirect_is_not_followed(users, receiver, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    receiver.status = 302
    WebhookEndpoint.objects.create(name="r", url=receiver.url)
    workflow.apply(post_in_state("draft", owner=users["writer"]), "submit", by=users["writer"])
    webhooks.deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_status == 302


@pytest.mark.django_db
def test_a_non_http_url_that_slipped_in_is_never_fetched(users, settings):
    settings.WEBHOOKS_SEND_IN_BACKGROUND = False
    WebhookEndpoint.objects.create(name="x", url="file:///etc/passwd")  # bypassing the form
    workflow.apply(post_in_state("draft", owner=users["writer"]), "submit", by=users["writer"])
    webhooks.deliver_due()
    assert "http(s)" in WebhookDelivery.objects.get().last_error


def test_the_api_request_does_not_wait_for_the_receiver(tx_users, tx_site, receiver, make_api):
    """Sent after commit in the background: the submit answers while the receiver still holds
    the connection open."""
    WebhookEndpoint.objects.create(name="パイプライン", url=receiver.url)
    api = make_api(tx_users["writer"])
    pk = api.post("/api/v1/drafts", draft_payload()).json()["draft"]["id"]
    receiver.release.clear()  # the receiver will not answer until told
    response = api.post(f"/api/v1/drafts/{pk}/submit")
    assert response.status_code == 200
    assert receiver.received.wait(10), "the event was not sent"
    assert WebhookDelivery.objects.get().status == "pending"  # still waiting on the receiver
    receiver.release.set()
    webhooks.wait_for_background(15)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded", delivery.last_error
    assert (
        json.loads(receiver.requests[0][1])["post"]["external_id"] == draft_payload()["external_id"]
    )
