"""The JSON renderer (orjson, DRF's encoder for the rest) writes what DRF's own JSONRenderer writes."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from apps.core.api.renderers import EnvelopeResponse, KugelposJSONRenderer

pytestmark = pytest.mark.django_db

VALUES = {
    "money": [Decimal("1234.5"), Decimal("0.10"), Decimal("-3"), Decimal("1E+2"), Decimal("99999999999.99")],
    "aware": datetime(2026, 11, 29, 7, 30, 1, 123456, tzinfo=UTC),
    "aware_jst": datetime(2026, 11, 29, 16, 30, tzinfo=timezone(timedelta(hours=9))),
    "naive": datetime(2026, 11, 29, 7, 30),
    "day": date(2026, 11, 29),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("Not Found"),
    "text": "レシート \"quoted\" \\ back / slash \t tab \x01 control é",
    "separators": "line\u2028paragraph\u2029end",
    "floats": [0.1, 1e16, 1.5e-7, -0.0, 123456.789],
    "ints": [0, -1, 2**63 - 1],
    "nested": {"a": [None, True, False, {"b": ()}], "c": (1, 2)},
}


def drf_render(data):
    return JSONRenderer().render(data)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_each_value_renders_to_what_drf_renders(name):
    data = {name: VALUES[name]}
    ours = KugelposJSONRenderer().render(data)
    assert json.loads(ours) == json.loads(drf_render(data))


def test_texts_and_times_are_written_character_for_character_as_drf_writes_them():
    data = {key: VALUES[key] for key in ("aware", "aware_jst", "naive", "day", "id", "lazy", "text", "separators")}
    assert KugelposJSONRenderer().render(data) == drf_render(data)
    assert b'"aware":"2026-11-29T07:30:01.123456Z"' in KugelposJSONRenderer().render(data)
    assert b"line\\u2028paragraph\\u2029end" in KugelposJSONRenderer().render(data)


def test_money_is_a_json_number():
    assert KugelposJSONRenderer().render({"amount": Decimal("1234.50")}) == b'{"amount":1234.5}'


def test_what_orjson_refuses_is_written_by_the_standard_library():
    data = {"huge": 2**70, "amount": Decimal("1.5")}
    assert KugelposJSONRenderer().render(data) == drf_render(data) == b'{"huge":1180591620717411303424,"amount":1.5}'


def test_no_data_is_an_empty_body_and_the_envelope_wraps_a_payload():
    assert KugelposJSONRenderer().render(None) == b""
    response = EnvelopeResponse({"total": Decimal("110")}, message="ok", operation="probe", status=201)
    body = json.loads(KugelposJSONRenderer().render(response.data, "application/json", {"response": response}))
    assert body == {"success": True, "code": 201, "message": "ok", "userError": None, "data": {"total": 110.0},
                    "metadata": None, "operation": "probe"}


@pytest.mark.parametrize("accept", ["text/xml", "text/html", "application/xml;q=1", "*/*", ""])
def test_any_accept_header_gets_the_json_envelope(accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = APIClient().get("/master-data/health", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["status"] == "healthy"


def test_the_openapi_schema_still_negotiates_json_or_yaml():
    assert APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()["openapi"].startswith("3.")
    assert APIClient().get("/api/schema/").content.startswith(b"openapi:")
