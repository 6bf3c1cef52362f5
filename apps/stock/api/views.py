"""Stock endpoints (spec/50 §6): thin adapters that parse, call one service or selector, and render.

Paginated stock lists use Shape B (spec/00 §2.2): ``data = {"data": [...], "metadata": {...}}`` and envelope
``metadata`` null.
"""

from __future__ import annotations

import logging

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.authentication import EitherAuthentication, NotifyAuthentication
from apps.core.api.views import KugelposViewSet, MethodCheckedFirst, TenantInitSerializer, TenantInitViewSet
from apps.core.auth import Credential
from apps.core.paging import Paging, page_metadata, paginate, parse_paging

from .. import selectors, services
from ..models import UpdateType
from .serializers import (
    MinimumInput,
    ReorderInput,
    ScheduleInput,
    SnapshotInput,
    SnapshotOutput,
    StockOutput,
    StockUpdateInput,
    StockUpdateOutput,
    schedule_data,
)

logger = logging.getLogger(__name__)

MAX_LIMIT = 1000
OBJECT = OpenApiTypes.OBJECT
PAGING = [OpenApiParameter("page", int, description="1-based page (default 1)"),
          OpenApiParameter("limit", int, description="page size, 1-1000 (default 100)")]
DATE_RANGE = [OpenApiParameter("start_date", str, description="inclusive lower bound, compared as a string"),
              OpenApiParameter("end_date", str, description="inclusive upper bound, compared as a string")]


def _nested(rows: list, metadata: dict) -> dict:
    return {"data": rows, "metadata": metadata}


def _all_rows_metadata(count: int) -> dict:
    """Unpaged lists (low stock, reorder alerts): ``{total: n, page: 1, limit: n}`` (spec/50 §5.3)."""
    return {"total": count, "page": 1, "limit": count, "sort": None, "filter": None}


def _stock_item_response(view: KugelposViewSet, *, store_code: str, item_code: str):
    stock = selectors.stock_get(store_code=store_code, item_code=item_code)
    return view.respond(StockOutput(stock).data, message="Stock retrieved successfully", operation="get_stock")


class StockApiViewSet(KugelposViewSet):
    authentication_classes = [EitherAuthentication]

    def stock_paging(self) -> Paging:
        """``page`` ≥ 1, ``limit`` 1–1000 (default 100); stock takes no ``sort`` parameter."""
        query = self.request.query_params
        params = {name: query[name] for name in ("limit", "page") if name in query}
        return parse_paging(params, default_limit=100, min_limit=1, max_limit=MAX_LIMIT)

    def terminal_id(self) -> str | None:
        return self.request.query_params.get("terminal_id") or None


