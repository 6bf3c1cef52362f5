"""Back office: stock levels and history are read-only; thresholds are edited through the stock services (so
a new reorder point raises its alert exactly as the API does). Snapshots are read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.core.admin import NUMBER_INPUTS, ReadOnlyAdmin, StoreTimeMixin, quantity_column

from . import services
from .models import Snapshot, Stock, StockUpdate

THRESHOLDS = ("minimum_quantity", "reorder_point", "reorder_quantity")



@admin.register(Stock)
class StockAdmin(StoreTimeMixin, admin.ModelAdmin):
    formfield_overrides = NUMBER_INPUTS
    list_display = ("store_code", "item_code", quantity_column("current_quantity", "quantity"),
                    quantity_column("minimum_quantity", "minimum"), quantity_column("reorder_point", "reorder point"),
                    "status")  # the reorder quantity and the last update: on the detail page
    list_filter = ("store_code",)
    search_fields = ("item_code", "store_code")
    ordering = ("store_code", "item_code")
    fields = ("store_code", "item_code", "current_quantity", *THRESHOLDS, "last_transaction_id", "updated_at",
              "history_link")
    readonly_fields = ("store_code", "item_code", "current_quantity", "last_transaction_id", "updated_at",
                       "history_link")

    def has_add_permission(self, request) -> bool:
        return False  # rows come from stock changes

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="status")
    def status(self, obj: Stock) -> str:
        if obj.current_quantity < obj.minimum_quantity:
            return "below minimum"
        if obj.reorder_point > 0 and obj.current_quantity <= obj.reorder_point:
            return "reorder"
        return ""

    @admin.display(description="history")
    def history_link(self, obj: Stock) -> str:
        url = reverse("admin:stock_stockupdate_changelist")
        return format_html('<a href="{}?store_code={}&item_code={}">change history</a>', url, obj.store_code,
                           obj.item_code)

    def save_model(self, request, obj: Stock, form, change: bool) -> None:
        changed = set(form.changed_data)
        if "minimum_quantity" in changed:
            services.stock_set_minimum(
                tenant_id=obj.tenant_id, store_code=obj.store_code, item_code=obj.item_code,
                minimum_quantity=obj.minimum_quantity,
            )
        if changed & {"reorder_point", "reorder_quantity"}:
            services.stock_set_reorder(
                tenant_id=obj.tenant_id, store_code=obj.store_code, item_code=obj.item_code,
                reorder_point=obj.reorder_point, reorder_quantity=obj.reorder_quantity,
            )
        if not changed:
            messages.info(request, "No threshold changed.")


@admin.register(StockUpdate)
class StockUpdateAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "store_code", "item_code", "update_type", quantity_column("quantity_change", "change"),
                    quantity_column("after_quantity", "after"))  # before, reference, operator: on the detail page
    list_filter = ("update_type", "store_code")
    search_fields = ("item_code", "reference_id", "operator_id")
    ordering = ("-timestamp", "-id")
    date_hierarchy = "timestamp"


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("generate_date_time", "store_code", quantity_column("total_items"),
                    quantity_column("total_quantity"), "created_by")
    list_filter = ("store_code", "created_by")
    search_fields = ("store_code", "created_by")
    ordering = ("-created_at",)
    exclude = ("stocks",)
    readonly_fields = ("stock_table",)

    @admin.display(description="stocks")
    def stock_table(self, obj: Snapshot) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((item["item_code"], item["quantity"], item["minimum_quantity"], item["reorder_point"],
              item["reorder_quantity"]) for item in obj.stocks),
        )
        return format_html(
            "<table><tr><th>item</th><th>quantity</th><th>minimum</th><th>reorder point</th>"
            "<th>reorder quantity</th></tr>{}</table>",
            rows,
        )
