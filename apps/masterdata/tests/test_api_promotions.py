"""Promotions (spec/20 §5.9, §6.8; §10 scenarios 6, 7, 8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from apps.masterdata import selectors
from apps.masterdata.models import Promotion

from .conftest import BASE
from .factories import PromotionFactory
from .helpers import assert_error, ok_data

pytestmark = pytest.mark.django_db

PROMOS = f"{BASE}/promotions"


def naive(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def summer_sale(**changes) -> dict:
    now = datetime.now(UTC)
    body = {
        "promotionCode": "TEST_PROMO_001",
        "promotionType": "category_discount",
        "name": "Test Summer Sale",
        "startDatetime": naive(now - timedelta(minutes=1)),
        "endDatetime": naive(now + timedelta(days=30)),
        "detail": {"targetStoreCodes": ["5678"], "targetCategoryCodes": ["BEV001", "BEV002"], "discountRate": 10.0},
    }
    return body | changes


def active_codes(client, query: str = "") -> list[str]:
    response = client.get(f"{PROMOS}/active{query}")
    assert response.json()["metadata"] is None
    return [row["promotionCode"] for row in ok_data(response)]


def test_promotion_lifecycle(client_a, in_tenant_a):
    body = summer_sale()
    response = client_a.post(PROMOS, body, format="json")
    data = ok_data(response, 201)
    assert response.json()["message"] == "Promotion TEST_PROMO_001 created successfully"
    assert list(data) == ["promotionCode", "promotionType", "name", "description", "startDatetime", "endDatetime",
                          "isActive", "detail", "entryDatetime", "lastUpdateDatetime"]
    assert data["isActive"] is True and data["detail"]["discountRate"] == 10.0
    assert data["startDatetime"] == body["startDatetime"]  # naive input is UTC and echoes unchanged
    assert data["detail"] == {"targetStoreCodes": ["5678"], "targetCategoryCodes": ["BEV001", "BEV002"],
                              "discountRate": 10.0}

    assert "already exists" in assert_error(client_a.post(PROMOS, body, format="json"), 400, "500005")["message"]
    assert active_codes(client_a, "?storeCode=5678") == ["TEST_PROMO_001"]
    assert active_codes(client_a, "?storeCode=9999") == []
    every_store = summer_sale(promotionCode="ALL_STORES", detail=body["detail"] | {"targetStoreCodes": []})
    ok_data(client_a.post(PROMOS, every_store, format="json"), 201)
    assert active_codes(client_a, "?storeCode=5678") == ["TEST_PROMO_001", "ALL_STORES"]
    assert active_codes(client_a, "?storeCode=9999") == ["ALL_STORES"]

    update = {"name": "Test Summer Sale Extended", "detail": body["detail"] | {"discountRate": 15.0}}
    data = ok_data(client_a.put(f"{PROMOS}/TEST_PROMO_001", update, format="json"))
    assert data["name"] == "Test Summer Sale Extended" and data["detail"]["discountRate"] == 15.0
    assert (data["startDatetime"], data["endDatetime"]) == (body["startDatetime"], body["endDatetime"])
    assert data["lastUpdateDatetime"] is not None

    assert ok_data(client_a.delete(f"{PROMOS}/TEST_PROMO_001")) == {"promotionCode": "TEST_PROMO_001"}
    assert_error(client_a.get(f"{PROMOS}/TEST_PROMO_001"), 404, "100001")
    assert_error(client_a.delete(f"{PROMOS}/TEST_PROMO_001"), 404, "100001")
    assert_error(client_a.put(f"{PROMOS}/TEST_PROMO_001", {"name": "x"}, format="json"), 404, "100001")
    assert_error(client_a.post(PROMOS, body, format="json"), 400, "500005")
    assert active_codes(client_a, "?storeCode=5678") == ["ALL_STORES"]
    with in_tenant_a():
        assert Promotion.objects.get(promotion_code="TEST_PROMO_001").is_deleted is True


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"endDatetime": "2020-01-01T00:00:00"}, id="end-before-start"),
        pytest.param({"detail": {"targetCategoryCodes": ["BEV"], "discountRate": 150}}, id="rate-150"),
        pytest.param({"detail": {"targetCategoryCodes": ["BEV"], "discountRate": 0}}, id="rate-0"),
        pytest.param({"detail": None}, id="category-discount-without-detail"),
        pytest.param({"detail": {"targetCategoryCodes": [], "discountRate": 10}}, id="no-target-categories"),
        pytest.param({"startDatetime": "not a date"}, id="unparsable-datetime"),
        pytest.param({"startDatetime": 1700000000}, id="number-datetime"),
        pytest.param({"detail": {"discountRate": 10}}, id="detail-without-categories"),
        pytest.param({"promotionCode": None}, id="null-code"),
        pytest.param({"isActive": "perhaps"}, id="bad-bool"),
    ],
)
def test_promotion_validation(client_a, in_tenant_a, changes):
    assert_error(client_a.post(PROMOS, summer_sale(**changes), format="json"), 422, "300001")
    with in_tenant_a():
        assert not Promotion.objects.exists()


def test_validation_comes_before_the_duplicate_check(client_a):
    ok_data(client_a.post(PROMOS, summer_sale(), format="json"), 201)
    assert_error(client_a.post(PROMOS, summer_sale(endDatetime="2020-01-01"), format="json"), 422, "300001")


def test_update_validation_and_unknown_code(client_a, in_tenant_a):
    assert_error(client_a.put(f"{PROMOS}/NONEXISTENT", {"name": "x"}, format="json"), 404, "100001")
    ok_data(client_a.post(PROMOS, summer_sale(), format="json"), 201)
    for update in ({"endDatetime": "2000-01-01T00:00:00"}, {"detail": {"targetCategoryCodes": [], "discountRate": 5}},
                   {"detail": {"targetCategoryCodes": ["A"], "discountRate": 101}}, {"name": 5}):
        assert_error(client_a.put(f"{PROMOS}/TEST_PROMO_001", update, format="json"), 422, "300001")
    data = ok_data(client_a.put(f"{PROMOS}/TEST_PROMO_001", {"name": None, "detail": None, "isActive": False},
                                format="json"))
    assert data["name"] == "Test Summer Sale" and data["detail"]["discountRate"] == 10.0 and data["isActive"] is False
    with in_tenant_a():
        assert Promotion.objects.get().discount_rate == Decimal("10")


def test_datetimes_with_offsets_are_stored_as_utc(client_a):
    body = summer_sale(startDatetime="2026-07-01T00:00:00+09:00", endDatetime="2126-07-02")
    data = ok_data(client_a.post(PROMOS, body, format="json"), 201)
    assert data["startDatetime"] == "2026-06-30T15:00:00" and data["endDatetime"] == "2126-07-02T00:00:00"


def test_promotion_list_defaults_and_filters(client_a, in_tenant_a):
    with in_tenant_a():
        PromotionFactory(promotion_code="P1")
        PromotionFactory(promotion_code="P2", promotion_type="other", is_active=False)
        PromotionFactory(promotion_code="P3", is_deleted=True)
    body = client_a.get(PROMOS).json()
    assert [row["promotionCode"] for row in body["data"]] == ["P1", "P2"]
    assert body["metadata"] == {"total": 2, "page": 1, "limit": 20, "sort": "category_code:1",
                                "filter": {"tenant_id": "T1001", "is_deleted": False}}
    body = client_a.get(f"{PROMOS}?promotionType=other&isActive=false").json()
    assert [row["promotionCode"] for row in body["data"]] == ["P2"]
    assert body["metadata"]["filter"] == {"promotion_type": "other", "is_active": False, "tenant_id": "T1001",
                                          "is_deleted": False}
    assert_error(client_a.get(f"{PROMOS}?isActive=sometimes"), 422, "300001")
    assert ok_data(client_a.get(f"{PROMOS}/P1"))["promotionCode"] == "P1"
    assert_error(client_a.get(f"{PROMOS}/P3"), 404, "100001")


def test_active_filters(client_a, in_tenant_a):
    now = datetime.now(UTC)
    with in_tenant_a():
        PromotionFactory(promotion_code="BEV_5678", target_store_codes=["5678"], target_category_codes=["BEV"])
        PromotionFactory(promotion_code="FOOD_ALL", target_category_codes=["FOOD"])
        PromotionFactory(promotion_code="NO_DETAIL", promotion_type="coupon", target_category_codes=[],
                         discount_rate=None)
        PromotionFactory(promotion_code="OTHER_BEV", promotion_type="other", target_category_codes=["BEV"])
        PromotionFactory(promotion_code="INACTIVE", is_active=False)
        PromotionFactory(promotion_code="FUTURE", start_datetime=now + timedelta(days=1),
                         end_datetime=now + timedelta(days=2))
        PromotionFactory(promotion_code="ENDED", start_datetime=now - timedelta(days=2),
                         end_datetime=now - timedelta(days=1))
    assert active_codes(client_a) == ["BEV_5678", "FOOD_ALL", "NO_DETAIL", "OTHER_BEV"]
    assert active_codes(client_a, "?storeCode=5678") == ["BEV_5678", "FOOD_ALL", "OTHER_BEV"]
    assert active_codes(client_a, "?storeCode=1111") == ["FOOD_ALL", "OTHER_BEV"]
    assert active_codes(client_a, "?categoryCode=BEV") == ["BEV_5678"]
    assert active_codes(client_a, "?storeCode=5678&categoryCode=BEV") == ["BEV_5678", "OTHER_BEV"]
    assert active_codes(client_a, "?storeCode=5678&promotionType=other") == ["OTHER_BEV"]
    assert active_codes(client_a, "?promotionType=coupon") == ["NO_DETAIL"]


def test_both_ends_of_the_period_are_inclusive(in_tenant_a):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2026, 1, 31, tzinfo=UTC)
    with in_tenant_a():
        PromotionFactory(promotion_code="JAN", start_datetime=start, end_datetime=end)
        assert [p.promotion_code for p in selectors.promotions_active(store_code="S", at=start)] == ["JAN"]
        assert [p.promotion_code for p in selectors.promotions_active(store_code="S", at=end)] == ["JAN"]
        assert selectors.promotions_active(store_code="S", at=end + timedelta(seconds=1)) == []


def test_category_promotion_consumption(in_tenant_a):
    """Scenario 8, master data's half: A (BEV 10 %) and B (BEV 15 %) are both active for the store, with their
    rates; the cart's half (the line gets the higher rate, 15 % of 200 = 30 off) is in the cart's plugin tests."""
    with in_tenant_a():
        PromotionFactory(promotion_code="A", name="A", target_category_codes=["BEV"], discount_rate=Decimal("10"))
        PromotionFactory(promotion_code="B", name="B", target_category_codes=["BEV"], discount_rate=Decimal("15"))
        promotions = selectors.promotions_active(store_code="5678")
    assert sorted((p.promotion_code, p.detail.target_category_codes, p.detail.discount_rate) for p in promotions) == [
        ("A", ("BEV",), Decimal("10")), ("B", ("BEV",), Decimal("15"))]


@pytest.mark.parametrize("moment", ["0001-01-01T01:00:00+03:00", "9999-12-31T23:00:00-03:00", "0001-01-01T00:00:00",
                                    "9999-12-31T23:59:59Z"])
def test_a_datetime_at_the_ends_of_the_calendar_is_a_422_not_a_500(client_a, in_tenant_a, moment):
    """0001-01-01T01:00+03:00 is before year 1 in UTC: converting it overflowed (a 500 the fuzz found)."""
    for field in ("startDatetime", "endDatetime"):
        response = client_a.post(PROMOS, summer_sale(**{field: moment}), format="json")
        assert assert_error(response, 422, "300001")["message"].endswith("Input should be a valid datetime")
    with in_tenant_a():
        assert not Promotion.objects.exists()
