"""Report service error codes (spec/40 §5, range 412xx-413xx) and the exceptions that carry them."""

from __future__ import annotations

from apps.core.errors import KugelposError

MESSAGES = {
    "412001": {"en": "Report not found", "ja": "レポートが見つかりません"},
    "412002": {"en": "Report validation error occurred", "ja": "レポートの検証エラーが発生しました"},
    "412003": {"en": "Failed to generate report", "ja": "レポートの生成に失敗しました"},
    "412004": {"en": "Invalid report type", "ja": "無効なレポートタイプです"},
    "412005": {"en": "Invalid report scope", "ja": "無効なレポート範囲です"},
    "412006": {"en": "Issue with report date", "ja": "レポート日付に問題があります"},
    "412007": {"en": "Issue with report data", "ja": "レポートデータに問題があります"},
    "412101": {
        "en": "Terminal is not closed, cannot generate report",
        "ja": "端末が閉じられていないため、レポートを生成できません",
    },
    "412102": {"en": "Required logs are missing", "ja": "必要なログがありません"},
    "412103": {"en": "Log count mismatch", "ja": "ログの件数が一致しません"},
    "412104": {"en": "Transaction logs are missing", "ja": "取引ログがありません"},
    "412105": {"en": "Cash in/out logs are missing", "ja": "入出金ログがありません"},
    "412106": {"en": "Open/close logs are missing", "ja": "開閉局ログがありません"},
    "412107": {"en": "Data verification failed", "ja": "データの検証に失敗しました"},
    "413001": {"en": "Failed to generate receipt", "ja": "レシートの生成に失敗しました"},
    "413002": {"en": "Failed to generate journal", "ja": "ジャーナルの生成に失敗しました"},
    "413003": {"en": "Failed to export data", "ja": "データのエクスポートに失敗しました"},
    "413004": {"en": "Failed to import data", "ja": "データのインポートに失敗しました"},
    "413005": {"en": "Failed to process daily information", "ja": "日次情報の処理に失敗しました"},
    "413006": {"en": "External service error occurred", "ja": "外部サービスエラーが発生しました"},
}


class ReportNotFoundError(KugelposError):
    """Unknown ``report_type`` (no plugin registered under that name)."""

    status_code = 404
    error_code = "412001"
    default_message = "Report not found"


class ReportGenerationError(KugelposError):
    """Any failure inside a report plugin: bad range, unknown transaction type, database error."""

    status_code = 500
    error_code = "412003"
    default_message = "Failed to generate report"


class TerminalNotClosedError(KugelposError):
    """Daily verification failed for at least one checked terminal session (internal causes 412104-412106)."""

    status_code = 403
    error_code = "412101"
    default_message = "Terminal is not closed, cannot generate report"

    def __init__(self, message: str | None = None, *, terminal_nos: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.terminal_nos = terminal_nos  # the terminals whose sessions failed, for a readable message


class DailyInfoError(KugelposError):
    status_code = 500
    error_code = "413005"
    default_message = "Failed to process daily information"


class UnknownTransactionTypeError(ValueError):
    """A tranlog type other than 101/102/201/202 among the tranlogs of a sales or payment report."""

    def __init__(self, transaction_type: int) -> None:
        self.transaction_type = transaction_type
        super().__init__(f"Unknown transaction type: {transaction_type}")


class InvalidDateRangeError(ValueError):
    def __init__(self, date_from: str, date_to: str) -> None:
        super().__init__(f"business_date_from {date_from} is after business_date_to {date_to}")
