"""Master-data commands (spec/20). Every write of the API and of the back office goes through these functions.

Split by sub-domain; import from this package: ``from apps.masterdata import services``.
"""

from .catalog import (
    category_create,
    category_delete,
    category_update,
    item_create,
    item_delete,
    item_update,
    store_price_check_item,
    store_price_create,
    store_price_delete,
    store_price_update,
)
from .item_books import (
    item_book_button_add,
    item_book_button_delete,
    item_book_button_update,
    item_book_category_add,
    item_book_category_delete,
    item_book_category_update,
    item_book_create,
    item_book_delete,
    item_book_tab_add,
    item_book_tab_delete,
    item_book_tab_update,
    item_book_update,
)
from .payments import payment_create, payment_delete, payment_update
from .promotions import (
    promotion_create,
    promotion_delete,
    promotion_detail_validate,
    promotion_update,
    promotion_validate,
)
from .settings_master import setting_create, setting_delete, setting_update
from .staff import staff_create, staff_delete, staff_update

__all__ = [
    "category_create",
    "category_delete",
    "category_update",
    "item_book_button_add",
    "item_book_button_delete",
    "item_book_button_update",
    "item_book_category_add",
    "item_book_category_delete",
    "item_book_category_update",
    "item_book_create",
    "item_book_delete",
    "item_book_tab_add",
    "item_book_tab_delete",
    "item_book_tab_update",
    "item_book_update",
    "item_create",
    "item_delete",
    "item_update",
    "payment_create",
    "payment_delete",
    "payment_update",
    "promotion_create",
    "promotion_delete",
    "promotion_detail_validate",
    "promotion_update",
    "promotion_validate",
    "setting_create",
    "setting_delete",
    "setting_update",
    "staff_create",
    "staff_delete",
    "staff_update",
    "store_price_check_item",
    "store_price_create",
    "store_price_delete",
    "store_price_update",
]
