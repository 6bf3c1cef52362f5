"""``FastJSONField`` stores and reads the same JSON values as Django's ``JSONField`` (through a real table)."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection, models

from apps.core.fields import FastJSONField, dumps
from apps.core.models import EventRecord

pytestmark = pytest.mark.django_db

VALUES = [
    {"text": "緑茶 \"quoted\" \\ \u2028 é \x01", "n": [0, -1, 2**63 - 1, 1.5, 1e16], "flags": [True, False, None]},
    {"huge": 2**70, "nested": {"list": [{"a": []}]}},  # over 64 bits: the standard library's way, both ways
    [1, "two", 3.25],
    "a bare string",
    12,
]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_reads_back_as_django_would_store_and_read_it(value):
    now = datetime.now(UTC)
    record = EventRecord.objects.create(event_id=f"e-{abs(hash(json.dumps(value)))}", event_type="tranlog", topic="t",
                                        tenant_id="T1", payload=value, published_at=now, last_updated_at=now)
    assert EventRecord.objects.get(pk=record.pk).payload == value
    with connection.cursor() as cursor:  # the stored jsonb is the one json.dumps gives
        cursor.execute("SELECT payload = %s::jsonb FROM core_eventrecord WHERE id = %s", [json.dumps(value), record.pk])
        assert cursor.fetchone() == (True,)


def test_dumps_writes_the_standard_librarys_json_value():
    for value in VALUES + [{1: "integer key"}]:
        assert json.loads(dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("refused", [Decimal("1.5"), datetime(2026, 11, 29, tzinfo=UTC), {1, 2}])
def test_what_json_refuses_is_refused(refused):
    with pytest.raises(TypeError):
        json.dumps({"value": refused})
    with pytest.raises(TypeError):
        dumps({"value": refused})


def test_a_field_with_its_own_encoder_or_decoder_keeps_them():
    class Encoder(json.JSONEncoder):
        def default(self, o):
            return str(o) if isinstance(o, Decimal) else super().default(o)

    field = FastJSONField(encoder=Encoder)
    adapted = field.get_db_prep_value({"amount": Decimal("1.50")}, connection)
    assert json.loads(adapted.dumps(adapted.obj)) == {"amount": "1.50"}
    assert isinstance(FastJSONField(), models.JSONField)


def test_the_cart_document_is_a_json_column_read_as_text_and_parsed_by_the_field(tenant_a):
    from apps.cart.models import Cart
    from apps.core.tenancy import tenant_context

    with tenant_context(tenant_a.tenant_id):
        with connection.cursor() as cursor:
            cursor.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() "
                           "AND table_name = 'cart_cart' AND column_name = 'document'")
            assert cursor.fetchone() == ("json",)
            cursor.execute("""SELECT '{"a": [1, 2.5, "緑"]}'::json, '{"b": 1}'::jsonb""")
            assert cursor.fetchone() == ('{"a": [1, 2.5, "緑"]}', '{"b": 1}')  # both as text, for the fields to parse
        now = datetime.now(UTC)
        document = {"line_items": [{"unit_price": "128", "quantity": 3}], "huge": 2**70, "name": "緑茶 \u2028"}
        cart = Cart.objects.create(cart_id="c0ffee00-0000-0000-0000-000000000002", terminal_id="T", status="Idle",
                                   document=document, created_at=now, updated_at=now)
        assert Cart.objects.get(pk=cart.pk).document == document