class StockViewSet(StockApiViewSet):
    """``T/stock``, ``T/stock/low``, ``T/stock/reorder-alerts`` and ``T/stock/{item_code}[/...]``."""

    input_serializers = {"update_stock": StockUpdateInput, "set_minimum": MinimumInput, "set_reorder": ReorderInput}

    @extend_schema(parameters=PAGING, responses={200: OBJECT}, operation_id="stock_list")
    def list_stock(self, request: Request, tenant_id: str, store_code: str):
        paging = self.stock_paging()
        rows, total = paginate(selectors.stock_list(store_code=store_code), paging)
        return self.respond(
            _nested(StockOutput(rows, many=True).data, page_metadata(total, paging, echo_sort=False)),
            message="Stock list retrieved successfully",
            operation="get_store_stocks",
        )

    @extend_schema(responses={200: OBJECT}, operation_id="stock_low_list")
    def low_stock(self, request: Request, tenant_id: str, store_code: str):
        rows = selectors.stock_low_list(store_code=store_code)
        return self.respond(
            _nested(StockOutput(rows, many=True).data, _all_rows_metadata(len(rows))),
            message="Low stock items retrieved successfully",
            operation="get_low_stocks",
        )

    @extend_schema(responses={200: OBJECT}, operation_id="stock_reorder_alert_list")
    def reorder_alerts(self, request: Request, tenant_id: str, store_code: str):
        rows = selectors.stock_reorder_list(store_code=store_code)
        return self.respond(
            _nested(StockOutput(rows, many=True).data, _all_rows_metadata(len(rows))),
            message="Reorder alert items retrieved successfully",
            operation="get_reorder_alerts",
        )

    @extend_schema(responses={200: OBJECT}, operation_id="stock_get")
    def get_stock(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        return _stock_item_response(self, store_code=store_code, item_code=item_code)

    @extend_schema(request=StockUpdateInput, responses={200: OBJECT}, operation_id="stock_update")
    def update_stock(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        body = self.validated_body()
        update = services.stock_apply_change(
            tenant_id=tenant_id,
            store_code=store_code,
            item_code=item_code,
            quantity_change=body["quantity_change"],
            update_type=UpdateType(body["update_type"]),
            reference_id=body.get("reference_id"),
            operator_id=body.get("operator_id") or self.terminal_id(),
            note=body.get("note"),
        )
        return self.respond(
            StockUpdateOutput(update).data, message="Stock updated successfully", operation="update_stock"
        )

    @extend_schema(parameters=PAGING, responses={200: OBJECT}, operation_id="stock_history")
    def history(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        paging = self.stock_paging()
        rows, total = selectors.stock_history_page(store_code=store_code, item_code=item_code, paging=paging)
        return self.respond(
            _nested(StockUpdateOutput(rows, many=True).data, page_metadata(total, paging, echo_sort=False)),
            message="Stock history retrieved successfully",
            operation="get_stock_history",
        )

    @extend_schema(request=MinimumInput, responses={200: OBJECT}, operation_id="stock_set_minimum")
    def set_minimum(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        body = self.validated_body()
        services.stock_set_minimum(
            tenant_id=tenant_id, store_code=store_code, item_code=item_code, minimum_quantity=body["minimum_quantity"]
        )
        return self.respond(None, message="Minimum quantity set successfully", operation="set_minimum_quantity")

    @extend_schema(request=ReorderInput, responses={200: OBJECT}, operation_id="stock_set_reorder")
    def set_reorder(self, request: Request, tenant_id: str, store_code: str, item_code: str):
        body = self.validated_body()
        services.stock_set_reorder(
            tenant_id=tenant_id,
            store_code=store_code,
            item_code=item_code,
            reorder_point=body["reorder_point"],
            reorder_quantity=body["reorder_quantity"],
        )
        return self.respond(None, message="Reorder parameters set successfully", operation="set_reorder_parameters")


class SnapshotViewSet(StockApiViewSet):
    """``T/stock/snapshot`` (POST; GET there is the item route for an item coded ``snapshot``),
    ``T/stock/snapshots``, ``T/stock/snapshot/{snapshot_id}``."""

    input_serializers = {"create_snapshot": SnapshotInput}

    @extend_schema(request=SnapshotInput, responses={201: OBJECT}, operation_id="stock_snapshot_create")
    def create_snapshot(self, request: Request, tenant_id: str, store_code: str):
        created_by = self.validated_body().get("created_by") or "system"
        if created_by == "system" and self.terminal_id():
            created_by = self.terminal_id()
        snapshot = services.snapshot_create(tenant_id=tenant_id, store_code=store_code, created_by=created_by)
        return self.respond(
            SnapshotOutput(snapshot).data, message="Snapshot created successfully", operation="create_snapshot",
            status=201,
        )

    @extend_schema(exclude=True)
    def get_item_called_snapshot(self, request: Request, tenant_id: str, store_code: str):
        """``GET T/stock/snapshot`` is the item route #7 for item code ``snapshot`` (spec/50 §6 precedence)."""
        return _stock_item_response(self, store_code=store_code, item_code="snapshot")

    @extend_schema(parameters=[*PAGING, *DATE_RANGE], responses={200: OBJECT}, operation_id="stock_snapshot_list")
    def list_snapshots(self, request: Request, tenant_id: str, store_code: str):
        paging = self.stock_paging()
        params = request.query_params
        start_date, end_date = params.get("start_date"), params.get("end_date")
        applied = {name: value for name, value in (("start_date", start_date), ("end_date", end_date))
                   if value is not None}
        rows, total = paginate(
            selectors.snapshot_list(store_code=store_code, start_date=start_date, end_date=end_date), paging
        )
        metadata = {"total": total, "page": paging.page, "limit": paging.limit, "sort": "generate_date_time:-1",
                    "filter": applied or None}
        return self.respond(
            _nested(SnapshotOutput(rows, many=True).data, metadata),
            message="Snapshots retrieved successfully",
            operation="get_snapshots_by_date_range",
        )

    @extend_schema(responses={200: OBJECT}, operation_id="stock_snapshot_get")
    def get_snapshot(self, request: Request, tenant_id: str, store_code: str, snapshot_id: str):
        snapshot = selectors.snapshot_get(snapshot_id=snapshot_id)
        return self.respond(
            SnapshotOutput(snapshot).data, message="Snapshot retrieved successfully", operation="get_snapshot_by_id"
        )


class SnapshotScheduleViewSet(StockApiViewSet):
    """``/api/v1/tenants/{tenant_id}/stock/snapshot-schedule`` (snake_case body and data, operation null)."""

    input_serializers = {"update": ScheduleInput}

    @extend_schema(responses={200: OBJECT}, operation_id="stock_snapshot_schedule_get")
    def retrieve(self, request: Request, tenant_id: str):
        return self.respond(
            schedule_data(selectors.snapshot_schedule_view(tenant_id=tenant_id)),
            message="Snapshot schedule retrieved successfully",
            operation=None,
        )

    @extend_schema(request=ScheduleInput, responses={200: OBJECT}, operation_id="stock_snapshot_schedule_put")
    def update(self, request: Request, tenant_id: str):
        credential: Credential = self.credential
        updated_by = credential.claims.get("sub", "system") if credential.kind == "user" else "system"
        services.snapshot_schedule_save(tenant_id=tenant_id, values=self.validated_body(), updated_by=updated_by)
        return self.respond(
            schedule_data(selectors.snapshot_schedule_view(tenant_id=tenant_id)),
            message="Snapshot schedule updated successfully",
            operation=None,
        )

    @extend_schema(responses={200: OBJECT}, operation_id="stock_snapshot_schedule_delete")
    def destroy(self, request: Request, tenant_id: str):
        services.snapshot_schedule_delete()
        return self.respond({"deleted": True}, message="Snapshot schedule deleted successfully", operation=None)


class StockTenantInitViewSet(TenantInitViewSet):
    """``POST /stock/api/v1/tenants`` (spec/50 §6.12): as core's, but a setup failure names its cause."""

    def failure_message(self, tenant_id: str, cause: str) -> str:
        return f"Error creating tenant: {tenant_id} : {cause}"

    @extend_schema(request=TenantInitSerializer, responses={201: OBJECT}, operation_id="stock_tenant_create")
    def create(self, request: Request):
        return super().create(request)


class TranlogReceiverView(MethodCheckedFirst, APIView):
    """``POST /stock/api/v1/tranlog``: a Dapr CloudEvent ``{"data": <tranlog>}``; answers are not enveloped."""

    permission_classes = [AllowAny]
    authentication_classes = [NotifyAuthentication]  # never open: the key is always set (issue #20)

    @extend_schema(
        request=OBJECT, responses={200: OBJECT, 400: OBJECT, 500: OBJECT}, operation_id="stock_tranlog_receive"
    )
    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        data = body.get("data")
        data = data if isinstance(data, dict) else {}
        if data.get("test") == "health-check":
            return Response({"status": "SUCCESS"})
        if not data.get("event_id"):
            return Response({"status": "DROP", "message": "Missing event_id"}, status=400)
        if not data.get("tenant_id"):
            return Response({"status": "DROP", "message": "Missing tenant_id"}, status=400)
        try:
            services.stock_receive_tranlog(payload=data)
        except Exception as exc:  # noqa: BLE001 - the sender retries; the failure is on the delivery record
            logger.exception("tranlog %s not applied", data.get("event_id"))
            return Response({"status": "RETRY", "message": str(exc)}, status=500)
        return Response({"status": "SUCCESS"})


class DaprSubscribeView(APIView):
    """``GET /stock/dapr/subscribe``: the subscription Kugelpos declared to Dapr."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}}, operation_id="stock_dapr_subscribe")
    def get(self, request: Request) -> Response:
        return Response([{"pubsubname": "pubsub-tranlog-report", "topic": "topic-tranlog", "route": "/api/v1/tranlog"}])
