"""Back office: transactions (issue #22). A list searchable and filterable by every field a manager asks for, its
CSV export, the transaction page (lines, discounts, taxes, payments, receipt, links to the journal and to its
void or return) and the Void and Return buttons.

Thin adapters: reads are ``selectors`` and ``backoffice`` (presentation); a void or return is
``services.backoffice``, i.e. the API's own ``transaction_void`` / ``transaction_return`` run as a terminal of the
store, so it writes the same tranlog, status record and outbox event (journal, report, stock) as a terminal's
request, with the same refusals. Who may act: ``cart.void_transaction`` / ``cart.return_transaction`` and the
user's stores (``apps.account.access``); each void or return is in the admin's history (``LogEntry``).
"""

from __future__ import annotations

import csv
import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.account.access import filter_by_store, may_use_store, require_store
from apps.account.admin_scope import UserStoreFilter
from apps.core.admin import ReadOnlyAdmin, TransactionTypeFilter, money, spreadsheet_safe
from apps.core.errors import KugelposError
from apps.core.formats import app_zone
from apps.core.transaction_types import transaction_type_name
from apps.masterdata import selectors as masterdata

from . import backoffice, selectors
from .admin_filters import (
    AmountRangeFilter,
    DateRangeFilter,
    ItemCodeFilter,
    ReceiptNoFilter,
    StaffFilter,
    StatusFilter,
    TerminalFilter,
    TransactionNoFilter,
)
from .models import Transaction, TransactionStatus
from .services import backoffice as actions

