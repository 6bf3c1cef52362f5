"""Back-office forms of the stock pages: shape and type only (a number is a number, a line has an item and a
quantity). The rules (items in the master, signs, permissions, stores) are the commands' in ``actions``; their
``ValidationError`` is shown on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.account.access import may_use_store

from .calculations import QuantityError, parse_quantity
from .models import AdjustmentReason, UpdateType


class QuantityField(forms.CharField):
    """A quantity as typed (``12``, ``-3``, ``2.5``, ``1,200``) cleaned to a Decimal."""

    def __init__(self, *, allow_negative: bool = True, **kwargs) -> None:
        self.allow_negative = allow_negative
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 8,
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return parse_quantity(value, allow_negative=self.allow_negative)
        except QuantityError as exc:
            raise forms.ValidationError(str(exc)) from None


class StoreForm(forms.Form):
    """The store of an action: one the user works in."""

    store_code = forms.CharField(label=_("Store"), max_length=100,
                                 widget=forms.TextInput(attrs={"list": "store-codes", "autocomplete": "off"}))

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_store_code(self) -> str:
        code = self.cleaned_data["store_code"].strip()
        if not may_use_store(self.user, code):
            raise forms.ValidationError(_("You do not work in store %(code)s.") % {"code": code})
        return code


class ReceiveForm(StoreForm):
    supplier_reference = forms.CharField(label=_("Supplier reference"), max_length=200,
                                         help_text=_("Delivery note or purchase order number."))


class AdjustForm(StoreForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=AdjustmentReason.choices, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False,
                                help_text=_("Optional: a damage report or case number."))
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class LineForm(forms.Form):
    """One line: an item (picked by code, names offered) and a quantity; an empty line is skipped."""

    item_code = forms.CharField(label=_("Item"), max_length=100, required=False,
                                widget=forms.TextInput(attrs={"list": "item-codes", "autocomplete": "off",
                                                              "class": "item-code"}))
    quantity = QuantityField(label=_("Quantity"), required=False)

    def clean(self):
        data = super().clean()
        code, amount = (data.get("item_code") or "").strip(), data.get("quantity")
        data["item_code"] = code
        if code and amount is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter a quantity."))
        if amount is not None and not code:
            self.add_error("item_code", _("Pick an item."))
        return data

    @property
    def is_blank(self) -> bool:
        return not self.cleaned_data.get("item_code") and self.cleaned_data.get("quantity") is None


LineFormSet = forms.formset_factory(LineForm, extra=4, max_num=500, validate_max=True)


class StocktakeCreateForm(StoreForm):
    category_code = forms.ChoiceField(label=_("Items"), required=False)

    def __init__(self, *args, categories, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_code"].choices = [("", _("All items of the store")),
                                                *((code, f"{code} {name}") for code, name in categories)]


class CountImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("One line per item: item_code,counted"))


class MovementFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("All types")), *UpdateType.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
