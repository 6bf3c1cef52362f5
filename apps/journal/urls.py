"""Routes of the journal service, mounted under ``/journal`` (spec/40 §4.1)."""

from apps.core.urls import api_path, log_receiver_paths
from apps.journal.api.views import JournalVerifyViewSet, JournalViewSet, TransactionReceiveViewSet

urlpatterns = [
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}/terminals/{terminal_no}/journals",
        JournalViewSet.as_view({"post": "create"}),
        name="journal-receive",
    ),
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}/terminals/{terminal_no}/journals/verify",
        JournalVerifyViewSet.as_view({"get": "list"}),
        name="journal-verify",
    ),
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}/journals",
        JournalViewSet.as_view({"get": "list"}),
        name="journal-search",
    ),
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}/terminals/{terminal_no}/transactions",
        TransactionReceiveViewSet.as_view({"post": "create"}),
        name="journal-transactions",
    ),
    *log_receiver_paths("journal"),
]
