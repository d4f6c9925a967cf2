"""Webhooks: signed JSON events on submitted, changes requested, approved, published and
unpublished, for receivers configured in the admin.

An outbox: `transition_done()` writes one `WebhookDelivery` per endpoint in the transaction of
the change (a rolled-back change sends nothing); after commit a background thread sends them,
so the request that caused them never waits for a receiver. Failures are retried with
backoff by `manage.py deliver_webhooks` (run it every minute from cron or the scheduler),
which also picks up anything a restarted process left behind. Each row is claimed with an
UPDATE that only one sender can win, so the thread and the command never send it twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from editorial.logic.webhooks import backoff_seconds, sign
from editorial.models import AuditEntry, WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)
A = AuditEntry.Action
EVENTS = {
    A.SUBMIT: WebhookEvent.SUBMITTED,
    A.REQUEST_CHANGES: WebhookEvent.CHANGES_REQUESTED,
    A.APPROVE: WebhookEvent.APPROVED,
    A.PUBLISH: WebhookEvent.PUBLISHED,
    A.WENT_LIVE: WebhookEvent.PUBLISHED,  # a scheduled post, when its time comes
    A.UNPUBLISH: WebhookEvent.UNPUBLISHED,
}
USER_AGENT = "Kosei-Webhooks/1"
# A claimed row is left alone by other senders for this long (more than one attempt takes).
LEASE = dt.timedelta(seconds=60)
MAX_RESPONSE_BYTES = 64 * 1024

_threads: list[threading.Thread] = []


def transition_done(post: Post, action: str, *, by=None, note: str = "") -> list[WebhookDelivery]:
    """Queue the event for `action` (inside the caller's transaction); sent after commit."""
    event = EVENTS.get(action)
    if event is None:
        return []
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(event)]
    if not endpoints:
        return []
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint=endpoint, event=event, post=post, next_attempt_at=now)
        delivery.payload = _payload(delivery, post, by=by, note=note, at=now)
        deliveries.append(delivery)
    WebhookDelivery.objects.bulk_create(deliveries)
    if settings.WEBHOOKS_SEND_IN_BACKGROUND:
        uuids = [d.uuid for d in deliveries]
        transaction.on_commit(lambda: _start_background(uuids))
    return deliveries


def _payload(delivery: WebhookDelivery, post: Post, *, by, note: str, at) -> dict:
    try:
        external_id = post.external_draft.external_id
    except Post.external_draft.RelatedObjectDoesNotExist:
        external_id = None
    return {
        "id": str(delivery.uuid),
        "event": delivery.event,
        "occurred_at": at.isoformat(),
        "post": {
            "id": post.pk,
            "external_id": external_id,
            "title": post.title,
            "status": post.status,
            "version": post.version,
            "published_at": post.published_at.isoformat() if post.published_at else None,
            "url": settings.SITE_URL + post.get_absolute_url() if post.is_public() else None,
            "admin_url": settings.SITE_URL + reverse("admin:blog_post_change", args=[post.pk]),
        },
        "actor": by.get_username() if by is not None and by.is_authenticated else None,
        "note": note,
    }


def _start_background(uuids) -> None:
    def run():
        try:
            deliver_due(uuids=uuids)
        except Exception:
            logger.exception("background webhook delivery failed; deliver_webhooks will retry")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="kosei-webhooks", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()


def wait_for_background(timeout: float = 30) -> None:
    """Join the sender threads (tests, and a command that wants to finish cleanly)."""
    deadline = time.monotonic() + timeout
    for thread in list(_threads):
        thread.join(max(0, deadline - time.monotonic()))


# --- sending ---------------------------------------------------------------------------------


@dataclass
class Summary:
    succeeded: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.succeeded + self.retrying + self.failed


def deliver_due(*, now=None, uuids=None, limit: int = 500) -> Summary:
    """Send every pending delivery that is due (or only `uuids`), each claimed first."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    )
    if uuids is not None:
        due = due.filter(uuid__in=uuids)
    summary = Summary()
    for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]):
        claimed = WebhookDelivery.objects.filter(
            pk=pk, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE)
        if not claimed:
            continue  # another sender has it
        delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=pk)
        outcome = attempt(delivery)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    return summary


def attempt(delivery: WebhookDelivery) -> str:
    """One try; records the result on the row. Returns succeeded, retrying or failed."""
    endpoint = delivery.endpoint
    started = timezone.now()
    status, error = send(endpoint.url, endpoint.secret, delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = started
    delivery.response_status = status
    delivery.last_error = error
    if error == "" and status is not None and 200 <= status < 300:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        outcome = "succeeded"
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS or not endpoint.is_active:
        delivery.status = WebhookDelivery.Status.FAILED
        outcome = "failed"
    else:
        delivery.next_attempt_at = timezone.now() + dt.timedelta(
            seconds=backoff_seconds(delivery.attempts)
        )
        outcome = "retrying"
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "response_status",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return outcome


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A receiver answers; it does not send us elsewhere (a redirect could point anywhere).
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def send(url: str, secret: str, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the signed payload; (HTTP status or None, error text or "")."""
    if urlsplit(url).scheme not in {"http", "https"}:
        return None, "送信先 URL は http(s) だけです。"
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Kosei-Event": delivery.event,
            "X-Kosei-Delivery": str(delivery.uuid),
            "X-Kosei-Timestamp": str(timestamp),
            "X-Kosei-Signature": sign(secret, timestamp, body),
        },
    )
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    try:
        with _opener.open(request, timeout=timeout) as response:
            # The socket timeout is per read; the deadline bounds a receiver that trickles.
            received = 0
            while received < MAX_RESPONSE_BYTES:
                if time.monotonic() > deadline:
                    return response.status, f"{timeout:g}秒以内に応答が終わりませんでした。"
                chunk = response.read(4096)
                if not chunk:
                    break
                received += len(chunk)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} が返りました。"
    except TimeoutError:
        return None, f"{timeout:g}秒以内に応答がありませんでした（タイムアウト）。"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            return None, f"{timeout:g}秒以内に応答がありませんでした（タイムアウト）。"
        return None, f"接続できませんでした: {reason}"
