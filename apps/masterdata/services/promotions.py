"""Commands on promotions (spec/20 §5.9, §6.8): validation, soft delete, codes never reused."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from apps.core.errors import InvalidRequestDataError, NotFoundError

from ..models import Promotion
from ..selectors import CATEGORY_DISCOUNT, PromotionDetail
from ._common import UNCHANGED, duplicate_is_400, locked, touch

MAX_RATE = Decimal("100")


def promotion_detail_validate(detail: PromotionDetail) -> None:
    """A detail needs at least one target category and a rate in (0, 100] (422 ``300001``)."""
    if not detail.target_category_codes:
        raise InvalidRequestDataError("detail.target_category_codes must contain at least one category code")
    if not (0 < detail.discount_rate <= MAX_RATE):
        raise InvalidRequestDataError("detail.discount_rate must be greater than 0 and at most 100")


def promotion_validate(
    *, promotion_type: str, start_datetime: datetime, end_datetime: datetime, detail: PromotionDetail | None
) -> None:
    """Create rules, in Kugelpos' order: detail contents, then end > start, then a detail for category discounts."""
    if detail is not None:
        promotion_detail_validate(detail)
    if end_datetime <= start_datetime:
        raise InvalidRequestDataError("end_datetime must be after start_datetime")
    if promotion_type == CATEGORY_DISCOUNT and detail is None:
        raise InvalidRequestDataError("detail is required for promotion_type category_discount")


def _apply_detail(promotion: Promotion, detail: PromotionDetail | None) -> None:
    if detail is None:
        promotion.target_store_codes, promotion.target_category_codes, promotion.discount_rate = [], [], None
    else:
        promotion.target_store_codes = list(detail.target_store_codes)
        promotion.target_category_codes = list(detail.target_category_codes)
        promotion.discount_rate = detail.discount_rate


def promotion_create(
    *,
    promotion_code: str,
    promotion_type: str,
    name: str,
    start_datetime: datetime,
    end_datetime: datetime,
    description: str | None = None,
    is_active: bool = True,
    detail: PromotionDetail | None = None,
) -> Promotion:
    """Validate (422) before the duplicate check (400, soft-deleted codes included), then insert."""
    promotion_validate(
        promotion_type=promotion_type, start_datetime=start_datetime, end_datetime=end_datetime, detail=detail
    )
    promotion = Promotion(
        promotion_code=promotion_code,
        promotion_type=promotion_type,
        name=name,
        description=description,
        start_datetime=start_datetime,
        end_datetime=end_datetime,
        is_active=is_active,
    )
    _apply_detail(promotion, detail)
    with duplicate_is_400(f"Promotion with promotion_code {promotion_code} already exists"):
        promotion.save(force_insert=True)
    return promotion


def promotion_update(
    *,
    promotion_code: str,
    name: str | None = None,
    description: str | None = None,
    start_datetime: datetime | None = None,
    end_datetime: datetime | None = None,
    is_active: bool | None = None,
    detail: PromotionDetail | None | object = UNCHANGED,
) -> Promotion:
    """Partial update: ``None`` leaves a field as it is; ``detail`` is replaced whole and re-validated.

    The API never clears a detail (null means "unchanged"); the back office may pass ``detail=None`` to clear it.
    Code and type are immutable; a soft-deleted promotion is 404.
    """
    with transaction.atomic():
        promotion = locked(Promotion.objects.visible(), promotion_code=promotion_code)
        if promotion is None:
            raise NotFoundError(f"Promotion {promotion_code} not found")
        for field, value in (
            ("name", name),
            ("description", description),
            ("start_datetime", start_datetime),
            ("end_datetime", end_datetime),
            ("is_active", is_active),
        ):
            if value is not None:
                setattr(promotion, field, value)
        if detail is not UNCHANGED:
            if detail is not None:
                promotion_detail_validate(detail)
            _apply_detail(promotion, detail)
        if promotion.end_datetime <= promotion.start_datetime:
            raise InvalidRequestDataError("end_datetime must be after start_datetime")
        touch(promotion)
        promotion.save()
    return promotion


def promotion_delete(*, promotion_code: str) -> None:
    """Soft delete: the row stays as history, disappears from every read, and its code stays taken."""
    with transaction.atomic():
        promotion = locked(Promotion.objects.visible(), promotion_code=promotion_code)
        if promotion is None:
            raise NotFoundError(f"Promotion {promotion_code} not found")
        promotion.is_deleted = True
        touch(promotion)
        promotion.save(update_fields=["is_deleted", "updated_at"])
