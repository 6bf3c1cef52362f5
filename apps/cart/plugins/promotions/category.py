"""Category promotion (``category_discount``): a percentage off every line of the target categories."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from apps.cart.calculations import PERCENTAGE

from .base import ActivePromotion, PromotionLine, PromotionPlugin, ProposedDiscount

PROMOTION_TYPE = "category_discount"


def _parse_detail(detail) -> tuple[list[str], Decimal] | None:
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            return None
    if not isinstance(detail, dict):
        return None
    categories = detail.get("targetCategoryCodes", detail.get("target_category_codes", []))
    rate = detail.get("discountRate", detail.get("discount_rate", 0.0))
    if not isinstance(categories, list) or isinstance(rate, bool):
        return None
    try:
        return [str(code) for code in categories], Decimal(str(rate))
    except (InvalidOperation, ValueError):
        return None


class CategoryPromoPlugin(PromotionPlugin):
    execution_phase = "line_item"

    def propose(
        self, *, lines: Sequence[PromotionLine], promotions: Sequence[ActivePromotion]
    ) -> list[ProposedDiscount]:
        best: dict[str, tuple[Decimal, ActivePromotion]] = {}
        for promotion in promotions:
            if promotion.promotion_type != PROMOTION_TYPE:
                continue
            parsed = _parse_detail(promotion.detail)
            if parsed is None:
                continue
            categories, rate = parsed
            for category in categories:
                if category not in best or rate > best[category][0]:  # first one wins ties
                    best[category] = (rate, promotion)
        proposals = []
        for index, line in enumerate(lines):
            if line.is_cancelled or line.is_discount_restricted or line.category_code not in best:
                continue
            if PROMOTION_TYPE in line.promotion_types:
                continue
            rate, promotion = best[line.category_code]
            proposals.append(
                ProposedDiscount(index, PERCENTAGE, rate, promotion.name, promotion.promotion_code, PROMOTION_TYPE)
            )
        return proposals
