"""Master-data endpoints (spec/20 §5): thin adapters that parse, call one service or selector, and render.

Messages and ``operation`` names are Kugelpos'. Path prefix: ``/master-data/api/v1/tenants/{tenant_id}``.
"""

from .views_catalog import CategoryViewSet, ItemViewSet, StorePriceViewSet
from .views_item_books import ItemBookViewSet
from .views_masters import PaymentViewSet, SettingViewSet, StaffViewSet, TaxViewSet
from .views_promotions import PromotionViewSet

__all__ = [
    "CategoryViewSet",
    "ItemBookViewSet",
    "ItemViewSet",
    "PaymentViewSet",
    "PromotionViewSet",
    "SettingViewSet",
    "StaffViewSet",
    "StorePriceViewSet",
    "TaxViewSet",
]
