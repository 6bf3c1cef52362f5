"""Routes of the stock service under ``/stock`` (spec/50 §6). Fixed segments come before ``{item_code}``.

``GET T/stock/snapshot`` (no id) reads the item coded ``snapshot`` (404 stock-not-found), as in Kugelpos.
"""

from apps.core.urls import api_path

from .api.views import (
    DaprSubscribeView,
    SnapshotScheduleViewSet,
    SnapshotViewSet,
    StockTenantInitViewSet,
    StockViewSet,
    TranlogReceiverView,
)

T = "api/v1/tenants/{tenant_id}/stores/{store_code}"

urlpatterns = [
    api_path("api/v1/tenants", StockTenantInitViewSet.as_view({"post": "create"}), name="stock-tenants"),
    api_path("api/v1/tranlog", TranlogReceiverView.as_view(), name="stock-tranlog"),
    api_path("dapr/subscribe", DaprSubscribeView.as_view(), name="stock-dapr-subscribe"),
    api_path(
        "api/v1/tenants/{tenant_id}/stock/snapshot-schedule",
        SnapshotScheduleViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
        name="stock-snapshot-schedule",
    ),
    api_path(f"{T}/stock", StockViewSet.as_view({"get": "list_stock"}), name="stock-list"),
    api_path(f"{T}/stock/low", StockViewSet.as_view({"get": "low_stock"}), name="stock-low"),
    api_path(f"{T}/stock/reorder-alerts", StockViewSet.as_view({"get": "reorder_alerts"}), name="stock-reorder"),
    api_path(f"{T}/stock/snapshots", SnapshotViewSet.as_view({"get": "list_snapshots"}), name="stock-snapshots"),
    api_path(
        f"{T}/stock/snapshot/{{snapshot_id}}",
        SnapshotViewSet.as_view({"get": "get_snapshot"}),
        name="stock-snapshot-detail",
    ),
    api_path(
        f"{T}/stock/snapshot",
        SnapshotViewSet.as_view({"post": "create_snapshot", "get": "get_item_called_snapshot"}),
        name="stock-snapshot",
    ),
    api_path(f"{T}/stock/{{item_code}}", StockViewSet.as_view({"get": "get_stock"}), name="stock-item"),
    api_path(f"{T}/stock/{{item_code}}/update", StockViewSet.as_view({"put": "update_stock"}), name="stock-update"),
    api_path(f"{T}/stock/{{item_code}}/history", StockViewSet.as_view({"get": "history"}), name="stock-history"),
    api_path(f"{T}/stock/{{item_code}}/minimum", StockViewSet.as_view({"put": "set_minimum"}), name="stock-minimum"),
    api_path(
        f"{T}/stock/{{item_code}}/reorder", StockViewSet.as_view({"put": "set_reorder"}), name="stock-reorder-set"
    ),
]
