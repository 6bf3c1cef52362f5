"""Back office: the electronic journal, read-only (entries come only from the logs and the journal API), and the
page that verifies its hash chain (``backoffice.verify_view``)."""

from __future__ import annotations

from functools import partial

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyAdmin, TransactionTypeFilter, money_column, transaction_type_column
from apps.core.formats import shown_date, shown_datetime

from . import backoffice
from .models import JournalEntry


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    change_list_template = "admin/journal/journalentry/change_list.html"
    list_display = (
        "generated",
        "store_code",
        "terminal_no",
        "type_name",
        "receipt_no",
        "amount_money",
    )  # transaction no. and business date: on the detail page (both searchable)
    list_filter = (TransactionTypeFilter, "store_code", "terminal_no")
    # Receipt number, terminal and type match exactly; the business date matches any part (``202501``).
    search_fields = ("receipt_no__exact", "terminal_no__exact", "transaction_type__exact", "business_date")
    search_help_text = _("Receipt no., terminal no., transaction type (e.g. 101, -101, 401) or business date "
                         "(YYYYMMDD)")
    ordering = ("-generate_date_time", "-id")
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("store_code", "terminal_no"),
                    ("type_name", "transaction_no", "receipt_no"),
                    ("business_date", "open_counter", "business_counter"),
                    "generate_date_time",
                    ("amount_money", "quantity"),
                    ("staff_id", "user_id"),
                )
            },
        ),
        (_("Journal"), {"fields": ("printed_journal",)}),
        (_("Receipt data"), {"classes": ("collapse",), "fields": ("receipt_text",)}),
        (_("Record"), {"classes": ("collapse",), "fields": ("tenant_id", "created_at", "chain_seq", "chain_hash")}),
    )
    readonly_fields = (
        "tenant_id",
        "store_code",
        "terminal_no",
        "type_name",
        "transaction_no",
        "receipt_no",
        "business_date",
        "open_counter",
        "business_counter",
        "generate_date_time",
        "amount_money",
        "quantity",
        "staff_id",
        "user_id",
        "printed_journal",
        "receipt_text",
        "created_at",
        "chain_seq",
        "chain_hash",
    )

    def get_urls(self):
        verify = self.admin_site.admin_view(partial(backoffice.verify_view, model_admin=self))
        return [path("verify/", verify, name="journal_journalentry_verify"), *super().get_urls()]

    @admin.display(description=_("generate date time"), ordering="generate_date_time")
    def generated(self, obj: JournalEntry) -> str:
        # the producer's ISO timestamp (store time, with offset) as its wall time
        return shown_datetime(obj.generate_date_time)

    @admin.display(description=_("business date"), ordering="business_date")
    def business_day(self, obj: JournalEntry) -> str:
        return shown_date(obj.business_date)

    amount_money = money_column("amount")
    type_name = transaction_type_column()

    @admin.display(description=_("Journal (as printed)"))
    def printed_journal(self, obj: JournalEntry) -> str:
        # The 32-column journal text in a monospaced block, exactly as the terminal rendered it.
        return format_html(
            '<pre style="font-family: monospace; line-height: 1.3; white-space: pre; margin: 0;">{}</pre>',
            obj.journal_text,
        )
