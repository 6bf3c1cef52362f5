"""Journal error codes (spec/40 §5) and the exceptions that carry them."""

from __future__ import annotations

from apps.core.errors import KugelposError

MESSAGES: dict[str, dict[str, str]] = {
    "410001": {"en": "Journal not found", "ja": "ジャーナルが見つかりません"},
    "410002": {"en": "Journal validation error occurred", "ja": "ジャーナルのバリデーションエラーが発生しました"},
    "410003": {"en": "Failed to create journal", "ja": "ジャーナルの作成に失敗しました"},
    "410004": {"en": "Failed to query journals", "ja": "ジャーナルの検索に失敗しました"},
    "410005": {"en": "Invalid journal format", "ja": "ジャーナルの形式が不正です"},
    "410006": {"en": "Issue with journal date", "ja": "ジャーナルの日付に問題があります"},
    "410007": {"en": "Issue with journal data", "ja": "ジャーナルデータに問題があります"},
    "410101": {"en": "Terminal not found", "ja": "端末が見つかりません"},
    "410102": {"en": "Store not found", "ja": "店舗が見つかりません"},
    "410103": {"en": "Required logs are missing", "ja": "必要なログが欠落しています"},
    "410104": {"en": "Issue with log sequence", "ja": "ログシーケンスに問題があります"},
    "410105": {"en": "Transaction validation failed", "ja": "トランザクションの検証に失敗しました"},
    "411001": {"en": "Failed to generate receipt", "ja": "レシートの生成に失敗しました"},
    "411002": {"en": "Failed to generate journal text", "ja": "ジャーナルテキストの生成に失敗しました"},
    "411003": {"en": "Failed to export data", "ja": "データのエクスポートに失敗しました"},
    "411004": {"en": "Failed to import data", "ja": "データのインポートに失敗しました"},
    "411005": {"en": "Issue with transaction receipt", "ja": "トランザクションレシートに問題があります"},
    "411006": {"en": "External service error occurred", "ja": "外部サービスエラーが発生しました"},
}


class JournalValidationError(KugelposError):
    """The journal entry (or the log it comes from) is not acceptable: 400 ``410002``."""

    status_code = 400
    error_code = "410002"
    default_message = "Journal validation error occurred"


class JournalCreateError(KugelposError):
    """Storing a journal entry failed (a server fault): 500 ``410003``."""

    status_code = 500
    error_code = "410003"
    default_message = "Failed to create journal"


class JournalQueryError(KugelposError):
    """The search could not run: 500 ``410004``; 400 when the caller's keyword is not a valid pattern."""

    status_code = 500
    error_code = "410004"
    default_message = "Failed to query journals"
