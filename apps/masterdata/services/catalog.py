"""Commands on categories, items and store prices (spec/20 §5.1-§5.3)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core import cache
from apps.core.errors import NotFoundError

from ..models import Category, Item, ItemStorePrice
from ._common import UNCHANGED, duplicate_is_400, locked, touch


# --- categories ---------------------------------------------------------------------------------------------
def category_create(*, category_code: str, description: str, description_short: str, tax_code: str) -> Category:
    """Insert a category; a taken code is 400 ``500005``."""
    with duplicate_is_400(f"Category with category_code {category_code} already exists"):
        return Category.objects.create(
            category_code=category_code,
            description=description,
            description_short=description_short,
            tax_code=tax_code,
        )


def category_update(*, category_code: str, description: str, description_short: str, tax_code: str) -> Category:
    """Replace the editable fields; unknown code is 404."""
    with transaction.atomic():
        category = locked(Category.objects, category_code=category_code)
        if category is None:
            raise NotFoundError(f"Category {category_code} not found")
        category.description = description
        category.description_short = description_short
        category.tax_code = tax_code
        touch(category)
        category.save()
    return category


def category_delete(*, category_code: str) -> None:
    """Physical delete; items referring to the code are not checked (spec/20 §5.1)."""
    with transaction.atomic():
        deleted, _ = Category.objects.filter(category_code=category_code).delete()
    if not deleted:
        raise NotFoundError(f"Category {category_code} not found")


# --- items --------------------------------------------------------------------------------------------------
def item_create(
    *,
    item_code: str,
    description: str,
    unit_price: Decimal,
    unit_cost: Decimal,
    item_details: Sequence[str],
    image_urls: Sequence[str],
    category_code: str,
    tax_code: str,
    is_discount_restricted: bool = False,
    description_short: str | None = None,
    description_long: str | None = None,
) -> Item:
    """Insert an item. The code must be free among live *and* logically deleted items.

    The API never passes ``is_discount_restricted`` (Kugelpos ignores it on create); the back office may.
    """
    with duplicate_is_400(f"Item with item_code {item_code} already exists"):
        return Item.objects.create(
            item_code=item_code,
            description=description,
            description_short=description_short,
            description_long=description_long,
            unit_price=unit_price,
            unit_cost=unit_cost,
            item_details=list(item_details),
            image_urls=list(image_urls),
            category_code=category_code,
            tax_code=tax_code,
            is_discount_restricted=is_discount_restricted,
        )


def item_update(
    *,
    item_code: str,
    description: str,
    unit_price: Decimal,
    unit_cost: Decimal,
    item_details: Sequence[str],
    image_urls: Sequence[str],
    category_code: str,
    tax_code: str,
    is_discount_restricted: bool = False,
    description_short: str | None | object = UNCHANGED,
    description_long: str | None | object = UNCHANGED,
) -> Item:
    """Replace the editable fields of a live item (absent or logically deleted -> 404).

    The storage-only descriptions are not part of the API; only the back office passes them.
    """
    with transaction.atomic():
        item = locked(Item.objects.live(), item_code=item_code)
        if item is None:
            raise NotFoundError(f"Item not found. item_code: {item_code}")
        item.description = description
        item.unit_price = unit_price
        item.unit_cost = unit_cost
        item.item_details = list(item_details)
        item.image_urls = list(image_urls)
        item.category_code = category_code
        item.tax_code = tax_code
        item.is_discount_restricted = is_discount_restricted
        if description_short is not UNCHANGED:
            item.description_short = description_short
        if description_long is not UNCHANGED:
            item.description_long = description_long
        touch(item)
        item.save()
    return item


def item_delete(*, item_code: str, is_logical: bool) -> None:
    """Logical delete flags a live item (none -> 404). Physical delete removes the row whatever its flag and, as in
    Kugelpos, succeeds even when nothing matched. Store prices are left in place either way."""
    with transaction.atomic():
        if is_logical:
            flagged = Item.objects.live().filter(item_code=item_code).update(is_deleted=True, updated_at=timezone.now())
            if not flagged:
                raise NotFoundError(f"Item not found. item_code: {item_code}")
            cache.data_changed()  # an UPDATE sends no model signal
        else:
            Item.objects.filter(item_code=item_code).delete()


# --- store prices -------------------------------------------------------------------------------------------
def store_price_check_item(*, item_code: str) -> None:
    """A store price may only be created for a live common item (404 otherwise)."""
    if not Item.objects.live().filter(item_code=item_code).exists():
        raise NotFoundError(f"Item not found in common master. item_code: {item_code}")


def store_price_create(*, store_code: str, item_code: str, store_price: Decimal) -> ItemStorePrice:
    """Insert a store price: the common item is checked first (404), then the (store, item) pair (400)."""
    with transaction.atomic():
        store_price_check_item(item_code=item_code)
        with duplicate_is_400(f"Item store with item_code {item_code} already exists in store {store_code}"):
            return ItemStorePrice.objects.create(store_code=store_code, item_id=item_code, store_price=store_price)


def store_price_update(*, store_code: str, item_code: str, store_price: Decimal) -> ItemStorePrice:
    with transaction.atomic():
        row = locked(ItemStorePrice.objects, store_code=store_code, item_id=item_code)
        if row is None:
            raise NotFoundError(f"Item store not found. item_code: {item_code}, store_code: {store_code}")
        row.store_price = store_price
        touch(row)
        row.save()
    return row


def store_price_delete(*, store_code: str, item_code: str) -> None:
    with transaction.atomic():
        deleted, _ = ItemStorePrice.objects.filter(store_code=store_code, item_id=item_code).delete()
    if not deleted:
        raise NotFoundError(f"Item store not found. item_code: {item_code}, store_code: {store_code}")
