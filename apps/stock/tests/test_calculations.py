"""Pure stock rules with the spec's numbers (spec/50 §5.4.2, §5.6, §7.4). No database."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from apps.stock import calculations
from apps.stock.calculations import (
    LineChange,
    ScheduleTimes,
    StockAlert,
    StockLevel,
    alerts_for,
    initial_alerts,
    is_misfired,
    item_totals,
    line_levels,
    next_fire_time,
    resolve_target_stores,
    tranlog_line_changes,
)
from tests.log_factories import SalesFactory, TranlogFactory


def level(current, minimum=0.0, reorder_point=0.0, reorder_quantity=0.0, item="M1"):
    return StockLevel("T1", "5678", item, current, minimum, reorder_point, reorder_quantity)


@pytest.mark.parametrize(
    ("current", "minimum", "reorder_point", "expected"),
    [
        (20.0, 10.0, 20.0, ["reorder_point"]),  # 20 <= 20, 20 is not < 10
        (5.0, 10.0, 20.0, ["reorder_point", "minimum_stock"]),  # reorder first
        (10.0, 10.0, 20.0, ["reorder_point"]),  # minimum is strict
        (40.0, 0.0, 50.0, ["reorder_point"]),
        (80.0, 0.0, 50.0, []),
        (-5.0, 0.0, 0.0, []),  # zero thresholds never alert on a change
        (15.0, 20.0, 25.0, ["reorder_point", "minimum_stock"]),
    ],
)
def test_alert_conditions(current, minimum, reorder_point, expected):
    assert [a.alert_type for a in alerts_for(level(current, minimum, reorder_point, 30.0))] == expected


def test_alert_frames_are_snake_case_with_float_quantities_and_utc_timestamp():
    sent = datetime(2025, 1, 5, 12, 0, 0, 123456, tzinfo=UTC)
    reorder, minimum = alerts_for(level(5, 10, 20, 30))
    assert reorder.message(sent_at=sent) == {
        "type": "stock_alert", "alert_type": "reorder_point", "tenant_id": "T1", "store_code": "5678",
        "item_code": "M1", "current_quantity": 5.0, "reorder_point": 20.0, "reorder_quantity": 30.0,
        "timestamp": "2025-01-05T12:00:00.123456+00:00",
    }
    assert minimum.message(sent_at=sent) == {
        "type": "stock_alert", "alert_type": "minimum_stock", "tenant_id": "T1", "store_code": "5678",
        "item_code": "M1", "current_quantity": 5.0, "minimum_quantity": 10.0, "reorder_quantity": 30.0,
        "timestamp": "2025-01-05T12:00:00.123456+00:00",
    }
    assert isinstance(reorder.message(sent_at=sent)["current_quantity"], float)
    assert (reorder.cooldown_key, minimum.cooldown_key) == ("reorder_T1_5678_M1", "minimum_T1_5678_M1")


def test_initial_list_takes_rows_as_the_lists_define_them():
    z1 = level(-5.0, item="Z1")  # in the low list (−5 < 0) although minimum is 0
    alerts = initial_alerts([level(10, 10, 20, item="A")], [z1])
    assert [(a.alert_type, a.level.item_code) for a in alerts] == [("reorder_point", "A"), ("minimum_stock", "Z1")]
    assert alerts[1].message(sent_at=datetime.now(UTC))["minimum_quantity"] == 0.0
    assert isinstance(alerts[0], StockAlert)


def tranlog(transaction_type, lines, *, cancelled=False, **extra):
    """The shared factory's tranlog with ``lines`` as given, odd ones included (they are not printed)."""
    log = TranlogFactory(transaction_type=transaction_type, transaction_no=100,
                         sales=SalesFactory(is_cancelled=cancelled), line_items=[], **extra)
    return {**log, "line_items": lines}


SALE_LINES = [
    {"item_code": "A", "quantity": 2},
    {"item_code": "B", "quantity": 3, "is_cancelled": True},
    {"item_code": "C", "quantity": 1},
    {"item_code": "D", "quantity": 0},
]


@pytest.mark.parametrize(
    ("transaction_type", "expected"),
    [
        (101, [LineChange("A", -2.0, "sale"), LineChange("C", -1.0, "sale")]),
        (201, [LineChange("A", 2.0, "void"), LineChange("C", 1.0, "void")]),
        (102, [LineChange("A", 2.0, "return"), LineChange("C", 1.0, "return")]),
        (202, [LineChange("A", -2.0, "void_return"), LineChange("C", -1.0, "void_return")]),
        (301, []),
        (302, []),
        (401, []),
        (402, []),
        (-101, []),
        (None, []),
    ],
)
def test_tranlog_lines_by_transaction_type(transaction_type, expected):
    assert tranlog_line_changes(tranlog(transaction_type, SALE_LINES)) == expected


def test_cancelled_log_and_odd_lines_change_nothing():
    assert tranlog_line_changes(tranlog(101, SALE_LINES, cancelled=True)) == []
    odd = [{"item_code": "A"}, {"item_code": "A", "quantity": -1}, {"item_code": "A", "quantity": True},
           {"quantity": 2}, "junk", {"item_code": "A", "quantity": "2"}]
    assert tranlog_line_changes(tranlog(101, odd)) == []
    assert tranlog_line_changes({"transaction_type": 101}) == []


