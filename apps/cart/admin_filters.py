"""The transaction list's filters (issue #22): typed ones (receipt no., transaction no., item code, staff, amount
and date ranges) as small forms in the filter sidebar, chosen ones (store, terminal, status) as links. Each
applies one ``TransactionQuerySet`` method; a value that is not a number or a date shows a message and an empty
list instead of a server error."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.account.access import filter_by_store, may_use_store
from apps.core.formats import app_zone
from apps.core.limits import INT32, parse_int
from apps.terminal import selectors as terminals

MAX_AMOUNT = Decimal("99999999999999")  # the money column's 14 integer digits


class InvalidFilterValue(ValueError):
    pass


class InputFilter(admin.ListFilter):
    """A filter typed into one or more inputs (``inputs``: parameter, label, input type), sent as a GET form
    that keeps the list's other filters, search and ordering."""

    template = "admin/cart/transaction/input_filter.html"
    inputs: tuple[tuple[str, str, str], ...] = ()

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name, _label, _kind in self.inputs:
            if name in params:
                value = params.pop(name)
                value = value[-1] if isinstance(value, list) else value
                if str(value).strip():
                    self.used_parameters[name] = str(value).strip()

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [name for name, _label, _kind in self.inputs]

    def choices(self, changelist):
        mine = set(self.expected_parameters())
        yield {
            "inputs": [{"name": name, "label": label, "type": kind, "value": self.used_parameters.get(name, "")}
                       for name, label, kind in self.inputs],
            "hidden": [(key, value) for key, value in changelist.params.items() if key not in mine],
            "clear_url": changelist.get_query_string(remove=list(mine)),
            "selected": bool(self.used_parameters),
        }

    def queryset(self, request, queryset):
        if not self.used_parameters:
            return queryset
        try:
            return self.apply(queryset, self.used_parameters)
        except InvalidFilterValue as exc:
            messages.error(request, str(exc))
            return queryset.none()

    def apply(self, queryset, values: dict[str, str]):
        raise NotImplementedError


def _number(value: str, label: str) -> int:
    try:
        return parse_int(value, INT32)
    except ValueError:
        raise InvalidFilterValue(_("%(label)s: enter a whole number, not “%(value)s”.")
                                 % {"label": label, "value": value}) from None


def _amount(value: str | None, label: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.replace(",", "").replace("¥", ""))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise InvalidFilterValue(_("%(label)s: enter an amount, not “%(value)s”.")
                                 % {"label": label, "value": value})
    return amount


def _date(value: str | None, label: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidFilterValue(_("%(label)s: enter a date as YYYY-MM-DD, not “%(value)s”.")
                                 % {"label": label, "value": value}) from None


class ReceiptNoFilter(InputFilter):
    title = gettext_lazy("receipt no.")
    inputs = (("receipt_no", gettext_lazy("Receipt no."), "number"),)

    def apply(self, queryset, values):
        return queryset.filter(receipt_no=_number(values["receipt_no"], _("Receipt no.")))


class TransactionNoFilter(InputFilter):
    title = gettext_lazy("transaction no.")
    inputs = (("transaction_no", gettext_lazy("Transaction no."), "number"),)

    def apply(self, queryset, values):
        return queryset.filter(transaction_no=_number(values["transaction_no"], _("Transaction no.")))


class ItemCodeFilter(InputFilter):
    title = gettext_lazy("item code")
    inputs = (("item_code", gettext_lazy("Item code"), "text"),)

    def apply(self, queryset, values):
        return queryset.containing_item(values["item_code"])


class StaffFilter(InputFilter):
    title = gettext_lazy("staff")
    inputs = (("staff", gettext_lazy("Staff ID"), "text"),)

    def apply(self, queryset, values):
        return queryset.by_staff(values["staff"])


class AmountRangeFilter(InputFilter):
    title = gettext_lazy("total with tax")
    inputs = (("amount_min", pgettext_lazy("amount range", "From"), "number"),
              ("amount_max", pgettext_lazy("amount range", "To"), "number"))

    def apply(self, queryset, values):
        return queryset.amount_between(_amount(values.get("amount_min"), _("Total from")),
                                       _amount(values.get("amount_max"), _("Total to")))


class DateRangeFilter(InputFilter):
    """Days of the store's calendar (``APP_TIMEZONE``), both ends included."""

    title = gettext_lazy("date")
    inputs = (("date_from", pgettext_lazy("date range", "From"), "date"),
              ("date_to", pgettext_lazy("date range", "To"), "date"))

    def apply(self, queryset, values):
        first = _date(values.get("date_from"), _("Date from"))
        last = _date(values.get("date_to"), _("Date to"))
        zone = app_zone()
        start = None if first is None else datetime.combine(first, time.min, tzinfo=zone)
        end = None if last is None else datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        return queryset.generated_between(start, end)


class TerminalFilter(admin.SimpleListFilter):
    """The terminal numbers of the chosen store (of the user's stores when none is chosen), from the terminal
    master."""

    title = gettext_lazy("terminal")
    parameter_name = "terminal_no"

    def lookups(self, request, model_admin):
        store = request.GET.get("store_code") or None
        if store is not None and not may_use_store(request.user, store):
            return []
        rows = filter_by_store(request.user, terminals.terminal_list(tenant_id=request.tenant.tenant_id,
                                                                      store_code=store))
        numbers = rows.order_by("terminal_no").values_list("terminal_no", flat=True).distinct()
        return [(str(number), _("Terminal %(number)s") % {"number": number}) for number in numbers]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            return queryset.filter(terminal_no=parse_int(self.value(), INT32))
        except ValueError:
            return queryset.none()


class StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Completed")), ("voided", _("Voided")), ("returned", _("Returned")),
                ("cancelled", _("Cancelled"))]

    def queryset(self, request, queryset):
        return queryset if self.value() is None else queryset.with_status(self.value())
