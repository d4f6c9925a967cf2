"""The OpenAPI 3.1 description served at /api/v1/openapi.json.

Built in Python so that enums come from the code they describe (error codes, statuses,
webhook events, field limits); tests validate it with openapi-spec-validator, compare its
paths with the URL resolver, and check real responses against its schemas.
"""

from django.conf import settings

from blog.models import PostStatus
from editorial.api.errors import ERRORS
from editorial.logic import api_input
from editorial.models import RevisionProposal, WebhookEvent

API_VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


STR = {"type": "string"}
DATETIME = {"type": "string", "format": "date-time"}


def _error_response(description: str, *codes: str) -> dict:
    return {
        "description": f"{description}（error.code: {', '.join(codes)}）",
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


AUTH_ERRORS = {
    "401": _error_response(
        "トークンがない・正しくない・期限切れ・無効化済み",
        "authentication_required",
        "invalid_token",
        "token_expired",
        "token_revoked",
        "user_inactive",
    ),
    "429": {
        **_error_response("レート制限", "rate_limited"),
        "headers": {
            "Retry-After": {
                "description": "再試行までの秒数",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}


def _schemas() -> dict:
    post_summary = {
        "id": {"type": "integer"},
        "external_id": _nullable(STR),
        "title": STR,
        "slug": STR,
        "status": {"type": "string", "enum": [*PostStatus.values, "scheduled"]},
        "status_label": STR,
        "version": {"type": "integer"},
        "url": _nullable({"type": "string", "format": "uri"}),
        "admin_url": {"type": "string", "format": "uri"},
        "published_at": _nullable(DATETIME),
        "category": _nullable(STR),
        "author": STR,
        "tags": {"type": "array", "items": STR},
        "created_at": DATETIME,
        "updated_at": DATETIME,
    }
    draft = {
        **post_summary,
        "excerpt": STR,
        "description": STR,
        "body": {"type": "string", "description": "Markdown（フッターのブロックは取り除き済み）"},
        "books": {"type": "array", "items": STR, "description": "ASIN（順番どおり）"},
        "related": {"type": "array", "items": {"type": "integer"}},
        "proposed_publish_at": _nullable(DATETIME),
        "pending_proposals": {"type": "array", "items": _ref("Proposal")},
    }
    proposal = {
        "id": {"type": "integer"},
        "reason": {"type": "string", "enum": RevisionProposal.Reason.values},
        "reason_label": STR,
        "status": {"type": "string", "enum": RevisionProposal.Status.values},
        "base_version": {"type": "integer"},
        "created_at": DATETIME,
        "admin_url": {"type": "string", "format": "uri"},
    }
    findings = {
        "findings": {"type": "array", "items": _ref("Finding")},
        "findings_summary": _ref("FindingsSummary"),
    }
    L = api_input.MAX_LENGTHS
    return {
        "ErrorCode": {"type": "string", "enum": sorted(ERRORS)},
        "Problem": {
            "type": "object",
            "required": ["field", "code", "message"],
            "properties": {
                "field": {"type": "string", "description": "例: title, books[2], body"},
                "code": STR,
                "message": {"type": "string", "description": "日本語の説明"},
                "line": {"type": "integer", "description": "Jekyll ファイルの行（format=jekyll）"},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": _ref("ErrorCode"),
                        "message": STR,
                        "details": {"type": "array", "items": _ref("Problem")},
                    },
                }
            },
        },
        "Finding": {
            "type": "object",
            "description": "品質チェックの指摘。"
            "チェックによって field・line・fix などが加わります。",
            "required": ["code", "severity", "message"],
            "properties": {
                "code": STR,
                "severity": {"type": "string", "enum": ["error", "warning", "info"]},
                "message": STR,
            },
            "additionalProperties": True,
        },
        "FindingsSummary": {
            "type": "object",
            "required": ["error", "warning", "info", "total"],
            "properties": {k: {"type": "integer"} for k in ("error", "warning", "info", "total")},
        },
        "DraftInput": {
            "type": "object",
            "required": ["external_id"],
            "additionalProperties": False,
            "description": "更新では、送らなかった項目は今の値のままです"
            '（空にするには "" や [] を送ります）。新規作成には title と body が必要です'
            "（format=jekyll ならファイルの front matter から）。",
            "properties": {
                "external_id": {
                    "type": "string",
                    "maxLength": L["external_id"],
                    "description": "パイプライン側の ID。同じ ID の送信は同じ下書きを更新します"
                    "（再送しても記事は増えません）。"
                    "YYYY-MM-DD-slug 形式ならスラッグの既定値にもなります。",
                },
                "format": {
                    "type": "string",
                    "enum": list(api_input.FORMATS),
                    "default": "markdown",
                },
                "title": {"type": "string", "maxLength": L["title"]},
                "body": {
                    "type": "string",
                    "description": "Markdown。format=jekyll なら front matter 付きの"
                    " Jekyll ファイル全体"
                    "（インポーターと同じ処理で読みます）。",
                },
                "excerpt": STR,
                "description": {"type": "string", "maxLength": L["description"]},
                "slug": {"type": "string", "maxLength": L["slug"]},
                "category": _nullable({"type": "string", "description": "カテゴリのスラッグ"}),
                "tags": {
                    "type": "array",
                    "maxItems": api_input.MAX_TAGS,
                    "items": {"type": "string", "maxLength": api_input.MAX_TAG_LENGTH},
                },
                "author": _nullable({"type": "string", "description": "著者のスラッグ"}),
                "books": {
                    "type": "array",
                    "maxItems": api_input.MAX_BOOKS,
                    "items": {"type": "string", "minLength": 10, "maxLength": 10},
                    "description": "ASIN を表示順に。未登録の書籍は警告になり、紐付けません。",
                },
                "related": {
                    "type": "array",
                    "maxItems": api_input.MAX_RELATED,
                    "items": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
                    "description": "記事 ID か記事の URL（/YYYY/MM/DD/slug/）",
                },
                "proposed_publish_at": _nullable(
                    {"type": "string", "format": "date-time", "description": "公開希望日時（提案）"}
                ),
            },
        },
        "SubmitInput": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"note": {"type": "string", "description": "レビュー依頼のコメント"}},
        },
        "Proposal": {
            "type": "object",
            "required": list(proposal),
            "properties": proposal,
        },
        "PostSummary": {
            "type": "object",
            "required": list(post_summary),
            "properties": post_summary,
        },
        "Draft": {"type": "object", "required": list(draft), "properties": draft},
        "DraftResult": {
            "type": "object",
            "required": ["result", "message", "draft", *findings, "warnings", "proposal"],
            "properties": {
                "result": {
                    "type": "string",
                    "enum": ["created", "updated", "unchanged", "proposal"],
                    "description": "proposal: 人が編集済みのため上書きせず、更新提案として保存した",
                },
                "message": STR,
                "draft": _ref("Draft"),
                **findings,
                "warnings": {"type": "array", "items": _ref("Problem")},
                "proposal": _nullable(
                    {
                        "allOf": [_ref("Proposal")],
                        "type": "object",
                        "properties": {"created": {"type": "boolean"}},
                    }
                ),
            },
        },
        "DraftResponse": {
            "type": "object",
            "required": ["draft", *findings],
            "properties": {"draft": _ref("Draft"), **findings},
        },
        "SubmitResult": {
            "type": "object",
            "required": ["result", "message", "draft", *findings],
            "properties": {
                "result": {"type": "string", "enum": ["submitted"]},
                "message": STR,
                "draft": _ref("Draft"),
                **findings,
            },
        },
        "PostList": {
            "type": "object",
            "required": ["results", "next_cursor", "next"],
            "properties": {
                "results": {"type": "array", "items": _ref("PostSummary")},
                "next_cursor": _nullable(STR),
                "next": _nullable({"type": "string", "format": "uri"}),
            },
        },
        "WebhookEventPayload": {
            "type": "object",
            "required": ["id", "event", "occurred_at", "post", "actor", "note"],
            "properties": {
                "id": {
                    "type": "string",
                    "format": "uuid",
                    "description": "配信 ID（再送でも同じ）",
                },
                "event": {"type": "string", "enum": WebhookEvent.values},
                "occurred_at": DATETIME,
                "post": {
                    "type": "object",
                    "required": ["id", "external_id", "title", "status", "url", "admin_url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "external_id": _nullable(STR),
                        "title": STR,
                        "status": STR,
                        "version": {"type": "integer"},
                        "published_at": _nullable(DATETIME),
                        "url": _nullable(STR),
                        "admin_url": STR,
                    },
                },
                "actor": _nullable(STR),
                "note": STR,
            },
        },
    }


