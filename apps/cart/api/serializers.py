"""Cart request bodies (spec/30 §4): camelCase or snake_case keys, lists where Kugelpos takes lists."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api.serializers import CamelCaseSerializer, MoneyField, StrictCharField


class CreateCartSerializer(CamelCaseSerializer):
    transaction_type = serializers.IntegerField(required=False, default=101)
    user_id = StrictCharField(required=False, allow_null=True, allow_blank=True)
    user_name = StrictCharField(required=False, allow_null=True, allow_blank=True)


class AddItemSerializer(CamelCaseSerializer):
    item_code = StrictCharField()
    quantity = serializers.IntegerField()
    unit_price = MoneyField(required=False, allow_null=True)


class AddItemsSerializer(serializers.ListSerializer):
    child = AddItemSerializer()

    @staticmethod
    def validate_plain(data) -> list[dict] | None:
        """The validated data of the body nearly every add item sends (item codes, whole quantities, no price or a
        null one, keys in one spelling), without building the serializer: its construction and validation were
        ~6 % of an add item's instructions. Anything else is None: the serializer validates it and reports."""
        if type(data) is not list or not data:
            return None
        rows = []
        for row in data:
            if type(row) is not dict:
                return None
            keys = row.keys()
            if keys <= _SNAKE:
                code, price = row.get("item_code"), row.get("unit_price", _ABSENT)
            elif keys <= _CAMEL:
                code, price = row.get("itemCode"), row.get("unitPrice", _ABSENT)
            else:
                return None
            quantity = row.get("quantity")
            if type(code) is not str or not code or code != code.strip() or type(quantity) is not int:
                return None
            if "\x00" in code or (not code.isascii() and any("\ud800" <= char <= "\udfff" for char in code)):
                return None  # a NUL or a lone surrogate: the serializer's error
            if price is _ABSENT:
                rows.append({"item_code": code, "quantity": quantity})
            elif price is None:
                rows.append({"item_code": code, "quantity": quantity, "unit_price": None})
            else:
                return None
        return rows


_SNAKE = frozenset({"item_code", "quantity", "unit_price"})
_CAMEL = frozenset({"itemCode", "quantity", "unitPrice"})
_ABSENT = object()


class UnitPriceSerializer(CamelCaseSerializer):
    unit_price = MoneyField()


class QuantitySerializer(CamelCaseSerializer):
    quantity = serializers.IntegerField()


class DiscountSerializer(CamelCaseSerializer):
    discount_type = StrictCharField()
    discount_value = MoneyField()
    discount_detail = StrictCharField(required=False, allow_null=True, allow_blank=True)


class DiscountsSerializer(serializers.ListSerializer):
    child = DiscountSerializer()


class PaymentSerializer(CamelCaseSerializer):
    payment_code = StrictCharField()
    amount = serializers.IntegerField()
    detail = StrictCharField(required=False, allow_null=True, allow_blank=True)


class PaymentsSerializer(serializers.ListSerializer):
    child = PaymentSerializer()


class DeliveryStatusSerializer(serializers.Serializer):
    """Snake_case only (a plain model in Kugelpos)."""

    event_id = StrictCharField()
    service = StrictCharField()
    status = StrictCharField()
    message = StrictCharField(required=False, allow_null=True, allow_blank=True)
