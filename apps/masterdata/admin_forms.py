"""Back-office forms and the mixin that routes admin writes through the master-data services.

Rules are checked in the forms with the services' own checks (so an editor sees the API's answer as a form error);
saving then calls the service, which checks again and writes (so a concurrent change still cannot break a rule).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from apps.core.errors import KugelposError
from apps.core.language import error_for_page

from . import item_book_tree, selectors, services
from .admin_widgets import CodeMultipleChoiceField, ItemBookLayoutWidget, StringListField, StringListWidget
from .api.serializers import BookCategorySerializer
from .models import Item, ItemBook, ItemStorePrice, Promotion, Staff
from .resources import adopt
from .selectors import PromotionDetail


def as_validation_error(exc: KugelposError) -> ValidationError:
    return ValidationError(error_for_page(exc))


# --- known codes offered by the pickers -----------------------------------------------------------------------
# Stores live in apps.terminal, a layer above master data: it registers where store codes come from (its admin
# module does), so the promotion form offers them by name without master data importing terminal.
STORE_SOURCES: list[Callable[[], Iterable[tuple[str, str]]]] = []


def register_store_source(source: Callable[[], Iterable[tuple[str, str]]]) -> None:
    if source not in STORE_SOURCES:
        STORE_SOURCES.append(source)


def known_stores() -> list[tuple[str, str]]:
    stores: dict[str, str] = {}
    for source in STORE_SOURCES:
        for code, name in source():
            stores.setdefault(code, name)
    return sorted(stores.items())


def known_categories() -> list[tuple[str, str]]:
    return [(code, info.description) for code, info in sorted(selectors.categories_map().items())]


DEFAULT_ROLES = ("staff", "manager")


def known_roles() -> list[tuple[str, str]]:
    roles = set(DEFAULT_ROLES)
    roles.update(role for roles_ in Staff.objects.values_list("roles", flat=True) for role in roles_ or []
                 if isinstance(role, str))
    return [(role, role) for role in sorted(roles)]


class ServiceAdminMixin:
    """``save_model``/``delete_model`` call the services; a rule that still fails at save (a concurrent change)
    rolls the whole request back and comes back as an error message instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except KugelposError as exc:
            self.message_user(request, error_for_page(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        adopt(obj, self.save_through_service(obj, change=change))

    def save_through_service(self, obj, *, change: bool):  # pragma: no cover - every admin overrides
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_through_service(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_through_service(obj)

    def delete_through_service(self, obj):  # pragma: no cover - every admin overrides
        raise NotImplementedError


# --- store prices -------------------------------------------------------------------------------------------
class StorePriceForm(forms.ModelForm):
    class Meta:
        model = ItemStorePrice
        fields = ("store_code", "item", "store_price")

    def clean(self):
        cleaned = super().clean()
        item = cleaned.get("item")
        if self.instance._state.adding and item is not None:
            try:
                services.store_price_check_item(item_code=item.item_code)
            except KugelposError as exc:
                raise as_validation_error(exc) from None
        return cleaned


class StorePriceInlineForm(forms.ModelForm):
    class Meta:
        model = ItemStorePrice
        fields = ("store_code", "store_price")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # an existing override is re-priced or deleted, never moved to another store
            self.fields["store_code"].disabled = True


class StorePriceInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        item: Item = self.instance
        new_codes = [
            form.cleaned_data["store_code"]
            for form in self.forms
            if not form.instance.pk and form.has_changed() and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
        ]
        if not new_codes:
            return
        if item.is_deleted:
            raise ValidationError(_("Store prices can only be added to a live item."))
        if item.pk is None:
            return
        taken = set(
            ItemStorePrice.objects.filter(item_id=item.item_code, store_code__in=new_codes).values_list(
                "store_code", flat=True
            )
        )
        if taken:
            raise ValidationError(_("A store price already exists for store(s): %(stores)s"),
                                  params={"stores": ", ".join(sorted(taken))})


# --- items --------------------------------------------------------------------------------------------------
class ItemForm(forms.ModelForm):
    """Details and image URLs as one input per line (stored as the API's JSON lists of strings)."""

    item_details = StringListField(label=_("Item details"), widget=StringListWidget(extra=2))
    image_urls = StringListField(
        label=_("Image URLs"), widget=StringListWidget(extra=1, placeholder="https://…"),
    )

    class Meta:
        model = Item
        fields = (
            "item_code", "description", "description_short", "description_long", "unit_price", "unit_cost",
            "item_details", "image_urls", "category_code", "tax_code", "is_discount_restricted",
        )


# --- item books ---------------------------------------------------------------------------------------------
class ItemBookForm(forms.ModelForm):
    categories = forms.JSONField(
        required=False,
        label=_("Layout"),
        help_text=_("Categories, their tabs, and each tab's buttons placed on a grid (column, row from 0)."),
        widget=ItemBookLayoutWidget,
    )

    class Meta:
        model = ItemBook
        fields = ("title", "categories")

    def clean_categories(self):
        value = self.cleaned_data.get("categories") or []
        shape = BookCategorySerializer(data=value, many=True)
        if not shape.is_valid():
            raise ValidationError(_("Invalid layout: %(errors)s"), params={"errors": shape.errors})
        try:
            return item_book_tree.tree_from_input(shape.validated_data)
        except KugelposError as exc:
            raise as_validation_error(exc) from None


# --- staff --------------------------------------------------------------------------------------------------
class StaffForm(forms.ModelForm):
    """The PIN is write-only in the back office: the page never carries it; left blank on a change, it is kept.
    Roles are free strings (as in the API): one input each, the roles already in use suggested."""

    roles = StringListField(label=_("Roles"), widget=StringListWidget(extra=1, suggestions=known_roles))

    class Meta:
        model = Staff
        fields = ("staff_id", "name", "pin", "roles")
        widgets = {"pin": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["pin"].required = False
            self.fields["pin"].help_text = _("Leave blank to keep the current PIN.")

    def clean_pin(self):
        return self.cleaned_data.get("pin") or (self.instance.pin if self.instance.pk is not None else "")


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        roles = {role for roles in Staff.objects.values_list("roles", flat=True) for role in roles or []}
        return [(role, role) for role in sorted(roles)]

    def queryset(self, request, queryset):
        return queryset.filter(roles__contains=[self.value()]) if self.value() else queryset


# --- promotions ---------------------------------------------------------------------------------------------
# The promotion types of spec/20 §2.9: only ``category_discount`` has rules (and is applied by the cart).
PROMOTION_TYPES = ((selectors.CATEGORY_DISCOUNT, _("Category discount (percent off the chosen categories)")),)


def promotion_type_name(code: str) -> str:
    """The type's name as the type picker offers it; a type of another system stored through the API as its code."""
    return str(dict(PROMOTION_TYPES).get(code, code))


class PromotionForm(forms.ModelForm):
    promotion_type = forms.ChoiceField(label=_("Promotion type"), choices=PROMOTION_TYPES)
    target_store_codes = CodeMultipleChoiceField(
        choices=known_stores, verbose_name=_("stores"), label=_("Target stores"),
        help_text=_("None chosen = every store."),
    )
    target_category_codes = CodeMultipleChoiceField(
        choices=known_categories, verbose_name=_("categories"), label=_("Target categories"),
        help_text=_("Required with a discount rate."),
    )

    class Meta:
        model = Promotion
        fields = (
            "promotion_code", "promotion_type", "name", "description", "start_datetime", "end_datetime",
            "is_active", "target_store_codes", "target_category_codes", "discount_rate",
        )
        help_texts = {
            "discount_rate": _("Percent (0 < rate <= 100). Leave empty for a promotion without detail."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("target_store_codes", "target_category_codes"):
            self.fields[name].offer(getattr(self.instance, name, None) or [])

    def detail(self) -> PromotionDetail | None:
        rate = self.cleaned_data.get("discount_rate")
        categories = self.cleaned_data.get("target_category_codes") or []
        if rate is None:
            if categories:
                raise ValidationError(_("A discount rate is needed when target categories are given."))
            return None
        return PromotionDetail(
            target_store_codes=tuple(self.cleaned_data.get("target_store_codes") or ()),
            target_category_codes=tuple(categories),
            discount_rate=rate,
        )

    def clean_target_store_codes(self):
        return list(self.cleaned_data.get("target_store_codes") or [])

    def clean_target_category_codes(self):
        return list(self.cleaned_data.get("target_category_codes") or [])

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        instance = self.instance
        try:
            services.promotion_validate(
                promotion_type=cleaned.get("promotion_type", instance.promotion_type),
                start_datetime=cleaned["start_datetime"],
                end_datetime=cleaned["end_datetime"],
                detail=self.detail(),
            )
        except KugelposError as exc:
            raise as_validation_error(exc) from None
        return cleaned
