"""Routes of the terminal service, mounted under ``/terminal`` (spec/10 §5)."""

from apps.core.urls import api_path

from .api.views import (
    DeliveryStatusViewSet,
    StoreViewSet,
    TenantViewSet,
    TerminalLifecycleViewSet,
    TerminalTokenViewSet,
    TerminalViewSet,
)

TERMINAL = "api/v1/terminals/{terminal_id}"

urlpatterns = [
    api_path("api/v1/tenants", TenantViewSet.as_view({"post": "create"}), name="terminal-tenants"),
    api_path(
        "api/v1/tenants/{tenant_id}",
        TenantViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
        name="terminal-tenant",
    ),
    api_path(
        "api/v1/tenants/{tenant_id}/stores",
        StoreViewSet.as_view({"post": "create", "get": "list"}),
        name="terminal-stores",
    ),
    api_path(
        "api/v1/tenants/{tenant_id}/stores/{store_code}",
        StoreViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
        name="terminal-store",
    ),
    api_path("api/v1/auth/token", TerminalTokenViewSet.as_view({"post": "token"}), name="terminal-token"),
    api_path("api/v1/terminals", TerminalViewSet.as_view({"post": "create", "get": "list"}), name="terminals"),
    api_path(TERMINAL, TerminalViewSet.as_view({"get": "retrieve", "delete": "destroy"}), name="terminal"),
    api_path(
        f"{TERMINAL}/description", TerminalViewSet.as_view({"patch": "update_description"}), name="terminal-description"
    ),
    api_path(
        f"{TERMINAL}/function_mode",
        TerminalViewSet.as_view({"patch": "update_function_mode"}),
        name="terminal-function-mode",
    ),
    api_path(f"{TERMINAL}/sign-in", TerminalLifecycleViewSet.as_view({"post": "sign_in"}), name="terminal-sign-in"),
    api_path(f"{TERMINAL}/sign-out", TerminalLifecycleViewSet.as_view({"post": "sign_out"}), name="terminal-sign-out"),
    api_path(f"{TERMINAL}/open", TerminalLifecycleViewSet.as_view({"post": "open"}), name="terminal-open"),
    api_path(f"{TERMINAL}/close", TerminalLifecycleViewSet.as_view({"post": "close"}), name="terminal-close"),
    api_path(f"{TERMINAL}/cash-in", TerminalLifecycleViewSet.as_view({"post": "cash_in"}), name="terminal-cash-in"),
    api_path(f"{TERMINAL}/cash-out", TerminalLifecycleViewSet.as_view({"post": "cash_out"}), name="terminal-cash-out"),
    api_path(
        f"{TERMINAL}/delivery-status",
        DeliveryStatusViewSet.as_view({"post": "update_status"}),
        name="terminal-delivery-status",
    ),
]
