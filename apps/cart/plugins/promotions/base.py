"""The promotion plugin contract (spec/30 §7.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PromotionLine:
    category_code: str | None
    is_cancelled: bool
    is_discount_restricted: bool
    promotion_types: tuple[str | None, ...]  # promotion_type of the discounts already on the line


@dataclass(frozen=True)
class ActivePromotion:
    promotion_code: str
    promotion_type: str
    name: str
    detail: Any  # free-form; each plugin parses what it needs


@dataclass(frozen=True)
class ProposedDiscount:
    line_index: int
    discount_type: str
    discount_value: Decimal
    detail: str | None
    promotion_code: str
    promotion_type: str


class PromotionPlugin:
    execution_phase = "line_item"
    needs_promotions = True

    def propose(
        self, *, lines: Sequence[PromotionLine], promotions: Sequence[ActivePromotion]
    ) -> list[ProposedDiscount]:
        return []
