"""Back-office helpers shared by every app's admin (no models of core are in the back office).

- ``StoreTimeMixin``: the admin pages of a model show and read dates and times in the store's time zone
  (``APP_TIMEZONE``, as receipts and business dates do), not in the server's UTC.
- ``ReadOnlyAdmin``: a log nobody edits (transactions, journal, stored report copies, stock history).
- ``money`` / ``money_column``: amounts shown as money (``¥1,234``; ``¥1,234.5`` when there is a fraction);
  ``money_whole``: a computed figure (an average) in whole yen.
- ``NUMBER_INPUTS``: amounts and quantities typed into forms without trailing zeros (``150``, ``3``).
- ``quantity`` / ``quantity_column``: counts shown as people read them (``1,200``; ``2.5`` only when fractional).
- ``transaction_type_column`` / ``TransactionTypeFilter``: a transaction type by its one human name
  (``apps.core.transaction_types``), listed and filtered the same way on every page.
- ``SafeCSV``: the CSV export format of every admin, with spreadsheet formulas escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import tablib
from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV

from .formats import app_zone
from .rounding import RoundMethod, round_to
from .transaction_types import TRANSACTION_TYPE_NAMES, transaction_type_name

CURRENCY = "¥"


def money(value: Decimal | int | float | None) -> str:
    """``¥1,234``, ``-¥500``, ``¥1,234.5``; empty for no amount."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.4f}".rstrip("0").rstrip(".")
    return f"{sign}{CURRENCY}{text}"


def money_whole(value: Decimal | int | float | None) -> str:
    """A figure people read in whole yen although it has a fraction (an average basket of 737.75 -> ``¥738``),
    rounded half up (``apps.core.rounding``); a recorded amount is shown by ``money`` as it is."""
    if value is None or value == "":
        return ""
    return money(round_to(Decimal(str(value)), RoundMethod.ROUND))


def money_column(field: str, description: str | None = None) -> Callable:
    """A list/read-only column of the amount in ``field``, shown as money and sorted by the field. Goes into
    ``list_display`` as it is, or becomes a ModelAdmin attribute (``amount_money = money_column("amount")``) that
    ``readonly_fields`` and fieldsets name."""

    @admin.display(description=description or _(field.replace("_", " ")), ordering=field)
    def column(*args) -> str:  # (obj) as a list column, (model_admin, obj) as a ModelAdmin method
        return money(getattr(args[-1], field))

    column.__name__ = f"{field}_money"
    return column


def quantity(value: Decimal | int | float | None) -> str:
    """``1,200``, ``-3``, ``2.5``: an integer without decimals, a fraction without trailing zeros."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,f}".rstrip("0").rstrip(".")


def quantity_column(field: str, description: str | None = None) -> Callable:
    """As ``money_column``, for a count or quantity."""

    @admin.display(description=description or _(field.replace("_", " ")), ordering=field)
    def column(*args) -> str:
        return quantity(getattr(args[-1], field))

    column.__name__ = f"{field}_quantity"
    return column


def transaction_type_column(field: str = "transaction_type", cancelled_field: str | None = None) -> Callable:
    """A column of the transaction type's human name (``Sale``); with ``cancelled_field``, a sale flagged
    cancelled reads ``Cancelled sale`` as its journal entry does."""

    @admin.display(description=_("type"), ordering=field)
    def column(*args) -> str:
        obj = args[-1]
        is_cancelled = bool(getattr(obj, cancelled_field)) if cancelled_field else False
        return transaction_type_name(getattr(obj, field), is_cancelled=is_cancelled)

    column.__name__ = f"{field}_name"
    return column


class TransactionTypeFilter(admin.SimpleListFilter):
    """Filter by transaction type, offered by name (the types present in the list only)."""

    title = _("type")
    field = "transaction_type"
    parameter_name = "transaction_type__exact"  # the name Django's own field filter used: old links still work

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list(self.field, flat=True).distinct()
        order = list(TRANSACTION_TYPE_NAMES)
        present = sorted(set(codes), key=lambda code: (order.index(code) if code in order else len(order), code))
        return [(str(code), transaction_type_name(code)) for code in present]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        try:
            return queryset.filter(**{self.field: int(value)})
        except ValueError:
            return queryset.none()


def plain_number(value: Decimal | int | float) -> str:
    """``150``, ``2.5``, ``-3``: a number as typed, with no trailing zeros and no separators (for inputs)."""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class NumberWithoutZerosInput(forms.NumberInput):
    """A number input of an amount or quantity that shows ``150``, not ``150.0000`` (``3``, not ``3.0``); what was
    typed into a re-shown form is shown as typed."""

    def format_value(self, value):
        if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
            return plain_number(value)
        return super().format_value(value)


# ``formfield_overrides`` of an admin whose forms edit amounts or quantities
NUMBER_INPUTS = {
    models.DecimalField: {"widget": NumberWithoutZerosInput},
    models.FloatField: {"widget": NumberWithoutZerosInput},
}


class StoreTimeMixin:
    """Lists, forms, history and delete pages of this admin in the store's time zone: shown datetimes are the
    store's wall time and datetimes typed into a form are read as store time. The response is rendered inside
    the zone (a TemplateResponse would otherwise render after the view returned)."""

    def _in_store_time(self, view: Callable, *args, **kwargs):
        with timezone.override(app_zone()):
            response = view(*args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
            return response

    def changelist_view(self, request, extra_context=None):
        return self._in_store_time(super().changelist_view, request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._in_store_time(super().changeform_view, request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._in_store_time(super().history_view, request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._in_store_time(super().delete_view, request, object_id, extra_context)


def is_money_field(field) -> bool:
    """The project's one money column shape: ``DecimalField(max_digits=18, decimal_places=4)``."""
    return isinstance(field, models.DecimalField) and (field.max_digits, field.decimal_places) == (18, 4)


