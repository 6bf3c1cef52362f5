"""The category promotion plugin over plain data (spec/20 scenario 8, spec/30 §7.3): per category the highest
rate wins, the first of equal rates wins, other promotion types and restricted/cancelled lines are left alone."""

from decimal import Decimal

from apps.cart.calculations import PERCENTAGE
from apps.cart.plugins.promotions.base import ActivePromotion, PromotionLine
from apps.cart.plugins.promotions.category import CategoryPromoPlugin
from apps.core.rounding import round_discount


def _promotion(code: str, rate, categories: tuple[str, ...], kind: str = "category_discount") -> ActivePromotion:
    return ActivePromotion(code, kind, f"Promo {code}", {"targetCategoryCodes": list(categories), "discountRate": rate})


def _line(category: str, *, cancelled: bool = False, restricted: bool = False, types=()) -> PromotionLine:
    return PromotionLine(category, cancelled, restricted, tuple(types))


def test_the_highest_rate_wins_and_the_first_of_equal_rates():
    promotions = [_promotion("A", 10, ("BEV", "FOOD")), _promotion("B", 15, ("BEV",)), _promotion("C", 10, ("FOOD",)),
                  _promotion("D", 50, ("BEV",), kind="other")]
    proposals = CategoryPromoPlugin().propose(lines=[_line("BEV"), _line("FOOD"), _line("TOY")], promotions=promotions)
    assert [(p.line_index, p.promotion_code, p.discount_type, p.discount_value) for p in proposals] == [
        (0, "B", PERCENTAGE, Decimal("15")), (1, "A", PERCENTAGE, Decimal("10"))]
    # scenario 8: a 200 x 1 BEV line gets B's 15 % = 30 off
    assert round_discount(Decimal(200) * proposals[0].discount_value / 100, "Round") == Decimal(30)


def test_cancelled_restricted_and_already_promoted_lines_get_nothing():
    promotions = [_promotion("A", "10", ("BEV",))]
    lines = [_line("BEV", cancelled=True), _line("BEV", restricted=True), _line("BEV", types=("category_discount",)),
             _line("BEV", types=(None,))]
    assert [p.line_index for p in CategoryPromoPlugin().propose(lines=lines, promotions=promotions)] == [3]


def test_an_unreadable_detail_is_no_promotion():
    promotions = [ActivePromotion("X", "category_discount", "X", "{not json"),
                  ActivePromotion("Y", "category_discount", "Y", {"targetCategoryCodes": "BEV", "discountRate": 5}),
                  ActivePromotion("Z", "category_discount", "Z",
                                  {"targetCategoryCodes": ["BEV"], "discountRate": True})]
    assert CategoryPromoPlugin().propose(lines=[_line("BEV")], promotions=promotions) == []
