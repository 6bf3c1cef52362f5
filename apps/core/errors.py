"""Error codes, their messages in Japanese and English, and the domain exceptions that carry them (spec/00 §5).

Every app raises ``KugelposError`` subclasses from its services; one DRF exception handler turns them into the
error envelope. Apps register their own code tables with ``register_messages`` (in ``AppConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

FALLBACK_MESSAGES = {"ja": "不明なエラーが発生しました", "en": "An unknown error occurred"}

# code -> {"ja": ..., "en": ...}
_MESSAGES: dict[str, dict[str, str]] = {
    "100000": {"en": "General error occurred", "ja": "一般エラーが発生しました"},
    "100001": {"en": "Resource not found", "ja": "対象データが見つかりませんでした"},
    "200001": {"en": "Authentication failed", "ja": "認証に失敗しました"},
    "200002": {"en": "Permission denied", "ja": "権限がありません"},
    "300001": {"en": "Invalid input data", "ja": "入力データが無効です"},
    "300002": {"en": "Required field is missing", "ja": "必須フィールドがありません"},
    "300003": {"en": "Invalid field format", "ja": "フィールドの形式が正しくありません"},
    "300004": {"en": "Invalid operation", "ja": "操作が無効です"},
    "500001": {"en": "Database error occurred", "ja": "データベースエラーが発生しました"},
    "500002": {"en": "Cannot create data", "ja": "データを作成できませんでした"},
    "500003": {"en": "Cannot update data", "ja": "データを更新できませんでした"},
    "500004": {"en": "Cannot delete data", "ja": "データを削除できませんでした"},
    "500005": {"en": "Duplicate key", "ja": "キーが重複しています"},
    "500006": {"en": "Update operation failed", "ja": "更新が機能しませんでした"},
    "500007": {"en": "Replace operation failed", "ja": "置換が機能しませんでした"},
    "500008": {"en": "Cannot delete because child elements exist", "ja": "子要素が存在するため削除できません"},
    "600001": {"en": "External service error occurred", "ja": "外部サービスエラーが発生しました"},
    "900001": {"en": "System error occurred", "ja": "システムエラーが発生しました"},
    "900999": {"en": "Unexpected error occurred", "ja": "予期しないエラーが発生しました"},
}


def register_messages(table: Mapping[str, Mapping[str, str]]) -> None:
    """Add an app's code table (``{"406003": {"ja": ..., "en": ...}}``)."""
    for code, texts in table.items():
        _MESSAGES[str(code)] = dict(texts)


def message_for(code: str, lang: str | None = None) -> str:
    """Message of ``code``: requested language (ja/en) -> configured default -> ja -> fallback text."""
    texts = _MESSAGES.get(str(code))
    default_lang = getattr(settings, "ERROR_MESSAGE_LANGUAGE", "ja")
    for candidate in (lang, default_lang, "ja"):
        if candidate in ("ja", "en") and texts and candidate in texts:
            return texts[candidate]
    return FALLBACK_MESSAGES.get(lang or default_lang, FALLBACK_MESSAGES["ja"])


class KugelposError(Exception):
    """A domain error: carries the Kugelpos error code, the HTTP status and the internal message.

    Rendered with ``operation: app_exception_handler`` and ``data: null``.
    """

    status_code: int = 400
    error_code: str = "900001"
    default_message: str = "System error occurred"
    operation: str = "app_exception_handler"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.error_code = str(code)
        if status is not None:
            self.status_code = status
        self.headers = dict(headers or {})
        super().__init__(self.message)


class HttpError(KugelposError):
    """A plain HTTP error (auth failures, tenant mismatch, ad-hoc checks): ``http_exception_handler`` shape.

    The user-error code derives from the status: 401 -> 200001, 403 -> 200002, 404 -> 100001, else 100000;
    ``data`` is ``"<status>: <message>"``.
    """

    operation = "http_exception_handler"
    STATUS_CODES = {401: "200001", 403: "200002", 404: "100001"}

    def __init__(self, status: int, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message, code=self.STATUS_CODES.get(status, "100000"), status=status, headers=headers)


class AuthenticationError(HttpError):
    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(401, message, headers=headers)


class TenantMismatchError(HttpError):
    def __init__(self, path_tenant: str, credential_tenant: str, message: str | None = None) -> None:
        super().__init__(
            400,
            message
            or (
                "Tenant ID in URL does not match the tenant ID in the token : "
                f"tenant_id->{path_tenant}, tenant_id_in_token->{credential_tenant}"
            ),
        )


class NotFoundError(KugelposError):
    status_code = 404
    error_code = "100001"
    default_message = "Resource not found"


class DuplicateKeyError(KugelposError):
    status_code = 400
    error_code = "500005"
    default_message = "Duplicate key"


class BadRequestBodyError(KugelposError):
    status_code = 400
    error_code = "300001"
    default_message = "Bad request body"


class InvalidRequestDataError(KugelposError):
    status_code = 422
    error_code = "300001"
    default_message = "Invalid request data"


class EventBadSequenceError(KugelposError):
    status_code = 400
    error_code = "300004"
    default_message = "Operation not allowed in the current state"


class CannotCreateError(KugelposError):
    status_code = 400
    error_code = "500002"
    default_message = "Cannot create data"


class CannotDeleteError(KugelposError):
    status_code = 400
    error_code = "500004"
    default_message = "Cannot delete data"


class UpdateNotWorkError(KugelposError):
    status_code = 400
    error_code = "500006"
    default_message = "Update operation failed"


class ReplaceNotWorkError(KugelposError):
    status_code = 400
    error_code = "500007"
    default_message = "Replace operation failed"


class DeleteChildExistError(KugelposError):
    status_code = 400
    error_code = "500008"
    default_message = "Cannot delete because child elements exist"


class StrategyPluginError(KugelposError):
    status_code = 500
    error_code = "900001"
    default_message = "Plugin failure"


class RequestValidationError(Exception):
    """Request-shape failure (422 ``300001``, ``validation_exception_handler``).

    ``errors`` is a list of ``(location, message)``; location is a tuple such as ``("body", "unitPrice")``.
    """

    def __init__(self, errors: list[tuple[tuple[str, ...], str]]) -> None:
        self.errors = errors
        super().__init__(self.text())

    def text(self) -> str:
        return "Invalid input data: " + "; ".join(
            f"{' -> '.join(str(part) for part in loc)}: {msg}" for loc, msg in self.errors
        )
