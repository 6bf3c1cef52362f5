"""Back-office forms and the mixin that routes admin writes through the master-data services.

Rules are checked in the forms with the services' own checks (so an editor sees the API's answer as a form error);
saving then calls the service, which checks again and writes (so a concurrent change still cannot break a rule).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from apps.core.errors import KugelposError

from . import item_book_tree, services
from .api.serializers import BookCategorySerializer
from .models import Item, ItemBook, ItemStorePrice, Promotion, Staff
from .resources import adopt
from .selectors import PromotionDetail


def as_validation_error(exc: KugelposError) -> ValidationError:
    return ValidationError(exc.message)


def string_list(value, label: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise ValidationError(f"{label} must be a JSON list of strings, e.g. [\"a\", \"b\"]")
    return value


class ServiceAdminMixin:
    """``save_model``/``delete_model`` call the services; a rule that still fails at save (a concurrent change)
    rolls the whole request back and comes back as an error message instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except KugelposError as exc:
            self.message_user(request, exc.message, messages.ERROR)
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
            raise ValidationError("Store prices can only be added to a live item.")
        if item.pk is None:
            return
        taken = set(
            ItemStorePrice.objects.filter(item_id=item.item_code, store_code__in=new_codes).values_list(
                "store_code", flat=True
            )
        )
        if taken:
            raise ValidationError(f"A store price already exists for store(s): {', '.join(sorted(taken))}")


# --- item books ---------------------------------------------------------------------------------------------
class ItemBookForm(forms.ModelForm):
    categories = forms.JSONField(
        required=False,
        help_text=(
            "The layout tree: a list of categories {category_number, title, color, tabs: [{tab_number, title, "
            "color, buttons: [{pos_x, pos_y, size, image_url, color_text, item_code}]}]}."
        ),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
    )

    class Meta:
        model = ItemBook
        fields = ("title", "categories")

    def clean_categories(self):
        value = self.cleaned_data.get("categories") or []
        shape = BookCategorySerializer(data=value, many=True)
        if not shape.is_valid():
            raise ValidationError(f"Invalid layout: {shape.errors}")
        try:
            return item_book_tree.tree_from_input(shape.validated_data)
        except KugelposError as exc:
            raise as_validation_error(exc) from None


# --- staff --------------------------------------------------------------------------------------------------
class StaffForm(forms.ModelForm):
    """The PIN is write-only in the back office: the page never carries it; left blank on a change, it is kept."""

    class Meta:
        model = Staff
        fields = ("staff_id", "name", "pin", "roles")
        widgets = {"pin": forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["pin"].required = False
            self.fields["pin"].help_text = "Leave blank to keep the current PIN."

    def clean_pin(self):
        return self.cleaned_data.get("pin") or (self.instance.pin if self.instance.pk is not None else "")

    def clean_roles(self):
        return string_list(self.cleaned_data.get("roles"), "Roles")


class RoleListFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        roles = {role for roles in Staff.objects.values_list("roles", flat=True) for role in roles or []}
        return [(role, role) for role in sorted(roles)]

    def queryset(self, request, queryset):
        return queryset.filter(roles__contains=[self.value()]) if self.value() else queryset


# --- promotions ---------------------------------------------------------------------------------------------
class PromotionForm(forms.ModelForm):
    class Meta:
        model = Promotion
        fields = (
            "promotion_code", "promotion_type", "name", "description", "start_datetime", "end_datetime",
            "is_active", "target_store_codes", "target_category_codes", "discount_rate",
        )
        help_texts = {
            "target_store_codes": 'JSON list, e.g. ["5678"]; empty list = every store.',
            "target_category_codes": 'JSON list, e.g. ["BEV001"]; required with a discount rate.',
            "discount_rate": "Percent (0 < rate <= 100). Leave empty for a promotion without detail.",
        }

    def detail(self) -> PromotionDetail | None:
        rate = self.cleaned_data.get("discount_rate")
        categories = self.cleaned_data.get("target_category_codes") or []
        if rate is None:
            if categories:
                raise ValidationError("A discount rate is needed when target categories are given.")
            return None
        return PromotionDetail(
            target_store_codes=tuple(self.cleaned_data.get("target_store_codes") or ()),
            target_category_codes=tuple(categories),
            discount_rate=rate,
        )

    def clean_target_store_codes(self):
        return string_list(self.cleaned_data.get("target_store_codes"), "Target store codes")

    def clean_target_category_codes(self):
        return string_list(self.cleaned_data.get("target_category_codes"), "Target category codes")

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