def test_same_item_on_two_lines_gives_two_changes():
    lines = [{"item_code": "A", "quantity": 1}, {"item_code": "A", "quantity": 2}]
    assert tranlog_line_changes(tranlog(101, lines)) == [LineChange("A", -1.0, "sale"), LineChange("A", -2.0, "sale")]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("times", "after", "expected"),
    [
        (ScheduleTimes("daily", 2, 0), utc(2025, 1, 15, 1, 59), utc(2025, 1, 15, 2, 0)),
        (ScheduleTimes("daily", 2, 0), utc(2025, 1, 15, 2, 0), utc(2025, 1, 16, 2, 0)),  # strictly after
        (ScheduleTimes("daily", 23, 59), utc(2025, 12, 31, 23, 59, 30), utc(2026, 1, 1, 23, 59)),
        # 2025-01-15 is a Wednesday; 0 = Monday
        (ScheduleTimes("weekly", 3, 30, day_of_week=0), utc(2025, 1, 15, 12), utc(2025, 1, 20, 3, 30)),
        (ScheduleTimes("weekly", 3, 30, day_of_week=2), utc(2025, 1, 15, 1), utc(2025, 1, 15, 3, 30)),
        (ScheduleTimes("weekly", 3, 30, day_of_week=2), utc(2025, 1, 15, 4), utc(2025, 1, 22, 3, 30)),
        (ScheduleTimes("weekly", 3, 30, day_of_week=6), utc(2025, 1, 15, 4), utc(2025, 1, 19, 3, 30)),
        (ScheduleTimes("weekly", 0, 0), utc(2025, 1, 15), utc(2025, 1, 20)),  # null day counts as Monday
        (ScheduleTimes("monthly", 4, 15, day_of_month=1), utc(2025, 1, 15), utc(2025, 2, 1, 4, 15)),
        (ScheduleTimes("monthly", 4, 15, day_of_month=31), utc(2025, 3, 31, 5), utc(2025, 5, 31, 4, 15)),
        (ScheduleTimes("monthly", 0, 0, day_of_month=29), utc(2025, 1, 30), utc(2025, 3, 29)),  # no 29 Feb 2025
        (ScheduleTimes("monthly", 0, 0, day_of_month=29), utc(2028, 2, 1), utc(2028, 2, 29)),
        (ScheduleTimes("monthly", 1, 0, day_of_month=31), utc(2025, 12, 31, 2), utc(2026, 1, 31, 1)),
    ],
)
def test_next_fire_time_in_utc(times, after, expected):
    assert next_fire_time(times, after=after) == expected


def test_misfire_grace_is_one_hour():
    fire = utc(2025, 1, 15, 2)
    assert not is_misfired(fire, now=utc(2025, 1, 15, 3))
    assert is_misfired(fire, now=utc(2025, 1, 15, 3, 0, 1))


def test_target_stores():
    assert resolve_target_stores(["all"], ["S2", "S1", "S2"]) == ["S1", "S2"]
    assert resolve_target_stores(["store1", "all"], ["S1"]) == ["S1"]
    assert resolve_target_stores(["store1", "store2", "store1"], ["S1"]) == ["store1", "store2"]


def test_line_levels_apply_the_lines_of_one_item_in_line_order():
    changes = [LineChange("Z", -1.0, "sale"), LineChange("A", -2.0, "sale"), LineChange("Z", -3.0, "sale"),
               LineChange("A", 5.0, "return")]
    assert item_totals(changes) == {"Z": -4.0, "A": 3.0}
    # quantities after the whole log: Z 6 (it was 10), A 13 (it was 10)
    assert line_levels(changes, {"Z": 6.0, "A": 13.0}) == [(10.0, 9.0), (10.0, 8.0), (9.0, 6.0), (8.0, 13.0)]


# --- back office: typed quantities, count files, status (issue #22) -----------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("10", Decimal(10)), ("2.5", Decimal("2.5")), ("-3", Decimal(-3)), ("1,200", Decimal(1200)), (" 7 ", Decimal(7)),
    ("+3", Decimal(3)), ("0.0001", Decimal("0.0001")),
])
def test_parse_quantity(text, expected):
    assert calculations.parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["", "x", "nan", "inf", "1e400", "0.00001", "2e15"])
def test_parse_quantity_refuses(text):
    with pytest.raises(calculations.QuantityError):
        calculations.parse_quantity(text)


def test_a_count_cannot_be_negative():
    with pytest.raises(calculations.QuantityError):
        calculations.parse_quantity("-1", allow_negative=False)


def test_parse_counts_csv():
    counts, errors = calculations.parse_counts_csv("\ufeffitem_code,counted\nA,3\n\nB, 2.5 \n")
    assert (counts, errors) == ({"A": Decimal(3), "B": Decimal("2.5")}, [])
    counts, errors = calculations.parse_counts_csv("A,3\nB,x\nA,1\nC\n,2\n")
    assert counts == {"A": Decimal(3)}
    assert [error.split(":")[0] for error in errors] == ["Line 2 (B)", "Line 3", "Line 4", "Line 5"]


@pytest.mark.parametrize(("current", "minimum", "point", "status"), [
    (10, 0, 0, "ok"), (5, 0, 5, "below_reorder_point"), (4, 5, 10, "below_minimum"), (-1, 0, 0, "below_minimum"),
    (6, 5, 5, "ok"),
])
def test_stock_status(current, minimum, point, status):
    level = calculations.StockLevel("T", "S", "I", current, minimum, point, 0)
    assert calculations.stock_status(level) == status
