"""Pure stock rules over plain data: alert conditions (spec/50 §7.4), tranlog line changes (§5.4.2),
snapshot schedule fire times (§5.6). No database, no I/O: tested table-driven with the spec's numbers.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

REORDER_POINT = "reorder_point"
MINIMUM_STOCK = "minimum_stock"

# transaction_type -> (update_type, sign) (spec/50 §5.4.2); any other type changes nothing.
TRANLOG_TYPES: dict[int, tuple[str, int]] = {
    101: ("sale", -1),
    201: ("void", 1),
    102: ("return", 1),
    202: ("void_return", -1),
}

# Every quantity (a change, a level, a threshold) stays within +-QUANTITY_LIMIT: a double counts whole units
# exactly up to 2**53 (~9e15), and a sum of two bounded values can never overflow the column (1e308 sent twice
# used to: a 500).
QUANTITY_LIMIT = 1e15


def quantity_in_range(value: float) -> bool:
    return -QUANTITY_LIMIT <= value <= QUANTITY_LIMIT


# A scheduled run may start up to this late; later it is skipped until the next fire time (spec/50 §5.6).
MISFIRE_GRACE = timedelta(hours=1)


# --- alerts -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StockLevel:
    """A stock row as the alert rules see it."""

    tenant_id: str
    store_code: str
    item_code: str
    current_quantity: float
    minimum_quantity: float
    reorder_point: float
    reorder_quantity: float

    @classmethod
    def of(cls, row: Any) -> StockLevel:
        """From any object with the stock attributes (a ``Stock`` row)."""
        return cls(
            row.tenant_id,
            row.store_code,
            row.item_code,
            row.current_quantity,
            row.minimum_quantity,
            row.reorder_point,
            row.reorder_quantity,
        )


@dataclass(frozen=True)
class StockAlert:
    alert_type: str  # REORDER_POINT | MINIMUM_STOCK
    level: StockLevel

    @property
    def cooldown_key(self) -> str:
        """``reorder_{tenant}_{store}_{item}`` / ``minimum_{tenant}_{store}_{item}`` (spec/50 §7.5)."""
        kind = "reorder" if self.alert_type == REORDER_POINT else "minimum"
        level = self.level
        return f"{kind}_{level.tenant_id}_{level.store_code}_{level.item_code}"

    def message(self, *, sent_at: datetime) -> dict[str, Any]:
        """The WebSocket frame (snake_case, spec/50 §7.4); ``timestamp`` is the UTC send time."""
        level = self.level
        body: dict[str, Any] = {
            "type": "stock_alert",
            "alert_type": self.alert_type,
            "tenant_id": level.tenant_id,
            "store_code": level.store_code,
            "item_code": level.item_code,
            "current_quantity": float(level.current_quantity),
        }
        if self.alert_type == REORDER_POINT:
            body["reorder_point"] = float(level.reorder_point)
        else:
            body["minimum_quantity"] = float(level.minimum_quantity)
        body["reorder_quantity"] = float(level.reorder_quantity)
        body["timestamp"] = sent_at.astimezone(UTC).isoformat()
        return body


def is_at_reorder_point(level: StockLevel) -> bool:
    return level.reorder_point > 0 and level.current_quantity <= level.reorder_point


def is_below_minimum(level: StockLevel) -> bool:
    return level.minimum_quantity > 0 and level.current_quantity < level.minimum_quantity


# A row's status in the back office (stock list, dashboard): the low-stock list's condition first (spec/50 §5.3,
# no ``minimum > 0`` guard), then the reorder list's.
STATUS_BELOW_MINIMUM = "below_minimum"
STATUS_BELOW_REORDER_POINT = "below_reorder_point"
STATUS_OK = "ok"


def stock_status(level: StockLevel) -> str:
    if level.current_quantity < level.minimum_quantity:
        return STATUS_BELOW_MINIMUM
    if is_at_reorder_point(level):
        return STATUS_BELOW_REORDER_POINT
    return STATUS_OK


def alerts_for(level: StockLevel) -> list[StockAlert]:
    """Alerts a change (or a new reorder setting) raises on this row: reorder first, then minimum."""
    alerts = []
    if is_at_reorder_point(level):
        alerts.append(StockAlert(REORDER_POINT, level))
    if is_below_minimum(level):
        alerts.append(StockAlert(MINIMUM_STOCK, level))
    return alerts


def initial_alerts(reorder_rows: Iterable[StockLevel], low_rows: Iterable[StockLevel]) -> list[StockAlert]:
    """The list a new socket gets (spec/50 §7.3): one alert per row of each list, as the lists define them
    (so a row with minimum 0 and negative stock gives a ``minimum_stock`` alert here, and only here)."""
    return [StockAlert(REORDER_POINT, row) for row in reorder_rows] + [
        StockAlert(MINIMUM_STOCK, row) for row in low_rows
    ]


# --- tranlog ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LineChange:
    item_code: str
    quantity_change: float
    update_type: str


def _number(value: Any) -> float:
    """A line quantity as a number; missing or not a number counts as 0 (so the line is skipped)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)


