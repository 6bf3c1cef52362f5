"""Categories, items, store prices and the item details merge (spec/20 §5.1-§5.3)."""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.errors import NotFoundError
from apps.core.paging import page_metadata

from .. import selectors, services
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
