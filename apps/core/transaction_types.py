"""One human name per transaction type (Kugelpos codes), shared by every back-office page that shows a type:
transactions, journal, report logs. A code nobody named is shown as the code itself."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CANCELLED_SALE = -101

TRANSACTION_TYPE_NAMES = {
    101: _("Sale"),
    CANCELLED_SALE: _("Cancelled sale"),
    102: _("Return"),
    201: _("Void"),
    202: _("Void of return"),
    301: _("Open"),
    302: _("Close"),
    401: _("Cash in"),
    402: _("Cash out"),
    501: _("Flash report"),
    502: _("Daily report"),
}


def transaction_type_name(code: int | str | None, *, is_cancelled: bool = False) -> str:
    """``101`` -> ``Sale``; a cancelled sale (``-101``, or ``101`` flagged cancelled) -> ``Cancelled sale``."""
    if code is None or code == "":
        return ""
    try:
        number = int(code)
    except (TypeError, ValueError):
        return str(code)
    if is_cancelled and number == 101:
        number = CANCELLED_SALE
    name = TRANSACTION_TYPE_NAMES.get(number)
    return str(name) if name is not None else str(code)
