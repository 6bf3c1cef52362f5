"""Routes of the report service, mounted under ``/report`` (spec/40 §3.1)."""

from apps.core.urls import api_path, log_receiver_paths

from .api.views import ReportViewSet, TransactionReceiveViewSet

urlpatterns = [
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}/reports",
        ReportViewSet.as_view({"get": "store"}),
        name="report-store",
    ),
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}/terminals/{terminal_no}/reports",
        ReportViewSet.as_view({"get": "terminal"}),
        name="report-terminal",
    ),
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}/terminals/{terminal_no}/transactions",
        TransactionReceiveViewSet.as_view({"post": "create"}),
        name="report-transactions",
    ),
    *log_receiver_paths("report"),
]
