"""The back office's home page (the tenant admin's index): one store's day at a glance, and its JSON for the
page's 30-second refresh. Thin adapters over ``services.home.store_home``; staff only (the admin's own check)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from apps.core.admin import money, money_whole
from apps.core.api.exceptions import to_response
from apps.core.errors import HttpError, KugelposError, RequestValidationError
from apps.core.formats import money as money_number
from apps.core.formats import shown_date, shown_time
from apps.core.language import error_for_page

from .presentation import picked_date
from .services.home import StoreHome, store_home, stores_for

REFRESH_SECONDS = 30


def _count(value: int) -> str:
    return f"{value:,}"


def _coded(code: str | None, name: str | None) -> str:
    if not code:
        return name or ""
    return f"{code} {name}" if name and name != code else code


def _line(line) -> dict[str, Any]:
    return {"code": line.code, "label": _coded(line.code, line.name), "netAmount": money_number(line.net_amount),
            "net": money(line.net_amount), "quantity": _count(line.quantity)}


def _change(change) -> dict[str, Any]:
    percent = None if change.percent is None else f"{change.percent:+}%"
    return {"before": money_number(change.before), "difference": money_number(change.difference), "percent": percent,
            "isUp": change.difference >= 0}


def _stock_url(store_code: str) -> str:
    try:
        return reverse("admin:stock_stock_changelist") + f"?store_code={store_code}"
    except NoReverseMatch:
        return ""


def _terminals_url(store_code: str) -> str:
    """The store's "Terminals and cash" page (open, cash in/out, close)."""
    try:
        return reverse("admin:terminal_terminaldesk_changelist") + f"?store={quote(store_code)}"
    except NoReverseMatch:
        return ""


