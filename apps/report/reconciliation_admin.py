"""Back office: the reconciliation page of a store (issue #24) and the home page's banner.

The page shows the stored result of a store-day (written by the nightly run or by "Reconcile now", which calls the
same service, ``reconciliation_record``), per terminal session and ledger. Anyone who may view reconciliations reads
it, for the stores they work in; reconciling now needs ``report.reconcile_store`` (the Store manager role).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.account.access import may_use_store
from apps.core.admin import ReadOnlyAdmin, money
from apps.core.errors import RequestValidationError
from apps.core.formats import shown_date, shown_datetime

from .models import StoreReconciliation
from .presentation import picked_date
from .reconciliation_selectors import latest_reconciliation, recent_reconciliations, stored_reconciliation
from .services.home import stores_for
from .services.reconciliation import check_business_date, previous_business_date, reconciliation_record

RECONCILE_PERMISSION = "report.reconcile_store"
SHOWN_KEYS = 30  # transaction numbers listed per cell; the rest is counted

LEDGER_NAMES = {
    "transactions": gettext_lazy("Sales transactions"),
    "journal": gettext_lazy("Journal"),
    "reportCopies": gettext_lazy("Report copies"),
    "payments": gettext_lazy("Payments"),
    "stock": gettext_lazy("Stock movements"),
    "cashLogs": gettext_lazy("Cash logs (drawer)"),
    "cashReportCopies": gettext_lazy("Cash log copies (reports)"),
    "cashJournal": gettext_lazy("Cash in the journal"),
}
STATUS_NAMES = {
    "balanced": gettext_lazy("Balanced"),
    "pending": gettext_lazy("Pending delivery"),
    "mismatch": gettext_lazy("Mismatch"),
}


def page_url(store_code: str, business_date: str | None = None) -> str:
    try:
        url = reverse("admin:report_storereconciliation_changelist")
    except NoReverseMatch:
        return ""
    query = {"store": store_code, **({"business_date": business_date} if business_date else {})}
    return f"{url}?{urlencode(query)}"


def home_banner(store_code: str) -> dict[str, Any] | None:
    """The home page's banner: the store's latest stored reconciliation, when it found a mismatch (one row read,
    nothing recomputed)."""
    row = latest_reconciliation(store_code=store_code)
    if row is None or row.status != StoreReconciliation.Status.MISMATCH:
        return None
    return {"businessDate": row.business_date, "businessDateShown": shown_date(row.business_date),
            "mismatches": row.mismatches, "url": page_url(store_code, row.business_date)}


def _keys(keys: list) -> str:
    shown = [shown_datetime(key) if isinstance(key, str) else str(key) for key in keys[:SHOWN_KEYS]]
    more = len(keys) - SHOWN_KEYS
    if more > 0:
        shown.append(_("and %(count)s more") % {"count": f"{more:,}"})
    return ", ".join(shown)


def _ledger_row(ledger: dict) -> dict[str, Any]:
    if "quantity" in ledger:
        figure, expected = f"{ledger['quantity']:,g}", f"{ledger['expectedQuantity']:,g}"
    else:
        figure, expected = money(ledger["amount"]), money(ledger["expectedAmount"])
    return {
        "name": LEDGER_NAMES.get(ledger["ledger"], ledger["ledger"]),
        "status": ledger["status"],
        "status_name": STATUS_NAMES.get(ledger["status"], ledger["status"]),
        "count": f"{ledger['count']:,}",
        "expected_count": f"{ledger['expectedCount']:,}",
        "figure": figure,
        "expected_figure": expected,
        "missing": _keys(ledger["missing"]),
        "different": _keys(ledger["different"]),
        "unexpected": _keys(ledger["unexpected"]),
        "pending": _keys(ledger["pending"]),
    }


def detail_tables(row: StoreReconciliation) -> list[dict[str, Any]]:
    return [
        {"terminal_no": session["terminalNo"], "open_counter": session["openCounter"], "status": session["status"],
         "status_name": STATUS_NAMES.get(session["status"], session["status"]),
         "ledgers": [_ledger_row(ledger) for ledger in session["ledgers"]]}
        for session in row.detail.get("terminals", [])
    ]


@admin.register(StoreReconciliation)
class StoreReconciliationAdmin(ReadOnlyAdmin):
    """Pick a store and a business date; see the stored reconciliation per session and ledger; reconcile now."""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        stores = stores_for(user=request.user)
        params = request.POST if request.method == "POST" else request.GET
        store_code = params.get("store") or (stores[0].store_code if stores else "")
        error = None
        if store_code and not any(store.store_code == store_code for store in stores):
            error, store_code = _("You do not work in store %(store)s.") % {"store": store_code}, ""
        business_date = picked_date(params.get("business_date"))
        if business_date is not None:
            try:
                check_business_date(business_date)
            except RequestValidationError:
                error, business_date = _("Pick a business date."), None
        if business_date is None and store_code:
            latest = latest_reconciliation(store_code=store_code)
            business_date = latest.business_date if latest else previous_business_date()
        may_reconcile = request.user.has_perm(RECONCILE_PERMISSION) and bool(store_code) and business_date
        if request.method == "POST" and error is None:
            if not may_reconcile or not may_use_store(request.user, store_code):
                return HttpResponse(status=403)
            row = reconciliation_record(tenant_id=connection.tenant.tenant_id, store_code=store_code,
                                        business_date=business_date)
            messages.success(request, _("Reconciled: %(status)s.") % {"status": STATUS_NAMES[row.status]})
            return HttpResponseRedirect(page_url(store_code, business_date))
        row = stored_reconciliation(store_code=store_code, business_date=business_date) if store_code else None
        recent = recent_reconciliations(store_code=store_code) if store_code else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reconciliation"),
            "stores": stores,
            "store_code": store_code,
            "business_date": business_date,
            "business_date_shown": shown_date(business_date) if business_date else "",
            "picked_date": (f"{business_date[:4]}-{business_date[4:6]}-{business_date[6:]}" if business_date
                            else ""),
            "row": row,
            "status_name": STATUS_NAMES.get(row.status, row.status) if row else "",
            "checked_at": shown_datetime(row.checked_at) if row else "",
            "summary": row.detail.get("summary", {}) if row else {},
            "sessions": detail_tables(row) if row else [],
            "recent": [{"date": r.business_date, "shown": shown_date(r.business_date), "status": r.status,
                        "status_name": STATUS_NAMES.get(r.status, r.status), "url": page_url(store_code,
                                                                                               r.business_date)}
                       for r in recent],
            "may_reconcile": may_reconcile,
            "error": error,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/report/reconciliation.html", context, status=400 if error else 200)
