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