def home_payload(home: StoreHome) -> dict[str, Any]:
    """What the page shows: raw numbers (for the chart and for checking against the report API) and the same
    numbers as people read them."""
    s = home.summary
    return {
        "storeCode": home.store.store_code,
        "storeLabel": _coded(home.store.store_code, home.store.store_name),
        "businessDate": home.business_date,
        "businessDateShown": shown_date(home.business_date),
        "comparedDate": home.compared_date,
        "comparedDateShown": shown_date(home.compared_date),
        "summary": {
            "netSales": money_number(s.net_sales),
            "transactions": s.transactions,
            "averageBasket": money_number(s.average_basket),
            "itemsSold": s.items_sold,
            "returnsCount": s.returns_count,
            "returnsAmount": money_number(s.returns_amount),
            "voidsCount": s.voids_count,
            "voidsAmount": money_number(s.voids_amount),
            "discounts": money_number(s.discounts),
            "tax": money_number(s.tax),
        },
        "shown": {
            "netSales": money(s.net_sales),
            "transactions": _count(s.transactions),
            "averageBasket": money_whole(s.average_basket),  # an average, not an amount paid: whole yen
            "itemsSold": _count(s.items_sold),
            "returns": f"{_count(s.returns_count)} / {money(s.returns_amount)}",
            "voids": f"{_count(s.voids_count)} / {money(s.voids_amount)}",
            "discounts": money(s.discounts),
            "tax": money(s.tax),
        },
        "netSalesChange": {**_change(home.net_sales_change), "beforeShown": money(home.net_sales_change.before)},
        "transactionsChange": {**_change(home.transactions_change),
                               "beforeShown": _count(int(home.transactions_change.before))},
        "hours": [{"hour": h.hour, "amount": money_number(h.amount), "transactions": h.transactions}
                  for h in home.hours],
        "topItems": [_line(line) for line in home.top_items],
        "topCategories": [_line(line) for line in home.top_categories],
        "payments": [{"label": _coded(p.payment_code, p.payment_name), "amount": money_number(p.amount),
                      "amountShown": money(p.amount), "count": _count(p.count)} for p in home.payments],
        "terminals": [
            {
                "terminalNo": t.terminal.terminal_no,
                "label": _coded(str(t.terminal.terminal_no), t.terminal.description),
                "isOpen": t.terminal.is_opened,
                "status": t.terminal.status,
                "staff": _coded(t.terminal.staff_id, t.terminal.staff_name) if t.terminal.staff_id else "",
                "businessCounter": t.terminal.business_counter,
                "expectedCash": money_number(t.expected_cash),
                "expectedCashShown": money(t.expected_cash),
                "lastSaleAt": t.last_sale_at,
                "lastSaleShown": shown_time(t.last_sale_at),
            }
            for t in home.terminals
        ],
        "lowStockCount": home.low_stock_count,
        "lowStockUrl": _stock_url(home.store.store_code),
        "terminalsUrl": _terminals_url(home.store.store_code),
        "outbox": {"isHealthy": home.outbox.is_healthy, "undelivered": home.outbox.undelivered,
                   "oldestAgeSeconds": home.outbox.oldest_age_seconds,
                   "oldestAgeMinutes": int(home.outbox.oldest_age_seconds // 60)},
    }


def readable_error(exc: KugelposError) -> str:
    """The error in the page's language (``apps.core.language.error_for_page``), with the code to quote."""
    return f"{error_for_page(exc)} ({exc.error_code})"


def _load(request: HttpRequest) -> tuple[StoreHome | None, str | None]:
    """``(home, error message)`` from the query (``store``, ``business_date``); a bad one is a message."""
    try:
        home = store_home(
            user=request.user,
            store_code=request.GET.get("store") or None,
            business_date=picked_date(request.GET.get("business_date")),
        )
    except KugelposError as exc:
        return None, readable_error(exc)
    except RequestValidationError as exc:
        return None, exc.text()
    return home, None


REPORT_PERMISSION = "report.view_reportpage"  # the report page's: whoever may read reports may read the day


def may_read_sales(request: HttpRequest) -> bool:
    return request.user.has_perm(REPORT_PERMISSION)


def home_view(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin index: the day at a glance above the usual list of models (the models alone for staff who may
    not read reports)."""
    home, error = _load(request) if may_read_sales(request) else (None, None)
    payload = home_payload(home) if home else None
    context = {
        **admin.site.each_context(request),
        "reconciliation": _reconciliation_banner(request, home),
        "title": _("Today at a glance"),
        "subtitle": None,
        "app_list": admin.site.get_app_list(request),
        "home": payload,
        "stores": home.stores if home else (stores_for(user=request.user) if error else []),
        "may_read_sales": may_read_sales(request),
        "home_error": error,
        "refresh_seconds": REFRESH_SECONDS,
        "picked_date": _picker_value(payload["businessDate"]) if payload else request.GET.get("business_date", ""),
        **(extra_context or {}),
    }
    request.current_app = admin.site.name
    return TemplateResponse(request, "admin/report/home.html", context, status=400 if error else 200)


def _reconciliation_banner(request: HttpRequest, home: StoreHome | None) -> dict | None:
    """The store's latest stored reconciliation when it is a mismatch (issue #24), for whoever may view it."""
    if home is None or not request.user.has_perm("report.view_storereconciliation"):
        return None
    from .reconciliation_admin import home_banner  # the admin module registers a page: imported when needed

    return home_banner(home.store.store_code)


def _picker_value(business_date: str | None) -> str:
    """``YYYYMMDD`` -> the date picker's ``YYYY-MM-DD``."""
    return f"{business_date[:4]}-{business_date[4:6]}-{business_date[6:8]}" if business_date else ""


def _error(exc: Exception) -> JsonResponse:
    response = to_response(exc)
    return JsonResponse(response.data, status=response.status_code, json_dumps_params={"ensure_ascii": False})


def home_data_view(request: HttpRequest) -> JsonResponse:
    """``GET admin/home/data/?store=&business_date=``: the page's numbers and its re-rendered panel as JSON;
    a bad parameter is the Kugelpos error envelope (404 ``407101`` unknown store, 422 ``300001`` bad date);
    403 without the report permission."""
    if not may_read_sales(request):
        return _error(HttpError(403, "Permission denied"))  # the envelope, as the API: untranslated
    try:
        home = store_home(
            user=request.user,
            store_code=request.GET.get("store") or None,
            business_date=request.GET.get("business_date") or None,
        )
    except (KugelposError, RequestValidationError) as exc:
        return _error(exc)
    payload = home_payload(home) if home else None
    html = render_to_string("admin/report/home_panel.html", {"home": payload}, request=request)
    return JsonResponse({"data": payload, "html": html}, json_dumps_params={"ensure_ascii": False})
