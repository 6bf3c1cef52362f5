"""Back-office stock commands (issue #22): receiving a delivery, adjusting stock, and stocktakes.

Every quantity they move goes through ``services.stock_apply_change``, the service behind the API's
``PUT .../stock/{item}/update``: the same upsert, history row, ``lastTransactionId``, alerts and dashboard row
update, with the update types of spec/50 §4. A command is all or nothing (one transaction around all its lines),
checks the signed-in user's permission and store (``apps.account.access``) itself, so no caller can skip them,
and leaves an audit entry (the admin's ``LogEntry``) on each stock row it moved and on the stocktake it changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.account.access import require_store
from apps.core.admin import quantity

from . import calculations, selectors, services
from .models import AdjustmentReason, Stock, Stocktake, StocktakeLine, StocktakeStatus, StockUpdate, UpdateType

RECEIVE = "stock.receive_stock"
ADJUST = "stock.adjust_stock"
COUNT = "stock.count_stock"
STOCKTAKE_REFERENCE = "STOCKTAKE-{id}"
MAX_LINES = 500


@dataclass(frozen=True)
class Line:
    """One item of a delivery or an adjustment: the quantity received, or the signed change."""

    item_code: str
    quantity: Decimal


def _authorize(user, permission: str, store_code: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("You may not do this (permission %(permission)s).") % {"permission": permission})
    require_store(user, store_code)


def _audit(user, obj: models.Model, message: str, *, flag: int = CHANGE) -> None:
    LogEntry.objects.create(
        user_id=user.pk,
        content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=flag,
        change_message=message,
    )


def _audit_movements(user, updates: Sequence[StockUpdate], describe) -> None:
    """One audit entry per stock row moved, on that row (its admin history)."""
    rows = {(row.store_code, row.item_code): row for row in Stock.objects.filter(
        store_code=updates[0].store_code, item_code__in=[update.item_code for update in updates])}
    for update in updates:
        _audit(user, rows[(update.store_code, update.item_code)], describe(update))


def _check_lines(lines: Sequence[Line], *, positive: bool) -> list[Line]:
    """The lines, by item code (so two commands moving the same items lock their rows in the same order); every
    problem found at once, as a ``ValidationError`` naming the lines."""
    errors = []
    if not lines:
        errors.append(_("Enter at least one line."))
    if len(lines) > MAX_LINES:
        errors.append(_("At most %(count)d lines at once.") % {"count": MAX_LINES})
    known = selectors.live_item_codes(item_codes=[line.item_code for line in lines])
    for line in lines:
        if line.item_code not in known:
            errors.append(_("Item %(code)s is not in the item master.") % {"code": line.item_code})
        if positive and line.quantity <= 0:
            errors.append(_("Item %(code)s: the quantity must be more than 0.") % {"code": line.item_code})
        if not positive and line.quantity == 0:
            errors.append(_("Item %(code)s: the change cannot be 0.") % {"code": line.item_code})
        if abs(line.quantity) > Decimal(int(calculations.QUANTITY_LIMIT)):
            errors.append(_("Item %(code)s: the quantity is too large.") % {"code": line.item_code})
    if errors:
        raise ValidationError(errors)
    return sorted(lines, key=lambda line: line.item_code)


def stock_receive(
    *, tenant_id: str, store_code: str, supplier_reference: str, lines: Sequence[Line], user
) -> list[StockUpdate]:
    """Post a delivery: one ``purchase`` movement per line, reference = the supplier's reference, operator = the
    user. All lines or none."""
    _authorize(user, RECEIVE, store_code)
    reference = (supplier_reference or "").strip()
    if not reference:
        raise ValidationError(_("Enter the supplier's reference (delivery note or order number)."))
    ordered = _check_lines(lines, positive=True)
    with transaction.atomic():
        updates = [
            services.stock_apply_change(
                tenant_id=tenant_id, store_code=store_code, item_code=line.item_code,
                quantity_change=float(line.quantity), update_type=UpdateType.PURCHASE, reference_id=reference,
                operator_id=user.get_username(),
            )
            for line in ordered
        ]
        _audit_movements(user, updates, lambda u: _("Received %(quantity)s (delivery %(reference)s): %(before)s → "
                                                    "%(after)s") % _numbers(u, reference=reference))
    return updates


def _numbers(update: StockUpdate, **extra) -> dict:
    return {"quantity": quantity(update.quantity_change), "before": quantity(update.before_quantity),
            "after": quantity(update.after_quantity), **extra}


def adjustment_update_type(reason: str) -> str:
    """Damage is the spec's ``damage`` update type; loss and correction are ``adjustment``."""
    return UpdateType.DAMAGE if reason == AdjustmentReason.DAMAGE else UpdateType.ADJUSTMENT


def stock_adjust(
    *, tenant_id: str, store_code: str, reason: str, lines: Sequence[Line], user, reference: str = "",
    comment: str = "",
) -> list[StockUpdate]:
    """Adjust one item or many by signed changes, for a reason (damage and loss take stock out; a correction
    either way). The reason (and comment) is each movement's ``note``; all lines or none."""
    _authorize(user, ADJUST, store_code)
    if reason not in AdjustmentReason.values:
        raise ValidationError(_("Choose a reason: damage, loss or correction."))
    ordered = _check_lines(lines, positive=False)
    if reason != AdjustmentReason.CORRECTION:
        wrong = [line.item_code for line in ordered if line.quantity > 0]
        if wrong:
            raise ValidationError(
                _("Damage and loss take stock out: enter a negative change (e.g. -2) for %(codes)s.")
                % {"codes": ", ".join(wrong)})
    comment = (comment or "").strip()
    note = f"{reason}: {comment}" if comment else reason
    with transaction.atomic():
        updates = [
            services.stock_apply_change(
                tenant_id=tenant_id, store_code=store_code, item_code=line.item_code,
                quantity_change=float(line.quantity), update_type=adjustment_update_type(reason),
                reference_id=(reference or "").strip() or None, operator_id=user.get_username(), note=note,
            )
            for line in ordered
        ]
        label = AdjustmentReason(reason).label
        _audit_movements(user, updates, lambda u: _("Adjusted %(quantity)s (%(reason)s): %(before)s → %(after)s")
                         % _numbers(u, reason=label))
    return updates


