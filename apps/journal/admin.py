"""Back office: the electronic journal, read-only (entries come only from the logs and the journal API)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from apps.core.admin import ReadOnlyAdmin, TransactionTypeFilter, money_column, transaction_type_column

from .models import JournalEntry


def _business_date(value: str) -> str:
    """``20250115`` -> ``2025-01-15`` (anything else as received)."""
    return f"{value[:4]}-{value[4:6]}-{value[6:]}" if len(value) == 8 and value.isdigit() else value


def _generated(value: str) -> str:
    """The producer's ISO timestamp (store time, with offset) as wall time: ``2025-01-15 10:30:00``."""
    return value[:19].replace("T", " ") if len(value) >= 19 and value[10] == "T" else value


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
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
    search_help_text = "Receipt no., terminal no., transaction type (e.g. 101, -101, 401) or business date (YYYYMMDD)"
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
        ("Journal", {"fields": ("printed_journal",)}),
        ("Receipt data", {"classes": ("collapse",), "fields": ("receipt_text",)}),
        ("Record", {"classes": ("collapse",), "fields": ("tenant_id", "created_at")}),
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
    )

    @admin.display(description="generate date time", ordering="generate_date_time")
    def generated(self, obj: JournalEntry) -> str:
        return _generated(obj.generate_date_time)

    @admin.display(description="business date", ordering="business_date")
    def business_day(self, obj: JournalEntry) -> str:
        return _business_date(obj.business_date)

    amount_money = money_column("amount")
    type_name = transaction_type_column()

    @admin.display(description="Journal (as printed)")
    def printed_journal(self, obj: JournalEntry) -> str:
        # The 32-column journal text in a monospaced block, exactly as the terminal rendered it.
        return format_html(
            '<pre style="font-family: monospace; line-height: 1.3; white-space: pre; margin: 0;">{}</pre>',
            obj.journal_text,
        )
