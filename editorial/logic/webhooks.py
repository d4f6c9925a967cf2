"""Webhook signatures and retry timing, without Django.

A receiver checks `X-Kosei-Signature` by recomputing HMAC-SHA256 over `<timestamp>.<body>`
with the endpoint's secret; the timestamp (`X-Kosei-Timestamp`) is signed too, so a captured
request cannot be replayed later with a fresh timestamp.
"""

import hashlib
import hmac
import time

SIGNATURE_PREFIX = "sha256="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str | int,
    body: bytes,
    signature: str,
    *,
    tolerance: int = 300,
    now: float | None = None,
) -> bool:
    """What a receiver runs: the signature matches and the timestamp is recent."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - stamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature)


def backoff_seconds(attempts: int, *, base: int = 60, cap: int = 6 * 3600) -> int:
    """Wait before the next try after `attempts` failed ones: 1, 2, 4, ... minutes, capped."""
    return min(cap, base * 2 ** max(0, attempts - 1))
