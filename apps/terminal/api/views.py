"""Terminal endpoints (spec/10 §5): thin adapters over ``apps.terminal.services`` and ``selectors``.

Each view parses (``validated_body``/``paging``), calls one service, and renders the spec's message and
operation. Authentication differs per action (USER / EITHER / NOTIFY / API key), see ``authentication_by_action``.
"""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.api.authentication import (
    EitherAuthentication,
    NotifyAuthentication,
    UserJWTAuthentication,
    api_key,
)
from apps.core.api.renderers import EnvelopeResponse
from apps.core.api.views import KugelposViewSet
from apps.core.errors import HttpError, KugelposError, TenantMismatchError
from apps.core.paging import page_metadata, paginate, parse_sort

from .. import selectors, services
from ..tokens import terminal_token
from .serializers import (
    STORE_SORT_FIELDS,
    TERMINAL_SORT_FIELDS,
    CashSerializer,
    CloseSerializer,
    DeliveryStatusSerializer,
    DescriptionSerializer,
    FunctionModeSerializer,
    OpenSerializer,
    SignInSerializer,
    StoreCreateSerializer,
    StoreUpdateSerializer,
    TenantCreateSerializer,
    TenantUpdateSerializer,
    TerminalCreateSerializer,
    cash_result_data,
    close_result_data,
    open_result_data,
    store_data,
    store_sort_value,
    tenant_data,
    terminal_data,
)

USER = [UserJWTAuthentication]
EITHER = [EitherAuthentication]


def tenant_mismatch_message(path_tenant: str, credential_tenant: str) -> str:
    return f"tenant_id: {path_tenant} does not match tenant_id: {credential_tenant}"


class TerminalServiceViewSet(KugelposViewSet):
    """Base of the terminal service's views: per-action authentication and the service's mismatch text."""

    authentication_by_action: dict[str, list] = {}

    def initialize_request(self, request, *args, **kwargs):
        # The action must be known before DRF builds the request's authenticators.
        self.action = self.action_map.get(request.method.lower())
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        classes = self.authentication_by_action.get(getattr(self, "action", None) or "", self.authentication_classes)
        return [auth() for auth in classes]

    def tenant_mismatch(self, path_tenant: str, credential_tenant: str) -> KugelposError:
        return TenantMismatchError(
            path_tenant, credential_tenant, message=tenant_mismatch_message(path_tenant, credential_tenant)
        )


# --- tenant info and stores (T1-T9) -------------------------------------------------------------------------
class TenantViewSet(TerminalServiceViewSet):
    authentication_classes = USER
    authentication_by_action = {"retrieve": EITHER}
    input_serializers = {"create": TenantCreateSerializer, "update": TenantUpdateSerializer}

    @property
    def requires_tenant(self) -> bool:  # T1 creates the tenant's schema if it does not exist yet
        return getattr(self, "action", None) != "create"

    def create(self, request: Request) -> EnvelopeResponse:
        body = self.validated_body()
        credential_tenant = self.credential.tenant_id
        if body["tenant_id"] != credential_tenant:
            raise HttpError(400, tenant_mismatch_message(body["tenant_id"], credential_tenant))
        tenant_info = services.tenant_info_create(
            tenant_id=body["tenant_id"], tenant_name=body["tenant_name"], tags=body["tags"]
        )
        return self.respond(
            tenant_data(tenant_info),
            message=f"Tenant created successfully for tenant {tenant_info.tenant_id}",
            operation="create_tenant",
            status=201,
        )

    def retrieve(self, request: Request, tenant_id: str) -> EnvelopeResponse:
        tenant_info = services.tenant_info_get(tenant_id=tenant_id)
        return self.respond(
            tenant_data(tenant_info), message=f"Tenant info for tenant {tenant_id}", operation="get_tenant"
        )

    def update(self, request: Request, tenant_id: str) -> EnvelopeResponse:
        body = self.validated_body()
        tenant_info = services.tenant_info_update(
            tenant_id=tenant_id, tenant_name=body["tenant_name"], tags=body["tags"]
        )
        return self.respond(
            tenant_data(tenant_info),
            message=f"Tenant updated successfully for tenant {tenant_id}",
            operation="update_tenant",
        )

    def destroy(self, request: Request, tenant_id: str) -> EnvelopeResponse:
        services.tenant_info_delete(tenant_id=tenant_id)
        return self.respond(
            {"tenantId": tenant_id},
            message=f"Tenant deleted successfully for tenant {tenant_id}",
            operation="delete_tenant",
        )


