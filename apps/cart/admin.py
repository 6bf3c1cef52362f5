"""Back office: read-only transaction logs, searchable, with the receipt shown as printed."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from apps.core.admin import ReadOnlyAdmin, TransactionTypeFilter, money
from apps.core.transaction_types import transaction_type_name

from .models import Transaction, TransactionStatus


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("generate_date_time", "store_code", "terminal_no", "receipt_no", "kind", "total")
    list_filter = (TransactionTypeFilter, "is_cancelled", "store_code", "business_date")
    search_fields = ("receipt_no", "transaction_no", "store_code", "business_date")
    date_hierarchy = "generate_date_time"
    ordering = ("-generate_date_time",)
    fields = ("store_code", "terminal_no", "transaction_no", "receipt_no", "kind", "business_date", "open_counter",
              "generate_date_time", "total", "event_id", "receipt")
    readonly_fields = fields

    @admin.display(description="type", ordering="transaction_type")
    def kind(self, obj: Transaction) -> str:
        return transaction_type_name(obj.transaction_type, is_cancelled=obj.is_cancelled)

    @admin.display(description="total with tax", ordering="total_amount_with_tax")
    def total(self, obj: Transaction) -> str:
        return money(obj.total_amount_with_tax)

    @admin.display(description="receipt")
    def receipt(self, obj: Transaction) -> str:
        return format_html('<pre style="font-family: monospace; line-height: 1.2">{}</pre>',
                           obj.document.get("journal_text") or "")

    def get_search_results(self, request, queryset, search_term):
        # receipt and transaction numbers are integers: search them exactly, not as text
        if search_term.strip().isdigit():
            number = int(search_term.strip())
            return queryset.filter(receipt_no=number) | queryset.filter(transaction_no=number), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(TransactionStatus)
class TransactionStatusAdmin(ReadOnlyAdmin):
    list_display = ("store_code", "terminal_no", "transaction_no", "is_voided", "void_transaction_no", "is_refunded",
                    "return_transaction_no")
    list_filter = ("is_voided", "is_refunded")
    search_fields = ("transaction_no",)
