"""Back-office page "Verify journal" (issue #24), served by the journal entry admin: pick a store (and optionally a
business date range), see each terminal's hash chain checked (``selectors.journal_verify``, as the API does)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from apps.account.access import may_use_store, require_store
from apps.core.admin import quantity
from apps.core.formats import shown_date, shown_datetime
from apps.core.store_choices import store_choices
from apps.core.transaction_types import transaction_type_name

from . import selectors
from .chain import BROKEN_HASH, BROKEN_LINK, BROKEN_TAIL, ChainCheck

VIEW_PERMISSION = "journal.view_journalentry"
REASONS = {
    BROKEN_HASH: _("The entry was changed after it was stored."),
    BROKEN_LINK: _("The entry before it is missing."),
    BROKEN_TAIL: _("Entries at the end of the journal are missing."),
}
NUMBER_NAMES = {"transaction_no": _("Transaction no."), "receipt_no": _("Receipt no.")}


def _stores_for(user) -> list[tuple[str, str]]:
    """The stores the user works in that are known to the tenant or have a journal, as (code, "code name")."""
    names = dict(store_choices())
    codes = sorted(set(names) | set(selectors.journal_chain_store_codes()))
    return [(code, f"{code} {names.get(code, '')}".strip()) for code in codes if may_use_store(user, code)]


class VerifyForm(forms.Form):
    store_code = forms.ChoiceField(label=_("Store"))
    date_from = forms.DateField(
        label=_("Business date from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Business date to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store_code"].choices = _stores_for(user)

    def clean(self):
        data = super().clean()
        low, high = data.get("date_from"), data.get("date_to")
        if low and high and low > high:
            raise forms.ValidationError(_("The first business date is after the last one."))
        return data


@dataclass(frozen=True)
class TerminalResult:
    """One terminal's line on the page, in words and formatted numbers."""

    terminal_no: int
    verified: str
    is_intact: bool
    broken_at: dict | None
    gaps: list[str]
    last_hash: str | None


def _gap_text(gap) -> str:
    name = NUMBER_NAMES[gap.number]
    if gap.first == gap.last:
        return f"{name} {gap.first}"
    return f"{name} {gap.first}–{gap.last}"


def _result(terminal_no: int, check: ChainCheck) -> TerminalResult:
    broken = check.broken_at
    return TerminalResult(
        terminal_no=terminal_no,
        verified=quantity(check.verified),
        is_intact=broken is None and not check.gaps,
        broken_at=None
        if broken is None
        else {
            "seq": broken.chain_seq,
            "transaction_no": broken.transaction_no,
            "receipt_no": broken.receipt_no,
            "type": transaction_type_name(broken.transaction_type) if broken.transaction_type is not None else "",
            "time": shown_datetime(broken.generate_date_time) if broken.generate_date_time else "",
            "reason": REASONS[broken.reason],
        },
        gaps=[_gap_text(gap) for gap in check.gaps],
        last_hash=check.last_hash,
    )


def verify_view(request: HttpRequest, model_admin) -> HttpResponse:
    """``GET .../journalentry/verify/?store_code=..&date_from=..&date_to=..``: the form, and with a store chosen,
    every terminal of the store that has a journal, checked."""
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    stores = _stores_for(request.user)
    data = request.GET if "store_code" in request.GET else None
    initial = {"store_code": stores[0][0]} if len(stores) == 1 else {}
    form = VerifyForm(data, user=request.user, initial=initial)
    results: list[TerminalResult] | None = None
    if form.is_bound and form.is_valid():
        store_code = form.cleaned_data["store_code"]
        require_store(request.user, store_code)
        low, high = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        results = [
            _result(
                terminal_no,
                selectors.journal_verify(
                    store_code=store_code,
                    terminal_no=terminal_no,
                    business_date_from=low.strftime("%Y%m%d") if low else None,
                    business_date_to=high.strftime("%Y%m%d") if high else None,
                ),
            )
            for terminal_no in selectors.journal_chain_terminals(store_code=store_code)
        ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Verify journal"),
        "opts": model_admin.model._meta,
        "app_label": model_admin.model._meta.app_label,
        "form": form,
        "results": results,
        "problems": sum(1 for result in results or () if not result.is_intact),
        "period": _period(form) if results is not None else "",
    }
    return TemplateResponse(request, "admin/journal/journalentry/verify.html", context)


def _period(form: VerifyForm) -> str:
    low, high = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    if not low and not high:
        return str(_("the whole journal"))
    return f"{shown_date(low) if low else '…'} – {shown_date(high) if high else '…'}"