class StoreViewSet(TerminalServiceViewSet):
    authentication_classes = USER
    authentication_by_action = {"list": EITHER, "retrieve": EITHER}
    input_serializers = {"create": StoreCreateSerializer, "update": StoreUpdateSerializer}

    def create(self, request: Request, tenant_id: str) -> EnvelopeResponse:
        body = self.validated_body()
        tenant_info = services.store_create(
            tenant_id=tenant_id, store_code=body["store_code"], store_name=body["store_name"], tags=body.get("tags")
        )
        return self.respond(
            tenant_data(tenant_info),
            message=f"Store created successfully for tenant {tenant_id}",
            operation="add_store",
            status=201,
        )

    def list(self, request: Request, tenant_id: str) -> EnvelopeResponse:
        self.paging()  # limit/page are validated, then ignored: T6 returns every store
        sort = parse_sort(request.query_params.get("sort"), default="store_code:1", fields=STORE_SORT_FIELDS)
        stores = services.store_list(tenant_id=tenant_id)
        for field, direction in reversed(sort):
            stores.sort(key=lambda store: _null_first(store_sort_value(store, field)), reverse=direction == -1)
        return self.respond(
            [store_data(store) for store in stores],
            message=f"Stores info for tenant {tenant_id}",
            operation="get_stores",
        )

    def retrieve(self, request: Request, tenant_id: str, store_code: str) -> EnvelopeResponse:
        store = services.store_get(tenant_id=tenant_id, store_code=store_code)
        return self.respond(store_data(store), message=f"Store info for tenant {tenant_id}", operation="get_store")

    def update(self, request: Request, tenant_id: str, store_code: str) -> EnvelopeResponse:
        body = self.validated_body()
        store = services.store_update(
            tenant_id=tenant_id,
            store_code=store_code,
            store_name=body["store_name"],
            status=body.get("status"),
            business_date=body.get("business_date"),
            tags=body.get("tags"),
        )
        return self.respond(
            store_data(store), message=f"Store updated successfully for tenant {tenant_id}", operation="update_store"
        )

    def destroy(self, request: Request, tenant_id: str, store_code: str) -> EnvelopeResponse:
        services.store_delete(tenant_id=tenant_id, store_code=store_code)
        return self.respond(
            {"storeCode": store_code},
            message=f"Store deleted successfully for tenant {tenant_id}",
            operation="delete_store",
        )


def _null_first(value):
    """Sort key that puts missing values first (ascending), as MongoDB orders nulls."""
    return (value is not None, value if value is not None else 0)


