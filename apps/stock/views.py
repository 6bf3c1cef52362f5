"""The live stock dashboard of one store (back office, tenant pages under ``/t/<tenant_id>/``).

Signed-in staff of the tenant (Django session, the admin login) see the store's stock; the page opens the
stock alert WebSocket with a short-lived JWT minted for them and shows alerts as they arrive, without reload.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.account.access import may_use_store, store_scope, visible_store_codes
from apps.core.auth import user_token

from . import selectors

DASHBOARD_ROW_LIMIT = 1000


def _socket_token(request: HttpRequest) -> str:
    user = request.user
    return user_token(username=user.get_username(), tenant_id=request.tenant.tenant_id,
                      is_superuser=user.is_superuser)


def _store_codes(request: HttpRequest) -> list[str]:
    """The stores the user works in that have stock (a store manager's own may have none yet)."""
    codes = set(selectors.stock_store_codes())
    scope = store_scope(request.user)
    if scope is not None:
        codes |= scope
    return visible_store_codes(request.user, sorted(codes))


@require_GET
@staff_member_required
def stock_dashboard_index(request: HttpRequest) -> HttpResponse:
    return render(request, "stock/dashboard_index.html", {"store_codes": _store_codes(request)})


def _alert_entry(record) -> dict:
    return {"item_code": record.item_code, "alert_type": record.alert_type,
            "current_quantity": record.current_quantity, "threshold": record.threshold,
            "reorder_quantity": record.reorder_quantity, "timestamp": record.sent_at.isoformat()}


@require_GET
@never_cache
@staff_member_required
def stock_dashboard(request: HttpRequest, store_code: str) -> HttpResponse:
    if store_code not in _store_codes(request):
        if may_use_store(request.user, store_code):  # nobody's store: no stock, not assigned to anyone asking
            return render(request, "stock/dashboard_unknown.html", {"store_code": store_code}, status=404)
        raise PermissionDenied(gettext("You do not work in store %(code)s.") % {"code": store_code})
    rows = list(selectors.stock_annotate(selectors.stock_list(store_code=store_code))[: DASHBOARD_ROW_LIMIT + 1])
    records = selectors.alert_records(store_code=store_code)
    context = {
        "tenant_id": request.tenant.tenant_id,
        "store_code": store_code,
        "rows": rows[:DASHBOARD_ROW_LIMIT],
        "truncated": len(rows) > DASHBOARD_ROW_LIMIT,
        "alerts": records,
        "dashboard_config": {
            "tenant_id": request.tenant.tenant_id,
            "store_code": store_code,
            "token": _socket_token(request),
            "token_url": reverse("stock-dashboard-token", args=[store_code]),
            "names": {row.item_code: row.item_name for row in rows[:DASHBOARD_ROW_LIMIT] if row.item_name},
            "alerts": [_alert_entry(record) for record in records],
            "labels": {
                "ok": gettext("ok"),
                "below_reorder_point": gettext("below reorder point"),
                "below_minimum": gettext("below minimum"),
                "reorder_point": gettext("reorder"),
                "minimum_stock": gettext("below minimum"),
                "quantity": gettext("quantity"),
                "minimum": gettext("minimum"),
                "reorder_point_of": gettext("reorder point"),
                "suggested": gettext("suggested order"),
                "live": gettext("live"),
                "connecting": gettext("connecting…"),
                "retrying": gettext("disconnected — retrying"),
                "signed_out": gettext("signed out — reload the page"),
            },
        },
    }
    return render(request, "stock/dashboard.html", context)


@require_GET
@never_cache
@staff_member_required
def stock_dashboard_token(request: HttpRequest, store_code: str) -> JsonResponse:
    """A fresh socket token, for reconnecting after the first one expired."""
    if not may_use_store(request.user, store_code):
        raise PermissionDenied
    return JsonResponse({"token": _socket_token(request)})
