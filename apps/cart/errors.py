"""Cart error codes (spec/30 §15). Client mistakes answer 4xx with Kugelpos' code (ours, spec/30 §15)."""

from apps.core.errors import KugelposError

MESSAGES = {
    "401001": {"ja": "カートの作成に失敗しました", "en": "Cart creation failed"},
    "401002": {"ja": "カートが見つかりません", "en": "Cart not found"},
    "401003": {"ja": "カートの保存に失敗しました", "en": "Cart save failed"},
    "402001": {"ja": "対象商品が見つかりません", "en": "Item not found"},
    "402002": {"ja": "値引金額が商品金額より多いです", "en": "Discount amount exceeds the line amount"},
    "402003": {"ja": "値引金額が残高より多いです", "en": "Discount amount exceeds the balance"},
    "402004": {"ja": "値引の按分処理に失敗しました", "en": "Discount allocation failed"},
    "402005": {"ja": "値引禁止商品です", "en": "Discount is restricted for this item"},
    "403001": {"ja": "残高はすでに０です", "en": "The balance is already zero"},
    "403002": {"ja": "残高が残っています", "en": "The balance is not zero"},
    "403003": {"ja": "残高がマイナスです", "en": "The balance is negative"},
    "403004": {"ja": "預かり金額が残高より多いです", "en": "Deposit exceeds the balance"},
    "403005": {"ja": "この取引は既に取消済みです", "en": "This transaction has already been voided"},
    "403006": {"ja": "この取引は既に返品済みです", "en": "This transaction has already been refunded"},
    "404001": {"ja": "端末の状態を確認してください", "en": "Check the terminal status"},
    "404002": {"ja": "担当者の登録状況を確認してください", "en": "Check the staff sign-in"},
    "404003": {"ja": "外部サービスエラーが発生しました", "en": "External service error"},
    "404004": {"ja": "内部処理エラーが発生しました", "en": "Internal processing error occurred"},
    "404999": {"ja": "予期しないエラーが発生しました", "en": "Unexpected error"},
}


class CartNotFoundError(KugelposError):
    status_code = 404
    error_code = "401002"
    default_message = "Cart not found"


class CartError(KugelposError):
    """A cart rule broken by the request: code and status given at the raise site."""
