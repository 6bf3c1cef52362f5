"""The hot path stays a small, fixed number of queries whatever the cart size (issue #5 "Speed")."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lines_before", [1, 30])
def test_hot_path_query_counts_do_not_grow_with_the_cart(pos, django_assert_max_num_queries, lines_before):
    cart_id = pos.new_cart()
    pos.add(cart_id, *[("49-01", 1)] * lines_before)
    with django_assert_max_num_queries(3):
        pos.add(cart_id, ("49-02", 1))  # an item not yet in the cart nor in the cache: one master-data read
    with django_assert_max_num_queries(2):
        pos.add(cart_id, ("49-01", 2))  # already known: no master-data read
    with django_assert_max_num_queries(2):
        pos.ok("post", f"/carts/{cart_id}/subtotal")  # promotions from the cache
    with django_assert_max_num_queries(3):
        pos.pay(cart_id, ("01", 1_000_000))  # the payment method's first read
    with django_assert_max_num_queries(8):  # the key, the cart locked, counters, log + deliveries, sale, cart
        pos.ok("post", f"/carts/{cart_id}/bill")


def test_transaction_list_query_count_does_not_grow(pos, django_assert_max_num_queries):
    for _ in range(5):
        pos.sell(("49-01", 1))
    with django_assert_max_num_queries(8):
        assert len(pos.ok("get", pos.transactions_path())) == 5
