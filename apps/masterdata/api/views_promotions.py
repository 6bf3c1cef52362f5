"""Promotions (spec/20 §5.9, §6.8)."""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.errors import NotFoundError
from apps.core.paging import page_metadata

from .. import selectors, services
from ..selectors import PromotionDetail
from . import presenters
from . import serializers as bodies
from .base import MasterDataViewSet, Query


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
