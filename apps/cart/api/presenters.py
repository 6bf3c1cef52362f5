"""Wire shapes of a cart (spec/30 §3.1) and of a transaction log (§3.7), built explicitly for speed."""

from __future__ import annotations

from typing import Any

from apps.cart.document import CartDocument, Discount
from apps.cart.selectors import TranStatus


def _f(value: Any) -> float:
    return float(value or 0)


def _discount(discount: Discount) -> dict[str, Any]:
    return {
        "discountType": discount.discount_type,
        "discountValue": _f(discount.discount_value),
        "discountAmount": _f(discount.discount_amount),
        "discountDetail": discount.detail,
        "promotionCode": discount.promotion_code,
        "promotionType": discount.promotion_type,
    }


def cart_data(document: CartDocument) -> dict[str, Any]:
    sales = document.sales
    return {
        "tenantId": document.tenant_id,
        "storeCode": document.store_code,
        "storeName": document.store_name,
        "terminalNo": document.terminal_no,
        "totalAmount": _f(sales.total_amount),
        "totalAmountWithTax": _f(sales.total_amount_with_tax),
        "totalQuantity": sales.total_quantity,
        "totalDiscountAmount": _f(sales.total_discount_amount),
        "depositAmount": _f(sum(p.deposit_amount for p in document.payments)),
        "changeAmount": _f(sales.change_amount),
        "stampDutyAmount": _f(sales.stamp_duty_amount),
        "receiptNo": document.receipt_no,
        "transactionNo": document.transaction_no,
        "transactionType": document.transaction_type,
        "businessDate": None,
        "generateDateTime": None,
        "lineItems": [
            {
                "lineNo": line.line_no,
                "itemCode": line.item_code,
                "itemName": line.description,
                "categoryCode": line.category_code,
                "unitPrice": _f(line.unit_price),
                "unitPriceOriginal": _f(line.unit_price_original),
                "isUnitPriceChanged": line.is_unit_price_changed,
                "quantity": line.quantity,
                "amount": _f(line.amount),
                "discounts": [_discount(d) for d in line.discounts],
                "imageUrls": [],
                "isCancelled": line.is_cancelled,
                "isDiscountRestricted": line.is_discount_restricted,
            }
            for line in document.line_items
        ],
        "payments": [
            {
                "paymentNo": p.payment_no,
                "paymentCode": p.payment_code,
                "paymentName": p.description,
                "paymentAmount": _f(p.amount),
                "paymentDetail": p.detail,
            }
            for p in document.payments
        ],
        "taxes": [
            {
                "taxNo": t.tax_no,
                "taxCode": t.tax_code,
                "taxType": t.tax_type,
                "taxName": t.tax_name,
                "taxAmount": _f(t.tax_amount),
                "targetAmount": _f(t.target_amount),
                "targetQuantity": t.target_quantity,
            }
            for t in document.taxes
        ],
        "subtotalDiscounts": [_discount(d) for d in document.subtotal_discounts],
        "receiptText": document.receipt_text,
        "journalText": document.journal_text,
        "staff": document.staff,
        "status": None,
        "cartId": document.cart_id,
        "cartStatus": document.status,
        "subtotalAmount": _f(sales.total_amount),
        "balanceAmount": _f(document.balance_amount),
    }


def _payload_discount(discount: dict[str, Any]) -> dict[str, Any]:
    return {
        "discountType": discount["discount_type"],
        "discountValue": _f(discount["discount_value"]),
        "discountAmount": _f(discount["discount_amount"]),
        "discountDetail": discount.get("detail"),
        "promotionCode": discount.get("promotion_code"),
        "promotionType": discount.get("promotion_type"),
    }


def tran_data(tranlog: dict[str, Any], status: TranStatus | None = None) -> dict[str, Any]:
    status = status or TranStatus()
    sales = tranlog["sales"]
    payments = tranlog.get("payments") or []
    return {
        "tenantId": tranlog["tenant_id"],
        "storeCode": tranlog["store_code"],
        "storeName": tranlog.get("store_name"),
        "terminalNo": tranlog["terminal_no"],
        "totalAmount": _f(sales["total_amount_with_tax"]),
        "totalAmountWithTax": _f(sales["total_amount_with_tax"]),
        "totalQuantity": sales["total_quantity"],
        "totalDiscountAmount": _f(sales["total_discount_amount"]),
        "depositAmount": _f(sum(_f(p["deposit_amount"]) for p in payments)),
        "changeAmount": _f(sales["change_amount"]),
        "stampDutyAmount": _f(sales["stamp_duty_amount"]),
        "receiptNo": tranlog["receipt_no"],
        "transactionNo": tranlog["transaction_no"],
        "transactionType": tranlog["transaction_type"],
        "businessDate": tranlog.get("business_date"),
        "generateDateTime": tranlog.get("generate_date_time"),
        "lineItems": [
            {
                "lineNo": line["line_no"],
                "itemCode": line["item_code"],
                "itemName": line.get("description"),
                "categoryCode": line.get("category_code"),
                "unitPrice": _f(line["unit_price"]),
                "unitPriceOriginal": _f(line.get("unit_price_original")),
                "isUnitPriceChanged": line.get("is_unit_price_changed", False),
                "quantity": line["quantity"],
                "amount": _f(line["amount"]),
                "discounts": [_payload_discount(d) for d in line.get("discounts") or []],
                "imageUrls": [],
                "isCancelled": line.get("is_cancelled", False),
                "isDiscountRestricted": False,
            }
            for line in tranlog.get("line_items") or []
        ],
        "payments": [
            {
                "paymentNo": p["payment_no"],
                "paymentCode": p["payment_code"],
                "paymentName": p.get("description"),
                "paymentAmount": _f(p["amount"]),
                "paymentDetail": p.get("detail"),
            }
            for p in payments
        ],
        "taxes": [
            {
                "taxNo": t["tax_no"],
                "taxCode": t["tax_code"],
                "taxType": t["tax_type"],
                "taxName": t["tax_name"],
                "taxAmount": _f(t["tax_amount"]),
                "targetAmount": _f(t["target_amount"]),
                "targetQuantity": t["target_quantity"],
            }
            for t in tranlog.get("taxes") or []
        ],
        "subtotalDiscounts": [_payload_discount(d) for d in tranlog.get("subtotal_discounts") or []],
        "receiptText": tranlog.get("receipt_text"),
        "journalText": tranlog.get("journal_text"),
        "staff": tranlog.get("staff"),
        "status": {
            "isCancelled": bool(sales.get("is_cancelled")),
            "isVoided": status.is_voided,
            "isRefunded": status.is_refunded,
        },
    }
