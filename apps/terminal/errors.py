"""Terminal error codes (spec/10 §9): the exceptions services raise and the ja/en message table."""

from __future__ import annotations

from apps.core.errors import KugelposError

MESSAGES: dict[str, dict[str, str]] = {
    "406002": {"ja": "端末はすでに存在します", "en": "Terminal already exists"},
    "406003": {"ja": "端末の状態を確認してください", "en": "Terminal status error occurred"},
    "406004": {"ja": "担当者の登録状況を確認してください", "en": "Sign in/out error occurred"},
    "406007": {"ja": "端末オープン処理に失敗しました", "en": "Failed to open the terminal"},
    "406008": {"ja": "端末クローズ処理に失敗しました", "en": "Failed to close the terminal"},
    "406013": {"ja": "端末にサインインしていません", "en": "Terminal is not signed in"},
    "406014": {"ja": "すでにサインインしています", "en": "Already signed in"},
    "406101": {"ja": "入出金処理に失敗しました", "en": "Cash in/out operation failed"},
    "407001": {"ja": "テナントが見つかりません", "en": "Tenant not found"},
    "407002": {"ja": "テナントはすでに存在します", "en": "Tenant already exists"},
    "407003": {"ja": "テナント情報の更新に失敗しました", "en": "Failed to update tenant information"},
    "407004": {"ja": "テナントの削除に失敗しました", "en": "Failed to delete tenant"},
    "407006": {"ja": "テナントの作成に失敗しました", "en": "Failed to create tenant"},
    "407101": {"ja": "店舗が見つかりません", "en": "Store not found"},
    "407301": {"ja": "内部処理エラーが発生しました", "en": "Internal processing error occurred"},
}


class TerminalAlreadyExistsError(KugelposError):
    status_code, error_code = 400, "406002"


class TerminalStatusError(KugelposError):
    status_code, error_code = 400, "406003"


class StaffNotFoundError(KugelposError):
    status_code, error_code = 401, "406004"


class TerminalOpenError(KugelposError):
    status_code, error_code = 400, "406007"


class TerminalCloseError(KugelposError):
    status_code, error_code = 400, "406008"


class NotSignedInError(KugelposError):
    status_code, error_code = 401, "406013"


class AlreadySignedInError(KugelposError):
    status_code, error_code = 400, "406014"


class CashInOutError(KugelposError):
    status_code, error_code = 400, "406101"


class TenantNotFoundError(KugelposError):
    status_code, error_code = 404, "407001"


class TenantAlreadyExistsError(KugelposError):
    status_code, error_code = 400, "407002"


class TenantUpdateError(KugelposError):
    status_code, error_code = 400, "407003"


class TenantDeleteError(KugelposError):
    status_code, error_code = 400, "407004"


class TenantCreateError(KugelposError):
    status_code, error_code = 400, "407006"


class StoreNotFoundError(KugelposError):
    status_code, error_code = 404, "407101"


class TerminalInternalError(KugelposError):
    status_code, error_code = 500, "407301"


class DeliveryEventNotFoundError(TerminalInternalError):
    """A delivery-status callback naming no known event: Kugelpos answers 500; the caller's bad input is a 404
    with the same code here (DESIGN "Compatibility policy"; cart does the same with 404004)."""

    status_code = 404
