"""The `/api/v1/` endpoints (documented in openapi.py, served at /api/v1/openapi.json)."""

import base64
import binascii
import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from blog.models import Post, PostStatus, StalePostError
from editorial import workflow
from editorial.api import serializers
from editorial.api.base import endpoint
from editorial.api.drafts import save_draft
from editorial.api.errors import ApiError
from editorial.api.openapi import build_spec
from editorial.logic.api_input import InvalidInput, parse_draft

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

RESULT_MESSAGES = {
    "created": "下書きを作成しました。",
    "updated": "下書きを更新しました。",
    "unchanged": "内容に変更がないため、何も書き換えていません。",
    "proposal": "前回の送信後に人が編集した（または下書きではなくなった）ため上書きせず、"
    "更新提案として保存しました。編集者が差分を見て反映するかを決めます。",
}


def _require(user, perm: str, message: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(message)


def _problems_error(problems) -> ApiError:
    return ApiError("validation_failed", details=[p.as_dict() for p in problems])


@endpoint("POST")
def drafts(request):
    user = request.api_user
    _require(user, "blog.add_post", "記事を作成・更新する権限がありません。")
    try:
        draft = parse_draft(request.json, tz_name=settings.TIME_ZONE)
        outcome = save_draft(draft, user=user, token_name=request.api_token.name)
    except InvalidInput as exc:
        raise _problems_error(exc.problems) from None
    except StalePostError:
        raise ApiError("conflict") from None
    post = Post.objects.select_related("author", "category", "external_draft").get(
        pk=outcome.post.pk
    )
    body = {
        "result": outcome.result,
        "message": RESULT_MESSAGES[outcome.result],
        "draft": serializers.draft_detail(post),
        **(outcome.findings or serializers.findings(post)),
        "warnings": [w.as_dict() for w in outcome.warnings],
        "proposal": None,
    }
    if outcome.proposal is not None:
        body["proposal"] = {
            **serializers.proposal(outcome.proposal),
            "created": outcome.proposal_created,
        }
    return JsonResponse(body, status=201 if outcome.result == "created" else 200)


def _post_for(request, id: int) -> Post:
    _require(request.api_user, "blog.view_post", "記事を見る権限がありません。")
    return get_object_or_404(
        Post.objects.select_related("author", "category", "external_draft"), pk=id
    )


@endpoint("GET")
def draft_detail(request, id: int):
    post = _post_for(request, id)
    return JsonResponse({"draft": serializers.draft_detail(post), **serializers.findings(post)})


@endpoint("POST")
def draft_submit(request, id: int):
    post = _post_for(request, id)
    note = request.json.get("note", "")
    if not isinstance(note, str):
        raise ApiError(
            "validation_failed",
            details=[{"field": "note", "code": "invalid_type", "message": "文字列にします。"}],
        )
    unknown = sorted(set(request.json) - {"note"})
    if unknown:
        raise ApiError(
            "validation_failed",
            details=[
                {
                    "field": key,
                    "code": "unknown_field",
                    "message": f"「{key}」という項目はありません。",
                }
                for key in unknown
            ],
        )
    try:
        workflow.apply(post, "submit", by=request.api_user, note=note)
    except workflow.WorkflowError as exc:
        raise ApiError("invalid_transition", exc.message) from None
    except StalePostError:
        raise ApiError("conflict") from None
    post = _post_for(request, id)
    return JsonResponse(
        {
            "result": "submitted",
            "message": "レビューを依頼しました。",
            "draft": serializers.draft_detail(post),
            **serializers.findings(post),
        }
    )


def _parse_time(name: str, value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ApiError(
            "invalid_parameter",
            f"{name} はタイムゾーン付きの ISO 8601 日時です（例: 2026-03-01T09:00:00+09:00）。",
        )
    return moment


def _cursor(value: str) -> tuple[dt.datetime, int]:
    try:
        stamp, pk = json.loads(base64.urlsafe_b64decode(value.encode() + b"=="))
        return dt.datetime.fromisoformat(stamp), int(pk)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise ApiError("invalid_parameter", "cursor が正しくありません。") from None


def _make_cursor(post: Post) -> str:
    raw = json.dumps([post.updated_at.isoformat(), post.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@endpoint("GET")
def posts(request):
    """Every post ordered by (updated_at, id), in pages that stay stable while posts change:
    the cursor is the last row seen, not a page number."""
    _require(request.api_user, "blog.view_post", "記事を見る権限がありません。")
    params = request.GET
    unknown = sorted(set(params) - {"status", "updated_since", "cursor", "limit"})
    if unknown:
        raise ApiError("invalid_parameter", f"不明なパラメータ: {', '.join(unknown)}")
    qs = Post.objects.select_related("author", "category", "external_draft").prefetch_related(
        "tags"
    )
    qs = qs.defer("body", "body_html", "body_text", "toc")
    if params.get("status"):
        statuses = [s.strip() for s in params["status"].split(",") if s.strip()]
        allowed = set(PostStatus.values)
        wrong = [s for s in statuses if s not in allowed]
        if wrong:
            raise ApiError(
                "invalid_parameter",
                f"status「{'、'.join(wrong)}」は使えません（{', '.join(PostStatus.values)}）。",
            )
        qs = qs.filter(status__in=statuses)
    if params.get("updated_since"):
        qs = qs.filter(updated_at__gte=_parse_time("updated_since", params["updated_since"]))
    if params.get("cursor"):
        stamp, pk = _cursor(params["cursor"])
        qs = qs.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, pk__gt=pk))
    try:
        limit = int(params.get("limit") or PAGE_SIZE)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ApiError("invalid_parameter", f"limit は 1〜{MAX_PAGE_SIZE} の整数です。")
    rows = list(qs.order_by("updated_at", "pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _make_cursor(rows[-1]) if has_more else None
    next_url = None
    if next_cursor:
        query = params.copy()
        query["cursor"] = next_cursor
        next_url = settings.SITE_URL + reverse("api:posts") + "?" + query.urlencode()
    return JsonResponse(
        {
            "results": [serializers.post_summary(post) for post in rows],
            "next_cursor": next_cursor,
            "next": next_url,
        }
    )


_SPEC_CACHE: dict = {}


def openapi(request):
    # Public like any API description; it contains no data.
    if "spec" not in _SPEC_CACHE:
        _SPEC_CACHE["spec"] = build_spec()
    return JsonResponse(_SPEC_CACHE["spec"], json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def not_found(request, rest: str = ""):
    """Unknown paths under /api/ answer in JSON too (not with the site's HTML 404 page)."""
    return ApiError("not_found", f"{request.path} という API はありません。").response()