def _transaction_type(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def tranlog_reference_id(payload: Mapping[str, Any]) -> str | None:
    number = payload.get("transaction_no")
    return None if number is None else str(number)


def tranlog_session(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The sale's terminal, business date and open counter, kept on its history rows for reconciliation (issue
    #24); a value of the wrong type is left out (null), never an error: stock applies what it can."""
    terminal_no, open_counter = payload.get("terminal_no"), payload.get("open_counter")
    business_date = payload.get("business_date")
    return {
        "terminal_no": terminal_no if _is_int32(terminal_no) else None,
        "business_date": business_date if isinstance(business_date, str) and len(business_date) <= 8 else None,
        "open_counter": open_counter if _is_int32(open_counter) else None,
    }


def _is_int32(value: Any) -> bool:
    return type(value) is int and -(2**31) <= value < 2**31


def tranlog_line_changes(payload: Mapping[str, Any]) -> list[LineChange]:
    """The stock changes a tranlog asks for, in line order (spec/50 §5.4.2). Empty when the log is ignored."""
    sales = payload.get("sales")
    if isinstance(sales, Mapping) and sales.get("is_cancelled") is True:
        return []
    rule = TRANLOG_TYPES.get(_transaction_type(payload.get("transaction_type")) or 0)
    if rule is None:
        return []
    update_type, sign = rule
    changes = []
    lines = payload.get("line_items")
    for line in lines if isinstance(lines, Sequence) and not isinstance(lines, str) else ():
        if not isinstance(line, Mapping) or line.get("is_cancelled") is True:
            continue
        quantity = _number(line.get("quantity"))
        item_code = line.get("item_code")
        if quantity <= 0 or not isinstance(item_code, str) or not item_code:
            continue
        changes.append(LineChange(item_code=item_code, quantity_change=quantity * sign, update_type=update_type))
    return changes


def sale_item_totals(
    transaction_type: Any, is_cancelled: bool, lines: Iterable[tuple[Any, Any, Any]]
) -> dict[str, float]:
    """``item_totals(tranlog_line_changes(log))`` for a log given as its type, its cancelled flag and its lines as
    ``(item_code, quantity, is_cancelled)``: the same rule without building the log, for reconciliation's
    10,000 sales at once (issue #24; a test holds the two equal)."""
    if is_cancelled is True:
        return {}
    rule = TRANLOG_TYPES.get(_transaction_type(transaction_type) or 0)
    if rule is None:
        return {}
    sign = rule[1]
    totals: dict[str, float] = {}
    for item_code, quantity, line_cancelled in lines:
        if line_cancelled is True:
            continue
        amount = _number(quantity)
        if amount <= 0 or not isinstance(item_code, str) or not item_code:
            continue
        totals[item_code] = totals.get(item_code, 0.0) + amount * sign
    return totals


def item_weight(item_code: str) -> int:
    """A fixed pseudo-random weight of an item code (the first 32 bits of its MD5), the same as
    ``selectors.ITEM_WEIGHT_SQL``: Σ quantity × weight over a sale's stock changes fingerprints which items moved
    by how much, so a sale's changes are compared as two numbers (reconciliation, issue #24)."""
    return int(hashlib.md5(item_code.encode(), usedforsecurity=False).hexdigest()[:8], 16)


def item_totals(changes: Iterable[LineChange]) -> dict[str, float]:
    """Each item's total change over a log's lines."""
    totals: dict[str, float] = {}
    for change in changes:
        totals[change.item_code] = totals.get(change.item_code, 0.0) + change.quantity_change
    return totals


def line_levels(changes: Sequence[LineChange], after: Mapping[str, float]) -> list[tuple[float, float]]:
    """(before, after) of each line, in line order, given each item's quantity after the whole log: the lines of
    one item apply one after the other, in line order."""
    totals = item_totals(changes)
    running = {code: after[code] - total for code, total in totals.items()}
    levels = []
    for change in changes:
        before = running[change.item_code]
        running[change.item_code] = before + change.quantity_change
        levels.append((before, running[change.item_code]))
    return levels


# --- snapshot schedule --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduleTimes:
    interval: str  # daily | weekly | monthly
    hour: int
    minute: int
    day_of_week: int | None = None  # 0 = Monday ... 6 = Sunday
    day_of_month: int | None = None  # 1..31


def next_fire_time(times: ScheduleTimes, *, after: datetime) -> datetime:
    """The first fire time strictly after ``after``, evaluated in UTC (spec/50 §5.6).

    Weekly counts 0 = Monday (Python's ``weekday()``); monthly skips months that lack the day.
    """
    after = after.astimezone(UTC)
    at_time = {"hour": times.hour, "minute": times.minute, "second": 0, "microsecond": 0}
    if times.interval == "daily":
        candidate = after.replace(**at_time)
        return candidate if candidate > after else candidate + timedelta(days=1)
    if times.interval == "weekly":
        weekday = times.day_of_week if times.day_of_week is not None else 0
        candidate = after.replace(**at_time) + timedelta(days=(weekday - after.weekday()) % 7)
        return candidate if candidate > after else candidate + timedelta(days=7)
    if times.interval == "monthly":
        day = times.day_of_month or 1
        year, month = after.year, after.month
        for _ in range(48):
            if day <= calendar.monthrange(year, month)[1]:
                candidate = datetime(year, month, day, times.hour, times.minute, tzinfo=UTC)
                if candidate > after:
                    return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError(f"no fire time for {times!r}")


def is_misfired(fire_time: datetime, *, now: datetime) -> bool:
    return now - fire_time > MISFIRE_GRACE


def resolve_target_stores(target_stores: Sequence[str], known_stores: Iterable[str]) -> list[str]:
    """``["all"]`` (any list holding ``"all"``) = every known store, else the listed codes as given."""
    if "all" in target_stores:
        return sorted(set(known_stores))
    return list(dict.fromkeys(target_stores))


# --- back office: typed quantities and stocktake counts -----------------------------------------------------
QUANTITY_PLACES = 4  # a typed quantity has at most this many decimals (the stocktake columns keep as many)


class QuantityError(ValueError):
    """A typed quantity that is not a usable number; the message says why, for the person who typed it."""


def parse_quantity(text: str, *, allow_negative: bool = True) -> Decimal:
    """A quantity typed or imported (``12``, ``-3``, ``2.5``) as a Decimal: finite, at most ``QUANTITY_PLACES``
    decimals, within ``QUANTITY_LIMIT``; negative only when ``allow_negative``."""
    value = (text or "").strip().replace(",", "")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise QuantityError(gettext("“%(value)s” is not a number.") % {"value": text}) from None
    if not number.is_finite():
        raise QuantityError(gettext("“%(value)s” is not a number.") % {"value": text})
    if abs(number) > Decimal(int(QUANTITY_LIMIT)):
        raise QuantityError(gettext("The quantity is too large."))
    if number != number.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)):
        raise QuantityError(gettext("At most %(places)d decimal places.") % {"places": QUANTITY_PLACES})
    if number < 0 and not allow_negative:
        raise QuantityError(gettext("A count cannot be negative."))
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def count_difference(*, expected: Decimal, counted: Decimal | None) -> Decimal | None:
    """What a stocktake line adjusts: counted - expected (None until counted)."""
    return None if counted is None else counted - expected


def parse_counts_csv(text: str) -> tuple[dict[str, Decimal], list[str]]:
    """A count file, ``item_code,counted`` per line (a first line ``item_code,counted`` is a header), as
    ``({item_code: counted}, errors)``; blank lines are skipped. Any error means the file is not used at all."""
    counts: dict[str, Decimal] = {}
    errors: list[str] = []
    rows = list(csv.reader(io.StringIO(text)))
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower().lstrip("\ufeff") in ("item_code", "itemcode", "item code"):
            continue
        if len(cells) != 2:
            errors.append(gettext("Line %(line)d: expected 2 columns (item_code,counted), found %(found)d.")
                          % {"line": number, "found": len(cells)})
            continue
        code, counted = cells
        if not code:
            errors.append(gettext("Line %(line)d: the item code is empty.") % {"line": number})
            continue
        try:
            quantity = parse_quantity(counted, allow_negative=False)
        except QuantityError as exc:
            errors.append(gettext("Line %(line)d (%(code)s): %(error)s") % {"line": number, "code": code, "error": exc})
            continue
        if code in counts:
            errors.append(gettext("Line %(line)d: item %(code)s is listed twice.") % {"line": number, "code": code})
            continue
        counts[code] = quantity
    return counts, errors
