"""Back office for master data (spec/20 §8), served per tenant at ``/t/<tenant_id>/admin/``.

Every write goes through ``apps.masterdata.services`` (same rules and answers as the API): items are deleted
logically, promotions softly, settings values are JSON-normalised. Categories, items, store prices and staff have
CSV import/export (django-import-export, transactional: a file with one bad row imports nothing).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV

from apps.core.admin import NUMBER_INPUTS, SafeCSV, StoreTimeMixin, money_column
from apps.core.formats import shown_datetime

from . import selectors, services
from .admin_forms import (
    ItemBookForm,
    ItemForm,
    PromotionForm,
    RoleListFilter,
    ServiceAdminMixin,
    StaffForm,
    StorePriceForm,
    StorePriceInlineForm,
    StorePriceInlineFormSet,
    known_stores,
    promotion_type_name,
)
from .models import Category, Item, ItemBook, ItemStorePrice, PaymentMethod, Promotion, Setting, SettingValue, Staff
from .resources import CategoryResource, ItemResource, StaffResource, StorePriceResource, adopt
from .selectors import PromotionDetail
from .setting_values import ScopedValue

AUDIT = ("created_at", "updated_at")


# --- code pickers: the known codes offered, as the API does not restrict them to known ones ----------------
class CodeSuggestInput(forms.TextInput):
    """A text input with a list of suggestions (``<datalist>``): any code can be typed, known ones are offered."""

    def __init__(self, suggestions, attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions  # callable -> [(code, label)]

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        self.attrs["list"] = list_id
        field = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', self.suggestions())
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


def category_suggestions() -> list[tuple[str, str]]:
    return [(code, info.description) for code, info in sorted(selectors.categories_map().items())]


def tax_name(code: str | None) -> str:
    """``01 外税10%``: a tax code with its name from the tax master (the code alone when it is unknown)."""
    tax = selectors.tax_get(tax_code=code) if code else None
    return f"{code} {tax.tax_name}" if tax else (code or "")


@admin.display(description=_("tax"), ordering="tax_code")
def tax_column(obj) -> str:
    return tax_name(obj.tax_code)


def tax_code_field(current: str | None, *, required: bool) -> forms.ChoiceField:
    """The tax codes of the tax master by name (``01 — 外税10%``); an unknown stored code stays selectable."""
    choices = [(tax.tax_code, f"{tax.tax_code} — {tax.tax_name}") for tax in selectors.tax_table()]
    if current and current not in {code for code, _ in choices}:
        choices.append((current, current))
    if not required:
        choices.insert(0, ("", "---------"))
    return forms.ChoiceField(choices=choices, required=required, label=_("Tax code"))


def code_filter(field: str, title, names: Callable[[], dict[str, str]]) -> type[admin.SimpleListFilter]:
    """A list filter of the codes in ``field`` shown with their names (``001 Food``, not ``001``); the parameter is
    Django's own field filter's, so earlier links keep working."""

    class CodeFilter(admin.SimpleListFilter):
        parameter_name = f"{field}__exact"

        def lookups(self, request, model_admin):
            codes = model_admin.get_queryset(request).order_by().values_list(field, flat=True).distinct()
            known = names()
            return [(code, f"{code} {known[code]}" if known.get(code) else code) for code in sorted(set(codes))]

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() is not None else queryset

    CodeFilter.title = title
    return CodeFilter


def category_names() -> dict[str, str]:
    return dict(category_suggestions())


def tax_names() -> dict[str, str]:
    return {tax.tax_code: tax.tax_name for tax in selectors.tax_table()}


def store_names() -> dict[str, str]:
    return dict(known_stores())


class CodePickersMixin:
    """Item and category forms: the tax code picked from the tax master, the category code suggested."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "tax_code" in form.base_fields:
            required = form.base_fields["tax_code"].required
            form.base_fields["tax_code"] = tax_code_field(getattr(obj, "tax_code", None), required=required)
        if "category_code" in form.base_fields and self.model is Item:
            form.base_fields["category_code"].widget = CodeSuggestInput(category_suggestions)
            form.base_fields["category_code"].help_text = _("A category code; known categories are suggested.")
        return form


class TransactionalImportMixin(ImportExportMixin):
    """The confirmed import also rolls back on a validation error (the preview already refuses bad files).
    Files are CSV (UTF-8), one format only, so the form needs no format choice."""

    import_formats = [CSV]
    export_formats = [SafeCSV]  # formulas escaped

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs


