"""Error responses: a machine-readable code, a Japanese message, and details where useful.

    {"error": {"code": "validation_failed", "message": "...", "details": [...]}}

`ERRORS` is the complete list; the OpenAPI document's `ErrorCode` enum is built from it.
"""

from django.http import JsonResponse

ERRORS: dict[str, tuple[int, str]] = {
    "authentication_required": (
        401,
        "API トークンが必要です（Authorization: Bearer <トークン>）。",
    ),
    "invalid_token": (401, "API トークンが正しくありません。"),
    "token_expired": (401, "API トークンの有効期限が切れています。"),
    "token_revoked": (401, "API トークンは無効化されています。"),
    "user_inactive": (401, "API トークンのユーザーは無効になっています。"),
    "permission_denied": (403, "この操作の権限がありません。"),
    "not_found": (404, "見つかりません。"),
    "method_not_allowed": (405, "このメソッドは使えません。"),
    "invalid_transition": (409, "今の状態ではこの操作はできません。"),
    "conflict": (409, "同時に別の保存があったため保存できませんでした。もう一度送ってください。"),
    "payload_too_large": (413, "リクエスト本文が大きすぎます。"),
    "unsupported_media_type": (415, "Content-Type は application/json にしてください。"),
    "invalid_json": (400, "リクエスト本文を JSON として読めません。"),
    "invalid_parameter": (400, "クエリパラメータが正しくありません。"),
    "validation_failed": (422, "入力内容に誤りがあります。details を確認してください。"),
    "rate_limited": (429, "リクエストが多すぎます。Retry-After 秒後に再試行してください。"),
    "server_error": (500, "サーバーでエラーが起きました。時間をおいて再試行してください。"),
}


class ApiError(Exception):
    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        details: list | None = None,
        headers: dict | None = None,
    ):
        status, default = ERRORS[code]
        super().__init__(message or default)
        self.code = code
        self.status = status
        self.message = message or default
        self.details = details
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        body = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        response = JsonResponse({"error": body}, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        if self.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="kosei"'
        return response
