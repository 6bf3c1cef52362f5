"""Back office: the report page of a store manager, and read-only views of the stored logs.

The report page runs the very services of the API (``report_request_build`` -> ``report_generate``: daily
verification, the plugin, the same SQL aggregates), so it shows the numbers a terminal gets. It never journals.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.db import connection
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.admin import ReadOnlyAdmin, TransactionTypeFilter, money_column, transaction_type_column
from apps.core.errors import KugelposError, RequestValidationError, message_for
from apps.core.formats import business_date_today, shown_date
from apps.core.language import error_for_page, is_japanese
from apps.core.limits import INT32

from . import selectors, services
from .errors import MESSAGES, TerminalNotClosedError
from .models import DailyInfo, ReportCashLog, ReportOpenCloseLog, ReportPage, ReportTranlog
from .plugins import plugin_table
from .presentation import number, report_chart, report_csv, report_tables

SCOPES = (("flash", gettext_lazy("Flash (this session so far)")), ("daily", gettext_lazy("Daily (closed day)")))
LAYOUTS = (("a4", gettext_lazy("A4")), ("receipt", gettext_lazy("Receipt (80 mm)")))
REPORT_NAMES = {
    "sales": gettext_lazy("Sales"),
    "category": gettext_lazy("Categories"),
    "item": gettext_lazy("Items"),
    "payment": gettext_lazy("Payments"),
    "promotion": gettext_lazy("Promotions"),
}
DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d"]  # the date picker's, and the API's YYYYMMDD typed by hand


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _yyyymmdd(value: date | None) -> str | None:
    return value.strftime("%Y%m%d") if value else None


def _iso(business_date: str) -> str:
    return f"{business_date[:4]}-{business_date[4:6]}-{business_date[6:]}"


class ReportForm(forms.Form):
    store_code = forms.CharField(label=gettext_lazy("Store"), max_length=100, widget=forms.Select)
    report_type = forms.ChoiceField(label=gettext_lazy("Report"), choices=())
    report_scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=SCOPES, initial="flash")
    business_date = _date_field(gettext_lazy("Business date"))
    business_date_from = _date_field(gettext_lazy("Daily report from"))
    business_date_to = _date_field(gettext_lazy("to"))
    terminal_no = forms.IntegerField(label=gettext_lazy("Terminal"), required=False,
                                     min_value=INT32.minimum, max_value=INT32.maximum)
    open_counter = forms.IntegerField(label=gettext_lazy("Session (open counter)"), required=False,
                                      min_value=INT32.minimum, max_value=INT32.maximum,
                                      help_text=gettext_lazy("Empty: every session of the day"))
    layout = forms.ChoiceField(label=gettext_lazy("Print layout"), choices=LAYOUTS, required=False)

    def __init__(self, *args: Any, stores: list[selectors.StoreChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report_type"].choices = [(name, REPORT_NAMES.get(name, name.capitalize()))
                                              for name in plugin_table()]
        choices = [(s.store_code, s.label) for s in stores]
        asked = self.data.get("store_code") if self.is_bound else None
        if asked and asked not in {code for code, _ in choices}:
            choices.append((asked, asked))  # a store with no data yet: shown as asked, not as another store
        self.fields["store_code"].widget.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("business_date_from"), data.get("business_date_to")
        if self.errors:
            return data
        if bool(date_from) != bool(date_to):
            raise forms.ValidationError(_("Pick both dates of the range, or clear them for one business date."))
        if date_from and date_to:
            if date_from > date_to:
                raise forms.ValidationError(_("The first date of the range is after the last: swap them."))
            if data.get("report_scope") == "flash":
                raise forms.ValidationError(
                    _("A flash report covers one business date: pick daily for a date range."))
        elif not data.get("business_date"):
            raise forms.ValidationError(_("Pick a business date, or both dates of a range."))
        return data

    @property
    def is_range(self) -> bool:
        return bool(self.cleaned_data.get("business_date_from"))

    def query(self) -> services.ReportQuery:
        data = self.cleaned_data
        return services.ReportQuery(
            report_scope=data["report_scope"],
            report_type=data["report_type"],
            business_date=None if self.is_range else _yyyymmdd(data["business_date"]),
            business_date_from=_yyyymmdd(data["business_date_from"]),
            business_date_to=_yyyymmdd(data["business_date_to"]),
            open_counter=data["open_counter"],
            limit=0,
        )


def readable_error(exc: KugelposError) -> str:
    """What a store manager can act on, instead of the API's internal message."""
    if isinstance(exc, TerminalNotClosedError) and exc.terminal_nos:
        return " ".join(_("Terminal %(terminal)s is not closed yet: close it or pick flash.") % {"terminal": no}
                        for no in exc.terminal_nos)
    # The report codes' own table has each reason in both languages: the page's is picked from it.
    reason = message_for(exc.error_code, "ja" if is_japanese() else "en") if exc.error_code in MESSAGES else (
        error_for_page(exc))
    return _("The report could not be made: %(reason)s (error %(code)s).") % {"reason": reason,
                                                                           "code": exc.error_code}


# --- admins ---------------------------------------------------------------------------------------------------

