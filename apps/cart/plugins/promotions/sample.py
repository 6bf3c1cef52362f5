"""The sample promotion plugin: does nothing (Kugelpos ships it as a template)."""

from .base import PromotionPlugin


class SalesPromoSample(PromotionPlugin):
    needs_promotions = False
