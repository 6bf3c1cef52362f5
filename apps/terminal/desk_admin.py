"""Back office: the "Terminals and cash" page of a store (issue #22) and its actions.

Thin adapters: the page reads ``desk.terminal_rows``; every action parses a form, shows a confirmation, then calls
one ``services.backoffice`` command, which checks the permission and the store, runs the API's own service and
writes the audit entry. A refused action (a Kugelpos error) is shown as a readable message and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.account.access import visible_store_codes
from apps.core.admin import NoEditMixin, NumberWithoutZerosInput, money
from apps.core.errors import KugelposError, NotFoundError
from apps.core.formats import app_zone
from apps.core.paging import Paging
from apps.masterdata.selectors import staff_page

from . import desk, errors, selectors, states
from .models import CashLog, OpenCloseLog, Terminal, TerminalDesk
from .services import backoffice

AMOUNT = {"max_digits": 18, "decimal_places": 4, "widget": NumberWithoutZerosInput(attrs={"step": "any"})}


# --- forms --------------------------------------------------------------------------------------------------
def staff_choices() -> list[tuple[str, str]]:
    """Every staff member of the master data (staff are not bound to a store there), by id."""
    rows, _total = staff_page(paging=Paging(limit=10_000, page=1, sort=()))
    return [(row.staff_id, f"{row.staff_id} {row.name}") for row in sorted(rows, key=lambda row: row.staff_id)]


class SignInForm(forms.Form):
    staff_id = forms.ChoiceField(label=_("Staff member"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_id"].choices = [("", "---------"), *staff_choices()]

    def summary(self) -> list[tuple[str, str]]:
        return [(gettext("Staff member"), dict(self.fields["staff_id"].choices)[self.cleaned_data["staff_id"]])]


class SignOutForm(forms.Form):
    def summary(self) -> list[tuple[str, str]]:
        return []


class OpenForm(forms.Form):
    initial_amount = forms.DecimalField(
        label=_("Initial amount (change fund)"), required=False, min_value=Decimal(0), **AMOUNT,
        help_text=_("The cash put in the drawer before the first sale. Leave empty for none."),
    )

    def summary(self) -> list[tuple[str, str]]:
        amount = self.cleaned_data["initial_amount"]
        return [(gettext("Initial amount"), gettext("none") if amount is None else money(amount))]


class CashForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)
    description = forms.CharField(label=_("Reason"), max_length=500, required=False,
                                  help_text=_("Printed on the receipt, e.g. \"Change from the bank\"."))

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(gettext("Enter an amount above zero."))
        return amount

    def summary(self) -> list[tuple[str, str]]:
        return [(gettext("Amount"), money(self.cleaned_data["amount"])),
                (gettext("Reason"), self.cleaned_data["description"] or gettext("(default)"))]


class CloseForm(forms.Form):
    physical_amount = forms.DecimalField(label=_("Counted cash"), min_value=Decimal(0), **AMOUNT,
                                         help_text=_("Count the cash in the drawer and enter the total."))

    def summary(self) -> list[tuple[str, str]]:
        return [(gettext("Counted cash"), money(self.cleaned_data["physical_amount"]))]


@dataclass(frozen=True)
class Action:
    slug: str
    operation: states.Operation
    title: Any
    button: Any
    form: type[forms.Form]


ACTIONS = {
    action.slug: action
    for action in (
        Action("sign-in", states.Operation.SIGN_IN, _("Sign staff in"), _("Sign in"), SignInForm),
        Action("sign-out", states.Operation.SIGN_OUT, _("Sign staff out"), _("Sign out"), SignOutForm),
        Action("open", states.Operation.OPEN, _("Open the terminal"), _("Open"), OpenForm),
        Action("cash-in", states.Operation.CASH_IN, _("Cash in"), _("Cash in"), CashForm),
        Action("cash-out", states.Operation.CASH_OUT, _("Cash out"), _("Cash out"), CashForm),
        Action("close", states.Operation.CLOSE, _("Close and count the drawer"),
               pgettext_lazy("terminal operation", "Close"), CloseForm),
    )
}


def is_allowed(terminal: selectors.TerminalInfo, action: Action) -> bool:
    """Whether the state machine lets ``action`` run now (the button is offered only then)."""
    if action.operation is states.Operation.SIGN_OUT:
        return terminal.is_signed_in  # allowed anyway, but a no-op with nobody signed in
    try:
        states.operation_apply(status=terminal.status, operation=action.operation,
                               is_signed_in=terminal.is_signed_in, terminal_id=terminal.terminal_id)
    except KugelposError:
        return False
    return True


def readable_error(exc: KugelposError, terminal: Terminal, action: Action) -> str:
    """What a refused action means for the person at the desk, with the Kugelpos error code."""
    number = terminal.terminal_no
    if isinstance(exc, errors.TerminalStatusError):
        if terminal.status == states.Status.OPENED:
            text = gettext("Terminal %(no)s is already open.") % {"no": number}
        elif terminal.status == states.Status.CLOSED and action.operation is states.Operation.CLOSE:
            text = gettext("Terminal %(no)s is already closed.") % {"no": number}
        else:
            text = gettext("Terminal %(no)s is not open: open it first.") % {"no": number}
    elif isinstance(exc, errors.AlreadySignedInError):
        text = gettext("%(staff)s is already signed in on terminal %(no)s: sign them out first.") % {
            "staff": terminal.staff_name or terminal.staff_id, "no": number}
    elif isinstance(exc, errors.NotSignedInError):
        text = gettext("Nobody is signed in on terminal %(no)s: sign a staff member in first.") % {"no": number}
    elif isinstance(exc, errors.StaffNotFoundError):
        text = gettext("This staff member is not in the master data.")
    elif isinstance(exc, NotFoundError):
        text = gettext("Store %(store)s is missing from the tenant's stores: add it first.") % {
            "store": terminal.store_code}
    else:
        text = exc.message
    return gettext("%(text)s (error %(code)s)") % {"text": text, "code": exc.error_code}


# --- the admin ----------------------------------------------------------------------------------------------
@admin.register(TerminalDesk)
class TerminalDeskAdmin(NoEditMixin, admin.ModelAdmin):
    """No rows of its own: its list is the store's terminal page, its URLs are the actions."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(backoffice.VIEW_PERMISSION)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("", view(self.page_view), name="terminal_terminaldesk_changelist"),
            path("<int:pk>/receipt/", view(self.receipt_view), name="terminal_terminaldesk_receipt"),
            path("<int:pk>/<slug:action>/", view(self.action_view), name="terminal_terminaldesk_action"),
        ]

    # --- helpers ---
    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def _render(self, request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
        with timezone.override(app_zone()):
            response = TemplateResponse(request, f"admin/terminal/desk/{template}", context, status=status)
            return response.render()

    def _terminal(self, request: HttpRequest, pk: int, permission: str) -> Terminal:
        terminal = Terminal.objects.filter(pk=pk).first()
        if terminal is None:
            raise Http404
        return backoffice.terminal_for_user(user=request.user, terminal_id=terminal.terminal_id,
                                            permission=permission)

    def _page_url(self, store_code: str) -> str:
        return reverse("admin:terminal_terminaldesk_changelist") + f"?store={store_code}"

    # --- the page ---
    def page_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        every_store = selectors.store_list()
        allowed = set(visible_store_codes(request.user, [store.store_code for store in every_store]))
        stores = [store for store in every_store if store.store_code in allowed]
        codes = [store.store_code for store in stores]
        store_code = request.GET.get("store") or (codes[0] if codes else None)
        if store_code is not None and store_code not in codes:
            raise PermissionDenied
        rows = desk.terminal_rows(store_code=store_code) if store_code else []
        may_operate = backoffice.may_operate(request.user)
        terminals = [
            {
                "row": row,
                "actions": [action for action in ACTIONS.values() if is_allowed(row.terminal, action)]
                if may_operate else [],
            }
            for row in rows
        ]
        context = self._context(
            request,
            title=gettext("Terminals and cash"),
            stores=stores,
            store_code=store_code,
            terminals=terminals,
            may_operate=may_operate,
        )
        return self._render(request, "page.html", context)

    # --- an action: form, confirmation, run ---
    def action_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        chosen = ACTIONS.get(action)
        if chosen is None:
            raise Http404
        terminal = self._terminal(request, pk, backoffice.OPERATE_PERMISSION)
        form = chosen.form(request.POST if request.method == "POST" else None)
        confirming = request.method == "POST" and form.is_valid() and "edit" not in request.POST
        error = None
        if confirming and request.POST.get("confirm") == "yes":
            try:
                return self._run(request, terminal, chosen, form.cleaned_data)
            except KugelposError as exc:
                error, confirming = readable_error(exc, terminal, chosen), False
        info = selectors.terminal_get(terminal_id=terminal.terminal_id)
        close = None
        if chosen.operation is states.Operation.CLOSE:
            expected = desk.expected_cash(info)
            counted = form.cleaned_data["physical_amount"] if confirming else None
            close = {"expected": expected, "counted": counted,
                     "difference": None if expected is None or counted is None else counted - expected}
        context = self._context(
            request,
            title=f"{chosen.title} · {gettext('Terminal')} {terminal.terminal_no}",
            terminal=info,
            action=chosen,
            form=form,
            confirming=confirming,
            summary=form.summary() if confirming else [],
            close=close,
            error=error,
            page_url=self._page_url(terminal.store_code),
            is_allowed=is_allowed(info, chosen),
        )
        return self._render(request, "action.html", context, status=400 if error else 200)

    def _run(self, request: HttpRequest, terminal: Terminal, action: Action, data: dict) -> HttpResponse:
        user, terminal_id = request.user, terminal.terminal_id
        operation, receipt = action.operation, {}
        if operation is states.Operation.SIGN_IN:
            done = backoffice.backoffice_sign_in(user=user, terminal_id=terminal_id, staff_id=data["staff_id"])
            text = gettext("Signed %(staff)s in on terminal %(no)s.") % {"staff": done.staff_name,
                                                                          "no": terminal.terminal_no}
        elif operation is states.Operation.SIGN_OUT:
            backoffice.backoffice_sign_out(user=user, terminal_id=terminal_id)
            text = gettext("Signed out of terminal %(no)s.") % {"no": terminal.terminal_no}
        elif operation is states.Operation.OPEN:
            result = backoffice.backoffice_open(user=user, terminal_id=terminal_id,
                                                initial_amount=data["initial_amount"])
            cash = CashLog.objects.filter(
                store_code=terminal.store_code, terminal_no=terminal.terminal_no,
                generate_date_time=result.log.generate_date_time).first()
            receipt = {"session": result.log.pk, **({"cash": cash.pk} if cash else {})}
            text = gettext("Terminal %(no)s is open.") % {"no": terminal.terminal_no}
        elif operation in (states.Operation.CASH_IN, states.Operation.CASH_OUT):
            command = (backoffice.backoffice_cash_in if operation is states.Operation.CASH_IN
                       else backoffice.backoffice_cash_out)
            log = command(user=user, terminal_id=terminal_id, amount=data["amount"],
                          description=data["description"] or None)
            receipt = {"cash": log.pk}
            text = gettext("%(action)s of %(amount)s recorded on terminal %(no)s.") % {
                "action": action.title, "amount": money(abs(log.amount)), "no": terminal.terminal_no}
        else:
            closed = backoffice.backoffice_close(user=user, terminal_id=terminal_id,
                                                 physical_amount=data["physical_amount"])
            receipt = {"session": closed.session.log.pk}
            text = gettext("Terminal %(no)s is closed.") % {"no": terminal.terminal_no}
        messages.success(request, text)
        if not receipt:
            return HttpResponseRedirect(self._page_url(terminal.store_code))
        query = "&".join(f"{kind}={pk}" for kind, pk in receipt.items())
        return HttpResponseRedirect(reverse("admin:terminal_terminaldesk_receipt", args=[terminal.pk]) + "?" + query)

    # --- the printable receipt of an action ---
    def receipt_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        terminal = self._terminal(request, pk, backoffice.VIEW_PERMISSION)
        where = {"store_code": terminal.store_code, "terminal_no": terminal.terminal_no}
        logs = []
        for kind, model in (("cash", CashLog), ("session", OpenCloseLog)):
            value = request.GET.get(kind)
            if value is None:
                continue
            if not value.isdigit():
                raise Http404
            log = model.objects.filter(pk=int(value), **where).first()
            if log is None:
                raise Http404
            logs.append(log)
        if not logs:
            raise Http404
        logs.sort(key=lambda log: (log.generate_date_time, isinstance(log, OpenCloseLog)))
        context = self._context(
            request,
            title=gettext("Receipt · Terminal %(no)s") % {"no": terminal.terminal_no},
            terminal=terminal,
            logs=logs,
            page_url=self._page_url(terminal.store_code),
        )
        return self._render(request, "receipt.html", context)
