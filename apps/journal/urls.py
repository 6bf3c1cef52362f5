"""Routes of the journal service, mounted under ``/journal`` (spec/40 §4.1)."""

from apps.core.urls import api_path
from apps.journal.api.views import (
    JournalVerifyViewSet,
    JournalViewSet,
    LogReceiveViewSet,
    TransactionReceiveViewSet,
)

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
    *(
        api_path(
            f"api/v1/{event_type}",
            LogReceiveViewSet.as_view({"post": "create"}, event_type=event_type),
            name=f"journal-{event_type}",
        )
        for event_type in ("tranlog", "cashlog", "opencloselog")
    ),
]
