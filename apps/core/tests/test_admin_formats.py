"""The back office's one way of showing amounts, quantities and transaction types."""

from decimal import Decimal

import pytest

from apps.core.admin import money, quantity
from apps.core.transaction_types import transaction_type_name


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("150.0000"), "¥150"), (Decimal("1234.5000"), "¥1,234.5"), (-500, "-¥500"), (None, "")],
)
def test_money_has_no_trailing_zeros(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("3.0000"), "3"), (1200, "1,200"), (Decimal("-12.0"), "-12"), (Decimal("2.5000"), "2.5"),
     (Decimal("1234.25"), "1,234.25"), (None, "")],
)
def test_quantities_are_integers_where_they_are_integers(value, shown):
    assert quantity(value) == shown


@pytest.mark.parametrize(
    ("code", "cancelled", "name"),
    [(101, False, "Sale"), (-101, False, "Cancelled sale"), (101, True, "Cancelled sale"), (102, False, "Return"),
     (201, False, "Void"), (202, False, "Void of return"), (301, False, "Open"), (302, False, "Close"),
     (401, False, "Cash in"), (402, False, "Cash out"), (501, False, "Flash report"),
     (502, False, "Daily report"), ("101", False, "Sale"), (999, False, "999"), (None, False, "")],
)
def test_one_name_per_transaction_type(code, cancelled, name):
    assert transaction_type_name(code, is_cancelled=cancelled) == name


# --- issue #21: one date/time format per language, averages in whole yen ------------------------------------------
@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("737.75"), "¥738"), (Decimal("737.5"), "¥738"), (Decimal("737.49"), "¥737"), (Decimal("-2.5"), "-¥3"),
     (0, "¥0"), (None, "")],
)
def test_an_average_is_shown_in_whole_yen(value, shown):
    from apps.core.admin import money_whole

    assert money_whole(value) == shown


@pytest.mark.parametrize(
    ("language", "moment", "day", "time"),
    [("en", "2026-12-07 14:05", "2026-12-07", "14:05"), ("ja", "2026/12/07 14:05", "2026/12/07", "14:05"),
     ("en-us", "2026-12-07 14:05", "2026-12-07", "14:05")],
)
def test_dates_and_times_have_one_format_per_language(settings, language, moment, day, time):
    from datetime import UTC, date, datetime

    from django.utils import translation

    from apps.core.formats import shown_date, shown_datetime, shown_time

    settings.APP_TIMEZONE = "Asia/Tokyo"
    with translation.override(language):
        assert shown_datetime(datetime(2026, 12, 7, 5, 5, tzinfo=UTC)) == moment  # 14:05 in Tokyo
        assert shown_datetime("2026-12-07T14:05:09.123+09:00") == moment  # a log's own store time, as written
        assert shown_date("20261207") == shown_date(date(2026, 12, 7)) == day
        assert shown_time("2026-12-07T14:05:00+09:00") == time
        assert shown_date("2026-13") == "2026-13" and shown_datetime("later") == "later"  # unreadable: as it came
        assert shown_date(None) == shown_datetime("") == shown_time(None) == ""


def test_transaction_types_are_named_in_the_page_language():
    from django.utils import translation

    with translation.override("ja"):
        assert [transaction_type_name(code) for code in (101, -101, 102, 201, 202, 401, 402, 501, 502)] == [
            "売上", "売上（取消済み）", "返品", "取消", "返品取消", "入金", "出金", "点検", "精算"]
