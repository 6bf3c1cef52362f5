"""The add-item body's fast path (``AddItemsSerializer.validate_plain``) accepts only what the serializer accepts,
with the same validated data; everything else is left to the serializer."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.cart.api.serializers import AddItemsSerializer

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False),
                   st.text(max_size=6), st.sampled_from(["A1", " A1", "A1 ", "", "  ", "緑茶", "\ud800x", "3", "1.5"]),
                   st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
KEYS = st.sampled_from(["item_code", "itemCode", "quantity", "unit_price", "unitPrice", "other"])
CODES = st.one_of(st.text(min_size=1, max_size=5), st.sampled_from(["49-01", " A", "A\t", "緑茶", "\udc00", "A\x00"]))
LIKELY_ROWS = st.one_of(  # mostly well-formed rows, in either spelling, now and then with a wrong value
    st.fixed_dictionaries({"itemCode": CODES, "quantity": st.one_of(st.integers(), VALUES)},
                          optional={"unitPrice": st.one_of(st.none(), VALUES)}),
    st.fixed_dictionaries({"item_code": CODES, "quantity": st.one_of(st.integers(), VALUES)},
                          optional={"unit_price": st.one_of(st.none(), VALUES), "itemCode": CODES}),
)
ROWS = st.one_of(st.dictionaries(KEYS, VALUES, max_size=4), LIKELY_ROWS)
BODIES = st.one_of(st.lists(ROWS, max_size=3), ROWS, VALUES)


def serializer_result(body):
    serializer = AddItemsSerializer(data=body)
    return [dict(row) for row in serializer.validated_data] if serializer.is_valid() else None


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(BODIES)
def test_the_fast_path_agrees_with_the_serializer(body):
    fast = AddItemsSerializer.validate_plain(body)
    if fast is not None:
        assert fast == serializer_result(body)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(LIKELY_ROWS, min_size=1, max_size=3))
def test_the_fast_path_agrees_with_the_serializer_on_likely_bodies(body):
    fast = AddItemsSerializer.validate_plain(body)
    if fast is not None:
        assert fast == serializer_result(body)


def test_the_usual_bodies_take_the_fast_path():
    for body in ([{"itemCode": "49-01", "quantity": 1}], [{"item_code": "A", "quantity": 3, "unit_price": None}],
                 [{"itemCode": "A", "quantity": 1}, {"itemCode": "B", "quantity": -2, "unitPrice": None}]):
        assert AddItemsSerializer.validate_plain(body) == serializer_result(body)
    for body in ([], [{"itemCode": "A", "quantity": 1, "unitPrice": 120}], [{"itemCode": "A", "quantity": "1"}],
                 [{"itemCode": "A", "quantity": True}], [{"itemCode": " A", "quantity": 1}],
                 [{"itemCode": "A\x00", "quantity": 1}], [{"itemCode": "A\ud800", "quantity": 1}],
                 [{"itemCode": "A", "item_code": "B", "quantity": 1}], [{"itemCode": "A", "quantity": 1, "x": 1}],
                 {"itemCode": "A", "quantity": 1}):
        assert AddItemsSerializer.validate_plain(body) is None