@admin.register(Category)
class CategoryAdmin(StoreTimeMixin, CodePickersMixin, ServiceAdminMixin, TransactionalImportMixin,
                    admin.ModelAdmin):
    resource_classes = [CategoryResource]
    list_display = ("category_code", "description", "description_short", tax_column, "updated_at")
    list_filter = (code_filter("tax_code", _("tax code"), tax_names),)
    search_fields = ("category_code", "description", "description_short")
    readonly_fields = AUDIT
    ordering = ("category_code",)

    def get_readonly_fields(self, request, obj=None):
        return ("category_code", *AUDIT) if obj else ()  # an add form has nothing dated yet

    def save_through_service(self, obj, *, change):
        values = {
            "category_code": obj.category_code,
            "description": obj.description,
            "description_short": obj.description_short,
            "tax_code": obj.tax_code,
        }
        return services.category_update(**values) if change else services.category_create(**values)

    def delete_through_service(self, obj):
        services.category_delete(category_code=obj.category_code)


class StorePriceInline(admin.TabularInline):
    class Media:
        css = {"all": ("masterdata/admin_inputs.css",)}  # the table's phone layout

    formfield_overrides = NUMBER_INPUTS
    model = ItemStorePrice
    form = StorePriceInlineForm
    formset = StorePriceInlineFormSet
    fields = ("store_code", "store_price", "updated_at")
    readonly_fields = ("updated_at",)
    extra = 1

    def get_fields(self, request, obj=None):
        return self.fields if obj else ("store_code", "store_price")  # a new item's prices have no dates yet
    verbose_name = _("price in a store")
    verbose_name_plural = _("prices in stores (instead of the unit price)")


