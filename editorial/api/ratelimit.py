"""Per-token rate limit in Django's cache (local memory or Redis alike).

A fixed one-minute window per token: `cache.add` creates the counter, `cache.incr` counts
atomically in both backends. A client can send up to twice the limit across a window boundary;
that is accepted for its simplicity (the limit protects the server from a runaway loop, it is
not a quota).
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Usage:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets


def hit(key: str, *, limit: int | None = None, now: float | None = None) -> Usage:
    limit = settings.API_RATE_LIMIT_PER_MINUTE if limit is None else limit
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    cache_key = f"api-rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
    return Usage(
        allowed=count <= limit,
        limit=limit,
        remaining=max(0, limit - count),
        retry_after=retry_after,
    )
