"""Back office: the report page of a store manager, and read-only views of the stored logs.

The report page runs the very services of the API (``report_request_build`` -> ``report_generate``: daily
verification, the plugin, the same SQL aggregates), so it shows the numbers a terminal gets. It never journals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db import connection
from django.template.response import TemplateResponse

from apps.core.admin import ReadOnlyAdmin, TransactionTypeFilter, money_column, transaction_type_column
from apps.core.errors import KugelposError, RequestValidationError

from . import selectors, services
from .models import DailyInfo, ReportCashLog, ReportOpenCloseLog, ReportPage, ReportTranlog
from .plugins import plugin_table

SCOPES = (("flash", "Flash (速報)"), ("daily", "Daily (日報)"))


class ReportForm(forms.Form):
    store_code = forms.CharField(max_length=100)
    report_type = forms.ChoiceField(choices=())
    report_scope = forms.ChoiceField(choices=SCOPES, initial="flash")
    business_date = forms.CharField(max_length=32, required=False, help_text="YYYYMMDD")
    business_date_from = forms.CharField(max_length=32, required=False, label="or from")
    business_date_to = forms.CharField(max_length=32, required=False, label="to")
    terminal_no = forms.IntegerField(required=False, help_text="empty: the whole store")
    open_counter = forms.IntegerField(required=False, help_text="empty: the whole business date")
    business_counter = forms.IntegerField(required=False)

    def __init__(self, *args: Any, store_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report_type"].choices = [(name, name.capitalize()) for name in plugin_table()]
        self.fields["store_code"].widget.attrs["list"] = "report-store-codes"
        self.store_codes = store_codes

    def query(self) -> services.ReportQuery:
        data = self.cleaned_data
        return services.ReportQuery(
            report_scope=data["report_scope"],
            report_type=data["report_type"],
            business_date=data["business_date"] or None,
            business_date_from=data["business_date_from"] or None,
            business_date_to=data["business_date_to"] or None,
            open_counter=data["open_counter"],
            business_counter=data["business_counter"],
            limit=0,
        )


# --- presentation of a report's data as tables ---------------------------------------------------------------
@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    footer: list[Any] | None = None


def number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{Decimal(str(value)):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _sales_tables(data: dict) -> list[Table]:
    summary = Table("Sales", ["", "amount", "quantity", "count"])
    for label, key in (("Gross sales", "salesGross"), ("Returns", "returns"),
                       ("Line discounts", "discountForLineitems"), ("Subtotal discounts", "discountForSubtotal"),
                       ("Net sales", "salesNet")):
        figures = data[key]
        summary.rows.append([label, number(figures["amount"]), number(figures["quantity"]),
                             number(figures["count"])])
    taxes = Table("Taxes", ["tax", "tax amount", "target amount", "target quantity"],
                  [[t["taxName"], number(t["taxAmount"]), number(t["targetAmount"]), number(t["targetQuantity"])]
                   for t in data["taxes"]])
    payments = Table("Payments", ["payment", "amount", "count"],
                     [[p["paymentName"], number(p["amount"]), number(p["count"])] for p in data["payments"]])
    cash = data["cash"]
    drawer = Table("Cash drawer", ["", "amount", "count"], [
        ["Cash in", number(cash["cashIn"]["amount"]), number(cash["cashIn"]["count"])],
        ["Cash out", number(cash["cashOut"]["amount"]), number(cash["cashOut"]["count"])],
        ["Expected (logical)", number(cash["logicalAmount"]), ""],
        ["Counted (physical)", number(cash["physicalAmount"]), ""],
        ["Difference", number(cash["differenceAmount"]), ""],
    ])
    return [summary, taxes, payments, drawer]


LINE_COLUMNS = ["gross", "discount", "net", "quantity", "discount quantity", "lines"]


def _line_figures(row: dict, prefix: str = "") -> list[str]:
    keys = ("GrossAmount", "DiscountAmount", "NetAmount", "Quantity", "DiscountQuantity", "TransactionCount")
    if prefix:
        return [number(row[prefix + key]) for key in keys]
    return [number(row[key[0].lower() + key[1:]]) for key in keys]


def _category_tables(data: dict) -> list[Table]:
    table = Table("Categories", ["category", "name", *LINE_COLUMNS],
                  [[c["categoryCode"], c["categoryName"], *_line_figures(c)] for c in data["categories"]])
    table.footer = ["Total", "", *_line_figures(data, "total")]
    return [table]


def _item_tables(data: dict) -> list[Table]:
    tables = []
    for category in data["categories"]:
        table = Table(f"{category['categoryName']} ({category['categoryCode']})", ["item", "name", *LINE_COLUMNS],
                      [[i["itemCode"], i["itemName"], *_line_figures(i)] for i in category["items"]])
        table.footer = ["Category total", "", *_line_figures(category, "categoryTotal")]
        tables.append(table)
    tables.append(Table("Total", ["", "", *LINE_COLUMNS], [["Total", "", *_line_figures(data, "total")]]))
    return tables


def _payment_tables(data: dict) -> list[Table]:
    table = Table("Payments", ["code", "payment", "count", "amount", "ratio %"],
                  [[p["payment_code"], p["payment_name"], number(p["count"]), number(p["amount"]), number(p["ratio"])]
                   for p in data["payment_summary"]])
    table.footer = ["Total", "", number(data["total"]["count"]), number(data["total"]["amount"]), ""]
    return [table]


def _promotion_tables(data: dict) -> list[Table]:
    table = Table("Promotions", ["promotion", "type", "gross", "discount", "net", "quantity", "transactions"],
                  [[p["promotionCode"], p["promotionType"], number(p["grossAmount"]), number(p["discountAmount"]),
                    number(p["netAmount"]), number(p["quantity"]), number(p["transactionCount"])]
                   for p in data["promotions"]])
    table.footer = ["Total", "", number(data["totalGrossAmount"]), number(data["totalDiscountAmount"]),
                    number(data["totalNetAmount"]), number(data["totalQuantity"]),
                    number(data["totalTransactionCount"])]
    return [table]


PRESENTERS = {
    "sales": _sales_tables,
    "category": _category_tables,
    "item": _item_tables,
    "payment": _payment_tables,
    "promotion": _promotion_tables,
}


def report_tables(report_type: str, data: dict) -> list[Table]:
    presenter = PRESENTERS.get(report_type)
    return presenter(data) if presenter else []


# --- admins ---------------------------------------------------------------------------------------------------

@admin.register(ReportPage)
class ReportPageAdmin(ReadOnlyAdmin):
    """Pick a store, a date (or range), a terminal and a report type; see the report the API would return.

    Needs the ``report.view_reportpage`` permission (superusers have it)."""

    def changelist_view(self, request, extra_context=None):
        form = ReportForm(request.GET or None, store_codes=selectors.store_codes_seen())
        data, tables, error = None, [], None
        if form.is_bound and form.is_valid():
            query = form.query()
            try:
                report_request = services.report_request_build(
                    tenant_id=connection.tenant.tenant_id,
                    store_code=form.cleaned_data["store_code"],
                    terminal_no=form.cleaned_data["terminal_no"],
                    query=query,
                )
                data = services.report_generate(request=report_request)
                tables = report_tables(query.report_type, data)
            except KugelposError as exc:
                error = f"{exc.message} ({exc.error_code})"
            except RequestValidationError as exc:
                error = exc.text()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Reports",
            "form": form,
            "data": data,
            "tables": tables,
            "error": error,
            "journal_text": (data or {}).get("journalText") or (data or {}).get("journal_text"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/report/report_page.html", context)


@admin.register(ReportTranlog)
class ReportTranlogAdmin(ReadOnlyAdmin):
    list_display = ("store_code", "terminal_no", "receipt_no", transaction_type_column(cancelled_field="is_cancelled"),
                    "business_date", money_column("total_amount_with_tax", "total with tax"))
    list_filter = (TransactionTypeFilter, "is_cancelled", "business_date")
    search_fields = ("store_code", "=transaction_no", "=receipt_no", "event_id")
    ordering = ("-id",)
    exclude = ("payload",)
    readonly_fields = ("payload_pretty",)

    @admin.display(description="payload")
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
                    money_column("physical_amount", "physical amount"), "cart_transaction_count",
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