# --- terminals (R1-R6) --------------------------------------------------------------------------------------
class TerminalViewSet(TerminalServiceViewSet):
    authentication_classes = EITHER
    authentication_by_action = {"create": USER, "destroy": USER}
    input_serializers = {
        "create": TerminalCreateSerializer,
        "update_description": DescriptionSerializer,
        "update_function_mode": FunctionModeSerializer,
    }

    def create(self, request: Request) -> EnvelopeResponse:
        body = self.validated_body()
        terminal = services.terminal_create(
            tenant_id=self.credential.tenant_id,
            store_code=body["store_code"],
            terminal_no=body["terminal_no"],
            description=body["description"],
        )
        return self.respond(
            terminal_data(terminal),
            message=f"Terminal Created. terminal_id: {terminal.terminal_id}",
            operation="create_terminal",
            status=201,
        )

    def list(self, request: Request) -> EnvelopeResponse:
        paging = self.paging(default_sort="terminal_id:1", sort_fields=TERMINAL_SORT_FIELDS)
        tenant_id = self.credential.tenant_id
        store_code = request.query_params.get("store_code")
        terminals, total = paginate(selectors.terminal_list(tenant_id=tenant_id, store_code=store_code), paging)
        applied = {"tenant_id": tenant_id, **({"store_code": store_code} if store_code is not None else {})}
        return self.respond(
            [terminal_data(terminal) for terminal in terminals],
            message=f"Terminals Retrieved. count: {len(terminals)}",
            operation="get_terminals",
            metadata=page_metadata(total, paging, filter=applied),
        )

    def retrieve(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        terminal = services.terminal_required(terminal_id=terminal_id)
        return self.respond(
            terminal_data(terminal), message=f"Terminal Retrieved. terminal_id: {terminal_id}", operation="get_terminal"
        )

    def destroy(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        services.terminal_delete(terminal_id=terminal_id)
        return self.respond(
            {"terminalId": terminal_id},
            message=f"Terminal Deleted. terminal_id: {terminal_id}",
            operation="delete_terminal",
        )

    def update_description(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        terminal = services.terminal_update_description(
            terminal_id=terminal_id, description=self.validated_body()["description"]
        )
        return self.respond(
            terminal_data(terminal),
            message=f"Terminal Description Updated. terminal_id: {terminal_id}",
            operation="update_terminal_description",
        )

    def update_function_mode(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        terminal = services.terminal_update_function_mode(
            terminal_id=terminal_id, function_mode=self.validated_body()["function_mode"]
        )
        return self.respond(
            terminal_data(terminal),
            message=f"Terminal Function Mode Updated. terminal_id: {terminal_id}",
            operation="update_terminal_function_mode",
        )


# --- lifecycle (L1-L6) --------------------------------------------------------------------------------------
class TerminalLifecycleViewSet(TerminalServiceViewSet):
    """Sign-in, sign-out, open and close answer with ``X-New-Token`` (the terminal JWT after the operation)."""

    authentication_classes = EITHER
    input_serializers = {
        "sign_in": SignInSerializer,
        "open": OpenSerializer,
        "close": CloseSerializer,
        "cash_in": CashSerializer,
        "cash_out": CashSerializer,
    }

    @staticmethod
    def _new_token(terminal) -> dict[str, str]:
        return {"X-New-Token": terminal_token(terminal)}

    def sign_in(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        staff_id = self.validated_body()["staff_id"]
        terminal = services.terminal_sign_in(terminal_id=terminal_id, staff_id=staff_id)
        return self.respond(
            terminal_data(terminal),
            message=f"Terminal Signed In. terminal_id: {terminal_id} staff_id: {staff_id}",
            operation="terminal_signin",
            headers=self._new_token(terminal),
        )

    def sign_out(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        terminal = services.terminal_sign_out(terminal_id=terminal_id)
        return self.respond(
            terminal_data(terminal),
            message=f"Terminal Signed Out. terminal_id: {terminal_id}",
            operation="terminal_signout",
            headers=self._new_token(terminal),
        )

    def open(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        result = services.terminal_open(
            terminal_id=terminal_id, initial_amount=self.validated_body().get("initial_amount")
        )
        return self.respond(
            open_result_data(result),
            message=f"Terminal Opened. terminal_id: {terminal_id}",
            operation="terminal_open",
            headers=self._new_token(result.terminal),
        )

    def close(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        result = services.terminal_close(
            terminal_id=terminal_id, physical_amount=self.validated_body().get("physical_amount")
        )
        return self.respond(
            close_result_data(result),
            message=f"Terminal Closed. terminal_id: {terminal_id}",
            operation="terminal_close",
            headers=self._new_token(result.terminal),
        )

    def cash_in(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        body = self.validated_body()
        log = services.terminal_cash_in(
            terminal_id=terminal_id, amount=body["amount"], description=body.get("description")
        )
        return self.respond(
            cash_result_data(terminal_id, log),
            message=f"Terminal Cashed In. terminal_id: {terminal_id}, amount: {float(log.amount)}, "
            f"description: {log.description}",
            operation="terminal_cash_in",
        )

    def cash_out(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        body = self.validated_body()
        log = services.terminal_cash_out(
            terminal_id=terminal_id, amount=body["amount"], description=body.get("description")
        )
        return self.respond(
            cash_result_data(terminal_id, log),
            message=f"Terminal Cashed Out. terminal_id: {terminal_id}, amount: {float(log.amount)}, "
            f"description: {log.description}",
            operation="terminal_cash_out",
        )


# --- token exchange and delivery status (§5.4, §5.5) ---------------------------------------------------------
class TerminalTokenViewSet(TerminalServiceViewSet):
    """``POST /api/v1/auth/token``: only ``X-API-KEY`` is read (a bearer token is not a credential here)."""

    authentication_classes: list = []
    requires_tenant = False

    def token(self, request: Request) -> EnvelopeResponse:
        issued = services.terminal_token_exchange(
            api_key=api_key(request), terminal_id=request.query_params.get("terminal_id") or None
        )
        return self.respond(
            {"access_token": issued.access_token, "token_type": "bearer", "expires_in": issued.expires_in},
            message=f"Token issued for terminal {issued.terminal_id}",
            operation=None,
        )


class DeliveryStatusViewSet(TerminalServiceViewSet):
    authentication_classes = [NotifyAuthentication]
    requires_tenant = False
    input_serializers = {"update_status": DeliveryStatusSerializer}

    def update_status(self, request: Request, terminal_id: str) -> EnvelopeResponse:
        body = self.validated_body()
        services.terminal_delivery_status_update(
            event_id=body["event_id"], service=body["service"], status=body["status"], message=body.get("message")
        )
        return self.respond(
            {"event_id": body["event_id"], "service": body["service"], "status": body["status"], "success": True},
            message=f"Delivery Status Updated. terminal_id: {terminal_id}, event_id: {body['event_id']}, "
            f"service: {body['service']}, status: {body['status']}",
            operation="update_delivery_status",
        )
