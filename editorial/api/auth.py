"""Token authentication: `Authorization: Bearer <token>`, looked up by its SHA-256.

Only the token counts: a logged-in admin session is ignored here, which is also why CSRF does
not apply to the API (a browser cannot be tricked into sending a bearer token).
"""

import datetime as dt

from django.utils import timezone

from editorial.api.errors import ApiError
from editorial.models import ApiToken
from editorial.models.api import hash_token

# Writing `last_used_at` on every request would add a write (and, on SQLite, a lock) to each
# read; a minute's precision is what an operator needs to spot an unused token.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def authenticate(request) -> ApiToken:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if not header:
        raise ApiError("authentication_required")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError(
            "invalid_token", "Authorization ヘッダーは「Bearer <トークン>」の形にしてください。"
        )
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw.strip())).first()
    if token is None:
        raise ApiError("invalid_token")
    now = timezone.now()
    problem = token.problem(now)
    if problem:
        raise ApiError(problem)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
