"""The live stock dashboard of one store (back office, tenant pages under ``/t/<tenant_id>/``).

Signed-in staff of the tenant (Django session, the admin login) see the store's stock; the page opens the
stock alert WebSocket with a short-lived JWT minted for them and shows alerts as they arrive, without reload.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.auth import user_token

from . import selectors

DASHBOARD_ROW_LIMIT = 1000


def _socket_token(request: HttpRequest) -> str:
    user = request.user
    return user_token(username=user.get_username(), tenant_id=request.tenant.tenant_id,
                      is_superuser=user.is_superuser)


@require_GET
@staff_member_required
def stock_dashboard_index(request: HttpRequest) -> HttpResponse:
    return render(request, "stock/dashboard_index.html", {"store_codes": selectors.stock_store_codes()})


@require_GET
@never_cache
@staff_member_required
def stock_dashboard(request: HttpRequest, store_code: str) -> HttpResponse:
    rows = list(selectors.stock_list(store_code=store_code)[: DASHBOARD_ROW_LIMIT + 1])
    alerts = selectors.stock_initial_alerts(store_code=store_code)
    context = {
        "tenant_id": request.tenant.tenant_id,
        "store_code": store_code,
        "rows": rows[:DASHBOARD_ROW_LIMIT],
        "truncated": len(rows) > DASHBOARD_ROW_LIMIT,
        "reorder_items": {a.level.item_code for a in alerts if a.alert_type == "reorder_point"},
        "low_items": {a.level.item_code for a in alerts if a.alert_type == "minimum_stock"},
        "dashboard_config": {
            "tenant_id": request.tenant.tenant_id,
            "store_code": store_code,
            "token": _socket_token(request),
            "token_url": reverse("stock-dashboard-token", args=[store_code]),
        },
    }
    return render(request, "stock/dashboard.html", context)


@require_GET
@never_cache
@staff_member_required
def stock_dashboard_token(request: HttpRequest, store_code: str) -> JsonResponse:
    """A fresh socket token, for reconnecting after the first one expired."""
    return JsonResponse({"token": _socket_token(request)})
