"""Master-data endpoints (spec/20 §5): thin adapters that parse, call one service or selector, and render.

Messages and ``operation`` names are Kugelpos'. Path prefix: ``/master-data/api/v1/tenants/{tenant_id}``.
"""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.errors import NotFoundError
from apps.core.paging import page_metadata

from .. import selectors, services
from ..item_book_tree import tree_item_codes
from ..selectors import PromotionDetail
from ..setting_values import ScopedValue
from . import presenters
from . import serializers as bodies
from .base import MasterDataViewSet, Query


class CategoryViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.CategoryCreateSerializer, "update": bodies.CategoryUpdateSerializer}

    def create(self, request: Request, tenant_id: str):
        category = services.category_create(**self.validated_body())
        return self.respond(
            presenters.category_data(category),
            message=f"Category {category.category_code} created successfully",
            operation="create_category",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.categories_page(paging=paging)
        return self.respond(
            [presenters.category_data(row) for row in rows],
            message=f"Categories found successfully for tenant_id: {tenant_id}",
            operation="get_categories",
            metadata=page_metadata(total, paging, filter={"tenant_id": tenant_id}),
        )

    def retrieve(self, request: Request, tenant_id: str, category_code: str):
        category = selectors.category_get(category_code=category_code)
        if category is None:
            raise NotFoundError(f"Category {category_code} not found, tenant_id: {tenant_id}")
        return self.respond(
            presenters.category_data(category),
            message=f"Category {category_code} found successfully for tenant_id: {tenant_id}",
            operation="get_category",
        )

    def update(self, request: Request, tenant_id: str, category_code: str):
        category = services.category_update(category_code=category_code, **self.validated_body())
        return self.respond(
            presenters.category_data(category),
            message=f"Category {category_code} updated successfully for tenant_id: {tenant_id}",
            operation="update_category",
        )

    def destroy(self, request: Request, tenant_id: str, category_code: str):
        services.category_delete(category_code=category_code)
        return self.respond(
            {"categoryCode": category_code},
            message=f"Category {category_code} deleted successfully for tenant_id: {tenant_id}",
            operation="delete_category",
        )


class ItemViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.ItemCreateSerializer, "update": bodies.ItemUpdateSerializer}
    query_params = {
        "retrieve": {"is_logical_deleted": Query(bool, default=False)},
        "destroy": {"is_logical": Query(bool, default=False)},
    }

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        body.pop("is_discount_restricted", None)  # Kugelpos never passes it on: created items are unrestricted
        item = services.item_create(**body)
        return self.respond(
            presenters.item_data(item),
            message=f"Item created successfully. item_code: {item.item_code}",
            operation="create_item_master_async",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.items_page(paging=paging)
        return self.respond(
            [presenters.item_data(row) for row in rows],
            message=f"Items found. Total items: {total}",
            operation="get_item_master_all_async",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, item_code: str):
        item = selectors.item_get(item_code=item_code, is_deleted=self.query()["is_logical_deleted"])
        if item is None:
            raise NotFoundError(f"Item not found. item_code: {item_code}")
        return self.respond(
            presenters.item_data(item), message=f"Item found. item_code: {item_code}", operation="get_item_master_async"
        )

    def update(self, request: Request, tenant_id: str, item_code: str):
        item = services.item_update(item_code=item_code, **self.validated_body())
        return self.respond(
            presenters.item_data(item),
            message=f"Item updated successfully. item_code: {item_code}",
            operation="update_item_master_async",
        )

    def destroy(self, request: Request, tenant_id: str, item_code: str):
        is_logical = self.query()["is_logical"]
        services.item_delete(item_code=item_code, is_logical=is_logical)
        return self.respond(
            {"itemCode": item_code, "isLogical": is_logical},
            message=f"Item deleted successfully. item_code: {item_code}, logically_mode: {is_logical}",
            operation="delete_item_master_async",
        )


class StorePriceViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.StorePriceCreateSerializer, "update": bodies.StorePriceUpdateSerializer}

    def create(self, request: Request, tenant_id: str, store_code: str):
        row = services.store_price_create(store_code=store_code, **self.validated_body())
        return self.respond(
            presenters.store_price_data(row),
            message=f"Item Store created successfully. item_code: {row.item_id}",
            operation="create_item_master_async",
            status=201,
        )

    def list(self, request: Request, tenant_id: str, store_code: str):
        paging = self.list_paging()
        rows, total = selectors.store_prices_page(store_code=store_code, paging=paging)
        return self.respond(
            [presenters.store_price_data(row) for row in rows],
            message=f"Items found. Total items: {total}",
            operation="get_item_store_master_all_async",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        row = selectors.store_price_get(store_code=store_code, item_code=item_code)
        if row is None:
            raise NotFoundError(f"Item not found. item_code: {item_code}")
        return self.respond(
            presenters.store_price_data(row),
            message=f"Item found. item_code: {item_code}",
            operation="get_item_store_master_async",
        )

    def update(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        row = services.store_price_update(store_code=store_code, item_code=item_code, **self.validated_body())
        return self.respond(
            presenters.store_price_data(row),
            message=f"Item store updated successfully. item_code: {item_code}",
            operation="update_item_store_master_async",
        )

    def destroy(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        services.store_price_delete(store_code=store_code, item_code=item_code)
        return self.respond(
            {"itemCode": item_code},
            message=f"Item store deleted successfully. item_code: {item_code}",
            operation="delete_item_store_master_async",
        )

    def details(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        item = selectors.item_detail_row(store_code=store_code, item_code=item_code)
        if item is None:
            raise NotFoundError(f"Item not found. item_code: {item_code}")
        return self.respond(
            presenters.item_detail_data(item),
            message=f"Item found. item_code: {item_code}",
            operation="get_item_store_master_detail_async",
        )


class ItemBookViewSet(MasterDataViewSet):
    input_serializers = {
        "create": bodies.ItemBookSerializer,
        "update": bodies.ItemBookSerializer,
        "add_category": bodies.BookCategorySerializer,
        "update_category": bodies.BookCategorySerializer,
        "add_tab": bodies.TabSerializer,
        "update_tab": bodies.TabSerializer,
        "add_button": bodies.ButtonSerializer,
        "update_button": bodies.ButtonSerializer,
    }
    query_params = {
        "retrieve": {"store_code": Query(str)},  # accepted, unused
        "retrieve_priced": {"store_code": Query(str, required=True)},
    }

    def _book(self, book, message: str, operation: str, status: int = 200):
        return self.respond(
            presenters.item_book_data(book), message=f"{message}. item_book_id: {book.item_book_id}",
            operation=operation, status=status,
        )

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        book = services.item_book_create(title=body["title"], categories=body.get("categories"))
        return self._book(book, "Item Book created successfully", "create_item_book", 201)

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.item_books_page(paging=paging)
        return self.respond(
            [presenters.item_book_data(row) for row in rows],
            message=f"Item Books found successfully. Total count: {total}",
            operation="get_all_item_books",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def _get(self, item_book_id: str):
        book = selectors.item_book_get(item_book_id=item_book_id)
        if book is None:
            raise NotFoundError(f"Item Book not found. item_book_id: {item_book_id}")
        return book

    def retrieve(self, request: Request, tenant_id: str, item_book_id: str):
        return self._book(self._get(item_book_id), "Item Book found successfully", "get_item_book_by_id")

    def retrieve_priced(self, request: Request, tenant_id: str, item_book_id: str):
        store_code = self.query()["store_code"]
        book = self._get(item_book_id)
        prices = selectors.item_book_prices(store_code=store_code, item_codes=tree_item_codes(book.categories))
        return self.respond(
            presenters.item_book_data(book, prices),
            message=f"Item Book found successfully. item_book_id: {item_book_id}",
            operation="get_item_book_detail_by_id",
        )

    def update(self, request: Request, tenant_id: str, item_book_id: str):
        body = self.validated_body()
        book = services.item_book_update(
            item_book_id=item_book_id, title=body["title"], categories=body.get("categories")
        )
        return self._book(book, "Item Book updated successfully", "update_item_book")

    def destroy(self, request: Request, tenant_id: str, item_book_id: str):
        services.item_book_delete(item_book_id=item_book_id)
        return self.respond(
            {"itemBookId": item_book_id},
            message=f"Item Book deleted successfully. item_book_id: {item_book_id}",
            operation="delete_item_book",
        )

    # --- categories of a book ------------------------------------------------------------------------------
    def add_category(self, request: Request, tenant_id: str, item_book_id: str):
        book = services.item_book_category_add(item_book_id=item_book_id, category=self.validated_body())
        return self._book(book, "Category added to Item Book successfully", "add_category_to_item_book", 201)

    def update_category(self, request: Request, tenant_id: str, item_book_id: str, category_number: str):
        book = services.item_book_category_update(
            item_book_id=item_book_id, category=self.validated_body(), **self.path_ints()
        )
        return self._book(book, "Category updated in Item Book successfully", "update_category_in_item_book")

    def delete_category(self, request: Request, tenant_id: str, item_book_id: str, category_number: str):
        numbers = self.path_ints()
        services.item_book_category_delete(item_book_id=item_book_id, **numbers)
        return self.respond(
            {"itemBookId": item_book_id, "categoryNumber": numbers["category_number"]},
            message=f"Category deleted from Item Book successfully. item_book_id: {item_book_id}",
            operation="delete_category_from_item_book",
        )

    # --- tabs -------------------------------------------------------------------------------------------------
    def add_tab(self, request: Request, tenant_id: str, item_book_id: str, category_number: str):
        book = services.item_book_tab_add(item_book_id=item_book_id, tab=self.validated_body(), **self.path_ints())
        return self._book(
            book, "Tab added to Category in Item Book successfully", "add_tab_to_category_in_item_book", 201
        )

    def update_tab(self, request: Request, tenant_id: str, item_book_id: str, category_number: str, tab_number: str):
        book = services.item_book_tab_update(item_book_id=item_book_id, tab=self.validated_body(), **self.path_ints())
        return self._book(
            book, "Tab updated in Category in Item Book successfully", "update_tab_in_category_in_item_book"
        )

    def delete_tab(self, request: Request, tenant_id: str, item_book_id: str, category_number: str, tab_number: str):
        numbers = self.path_ints()
        services.item_book_tab_delete(item_book_id=item_book_id, **numbers)
        return self.respond(
            {
                "itemBookId": item_book_id,
                "categoryNumber": numbers["category_number"],
                "tabNumber": numbers["tab_number"],
            },
            message=f"Tab deleted from Category in Item Book successfully. item_book_id: {item_book_id}",
            operation="delete_tab_from_category_in_item_book",
        )

    # --- buttons ----------------------------------------------------------------------------------------------
    def add_button(self, request: Request, tenant_id: str, item_book_id: str, category_number: str, tab_number: str):
        book = services.item_book_button_add(
            item_book_id=item_book_id, button=self.validated_body(), **self.path_ints()
        )
        return self._book(
            book,
            "Button added to Tab in Category in Item Book successfully",
            "add_button_to_tab_in_category_in_item_book",
            201,
        )

    def update_button(self, request: Request, tenant_id: str, item_book_id: str, **path: str):
        book = services.item_book_button_update(
            item_book_id=item_book_id, button=self.validated_body(), **self.path_ints()
        )
        return self._book(
            book,
            "Button updated in Tab in Category in Item Book successfully",
            "update_button_in_tab_in_category_in_item_book",
        )

    def delete_button(self, request: Request, tenant_id: str, item_book_id: str, **path: str):
        numbers = self.path_ints()
        services.item_book_button_delete(item_book_id=item_book_id, **numbers)
        return self.respond(
            {
                "itemBookId": item_book_id,
                "categoryNumber": numbers["category_number"],
                "tabNumber": numbers["tab_number"],
                "posX": numbers["pos_x"],
                "posY": numbers["pos_y"],
            },
            message=f"Button deleted from Tab in Category in Item Book successfully. item_book_id: {item_book_id}",
            operation="delete_button_from_tab_in_category_in_item_book",
        )


class PaymentViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.PaymentCreateSerializer, "update": bodies.PaymentUpdateSerializer}

    def create(self, request: Request, tenant_id: str):
        payment = services.payment_create(**self.validated_body())
        return self.respond(
            presenters.payment_data(payment),
            message=f"Payment created. payment_code: {payment.payment_code}",
            operation="create_payment",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.payments_page(paging=paging)
        return self.respond(
            [presenters.payment_data(row) for row in rows],
            message=f"Payments found. Total payments: {total}",
            operation="get_all_payments",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, payment_code: str):
        payment = selectors.payment_get(payment_code=payment_code)
        if payment is None:
            raise NotFoundError(f"Payment not found. payment_code: {payment_code}")
        return self.respond(
            presenters.payment_data(payment),
            message=f"Payment found. payment_code: {payment_code}",
            operation="get_payment",
        )

    def update(self, request: Request, tenant_id: str, payment_code: str):
        payment = services.payment_update(payment_code=payment_code, **self.validated_body())
        return self.respond(
            presenters.payment_data(payment),
            message=f"Payment updated. payment_code: {payment_code}",
            operation="update_payment",
        )

    def destroy(self, request: Request, tenant_id: str, payment_code: str):
        services.payment_delete(payment_code=payment_code)
        return self.respond(
            {"paymentCode": payment_code},
            message=f"Payment deleted. payment_code: {payment_code}",
            operation="delete_payment",
        )


def _scoped_values(values: list[dict]) -> list[ScopedValue]:
    return [ScopedValue(entry.get("store_code"), entry.get("terminal_no"), entry["value"]) for entry in values]


class SettingViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.SettingCreateSerializer, "update": bodies.SettingUpdateSerializer}
    query_params = {"value": {"store_code": Query(str, required=True), "terminal_no": Query(int, required=True)}}

    def _setting(self, name: str):
        return selectors.setting_get(name=name)

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        setting = services.setting_create(
            name=body["name"], default_value=body["default_value"], values=_scoped_values(body["values"])
        )
        return self.respond(
            presenters.setting_data(self._setting(setting.name)),
            message=f"Settings created successfully. settings_id: {setting.name}",
            operation="create_settings_master_async",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.settings_page(paging=paging)
        return self.respond(
            [presenters.setting_data(row) for row in rows],
            message=f"Settings retrieved successfully. Total count: {total}",
            operation="get_settings_master_async",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, name: str):
        setting = self._setting(name)
        if setting is None:
            raise NotFoundError(f"Settings not found. settings name: {name}")
        return self.respond(
            presenters.setting_data(setting),
            message=f"Settings found. settings_id: {name}",
            operation="get_settings_master_by_name_async",
        )

    def value(self, request: Request, tenant_id: str, name: str):
        query = self.query()
        value = selectors.setting_value_get(name=name, store_code=query["store_code"], terminal_no=query["terminal_no"])
        if value is None:
            raise NotFoundError(f"Settings value not found. settings_name: {name}")
        return self.respond(
            {"value": value},
            message=f"Settings value found. settings_name: {name}",
            operation="get_settings_value_by_name_async",
        )

    def update(self, request: Request, tenant_id: str, name: str):
        body = self.validated_body()
        services.setting_update(name=name, default_value=body["default_value"], values=_scoped_values(body["values"]))
        return self.respond(
            presenters.setting_data(self._setting(name)),
            message=f"Settings updated successfully. settings_id: {name}",
            operation="update_settings_master_async",
        )

    def destroy(self, request: Request, tenant_id: str, name: str):
        services.setting_delete(name=name)
        return self.respond(
            {"name": name},
            message=f"Settings deleted successfully. settings_id: {name}",
            operation="delete_settings_master_async",
        )


class TaxViewSet(MasterDataViewSet):
    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        taxes, total = selectors.taxes_page(paging=paging)
        return self.respond(
            [presenters.tax_data(tax) for tax in taxes],
            message=f"Taxes found successfully for tenant_id: {tenant_id}. Total count: {total}",
            operation="get_taxes",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, tax_code: str):
        tax = selectors.tax_get(tax_code=tax_code)
        if tax is None:
            raise NotFoundError(f"Tax {tax_code} not found, tenant_id: {tenant_id}")
        return self.respond(
            presenters.tax_data(tax),
            message=f"Tax {tax_code} found successfully for tenant_id: {tenant_id}",
            operation="get_tax",
        )


class StaffViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.StaffCreateSerializer, "update": bodies.StaffUpdateSerializer}

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        staff = services.staff_create(staff_id=body["id"], name=body["name"], pin=body["pin"], roles=body["roles"])
        return self.respond(
            presenters.staff_data(staff),
            message=f"Staff created successfully. staff_id: {staff.staff_id}",
            operation="create_staff_master_async",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.staff_page(paging=paging)
        return self.respond(
            [presenters.staff_data(row) for row in rows],
            message=f"All staff found. Total count: {total}",
            operation="get_staff_master_all_async",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, staff_id: str):
        staff = selectors.staff_row_get(staff_id=staff_id)
        if staff is None:
            raise NotFoundError(f"Staff not found. staff_id: {staff_id}")
        return self.respond(
            presenters.staff_data(staff),
            message=f"Staff found. staff_id: {staff_id}",
            operation="get_staff_master_async",
        )

    def update(self, request: Request, tenant_id: str, staff_id: str):
        staff = services.staff_update(staff_id=staff_id, **self.validated_body())
        return self.respond(
            presenters.staff_data(staff),
            message=f"Staff updated successfully. staff_id: {staff_id}",
            operation="update_staff_master_async",
        )

    def destroy(self, request: Request, tenant_id: str, staff_id: str):
        services.staff_delete(staff_id=staff_id)
        return self.respond(
            {"staffId": staff_id},
            message=f"Staff deleted successfully. staff_id: {staff_id}",
            operation="delete_staff_master_async",
        )


def _detail(body: dict) -> PromotionDetail | None:
    detail = body.get("detail")
    if detail is None:
        return None
    return PromotionDetail(
        target_store_codes=tuple(detail.get("target_store_codes") or ()),
        target_category_codes=tuple(detail["target_category_codes"]),
        discount_rate=detail["discount_rate"],
    )


class PromotionViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.PromotionCreateSerializer, "update": bodies.PromotionUpdateSerializer}
    list_default_limit = 20
    query_params = {
        "list": {"promotionType": Query(str), "isActive": Query(bool)},
        "active": {"storeCode": Query(str), "categoryCode": Query(str), "promotionType": Query(str)},
    }

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        promotion = services.promotion_create(
            promotion_code=body["promotion_code"],
            promotion_type=body["promotion_type"],
            name=body["name"],
            description=body.get("description"),
            start_datetime=body["start_datetime"],
            end_datetime=body["end_datetime"],
            is_active=body.get("is_active", True),
            detail=_detail(body),
        )
        return self.respond(
            presenters.promotion_data(promotion),
            message=f"Promotion {promotion.promotion_code} created successfully",
            operation="create_promotion",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        query = self.query()
        rows, total = selectors.promotions_page(
            paging=paging, promotion_type=query["promotionType"], is_active=query["isActive"]
        )
        echo = {}
        if query["promotionType"] is not None:
            echo["promotion_type"] = query["promotionType"]
        if query["isActive"] is not None:
            echo["is_active"] = query["isActive"]
        return self.respond(
            [presenters.promotion_data(row) for row in rows],
            message=f"Promotions retrieved successfully for tenant_id: {tenant_id}",
            operation="get_promotions",
            metadata=page_metadata(total, paging, filter={**echo, "tenant_id": tenant_id, "is_deleted": False}),
        )

    def active(self, request: Request, tenant_id: str):
        query = self.query()
        rows = selectors.promotions_active_rows(
            store_code=query["storeCode"], category_code=query["categoryCode"], promotion_type=query["promotionType"]
        )
        return self.respond(
            [presenters.promotion_data(row) for row in rows],
            message=f"Active promotions retrieved successfully for tenant_id: {tenant_id}",
            operation="get_active_promotions",
        )

    def retrieve(self, request: Request, tenant_id: str, promotion_code: str):
        promotion = selectors.promotion_get(promotion_code=promotion_code)
        if promotion is None:
            raise NotFoundError(f"Promotion {promotion_code} not found")
        return self.respond(
            presenters.promotion_data(promotion),
            message=f"Promotion {promotion_code} found successfully for tenant_id: {tenant_id}",
            operation="get_promotion",
        )

    def update(self, request: Request, tenant_id: str, promotion_code: str):
        body = self.validated_body()
        detail = _detail(body)
        promotion = services.promotion_update(
            promotion_code=promotion_code,
            name=body.get("name"),
            description=body.get("description"),
            start_datetime=body.get("start_datetime"),
            end_datetime=body.get("end_datetime"),
            is_active=body.get("is_active"),
            **({"detail": detail} if detail is not None else {}),
        )
        return self.respond(
            presenters.promotion_data(promotion),
            message=f"Promotion {promotion_code} updated successfully for tenant_id: {tenant_id}",
            operation="update_promotion",
        )

    def destroy(self, request: Request, tenant_id: str, promotion_code: str):
        services.promotion_delete(promotion_code=promotion_code)
        return self.respond(
            {"promotionCode": promotion_code},
            message=f"Promotion {promotion_code} deleted successfully for tenant_id: {tenant_id}",
            operation="delete_promotion",
        )
