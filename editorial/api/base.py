"""What every API view shares: method check, token, rate limit, body size and JSON, and the
mapping of every failure to a JSON error (never an HTML page)."""

import json
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

from editorial.api import ratelimit
from editorial.api.auth import authenticate
from editorial.api.errors import ApiError

logger = logging.getLogger(__name__)


def endpoint(*methods: str):
    """Wrap an API view. The view gets `request.api_token`, `request.api_user` and, for POST,
    `request.json` (a dict; {} for an empty body)."""

    def decorate(fn):
        @csrf_exempt  # token requests only; see editorial.api.auth
        @wraps(fn)
        def view(request, *args, **kwargs):
            usage = None
            try:
                if request.method not in methods:
                    raise ApiError(
                        "method_not_allowed",
                        f"{request.method} は使えません（使えるのは {', '.join(methods)}）。",
                        headers={"Allow": ", ".join(methods)},
                    )
                token = authenticate(request)
                usage = ratelimit.hit(f"token:{token.pk}")
                if not usage.allowed:
                    raise ApiError(
                        "rate_limited",
                        f"リクエストが多すぎます（1分あたり{usage.limit}回まで）。"
                        f"{usage.retry_after}秒後に再試行してください。",
                        headers={"Retry-After": str(usage.retry_after)},
                    )
                request.api_token = token
                request.api_user = token.user
                if request.method == "POST":
                    request.json = read_json(request)
                response = fn(request, *args, **kwargs)
            except ApiError as exc:
                response = exc.response()
            except PermissionDenied as exc:
                response = ApiError("permission_denied", str(exc) or None).response()
            except Http404:
                response = ApiError("not_found").response()
            except Exception:
                logger.exception("API %s %s failed", request.method, request.path)
                response = ApiError("server_error").response()
            if usage is not None:
                response["X-RateLimit-Limit"] = str(usage.limit)
                response["X-RateLimit-Remaining"] = str(usage.remaining)
            response["Cache-Control"] = "no-store"
            return response

        view.api_methods = frozenset(methods)
        return view

    return decorate


def read_json(request) -> dict:
    limit = settings.API_MAX_BODY_BYTES
    too_large = f"リクエスト本文は {limit:,} バイトまでです。"
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Refuse by the declared length before reading anything; read at most limit + 1 bytes
    # for requests that declare none.
    if declared > limit:
        raise ApiError("payload_too_large", f"{too_large}（{declared:,} バイトあります）")
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise ApiError("payload_too_large", too_large)
    if not raw.strip():
        return {}
    if request.content_type not in {"application/json"} and not request.content_type.endswith(
        "+json"
    ):
        raise ApiError(
            "unsupported_media_type",
            f"Content-Type「{request.content_type}」は使えません。"
            "application/json で送ってください。",
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(
            "invalid_json", f"リクエスト本文が UTF-8 ではありません（{exc.start}バイト目）。"
        ) from None
    except json.JSONDecodeError as exc:
        raise ApiError(
            "invalid_json",
            f"リクエスト本文を JSON として読めません（{exc.lineno}行{exc.colno}列: {exc.msg}）。",
        ) from None
    if not isinstance(data, dict):
        raise ApiError(
            "validation_failed",
            "リクエスト本文は JSON オブジェクト（{...}）にしてください。",
            details=[
                {"field": "", "code": "invalid_type", "message": "オブジェクトではありません。"}
            ],
        )
    return data
