"""Stock error codes (spec/50 §8) and the exceptions that carry them."""

from __future__ import annotations

from apps.core.errors import KugelposError

MESSAGES = {
    "414001": {"ja": "在庫情報が見つかりません", "en": "Stock not found"},
    "414002": {"ja": "在庫が不足しています", "en": "Insufficient stock"},
    "414003": {"ja": "在庫データが無効です", "en": "Stock validation error"},
    "414004": {"ja": "在庫へのアクセスが拒否されました", "en": "Stock access denied"},
    "414005": {"ja": "在庫データベースエラーが発生しました", "en": "Stock database error"},
    "414101": {"ja": "在庫の更新に失敗しました", "en": "Stock update failed"},
    "414102": {"ja": "在庫更新データが無効です", "en": "Stock update validation error"},
    "414103": {"ja": "在庫更新が競合しました", "en": "Stock update conflict"},
    "414104": {"ja": "更新対象の在庫が見つかりません", "en": "Stock update target not found"},
    "414201": {"ja": "スナップショットの作成に失敗しました", "en": "Snapshot creation failed"},
    "414202": {"ja": "スナップショットが見つかりません", "en": "Snapshot not found"},
    "414203": {"ja": "スナップショットデータが無効です", "en": "Snapshot validation error"},
    "414204": {"ja": "スナップショットの削除に失敗しました", "en": "Snapshot deletion failed"},
    "414301": {"ja": "外部サービスエラーが発生しました", "en": "External service error"},
    "414302": {"ja": "Pub/Subエラーが発生しました", "en": "Pub/Sub error"},
    "414303": {"ja": "ステートストアエラーが発生しました", "en": "State store error"},
    "414401": {"ja": "取引の処理に失敗しました", "en": "Transaction processing error"},
    "414402": {"ja": "取引データが無効です", "en": "Transaction validation error"},
    "414403": {"ja": "取引が重複しています", "en": "Duplicate transaction"},
}


class StockNotFoundError(KugelposError):
    status_code = 404
    error_code = "414001"
    default_message = "Stock not found"


class SnapshotNotFoundError(KugelposError):
    status_code = 404
    error_code = "414202"
    default_message = "Snapshot not found"


class StockQuantityRangeError(KugelposError):
    """A change that would take a quantity beyond ``calculations.QUANTITY_LIMIT``."""

    status_code = 400
    error_code = "414102"
    default_message = "Stock quantity out of range"