class ShownAsPeopleReadThemMixin:
    """The detail page of a read-only record shows its amounts as money (``¥1,500``), its other numbers without
    trailing zeros (``3``, not ``3.0``) and its transaction type by name (``Sale``), instead of Django's
    ``1500.0000`` and ``101``: each such field is shown through ``money_column`` / ``quantity_column`` /
    ``transaction_type_column`` under the field's own label."""

    def _column_for(self, field) -> Callable | None:
        if field.name == "transaction_type":
            cancelled = "is_cancelled" if any(f.name == "is_cancelled" for f in self.model._meta.fields) else None
            return transaction_type_column(cancelled_field=cancelled)
        if isinstance(field, (models.DecimalField, models.FloatField)):
            make = money_column if is_money_field(field) else quantity_column
            return make(field.name, field.verbose_name)  # lazy: each page in its own language
        return None

    def _number_displays(self) -> dict[str, str]:
        shown = {}
        for field in self.model._meta.concrete_fields:
            name = f"{field.name}_shown"
            if not hasattr(self, name):
                column = self._column_for(field)
                if column is None:
                    continue
                setattr(self, name, lambda obj, column=column: column(obj))
                getattr(self, name).short_description = column.short_description
            shown[field.name] = name
        return shown

    def _swap(self, names):
        shown = self._number_displays()
        return [tuple(self._swap(name)) if isinstance(name, (list, tuple)) else shown.get(name, name)
                for name in names]

    def get_fields(self, request, obj=None):
        return list(dict.fromkeys(self._swap(super().get_fields(request, obj))))  # each field once

    def get_fieldsets(self, request, obj=None):
        return [(title, {**options, "fields": self._swap(options.get("fields", ()))})
                for title, options in super().get_fieldsets(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        swapped = [*self._swap(super().get_readonly_fields(request, obj)), *self._number_displays().values()]
        return list(dict.fromkeys(swapped))


class NoEditMixin:
    """An admin that never adds, changes or deletes a row through Django's forms: its rows are written by services
    (or it has none of its own)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(NoEditMixin, ShownAsPeopleReadThemMixin, StoreTimeMixin, admin.ModelAdmin):
    """Shown, searched and filtered, never added, changed or deleted: the records are written by services."""


# --- sign-in -------------------------------------------------------------------------------------------------------
class BackOfficeLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form with the user name labelled in the page's language (the user model leaves its field
    names to Django, which derives an untranslated "username")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = capfirst(_("username"))


admin.site.login_form = BackOfficeLoginForm


# --- CSV export -------------------------------------------------------------------------------------------------
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(value):
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``) with a
    leading ``'``, so it opens as text (OWASP's CSV injection advice); numbers, negative ones too, are left as
    they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeCSV(CSV):
    """CSV export with formulas escaped. django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``
    (also on, for any other format) only drops a leading ``=``, leaving ``+``, ``-`` and ``@`` formulas live."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(*([spreadsheet_safe(cell) for cell in row] for row in dataset),
                              headers=dataset.headers, title=dataset.title)
        return super().export_data(safe, **kwargs)