# --- stocktakes ---------------------------------------------------------------------------------------------
def stocktake_create(*, tenant_id: str, store_code: str, category_code: str = "", user) -> Stocktake:
    """A draft count sheet of the store (every item, or one category's), each line expecting the stock as it is
    now."""
    _authorize(user, COUNT, store_code)
    category_code = (category_code or "").strip()
    if category_code and category_code not in dict(selectors.category_choices()):
        raise ValidationError(_("Category %(code)s does not exist.") % {"code": category_code})
    items = selectors.stocktake_items(store_code=store_code, category_code=category_code or None)
    if not items:
        raise ValidationError(_("There is no item to count in this store and category."))
    with transaction.atomic():
        sheet = Stocktake.objects.create(tenant_id=tenant_id, store_code=store_code, category_code=category_code,
                                         created_by=user.get_username(), created_at=timezone.now())
        StocktakeLine.objects.bulk_create(
            StocktakeLine(stocktake=sheet, item_code=code, item_name=name[:255],
                          expected_quantity=Decimal(repr(expected)))
            for code, name, expected in items
        )
        _audit(user, sheet, _("Created the count sheet: %(count)d items.") % {"count": len(items)}, flag=ADDITION)
    return sheet


def _draft_for_update(stocktake_id: int, user) -> Stocktake:
    sheet = Stocktake.objects.select_for_update().filter(pk=stocktake_id).first()
    if sheet is None:
        raise ValidationError(_("This stocktake does not exist."))
    _authorize(user, COUNT, sheet.store_code)
    if not sheet.is_draft:
        raise ValidationError(_("This stocktake is confirmed and can no longer change."))
    return sheet


def stocktake_set_counts(*, stocktake_id: int, counts: Mapping[str, Decimal | None], user) -> Stocktake:
    """Enter counted quantities (None clears a count) on a draft sheet; every item must be on the sheet and no
    count negative. Nothing is saved if any is wrong."""
    with transaction.atomic():
        sheet = _draft_for_update(stocktake_id, user)
        lines = {line.item_code: line for line in sheet.lines.all()}
        errors = [_("Item %(code)s is not on this count sheet.") % {"code": code}
                  for code in counts if code not in lines]
        errors += [_("Item %(code)s: a count cannot be negative.") % {"code": code}
                   for code, counted in counts.items() if counted is not None and counted < 0]
        if errors:
            raise ValidationError(errors)
        changed = []
        for code, counted in counts.items():
            line = lines[code]
            if line.counted_quantity == counted:
                continue
            line.counted_quantity = counted
            line.difference = calculations.count_difference(expected=line.expected_quantity, counted=counted)
            changed.append(line)
        StocktakeLine.objects.bulk_update(changed, ["counted_quantity", "difference"])
        if changed:
            _audit(user, sheet, _("Entered %(count)d counts.") % {"count": len(changed)})
    return sheet


def stocktake_import_counts(*, stocktake_id: int, csv_text: str, user) -> int:
    """Counts from a CSV (``item_code,counted``); a file with any bad line changes nothing. Returns how many
    counts it held."""
    counts, errors = calculations.parse_counts_csv(csv_text)
    if errors:
        raise ValidationError(errors)
    if not counts:
        raise ValidationError(_("The file holds no counts."))
    stocktake_set_counts(stocktake_id=stocktake_id, counts=counts, user=user)
    return len(counts)


def stocktake_confirm(*, stocktake_id: int, user) -> list[StockUpdate]:
    """Confirm a draft sheet: one ``adjustment`` movement per counted line whose count differs from what was
    expected (by exactly the difference), all in one transaction; the sheet becomes read-only. Lines not counted
    move nothing. At least one line must be counted."""
    with transaction.atomic():
        sheet = _draft_for_update(stocktake_id, user)
        lines = list(sheet.lines.all())
        if not any(line.counted_quantity is not None for line in lines):
            raise ValidationError(_("Nothing has been counted yet."))
        reference = STOCKTAKE_REFERENCE.format(id=sheet.pk)
        updates = [
            services.stock_apply_change(
                tenant_id=sheet.tenant_id, store_code=sheet.store_code, item_code=line.item_code,
                quantity_change=float(line.difference), update_type=UpdateType.ADJUSTMENT, reference_id=reference,
                operator_id=user.get_username(), note="stocktake",
            )
            for line in lines
            if line.difference  # not None, not 0
        ]
        sheet.status = StocktakeStatus.CONFIRMED
        sheet.confirmed_by = user.get_username()
        sheet.confirmed_at = timezone.now()
        sheet.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        _audit(user, sheet, _("Confirmed: %(count)d adjustments posted.") % {"count": len(updates)})
        if updates:
            _audit_movements(user, updates, lambda u: _("Stocktake %(reference)s: %(quantity)s, %(before)s → "
                                                        "%(after)s") % _numbers(u, reference=reference))
    return updates