@admin.register(ReportPage)
class ReportPageAdmin(ReadOnlyAdmin):
    """Pick a store, a date (or a range), a terminal and a report type; see the report the API would return, export
    it as CSV or print it (A4, or 80 mm receipt width).

    Needs the ``report.view_reportpage`` permission (superusers have it). A report runs when the form is sent
    (``report_type`` among the parameters); otherwise the form opens on the store's current business date."""

    def changelist_view(self, request, extra_context=None):
        tenant_id = connection.tenant.tenant_id
        stores = selectors.report_page_stores(tenant_id=tenant_id)
        terminals = selectors.report_page_terminals(tenant_id=tenant_id)
        submitted = "report_type" in request.GET
        store_code = request.GET.get("store_code") or (stores[0].store_code if stores else "")
        default_date = selectors.store_business_date(store_code=store_code, terminals=terminals)
        initial = {"store_code": store_code, "business_date": _iso(default_date or business_date_today())}
        form = ReportForm(request.GET if submitted else None, initial=initial, stores=stores)
        data, tables, chart, error = None, [], None, None
        if submitted and form.is_valid():
            query = form.query()
            try:
                report_request = services.report_request_build(
                    tenant_id=tenant_id,
                    store_code=form.cleaned_data["store_code"],
                    terminal_no=form.cleaned_data["terminal_no"],
                    query=query,
                )
                data = services.report_generate_lag_tolerant(request=report_request)
            except KugelposError as exc:
                error = readable_error(exc)
            except RequestValidationError as exc:
                error = exc.text()
            else:
                tables = report_tables(query.report_type, data)
                chart = report_chart(query.report_type, data)
        heading = _heading(form, stores, terminals) if data is not None else []
        if data is not None and request.GET.get("export") == "csv":
            return _csv_response(form, tables, heading)
        layout = (form.cleaned_data.get("layout") if submitted and form.is_valid() else None) or "a4"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reports"),
            "form": form,
            "terminals": terminals,
            "selected_terminal": request.GET.get("terminal_no", ""),
            "data": data,
            "tables": tables,
            "chart": chart.as_json() if chart else None,
            "heading": heading,
            "error": error,
            "layout": layout,
            "query_string": _without(request.GET, "layout", "export"),
            "journal_text": (data or {}).get("journalText") or (data or {}).get("journal_text"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/report/report_page.html", context)


def _heading(form: ReportForm, stores: list[selectors.StoreChoice],
             terminals: list[selectors.TerminalChoice]) -> list[tuple[str, str]]:
    """What the report is of, above its tables and its CSV: store, report, scope, date(s), terminal, session."""
    data = form.cleaned_data
    store_code = data["store_code"]
    store = next((s.label for s in stores if s.store_code == store_code), store_code)
    if form.is_range:
        dates = f"{shown_date(data['business_date_from'])} – {shown_date(data['business_date_to'])}"
    else:
        dates = shown_date(data["business_date"])
    terminal = data["terminal_no"]
    if terminal is None:
        terminal_label = _("All terminals")
    else:
        terminal_label = next((t.label for t in terminals if t.store_code == store_code and t.terminal_no == terminal),
                              str(terminal))
    heading = [
        (_("Store"), store),
        (_("Report"), str(REPORT_NAMES.get(data["report_type"], data["report_type"]))),
        (_("Scope"), str(dict(SCOPES)[data["report_scope"]])),
        (_("Business date"), dates),
        (_("Terminal"), terminal_label),
    ]
    if data["open_counter"] is not None:
        heading.append((_("Session"), number(data["open_counter"])))
    return heading


def _csv_response(form: ReportForm, tables, heading) -> HttpResponse:
    data = form.cleaned_data
    day = (f"{_yyyymmdd(data['business_date_from'])}-{_yyyymmdd(data['business_date_to'])}" if form.is_range
           else _yyyymmdd(data["business_date"]))
    name = "-".join(str(part) for part in ("report", data["store_code"], data["report_type"], data["report_scope"],
                                           day, data["terminal_no"]) if part is not None)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    response = HttpResponse(("\ufeff" + report_csv(tables, heading)).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _without(params, *names: str) -> str:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@admin.register(ReportTranlog)
class ReportTranlogAdmin(ReadOnlyAdmin):
    list_display = ("store_code", "terminal_no", "receipt_no", transaction_type_column(cancelled_field="is_cancelled"),
                    "business_date", money_column("total_amount_with_tax", gettext_lazy("total with tax")))
    list_filter = (TransactionTypeFilter, "is_cancelled", "business_date")
    search_fields = ("store_code", "=transaction_no", "=receipt_no", "event_id")
    ordering = ("-id",)
    exclude = ("payload",)
    readonly_fields = ("payload_pretty",)

    @admin.display(description=gettext_lazy("payload"))
    def payload_pretty(self, obj: ReportTranlog) -> str:
        import json

        return json.dumps(obj.payload, ensure_ascii=False, indent=2)


@admin.register(ReportCashLog)
class ReportCashLogAdmin(ReadOnlyAdmin):
    list_display = ("store_code", "terminal_no", "business_date", "open_counter", "generate_date_time",
                    money_column("amount"), "description", "staff_id")
    list_filter = ("business_date",)
    search_fields = ("store_code", "description", "event_id")
    ordering = ("-id",)


@admin.register(ReportOpenCloseLog)
class ReportOpenCloseLogAdmin(ReadOnlyAdmin):
    list_display = ("store_code", "terminal_no", "business_date", "open_counter", "operation", "generate_date_time",
                    money_column("physical_amount", gettext_lazy("physical amount")), "cart_transaction_count",
                    "cash_in_out_count")
    list_filter = ("operation", "business_date")
    search_fields = ("store_code", "event_id")
    ordering = ("-id",)


@admin.register(DailyInfo)
class DailyInfoAdmin(ReadOnlyAdmin):
    list_display = ("store_code", "terminal_no", "business_date", "open_counter", "verified", "verified_message",
                    "verified_update_time")
    list_filter = ("verified", "business_date")
    search_fields = ("store_code", "verified_message")
    ordering = ("-id",)


from . import reconciliation_admin  # noqa: E402, F401 - registers the reconciliation page (issue #24)
