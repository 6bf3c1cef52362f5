"""A report is a fixed number of SQL aggregates: its query count does not grow with the transactions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import DAY, DiscountFactory, LineItemFactory, d1_logs, tranlog

pytestmark = pytest.mark.django_db

MAX_QUERIES = {"sales": 10, "category": 8, "item": 8, "payment": 8, "promotion": 8}


def promo_lines(no):
    return [LineItemFactory(line_no=i + 1, item_code=f"item{no % 7}-{i}", category_code=f"cat{i}",
                            discounts=[DiscountFactory(discount_amount=10.0, promotion_code=f"P{i}",
                                                       promotion_type="category_discount")])
            for i in range(3)]


def count_queries(get_report, report_type, scope="flash"):
    with CaptureQueriesContext(connection) as context:
        response = get_report(report_scope=scope, report_type=report_type, business_date=DAY)
    assert response.status_code == 200, response.json()
    return len(context.captured_queries)


@pytest.mark.parametrize("report_type", list(MAX_QUERIES))
def test_report_query_count_does_not_grow_with_transactions(consume_all, consume, get_report, report_type,
                                                            django_assert_max_num_queries):
    consume_all(d1_logs())
    few = count_queries(get_report, report_type)
    consume("tranlog", [tranlog(2000 + n, 101 if n % 5 else 102, line_items=promo_lines(n)) for n in range(40)])
    many = count_queries(get_report, report_type)
    assert many == few
    with django_assert_max_num_queries(MAX_QUERIES[report_type]):
        get_report(report_scope="flash", report_type=report_type, business_date=DAY)


def test_daily_verification_is_a_fixed_number_of_queries_for_any_number_of_terminals(consume_all, get_report):
    consume_all(d1_logs())
    one_terminal = count_queries(get_report, "sales", scope="daily")
    for terminal_no in (1, 2, 3, 4):
        consume_all(d1_logs(terminal_no=terminal_no))
    assert count_queries(get_report, "sales", scope="daily") == one_terminal
