"""Reads of master data.

Two audiences:

* **Other apps** (cart, terminal, report) call the typed in-process API at the top of this module: frozen
  dataclasses, ``Decimal`` money, one or two queries per call whatever the number of codes (spec/20 §7).
  All of them read the *current* tenant schema (the caller's request or ``tenant_context``).
* **This app's endpoints and admin** use the row-level reads further down.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.core import cache
from apps.core.paging import Paging

from .models import Category, DataVersion, Item, ItemBook, ItemStorePrice, PaymentMethod, Promotion, Setting, Staff
from .setting_values import ScopedValue, resolve_setting_value
from .taxes import tax_master_config

CATEGORY_DISCOUNT = "category_discount"

# The reads below that take ``cache_version`` (the version the caller read in its request, ``apps.core.cache``)
# cache under it; MasterdataConfig.ready makes every write to these models change it.


# === in-process API for other apps ===========================================================================
# Read-only and without parameters: one instance serves every request (the cart reads it with the credential).
_DATA_VERSION_COLUMN = RawSQL(f"SELECT version FROM {DataVersion._meta.db_table} WHERE id = 1", [])


def data_version_column() -> RawSQL:
    """The tenant's current data version (``apps.core.cache``) as a scalar subquery, for a query that reads it
    along with other things (the cart's request context); NULL before the first write: read uncached."""
    return _DATA_VERSION_COLUMN


@dataclass(frozen=True)
class ItemDetails:
    """What the cart needs of an item in a store (the ``/details`` merge of spec/20 §5.3).

    ``unit_price`` is always the common price; ``store_price`` is the store override or None. The cart's rule:
    ``store_price if store_price else unit_price`` (a store price of 0 counts as "not set").
    """

    item_code: str
    category_code: str
    description: str
    unit_price: Decimal
    store_price: Decimal | None
    tax_code: str
    is_discount_restricted: bool

    @property
    def selling_price(self) -> Decimal:
        """The cart's default price (spec/20 §7): the store price when it is set and non-zero, else the unit price."""
        return self.store_price if self.store_price else self.unit_price


@dataclass(frozen=True)
class PaymentMethodInfo:
    payment_code: str
    description: str
    limit_amount: Decimal
    can_refund: bool
    can_deposit_over: bool
    can_change: bool
    is_active: bool


@dataclass(frozen=True)
class StaffInfo:
    staff_id: str
    name: str
    pin: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PromotionDetail:
    target_store_codes: tuple[str, ...]
    target_category_codes: tuple[str, ...]
    discount_rate: Decimal  # percent: 10 = 10 % off


@dataclass(frozen=True)
class PromotionInfo:
    promotion_code: str
    promotion_type: str
    name: str
    description: str | None
    start_datetime: datetime
    end_datetime: datetime
    is_active: bool
    detail: PromotionDetail | None


@dataclass(frozen=True)
class TaxInfo:
    tax_code: str
    tax_type: str  # "External" | "Internal" | "Exempt"
    tax_name: str
    rate: Decimal  # percent
    round_digit: int
    round_method: str | None  # "Round" | "Floor" | "Ceil" | None


@dataclass(frozen=True)
class CategoryInfo:
    category_code: str
    description: str
    description_short: str
    tax_code: str


def _with_store_price(queryset: QuerySet[Item], store_code: str) -> QuerySet[Item]:
    """Items LEFT JOINed to their store-price row for ``store_code`` (at most one: the pair is unique)."""
    return queryset.annotate(
        store_row=FilteredRelation("store_prices", condition=Q(store_prices__store_code=store_code)),
        store_row_id=F("store_row__id"),
        store_row_price=F("store_row__store_price"),
        store_row_created_at=F("store_row__created_at"),
        store_row_updated_at=F("store_row__updated_at"),
    )


def _item_details(item: Item) -> ItemDetails:
    return ItemDetails(
        item_code=item.item_code,
        category_code=item.category_code,
        description=item.description,
        unit_price=item.unit_price,
        store_price=item.store_row_price,
        tax_code=item.tax_code,
        is_discount_restricted=item.is_discount_restricted,
    )


def item_details_get(*, store_code: str, item_code: str) -> ItemDetails | None:
    """A live item with its store price (one query); None when absent or logically deleted."""
    item = _with_store_price(Item.objects.live().filter(item_code=item_code), store_code).first()
    return None if item is None else _item_details(item)


def item_details_map(
    *, store_code: str, item_codes: Collection[str], cache_version: int | None = None
) -> dict[str, ItemDetails]:
    """Live items among ``item_codes`` with their store prices, by code (one query; unknown codes are absent).

    With ``cache_version`` an item already read at that version (or known to be absent) is not read again."""
    codes = set(item_codes)
    if not codes:
        return {}
    if cache_version is None:
        return _item_details_query(store_code, codes)
    found: dict[str, ItemDetails] = {}
    for code in codes:
        details = cache.cached(cache_version, ("item", store_code, code),
                               lambda code=code: _item_details_query(store_code, {code}).get(code))
        if details is not None:
            found[code] = details
    return found


def _item_details_query(store_code: str, codes: Collection[str]) -> dict[str, ItemDetails]:
    items = _with_store_price(Item.objects.live().filter(item_code__in=codes), store_code)
    return {item.item_code: _item_details(item) for item in items}


def items_descriptions(*, item_codes: Iterable[str]) -> dict[str, str]:
    """Descriptions by code for reports, logically deleted items included (they were sold once)."""
    codes = set(item_codes)
    if not codes:
        return {}
    return dict(Item.objects.filter(item_code__in=codes).values_list("item_code", "description"))


def categories_map(*, category_codes: Iterable[str] | None = None) -> dict[str, CategoryInfo]:
    queryset = Category.objects.order_by("category_code", "pk")
    if category_codes is not None:
        queryset = queryset.filter(category_code__in=set(category_codes))
    return {
        row.category_code: CategoryInfo(row.category_code, row.description, row.description_short, row.tax_code)
        for row in queryset
    }


def _payment_info(row: PaymentMethod) -> PaymentMethodInfo:
    return PaymentMethodInfo(
        payment_code=row.payment_code,
        description=row.description,
        limit_amount=row.limit_amount,
        can_refund=row.can_refund,
        can_deposit_over=row.can_deposit_over,
        can_change=row.can_change,
        is_active=row.is_active,
    )


def payment_method_get(*, payment_code: str, cache_version: int | None = None) -> PaymentMethodInfo | None:
    """The payment method with this code, active or not (``is_active`` is not enforced, spec/20 §6.5)."""

    def load() -> PaymentMethodInfo | None:
        row = PaymentMethod.objects.filter(payment_code=payment_code).first()
        return None if row is None else _payment_info(row)

    return cache.cached(cache_version, ("payment", payment_code), load)


def payment_methods_all() -> list[PaymentMethodInfo]:
    """Every payment method in insertion order (reports map code -> description)."""
    return [_payment_info(row) for row in PaymentMethod.objects.order_by("pk")]


def setting_value_get(*, name: str, store_code: str | None = None, terminal_no: int | None = None) -> str | None:
    """The value of setting ``name`` for a store/terminal (terminal -> store -> global -> default, spec/20 §6.3).

    None when no such setting exists (callers then use their app default). One query.
    """
    return setting_values_get(names=[name], store_code=store_code, terminal_no=terminal_no).get(name)


def setting_values_get(
    *, names: Collection[str], store_code: str | None = None, terminal_no: int | None = None,
    cache_version: int | None = None,
) -> dict[str, str]:
    """Resolved values of several settings at once; names that do not exist are absent. One query."""
    key = ("settings", tuple(sorted(names)), store_code, terminal_no)
    values = cache.cached(cache_version, key, lambda: tuple(
        _setting_values_query(names=names, store_code=store_code, terminal_no=terminal_no).items()
    ))
    return dict(values)


def _setting_values_query(*, names: Collection[str], store_code: str | None, terminal_no: int | None) -> dict[str, str]:
    rows = (
        Setting.objects.filter(name__in=list(names))
        .order_by("name", "values__position", "values__id")
        .values_list(
            "name", "default_value", "values__id", "values__store_code", "values__terminal_no", "values__value"
        )
    )
    grouped: dict[str, tuple[str, list[ScopedValue]]] = {}
    for name, default_value, value_id, store, terminal, value in rows:
        _, values = grouped.setdefault(name, (default_value, []))
        if value_id:
            values.append(ScopedValue(store, terminal, value))
    return {
        name: resolve_setting_value(
            default_value=default_value, values=values, store_code=store_code, terminal_no=terminal_no
        )
        for name, (default_value, values) in grouped.items()
    }


def staff_get(*, staff_id: str) -> StaffInfo | None:
    row = Staff.objects.filter(staff_id=staff_id).first()
    return None if row is None else StaffInfo(row.staff_id, row.name, row.pin, tuple(row.roles))


def promotion_info(row: Promotion) -> PromotionInfo:
    detail = None
    if row.has_detail:
        detail = PromotionDetail(
            target_store_codes=tuple(row.target_store_codes),
            target_category_codes=tuple(row.target_category_codes),
            discount_rate=row.discount_rate,
        )
    return PromotionInfo(
        promotion_code=row.promotion_code,
        promotion_type=row.promotion_type,
        name=row.name,
        description=row.description,
        start_datetime=row.start_datetime,
        end_datetime=row.end_datetime,
        is_active=row.is_active,
        detail=detail,
    )


def promotions_active(
    *, store_code: str, at: datetime | None = None, cache_version: int | None = None
) -> list[PromotionInfo]:
    """Promotions active at ``at`` (default now) that target ``store_code`` (spec/20 §6.8), insertion order.

    With ``cache_version`` the store's active-flagged promotions are read once per version and their time window
    is checked here: a promotion starts and ends on time without a write."""
    if cache_version is None:
        return [promotion_info(row) for row in promotions_active_rows(store_code=store_code, at=at)]
    candidates = cache.cached(cache_version, ("promotions", store_code), lambda: tuple(
        promotion_info(row)
        for row in Promotion.objects.visible().filter(is_active=True).for_store(store_code).order_by("pk")
    ))
    at = at or timezone.now()
    return [p for p in candidates if p.start_datetime <= at <= p.end_datetime]


def _tax_info(entry: Mapping) -> TaxInfo:
    return TaxInfo(
        tax_code=str(entry["tax_code"]),
        tax_type=str(entry["tax_type"]),
        tax_name=str(entry["tax_name"]),
        rate=Decimal(str(entry["rate"])),
        round_digit=int(entry.get("round_digit", 0) or 0),
        round_method=entry.get("round_method"),
    )


def tax_table() -> list[TaxInfo]:
    """The configured tax master (``settings.TAX_MASTER`` or the default table), in configuration order."""
    return [_tax_info(entry) for entry in tax_master_config()]


def tax_get(*, tax_code: str) -> TaxInfo | None:
    return next((tax for tax in tax_table() if tax.tax_code == tax_code), None)


# === row reads for this app's endpoints and admin ==========================================================
def sorted_page(queryset: QuerySet, paging: Paging, *, fields: Mapping[str, str]) -> tuple[list, int]:
    """One page of ``queryset`` and the total before paging.

    ``paging.sort`` names storage fields; unknown ones are ignored (spec/20 §1.4), ties keep insertion order.
    ``fields`` maps storage names to model fields. ``limit 0`` means all rows, at most ``PAGE_SIZE_MAX`` (as any
    page: apps/core/paging.py).
    """
    order = [("-" if direction == -1 else "") + fields[name] for name, direction in paging.sort if name in fields]
    queryset = queryset.order_by(*order, "pk")
    total = queryset.count()
    return list(paging.rows(queryset)), total


def category_get(*, category_code: str) -> Category | None:
    return Category.objects.filter(category_code=category_code).first()


def item_get(*, item_code: str, is_deleted: bool = False) -> Item | None:
    """The item with this code whose logical-delete flag equals ``is_deleted`` exactly."""
    return Item.objects.filter(item_code=item_code, is_deleted=is_deleted).first()


def item_detail_row(*, store_code: str, item_code: str) -> Item | None:
    """A live item annotated with its store-price row (``store_row_*`` attributes), for ``/details``."""
    return _with_store_price(Item.objects.live().filter(item_code=item_code), store_code).first()


def store_price_get(*, store_code: str, item_code: str) -> ItemStorePrice | None:
    return ItemStorePrice.objects.filter(store_code=store_code, item_id=item_code).first()


def item_book_get(*, item_book_id: str) -> ItemBook | None:
    return ItemBook.objects.filter(item_book_id=item_book_id).first()


def item_book_prices(*, store_code: str, item_codes: Collection[str]) -> dict[str, tuple[str, Decimal]]:
    """For ``/detail`` buttons: code -> (description, price), price = store row's price if one exists, else the
    common unit price. Missing or logically deleted items are absent. One query."""
    details = item_details_map(store_code=store_code, item_codes=item_codes)
    return {
        code: (item.description, item.store_price if item.store_price is not None else item.unit_price)
        for code, item in details.items()
    }


def payment_get(*, payment_code: str) -> PaymentMethod | None:
    return PaymentMethod.objects.filter(payment_code=payment_code).first()


def setting_get(*, name: str) -> Setting | None:
    return Setting.objects.filter(name=name).prefetch_related("values").first()


def staff_row_get(*, staff_id: str) -> Staff | None:
    return Staff.objects.filter(staff_id=staff_id).first()


def promotion_get(*, promotion_code: str) -> Promotion | None:
    """A promotion that is not soft-deleted."""
    return Promotion.objects.visible().filter(promotion_code=promotion_code).first()


def promotions_list(*, promotion_type: str | None = None, is_active: bool | None = None) -> QuerySet[Promotion]:
    queryset = Promotion.objects.visible()
    if promotion_type is not None:
        queryset = queryset.filter(promotion_type=promotion_type)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset


def promotions_active_rows(
    *,
    store_code: str | None = None,
    category_code: str | None = None,
    promotion_type: str | None = None,
    at: datetime | None = None,
) -> list[Promotion]:
    """``/promotions/active`` filters (spec/20 §6.8), insertion order.

    store only: targeted at the store (empty target list = every store; no detail = never);
    category only: ``category_discount`` promotions listing the category;
    store and category: the store rule, then the category must be listed (any type with a detail);
    type (with any of these): equal type.
    """
    queryset = Promotion.objects.active_at(at or timezone.now())
    if store_code is not None:
        queryset = queryset.for_store(store_code)
        if category_code is not None:
            queryset = queryset.filter(target_category_codes__contains=[category_code])
    elif category_code is not None:
        queryset = queryset.filter(
            promotion_type=CATEGORY_DISCOUNT,
            discount_rate__isnull=False,
            target_category_codes__contains=[category_code],
        )
    if promotion_type is not None:
        queryset = queryset.filter(promotion_type=promotion_type)
    return list(queryset.order_by("pk"))


# --- list pages ---------------------------------------------------------------------------------------------
def _sort_fields(*names: str, **renamed: str) -> dict[str, str]:
    """Storage sort names -> model fields; ``created_at``/``updated_at`` sort every list."""
    return {**{name: name for name in (*names, "created_at", "updated_at")}, **renamed}


CATEGORY_SORT = _sort_fields("category_code", "description", "description_short", "tax_code")
ITEM_SORT = _sort_fields(
    "item_code", "description", "unit_price", "unit_cost", "category_code", "tax_code", "is_discount_restricted",
    "is_deleted",
)
STORE_PRICE_SORT = _sort_fields("store_code", "store_price", item_code="item_id")
ITEM_BOOK_SORT = _sort_fields("item_book_id", "title")
PAYMENT_SORT = _sort_fields(
    "payment_code", "description", "limit_amount", "can_refund", "can_deposit_over", "can_change", "is_active"
)
SETTING_SORT = _sort_fields("name", "default_value")
STAFF_SORT = _sort_fields("name", "pin", id="staff_id")
PROMOTION_SORT = _sort_fields(
    "promotion_code", "promotion_type", "name", "start_datetime", "end_datetime", "is_active"
)
TAX_SORT = ("tax_code", "tax_type", "tax_name", "rate", "round_digit", "round_method")


def categories_page(*, paging: Paging) -> tuple[list[Category], int]:
    return sorted_page(Category.objects.all(), paging, fields=CATEGORY_SORT)


def items_page(*, paging: Paging) -> tuple[list[Item], int]:
    """Every item, logically deleted ones included (spec/20 §5.2)."""
    return sorted_page(Item.objects.all(), paging, fields=ITEM_SORT)


def store_prices_page(*, store_code: str, paging: Paging) -> tuple[list[ItemStorePrice], int]:
    return sorted_page(ItemStorePrice.objects.filter(store_code=store_code), paging, fields=STORE_PRICE_SORT)


def item_books_page(*, paging: Paging) -> tuple[list[ItemBook], int]:
    return sorted_page(ItemBook.objects.all(), paging, fields=ITEM_BOOK_SORT)


def payments_page(*, paging: Paging) -> tuple[list[PaymentMethod], int]:
    """Inactive methods included (spec/20 §5.5)."""
    return sorted_page(PaymentMethod.objects.all(), paging, fields=PAYMENT_SORT)


def settings_page(*, paging: Paging) -> tuple[list[Setting], int]:
    return sorted_page(Setting.objects.prefetch_related("values"), paging, fields=SETTING_SORT)


def staff_page(*, paging: Paging) -> tuple[list[Staff], int]:
    return sorted_page(Staff.objects.all(), paging, fields=STAFF_SORT)


def promotions_page(
    *, paging: Paging, promotion_type: str | None = None, is_active: bool | None = None
) -> tuple[list[Promotion], int]:
    return sorted_page(
        promotions_list(promotion_type=promotion_type, is_active=is_active), paging, fields=PROMOTION_SORT
    )


def taxes_page(*, paging: Paging) -> tuple[list[TaxInfo], int]:
    """Paged in memory; without a known sort field the configuration order is kept; ``limit 0`` is an empty page
    here (as in Kugelpos)."""
    taxes = tax_table()
    for name, direction in reversed(paging.sort):  # stable sorts, last key first
        if name in TAX_SORT:
            taxes.sort(key=lambda tax, name=name: _none_last(getattr(tax, name)), reverse=direction == -1)
    return taxes[paging.offset : paging.offset + paging.limit], len(taxes)


def _none_last(value):
    return (value is None, "" if value is None else value)
