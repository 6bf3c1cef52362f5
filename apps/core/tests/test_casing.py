import pytest

from apps.core.casing import accept_both_cases, camelize


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("total_amount_with_tax", "totalAmountWithTax"),
        ("api_key", "apiKey"),
        ("description_short", "descriptionShort"),
        ("tax_code_1", "taxCode1"),
        ("item_1_code", "item1Code"),
        ("is_POS", "isPos"),
        ("_private", "_private"),
        ("limit", "limit"),
        ("a__b", "aB"),
    ],
)
def test_camelize_follows_the_kugelpos_alias_rule(name, expected):
    assert camelize(name) == expected


def test_accept_both_cases_prefers_snake_and_keeps_unknown_keys():
    data = accept_both_cases({"storeCode": "1", "store_name": "A", "storeName": "B", "extra": 1},
                             ["store_code", "store_name"])
    assert data["store_code"] == "1"
    assert data["store_name"] == "A"
    assert data["extra"] == 1
