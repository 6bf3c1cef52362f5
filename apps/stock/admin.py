"""Back office: stock levels and history are read-only; thresholds are edited through the stock services (so
a new reorder point raises its alert exactly as the API does). Snapshots are read-only. Receiving, adjusting,
stocktakes and an item's movements are pages of ``backoffice`` mounted here; every list shows the stores the
signed-in user works in only."""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.account.access import may_use_store, require_store
from apps.account.admin_scope import StoreScopedAdmin, UserStoreFilter
from apps.core.admin import NUMBER_INPUTS, ReadOnlyAdmin, StoreTimeMixin, quantity_column

from . import actions, backoffice, selectors, services
from .calculations import STATUS_BELOW_MINIMUM, STATUS_BELOW_REORDER_POINT, STATUS_OK, StockLevel, stock_status
from .models import Snapshot, Stock, Stocktake, StockUpdate

THRESHOLDS = ("minimum_quantity", "reorder_point", "reorder_quantity")



STATUS_LABELS = {
    STATUS_OK: _("ok"),
    STATUS_BELOW_REORDER_POINT: _("below reorder point"),
    STATUS_BELOW_MINIMUM: _("below minimum"),
}


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value in STATUS_LABELS:
            return queryset.filter(status=value)
        return queryset


@admin.register(Stock)
class StockAdmin(StoreScopedAdmin, StoreTimeMixin, admin.ModelAdmin):
    formfield_overrides = NUMBER_INPUTS
    change_list_template = "admin/stock/stock/change_list.html"
    list_display = ("item", "store", quantity_column("current_quantity", _("quantity")),
                    quantity_column("minimum_quantity", _("minimum")),
                    quantity_column("reorder_point", _("reorder point")), "status_badge", "movements_link")
    list_display_links = ("item",)
    list_filter = (StatusFilter, UserStoreFilter)
    search_fields = ("item_code", "item_name")
    ordering = ("store_code", "item_code")
    list_per_page = 100
    fields = ("store_code", "item_code", "item_name", "current_quantity", *THRESHOLDS, "last_transaction_id",
              "updated_at", "history_link")
    readonly_fields = ("store_code", "item_code", "item_name", "current_quantity", "last_transaction_id",
                       "updated_at", "history_link")

    def get_queryset(self, request):
        return selectors.stock_annotate(super().get_queryset(request))

    def get_list_display(self, request):
        """Without the store column when the list shows one store (filtered to it, or the user's only one)."""
        shown = list(super().get_list_display(request))
        if request.GET.get("store_code") or len(backoffice.store_codes_for(request.user)) == 1:
            shown.remove("store")
        return shown

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, model_admin=self))

        return [
            path("receive/", wrap(backoffice.receive_view), name="stock_stock_receive"),
            path("adjust/", wrap(backoffice.adjust_view), name="stock_stock_adjust"),
            path("<str:object_id>/movements/", wrap(backoffice.movements_view), name="stock_stock_movements"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_receive": request.user.has_perm(actions.RECEIVE),
            "may_adjust": request.user.has_perm(actions.ADJUST),
            "may_count": request.user.has_perm(actions.COUNT),
        }
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False  # rows come from stock changes

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_use_store(request.user, obj.store_code))

    @admin.display(description=_("item"), ordering="item_code")
    def item(self, obj: Stock) -> str:
        """The code with the name under it (one column: the list fits 1366 px beside its filters)."""
        return format_html('{}<br><span class="quiet">{}</span>', obj.item_code, self.item_name(obj))

    @admin.display(description=_("store"), ordering="store_code")
    def store(self, obj: Stock) -> str:
        return obj.store_code

    @admin.display(description=_("item name"), ordering="item_name")
    def item_name(self, obj: Stock) -> str:
        if hasattr(obj, "item_name"):  # annotated by the list's queryset ("" for an item master data lacks)
            return obj.item_name
        return selectors.item_names(item_codes=[obj.item_code]).get(obj.item_code, "")

    @admin.display(description=_("status"), ordering="status_rank")
    def status_badge(self, obj: Stock) -> str:
        status = getattr(obj, "status", None) or stock_status(StockLevel.of(obj))
        return format_html('<span class="stock-status {}">{}</span>', status, STATUS_LABELS[status])

    @admin.display(description=_("history"))
    def movements_link(self, obj: Stock) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:stock_stock_movements", args=[obj.pk]),
                           _("movements"))

    @admin.display(description=_("history"))
    def history_link(self, obj: Stock) -> str:
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>',
                           reverse("admin:stock_stock_movements", args=[obj.pk]), _("movements"),
                           reverse("admin:stock_stock_history", args=[obj.pk]), _("audit trail"))

    def save_model(self, request, obj: Stock, form, change: bool) -> None:
        require_store(request.user, obj.store_code)
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
            messages.info(request, _("No threshold changed."))


@admin.register(StockUpdate)
class StockUpdateAdmin(StoreScopedAdmin, ReadOnlyAdmin):
    list_display = ("timestamp", "store_code", "item_code", "update_type",
                    quantity_column("quantity_change", _("change")),
                    quantity_column("after_quantity", _("after")))  # before, reference, operator: on the detail page
    list_filter = ("update_type", UserStoreFilter)
    search_fields = ("item_code", "reference_id", "operator_id", "note")
    ordering = ("-timestamp", "-id")
    date_hierarchy = "timestamp"


@admin.register(Snapshot)
class SnapshotAdmin(StoreScopedAdmin, ReadOnlyAdmin):
    list_display = ("generate_date_time", "store_code", quantity_column("total_items", _("number of items")),
                    quantity_column("total_quantity", _("total quantity")), "created_by")
    list_filter = (UserStoreFilter, "created_by")
    search_fields = ("store_code", "created_by")
    ordering = ("-created_at",)
    exclude = ("stocks",)
    readonly_fields = ("stock_table",)

    @admin.display(description=_("stocks"))
    def stock_table(self, obj: Snapshot) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((item["item_code"], item["quantity"], item["minimum_quantity"], item["reorder_point"],
              item["reorder_quantity"]) for item in obj.stocks),
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("item"), _("quantity"), _("minimum"), _("reorder point"), _("reorder quantity"),
            rows,
        )


@admin.register(Stocktake)
class StocktakeAdmin(StoreScopedAdmin, StoreTimeMixin, admin.ModelAdmin):
    """Count sheets: the list, a new sheet (``backoffice.stocktake_create_view``) and the sheet itself
    (``backoffice.stocktake_sheet_view``: the count grid while a draft, the record once confirmed)."""

    list_display = ("sheet", "store_code", "scope", "status", "created_by", "created_at", "confirmed_by",
                    "confirmed_at")
    list_filter = ("status", UserStoreFilter)
    search_fields = ("store_code", "category_code", "created_by", "confirmed_by")
    ordering = ("-created_at", "-id")

    @admin.display(description=_("stocktake"), ordering="id")
    def sheet(self, obj: Stocktake) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("items"), ordering="category_code")
    def scope(self, obj: Stocktake) -> str:
        return obj.category_code or _("all items")

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm(actions.COUNT)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(actions.COUNT) and (obj is None or may_use_store(request.user, obj.store_code))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a sheet is the record of a count

    def add_view(self, request, form_url="", extra_context=None):
        return backoffice.stocktake_create_view(request, model_admin=self)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return backoffice.stocktake_sheet_view(request, model_admin=self, object_id=object_id)
