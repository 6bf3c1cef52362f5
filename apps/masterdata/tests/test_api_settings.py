"""Settings master (spec/20 §5.6, §6.3; §10 scenarios 1 and 2)."""

from __future__ import annotations

import pytest

from apps.masterdata.models import Setting, SettingValue

from .conftest import BASE
from .helpers import assert_error, ok_data

pytestmark = pytest.mark.django_db

MY_SETTING = {
    "name": "my_setting",
    "defaultValue": "default name",
    "values": [
        {"storeCode": "5678", "terminalNo": 9, "value": "this value is for terminal 9"},
        {"storeCode": "5678", "value": "this value is for store 5678"},
    ],
}


def value_of(client, name: str, query: str):
    return ok_data(client.get(f"{BASE}/settings/{name}/value?{query}"))["value"]


def test_settings_resolution(client_a, in_tenant_a):
    response = client_a.post(f"{BASE}/settings", MY_SETTING, format="json")
    data = ok_data(response, 201)
    assert response.json()["operation"] == "create_settings_master_async"
    assert list(data) == ["name", "defaultValue", "values", "entryDatetime", "lastUpdateDatetime"]
    assert data["values"][0] == {"storeCode": "5678", "terminalNo": 9, "value": "this value is for terminal 9"}
    assert data["values"][1]["terminalNo"] is None

    assert value_of(client_a, "my_setting", "store_code=5678&terminal_no=9") == "this value is for terminal 9"
    assert value_of(client_a, "my_setting", "store_code=5678&terminal_no=1") == "this value is for store 5678"
    assert value_of(client_a, "my_setting", "store_code=9999&terminal_no=1") == "default name"

    error = assert_error(client_a.post(f"{BASE}/settings", MY_SETTING, format="json"), 400, "500005")
    assert "already exists" in error["message"]

    update = {"defaultValue": "default name updated",
              "values": [{"storeCode": "5678", "value": "this value is for store 5678 updated"}]}
    data = ok_data(client_a.put(f"{BASE}/settings/my_setting", update, format="json"))
    assert data["defaultValue"] == "default name updated" and len(data["values"]) == 1
    assert data["lastUpdateDatetime"] is not None
    assert value_of(client_a, "my_setting", "store_code=5678&terminal_no=9") == "this value is for store 5678 updated"

    assert_error(client_a.get(f"{BASE}/settings/my_setting/value?store_code=5678"), 422, "300001")
    assert_error(client_a.get(f"{BASE}/settings/my_setting/value?terminal_no=1"), 422, "300001")
    assert_error(client_a.get(f"{BASE}/settings/my_setting/value?store_code=5678&terminal_no=x"), 422, "300001")
    error = assert_error(client_a.get(f"{BASE}/settings/my_setting/value?store_code=5678&terminal_no={2**63}"),
                         422, "300001")
    assert error["message"] == (
        "Invalid input data: query -> terminal_no: Input should be less than or equal to 2147483647")
    assert_error(client_a.get(f"{BASE}/settings/nope/value?store_code=5678&terminal_no=1"), 404, "100001")
    with in_tenant_a():
        assert SettingValue.objects.count() == 1


def test_global_value_and_store_less_terminal_entries(client_a):
    body = {"name": "S", "defaultValue": "d", "values": [
        {"terminalNo": 1, "value": "never matched"},
        {"storeCode": None, "terminalNo": None, "value": "global"},
    ]}
    ok_data(client_a.post(f"{BASE}/settings", body, format="json"), 201)
    assert value_of(client_a, "S", "store_code=1&terminal_no=1") == "global"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("[{'text': 'header1', 'align': 'left'}]", '[{"text": "header1", "align": "left"}]'),
        ('{"a":1}', '{"a": 1}'),
        ("plain text", "plain text"),
        ("[{bad json content!}]", "[{bad json content!}]"),
        ('  ["日本語"]  ', '["日本語"]'),
    ],
)
def test_json_normalisation_on_write(client_a, given, stored):
    body = {"name": "RECEIPT_HEADERS", "defaultValue": given, "values": [{"storeCode": "5678", "value": given}]}
    data = ok_data(client_a.post(f"{BASE}/settings", body, format="json"), 201)
    assert data["defaultValue"] == stored and data["values"][0]["value"] == stored
    data = ok_data(client_a.get(f"{BASE}/settings/RECEIPT_HEADERS"))
    assert data["defaultValue"] == stored


def test_setting_get_list_delete(client_a):
    ok_data(client_a.post(f"{BASE}/settings", MY_SETTING, format="json"), 201)
    listed = client_a.get(f"{BASE}/settings").json()
    assert [row["name"] for row in listed["data"]] == ["my_setting"]
    assert listed["metadata"] == {"total": 1, "page": 1, "limit": 100, "sort": None, "filter": None}
    assert ok_data(client_a.get(f"{BASE}/settings/my_setting"))["values"][0]["terminalNo"] == 9
    assert ok_data(client_a.delete(f"{BASE}/settings/my_setting")) == {"name": "my_setting"}
    assert_error(client_a.get(f"{BASE}/settings/my_setting"), 404, "100001")
    assert_error(client_a.delete(f"{BASE}/settings/my_setting"), 404, "100001")
    assert_error(client_a.put(f"{BASE}/settings/my_setting", {"defaultValue": "x", "values": []}, format="json"),
                 404, "100001")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "S", "values": []},
        {"name": "S", "defaultValue": "d"},
        {"name": "S", "defaultValue": 1, "values": []},
        {"name": "S", "defaultValue": "d", "values": [{"storeCode": "1"}]},
        {"name": "S", "defaultValue": "d", "values": [{"terminalNo": "x", "value": "v"}]},
        {"defaultValue": "d", "values": []},
    ],
)
def test_setting_create_rejects_bad_bodies_and_writes_nothing(client_a, in_tenant_a, body):
    assert_error(client_a.post(f"{BASE}/settings", body, format="json"), 422, "300001")
    with in_tenant_a():
        assert not Setting.objects.exists()


def test_setting_update_requires_both_fields(client_a, in_tenant_a):
    ok_data(client_a.post(f"{BASE}/settings", MY_SETTING, format="json"), 201)
    assert_error(client_a.put(f"{BASE}/settings/my_setting", {"defaultValue": "x"}, format="json"), 422, "300001")
    with in_tenant_a():
        assert Setting.objects.get().default_value == "default name"