def build_spec() -> dict:
    draft_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
        "description": "記事 ID",
    }
    too_large = _error_response(
        f"リクエスト本文が上限（既定 {settings.API_MAX_BODY_BYTES:,} バイト）を超えた",
        "payload_too_large",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kōsei 下書き API",
            "version": API_VERSION,
            "summary": "AI パイプラインが下書きを CMS に渡すための API",
            "description": (
                "下書きの作成・更新、状態と品質チェック結果の取得、レビュー依頼だけができます。"
                "承認・公開は API からはできません（編集者が管理画面で行います）。\n\n"
                "認証: 管理画面で発行した API トークンを"
                " `Authorization: Bearer <トークン>` で送ります。"
                "トークンは発行したユーザーの権限で動きます。\n\n"
                f"制限: トークンごとに1分あたり {settings.API_RATE_LIMIT_PER_MINUTE} リクエスト"
                "（超えると 429 と Retry-After）、リクエスト本文は "
                f"{settings.API_MAX_BODY_BYTES:,} バイトまで（超えると 413）。"
            ),
        },
        "servers": [{"url": settings.SITE_URL}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "この API の説明（OpenAPI 3.1）",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI ドキュメント"}},
                }
            },
            "/api/v1/drafts": {
                "post": {
                    "operationId": "upsertDraft",
                    "summary": "下書きを作成・更新する（external_id で冪等）",
                    "description": (
                        "同じ external_id なら同じ下書きを更新します。"
                        "前回の送信後に人が編集していた場合"
                        "（または下書き・差し戻し以外の状態の場合）は上書きせず、更新提案として保存し"
                        "result=proposal を返します。応答には品質チェックの結果が入ります。"
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("DraftInput")}},
                    },
                    "responses": {
                        "201": _json("DraftResult", "作成した"),
                        "200": _json("DraftResult", "更新した・変更なし・更新提案として保存した"),
                        "400": _error_response("JSON として読めない", "invalid_json"),
                        **AUTH_ERRORS,
                        "403": _error_response(
                            "記事を作成・編集する権限がない", "permission_denied"
                        ),
                        "409": _error_response("同時に別の保存があった", "conflict"),
                        "413": too_large,
                        "415": _error_response("JSON ではない", "unsupported_media_type"),
                        "422": _error_response(
                            "入力に誤りがある（details に項目ごと）", "validation_failed"
                        ),
                    },
                }
            },
            "/api/v1/drafts/{id}": {
                "get": {
                    "operationId": "getDraft",
                    "summary": "記事の状態・公開 URL・最新の品質チェック結果",
                    "parameters": [draft_id],
                    "responses": {
                        "200": _json("DraftResponse", "記事"),
                        **AUTH_ERRORS,
                        "403": _error_response("記事を見る権限がない", "permission_denied"),
                        "404": _error_response("記事がない", "not_found"),
                    },
                }
            },
            "/api/v1/drafts/{id}/submit": {
                "post": {
                    "operationId": "submitDraft",
                    "summary": "レビューを依頼する",
                    "parameters": [draft_id],
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": _ref("SubmitInput")}},
                    },
                    "responses": {
                        "200": _json("SubmitResult", "レビュー待ちになった"),
                        "400": _error_response("JSON として読めない", "invalid_json"),
                        **AUTH_ERRORS,
                        "403": _error_response(
                            "レビュー依頼の権限がない（他人の記事など）", "permission_denied"
                        ),
                        "404": _error_response("記事がない", "not_found"),
                        "409": _error_response(
                            "今の状態ではレビュー依頼できない", "invalid_transition", "conflict"
                        ),
                        "413": too_large,
                        "415": _error_response("JSON ではない", "unsupported_media_type"),
                        "422": _error_response("入力に誤りがある", "validation_failed"),
                    },
                }
            },
            "/api/v1/posts": {
                "get": {
                    "operationId": "listPosts",
                    "summary": "同期用の記事一覧（updated_at, id の順、カーソルでページ送り）",
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "状態（カンマ区切りで複数）: "
                            + ", ".join(PostStatus.values),
                        },
                        {
                            "name": "updated_since",
                            "in": "query",
                            "schema": DATETIME,
                            "description": "この日時以降に更新された記事（タイムゾーン付き）",
                        },
                        {
                            "name": "cursor",
                            "in": "query",
                            "schema": STR,
                            "description": "前の応答の next_cursor",
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 200,
                                "default": 50,
                            },
                        },
                    ],
                    "responses": {
                        "200": _json("PostList", "記事の一覧"),
                        "400": _error_response("パラメータが正しくない", "invalid_parameter"),
                        **AUTH_ERRORS,
                        "403": _error_response("記事を見る権限がない", "permission_denied"),
                    },
                }
            },
        },
        "webhooks": {
            event: {
                "post": {
                    "operationId": f"webhook_{event}",
                    "summary": f"{label}（管理画面で設定した送信先へ）",
                    "description": (
                        "X-Kosei-Signature は `sha256=` + HMAC-SHA256(秘密鍵, "
                        "`<X-Kosei-Timestamp>.<本文>`) の16進。X-Kosei-Delivery（配信 ID）で重複を"
                        f"除いてください。{settings.WEBHOOK_TIMEOUT_SECONDS:g}秒以内に"
                        " 2xx を返さないと"
                        "再送します。"
                    ),
                    "security": [],
                    "parameters": [
                        {"name": name, "in": "header", "required": True, "schema": STR}
                        for name in (
                            "X-Kosei-Event",
                            "X-Kosei-Delivery",
                            "X-Kosei-Timestamp",
                            "X-Kosei-Signature",
                        )
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("WebhookEventPayload")}},
                    },
                    "responses": {"200": {"description": "2xx なら受信済み"}},
                }
            }
            for event, label in WebhookEvent.choices
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "管理画面で発行した API トークン（kosei_ で始まる）",
                }
            },
            "schemas": _schemas(),
        },
    }