VOID, RETURN = "void", "return"
PERMISSIONS = {VOID: "cart.void_transaction", RETURN: "cart.return_transaction"}
TERMINAL_STATES = {"Opened": gettext_lazy("open"), "Closed": pgettext_lazy("terminal state", "closed"),
                   "Idle": gettext_lazy("not opened")}


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("generated", "store", "terminal", "receipt", "kind", "total", "status")
    list_display_links = ("generated", "receipt")
    list_filter = (UserStoreFilter, TerminalFilter, TransactionTypeFilter, StatusFilter, DateRangeFilter,
                   AmountRangeFilter, ReceiptNoFilter, TransactionNoFilter, ItemCodeFilter, StaffFilter)
    search_fields = ("receipt_no", "transaction_no", "store_code", "business_date")
    search_help_text = gettext_lazy("A receipt or transaction number, a store code or a business date (YYYYMMDD)")
    date_hierarchy = "generate_date_time"
    ordering = ("-generate_date_time", "-pk")
    list_per_page = 50
    show_full_result_count = False  # one count per page view, not a second one over every transaction
    show_facets = admin.ShowFacets.NEVER  # counting every filter's choices over all transactions is too slow
    change_list_template = "admin/cart/transaction/change_list.html"

    # short column names: the list fits 1366 px beside the filters (the fields' own names are on the page)
    @admin.display(description=gettext_lazy("store"), ordering="store_code")
    def store(self, obj) -> str:
        return obj.store_code

    @admin.display(description=gettext_lazy("terminal"), ordering="terminal_no")
    def terminal(self, obj) -> int:
        return obj.terminal_no

    @admin.display(description=gettext_lazy("receipt no."), ordering="receipt_no")
    def receipt(self, obj) -> int:
        return obj.receipt_no

    # --- list --------------------------------------------------------------------------------------------------
    def get_queryset(self, request):
        return filter_by_store(request.user, super().get_queryset(request).with_status_flags())

    @admin.display(description=gettext_lazy("date and time"), ordering="generate_date_time")
    def generated(self, obj: Transaction) -> str:
        return timezone.localtime(obj.generate_date_time, app_zone()).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=gettext_lazy("type"), ordering="transaction_type")
    def kind(self, obj: Transaction) -> str:
        return transaction_type_name(obj.transaction_type, is_cancelled=obj.is_cancelled)

    @admin.display(description=gettext_lazy("total with tax"), ordering="total_amount_with_tax")
    def total(self, obj: Transaction) -> str:
        return money(obj.total_amount_with_tax)

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj: Transaction) -> str:
        if obj.is_cancelled:
            return _("Cancelled")
        shown = [_("Voided")] if getattr(obj, "is_voided", False) else []
        if getattr(obj, "is_returned", False):
            shown.append(_("Returned"))
        return ", ".join(shown)

    def get_search_results(self, request, queryset, search_term):
        # receipt and transaction numbers are integers: search them exactly, not as text
        if search_term.strip().isdigit() and len(search_term.strip()) <= 9:
            number = int(search_term.strip())
            return queryset.filter(receipt_no=number) | queryset.filter(transaction_no=number), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        export = reverse("admin:cart_transaction_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {**(extra_context or {}), "export_url": export})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export/", wrap(self.export_view), name="cart_transaction_export"),
            path("<path:object_id>/void/", wrap(self.void_view), name="cart_transaction_void"),
            path("<path:object_id>/return/", wrap(self.return_view), name="cart_transaction_return"),
            *super().get_urls(),
        ]

    # --- CSV export of the filtered list -----------------------------------------------------------------------
    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        with timezone.override(app_zone()):
            changelist = self.get_changelist_instance(request)
            rows = changelist.get_queryset(request).with_export_parts()
            content = io.StringIO()
            writer = csv.writer(content)
            writer.writerow(backoffice.CSV_HEADERS)
            for row in rows.iterator(chunk_size=1000):
                # formulas escaped cell by cell, as SafeCSV escapes them (the same function)
                writer.writerow([spreadsheet_safe(cell) for cell in backoffice.csv_row(row, status=self.status(row))])
        response = HttpResponse(content.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime(timezone.now(), app_zone()).strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="transactions-{stamp}.csv"'
        return response

    # --- the transaction page ----------------------------------------------------------------------------------
    def _scoped_object(self, request, object_id: str) -> Transaction:
        """The transaction if the user may see it (their stores), else 404."""
        try:
            found = self.get_queryset(request).filter(pk=int(object_id)).first()
        except (TypeError, ValueError):
            found = None
        if found is None:
            raise Http404(_("No transaction %(id)s in your stores.") % {"id": object_id})
        return found

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        transaction = self._scoped_object(request, object_id)
        with timezone.override(app_zone()):
            return self._render(request, "admin/cart/transaction/detail.html",
                                self._page_context(request, transaction))

    def _page_context(self, request, transaction: Transaction) -> dict:
        status = selectors.transaction_status_get(transaction)
        page = backoffice.transaction_page(transaction, status)
        related = [backoffice.related_row(row, _("Made of this transaction"))
                   for row in selectors.transactions_referring_to(transaction)]
        origin = selectors.transaction_origin_get(transaction)
        if origin is not None and may_use_store(request.user, origin.store_code):
            related.insert(0, backoffice.related_row(origin, _("Made of")))
        for row in related:
            row["url"] = reverse("admin:cart_transaction_change", args=[row["pk"]])
        journal_id = selectors.journal_entry_id(transaction)
        return {
            "transaction": transaction,
            "page": page,
            "related": related,
            "journal_url": reverse("admin:journal_journalentry_change", args=[journal_id]) if journal_id else "",
            "may_void": page.can_void and request.user.has_perm(PERMISSIONS[VOID]),
            "may_return": page.can_return and request.user.has_perm(PERMISSIONS[RETURN]),
            "title": _("Transaction %(store)s-%(terminal)s #%(number)s") % {
                "store": transaction.store_code, "terminal": transaction.terminal_no,
                "number": transaction.transaction_no},
        }

    def _render(self, request, template: str, context: dict, status: int = 200) -> TemplateResponse:
        transaction = context.get("transaction")
        response = TemplateResponse(request, template, {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": transaction,
            "has_view_permission": True,
            **context,
        }, status=status)
        response.render()
        return response

    # --- void and return ---------------------------------------------------------------------------------------
    def void_view(self, request, object_id):
        return self._act(request, object_id, VOID)

    def return_view(self, request, object_id):
        return self._act(request, object_id, RETURN)

    def _act(self, request, object_id: str, action: str):
        if not request.user.has_perm(PERMISSIONS[action]):
            raise PermissionDenied
        original = self._scoped_object(request, object_id)
        require_store(request.user, original.store_code)
        payment_choices = [(p.payment_code, f"{p.payment_code} {p.description}")
                           for p in masterdata.payment_methods_all()]
        terminal_choices = [(t.terminal_no, _("Terminal %(number)s (%(status)s)") % {
            "number": t.terminal_no, "status": TERMINAL_STATES.get(t.status, t.status)})
            for t in actions.store_terminals(store_code=original.store_code)]
        data = request.POST if request.method == "POST" else None
        refunds = backoffice.refund_formset(original, payment_choices, data=data)
        terminal_form = backoffice.ReturnTerminalForm(
            data=data, initial={"terminal_no": original.terminal_no}, terminal_choices=terminal_choices,
        ) if action == RETURN else None
        context = {
            **self._page_context(request, original),
            "action": action,
            "refunds": refunds,
            "terminal_form": terminal_form,
            "total": money(original.total_amount_with_tax),
            "title": (_("Void transaction %(number)s") if action == VOID else _("Return transaction %(number)s"))
            % {"number": original.transaction_no},
        }
        template = "admin/cart/transaction/confirm_action.html"
        if request.method != "POST":
            with timezone.override(app_zone()):
                return self._render(request, template, context)
        if not refunds.is_valid() or (terminal_form is not None and not terminal_form.is_valid()):
            messages.error(request, _("Please correct the errors below. Nothing was changed."))
            with timezone.override(app_zone()):
                return self._render(request, template, context, status=400)
        try:
            if action == VOID:
                made = actions.transaction_void_at_back_office(original=original,
                                                               payments=refunds.refund_payments())
            else:
                made = actions.transaction_return_at_back_office(
                    original=original, terminal_no=terminal_form.cleaned_data["terminal_no"],
                    payments=refunds.refund_payments())
        except KugelposError as error:
            messages.error(request, backoffice.refusal_message(error))
            with timezone.override(app_zone()):
                return self._render(request, template, context, status=400)
        self._audit(request, original, made, action)
        messages.success(request, format_html(
            "{} <a href=\"{}\">{}</a>",
            _("Voided.") if action == VOID else _("Returned."),
            reverse("admin:cart_transaction_change", args=[made.pk]),
            _("%(type)s: transaction %(number)s, receipt %(receipt)s") % {
                "type": transaction_type_name(made.transaction_type), "number": made.transaction_no,
                "receipt": made.receipt_no},
        ))
        return HttpResponseRedirect(reverse("admin:cart_transaction_change", args=[original.pk]))

    def _audit(self, request, original: Transaction, made: Transaction, action: str) -> None:
        refunds = ", ".join(f"{p['payment_code']} {backoffice.plain(p['amount'])}"
                            for p in made.document.get("payments") or [])
        what = "Voided" if action == VOID else "Returned"
        self.log_change(request, original, f"{what} at terminal {made.terminal_no}: transaction "
                                           f"{made.transaction_no}, receipt {made.receipt_no}; refund {refunds}")
        self.log_addition(request, made, f"{what} transaction {original.store_code}-{original.terminal_no} "
                                         f"#{original.transaction_no}; refund {refunds}")


@admin.register(TransactionStatus)
class TransactionStatusAdmin(ReadOnlyAdmin):
    list_display = ("store_code", "terminal_no", "transaction_no", "is_voided", "void_transaction_no", "is_refunded",
                    "return_transaction_no")
    list_filter = ("is_voided", "is_refunded")
    search_fields = ("transaction_no",)

    def get_queryset(self, request):
        return filter_by_store(request.user, super().get_queryset(request))