@admin.register(Item)
class ItemAdmin(StoreTimeMixin, CodePickersMixin, ServiceAdminMixin, TransactionalImportMixin, admin.ModelAdmin):
    formfield_overrides = NUMBER_INPUTS
    resource_classes = [ItemResource]
    form = ItemForm
    list_display = (
        "item_code", "description", money_column("unit_price", _("unit price")), "category", tax_column, "is_deleted",
    )
    list_filter = (code_filter("category_code", _("category"), category_names),
                   code_filter("tax_code", _("tax"), tax_names), "is_discount_restricted", "is_deleted")
    search_fields = ("item_code", "description", "description_short")
    ordering = ("item_code",)
    inlines = [StorePriceInline]
    fields = (
        "item_code", "description", "description_short", "description_long", "unit_price", "unit_cost",
        "item_details", "image_urls", "category_code", "tax_code", "is_discount_restricted", "is_deleted", *AUDIT,
    )

    def get_readonly_fields(self, request, obj=None):
        return ("item_code", "is_deleted", *AUDIT) if obj else ()  # nothing deleted or dated yet

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # a new item is neither deleted nor dated yet: those read-only lines mean nothing on the add form
        return fields if obj else [name for name in fields if name not in ("is_deleted", *AUDIT)]

    def get_queryset(self, request):
        name = Category.objects.filter(category_code=OuterRef("category_code")).values("description")[:1]
        return super().get_queryset(request).annotate(category_name=Subquery(name))

    @admin.display(description=_("category"), ordering="category_code")
    def category(self, obj: Item) -> str:
        name = getattr(obj, "category_name", None)
        return f"{obj.category_code} {name}" if name else obj.category_code

    def has_change_permission(self, request, obj=None):
        # A logically deleted item is history: readable, not editable (the API answers 404 to its update too).
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_deleted)

    def save_through_service(self, obj, *, change):
        values = {
            "item_code": obj.item_code,
            "description": obj.description,
            "unit_price": obj.unit_price,
            "unit_cost": obj.unit_cost,
            "item_details": obj.item_details or [],
            "image_urls": obj.image_urls or [],
            "category_code": obj.category_code,
            "tax_code": obj.tax_code,
            "is_discount_restricted": obj.is_discount_restricted,
            "description_short": obj.description_short,
            "description_long": obj.description_long,
        }
        return services.item_update(**values) if change else services.item_create(**values)

    def save_formset(self, request, form, formset, change):
        """Store-price rows are created, re-priced and deleted through the store-price services."""
        item = form.instance
        for inline_form in formset.forms:
            row, data = inline_form.instance, inline_form.cleaned_data
            if not data:
                continue
            if data.get("DELETE"):
                if row.pk:
                    services.store_price_delete(store_code=row.store_code, item_code=item.item_code)
            elif not row.pk:
                if inline_form.has_changed():
                    services.store_price_create(
                        store_code=data["store_code"], item_code=item.item_code, store_price=data["store_price"]
                    )
            elif inline_form.has_changed():
                services.store_price_update(
                    store_code=row.store_code, item_code=item.item_code, store_price=data["store_price"]
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_through_service(self, obj):
        if not obj.is_deleted:
            services.item_delete(item_code=obj.item_code, is_logical=True)


@admin.register(ItemStorePrice)
class StorePriceAdmin(StoreTimeMixin, ServiceAdminMixin, TransactionalImportMixin, admin.ModelAdmin):
    formfield_overrides = NUMBER_INPUTS
    resource_classes = [StorePriceResource]
    form = StorePriceForm
    list_display = ("store_code", "item_label", money_column("store_price", _("store price")), "updated_at")
    list_filter = (code_filter("store_code", _("store code"), store_names),)
    search_fields = ("item_id",)  # searched by get_search_results below
    raw_id_fields = ("item",)
    ordering = ("store_code", "item_id")

    def get_queryset(self, request):
        # the item's name by its code, without a join that would hide the prices of an item deleted for good
        name = Item.objects.filter(item_code=OuterRef("item_id")).values("description")[:1]
        return super().get_queryset(request).annotate(item_name=Subquery(name))

    @admin.display(description=_("item"), ordering="item_id")
    def item_label(self, obj: ItemStorePrice) -> str:
        name = getattr(obj, "item_name", None)
        return f"{obj.item_id} {name}" if name else obj.item_id

    def get_search_results(self, request, queryset, search_term):
        """Search the item code column itself: a join to the item would hide prices of deleted items."""
        term = search_term.strip()
        if not term:
            return queryset, False
        code = Cast("item_id", output_field=CharField())
        return queryset.annotate(item_code_text=code).filter(item_code_text__icontains=term), False

    def get_readonly_fields(self, request, obj=None):
        return ("store_code", "item", *AUDIT) if obj else ()  # an add form has nothing dated yet

    def save_through_service(self, obj, *, change):
        if change:
            return services.store_price_update(
                store_code=obj.store_code, item_code=obj.item_id, store_price=obj.store_price
            )
        return services.store_price_create(
            store_code=obj.store_code, item_code=obj.item_id, store_price=obj.store_price
        )

    def delete_through_service(self, obj):
        services.store_price_delete(store_code=obj.store_code, item_code=obj.item_id)


@admin.register(ItemBook)
class ItemBookAdmin(StoreTimeMixin, ServiceAdminMixin, admin.ModelAdmin):
    form = ItemBookForm
    list_display = ("item_book_id", "title", "updated_at")
    search_fields = ("item_book_id", "title")
    ordering = ("-item_book_id",)

    def get_readonly_fields(self, request, obj=None):
        return ("item_book_id", *AUDIT) if obj else ()  # an add form has nothing dated yet

    def save_through_service(self, obj, *, change):
        if change:
            return services.item_book_update(
                item_book_id=obj.item_book_id, title=obj.title, categories=obj.categories
            )
        return services.item_book_create(title=obj.title, categories=obj.categories)

    def delete_through_service(self, obj):
        services.item_book_delete(item_book_id=obj.item_book_id)


@admin.register(PaymentMethod)
class PaymentMethodAdmin(StoreTimeMixin, ServiceAdminMixin, admin.ModelAdmin):
    formfield_overrides = NUMBER_INPUTS
    list_display = (
        "payment_code", "description", money_column("limit_amount", _("limit amount")), "can_refund", "is_active",
    )  # can change / can deposit over: in the filters and the detail page
    list_filter = ("is_active", "can_change", "can_deposit_over", "can_refund")
    search_fields = ("payment_code", "description")
    ordering = ("payment_code",)

    def get_readonly_fields(self, request, obj=None):
        return ("payment_code", *AUDIT) if obj else ()  # an add form has nothing dated yet

    def save_through_service(self, obj, *, change):
        values = {
            "payment_code": obj.payment_code,
            "description": obj.description,
            "limit_amount": obj.limit_amount,
            "can_refund": obj.can_refund,
            "can_deposit_over": obj.can_deposit_over,
            "can_change": obj.can_change,
            "is_active": obj.is_active,
        }
        return services.payment_update(**values) if change else services.payment_create(**values)

    def delete_through_service(self, obj):
        services.payment_delete(payment_code=obj.payment_code)


class SettingValueInline(admin.TabularInline):
    model = SettingValue
    fields = ("position", "store_code", "terminal_no", "value")
    extra = 1


@admin.register(Setting)
class SettingAdmin(StoreTimeMixin, ServiceAdminMixin, admin.ModelAdmin):
    """The setting and its ordered scoped values are saved together by one service call (values normalised)."""

    list_display = ("name", "default_value", "updated_at")
    search_fields = ("name", "values__store_code")
    ordering = ("name",)
    inlines = [SettingValueInline]

    def get_readonly_fields(self, request, obj=None):
        return ("name", *AUDIT) if obj else ()  # an add form has nothing dated yet

    def save_model(self, request, obj, form, change):
        """Deferred to ``save_related``, where the inline values are known."""

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        entries = []
        for formset in formsets:
            for index, value_form in enumerate(formset.forms):
                data = value_form.cleaned_data
                if not data or data.get("DELETE") or (not value_form.instance.pk and not value_form.has_changed()):
                    continue
                entries.append((data.get("position") or 0, index, data))
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        values = [
            ScopedValue(data.get("store_code") or None, data.get("terminal_no"), data.get("value") or "")
            for _, _, data in sorted(entries, key=lambda entry: entry[:2])
        ]
        create_or_update = services.setting_update if change else services.setting_create
        adopt(obj, create_or_update(name=obj.name, default_value=obj.default_value, values=values))

    def delete_through_service(self, obj):
        services.setting_delete(name=obj.name)


@admin.register(Staff)
class StaffAdmin(StoreTimeMixin, ServiceAdminMixin, TransactionalImportMixin, admin.ModelAdmin):
    resource_classes = [StaffResource]
    form = StaffForm
    list_display = ("staff_id", "name", "roles")
    list_filter = (RoleListFilter,)
    search_fields = ("staff_id", "name")
    ordering = ("staff_id",)

    def get_readonly_fields(self, request, obj=None):
        return ("staff_id", *AUDIT) if obj else ()  # an add form has nothing dated yet

    def save_through_service(self, obj, *, change):
        values = {"staff_id": obj.staff_id, "name": obj.name, "pin": obj.pin, "roles": obj.roles}
        return services.staff_update(**values) if change else services.staff_create(**values)

    def delete_through_service(self, obj):
        services.staff_delete(staff_id=obj.staff_id)


@admin.register(Promotion)
class PromotionAdmin(StoreTimeMixin, ServiceAdminMixin, admin.ModelAdmin):
    formfield_overrides = NUMBER_INPUTS
    form = PromotionForm
    list_display = ("promotion_code", "name", "type_name", "period", "is_active")
    list_filter = ("promotion_type", "is_active", "is_deleted")
    date_hierarchy = "start_datetime"
    search_fields = ("promotion_code", "name", "target_category_codes")
    ordering = ("-start_datetime",)

    def get_readonly_fields(self, request, obj=None):
        return ("promotion_code", "promotion_type", "is_deleted", *AUDIT) if obj else ()  # nothing deleted or dated yet

    @admin.display(description=_("promotion type"), ordering="promotion_type")
    def type_name(self, obj: Promotion) -> str:
        return promotion_type_name(obj.promotion_type)

    @admin.display(description=_("period"), ordering="start_datetime")
    def period(self, obj: Promotion) -> str:
        return f"{shown_datetime(obj.start_datetime)} – {shown_datetime(obj.end_datetime)}"  # in store time

    def has_change_permission(self, request, obj=None):
        # A deleted promotion is kept as history only (the API answers 404 to it).
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_deleted)

    def save_through_service(self, obj, *, change):
        detail = None
        if obj.discount_rate is not None:
            detail = PromotionDetail(
                target_store_codes=tuple(obj.target_store_codes or ()),
                target_category_codes=tuple(obj.target_category_codes or ()),
                discount_rate=obj.discount_rate,
            )
        if change:
            return services.promotion_update(
                promotion_code=obj.promotion_code, name=obj.name, description=obj.description,
                start_datetime=obj.start_datetime, end_datetime=obj.end_datetime, is_active=obj.is_active,
                detail=detail,
            )
        return services.promotion_create(
            promotion_code=obj.promotion_code, promotion_type=obj.promotion_type, name=obj.name,
            description=obj.description, start_datetime=obj.start_datetime, end_datetime=obj.end_datetime,
            is_active=obj.is_active, detail=detail,
        )

    def delete_through_service(self, obj):
        if not obj.is_deleted:
            services.promotion_delete(promotion_code=obj.promotion_code)
