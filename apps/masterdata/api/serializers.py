"""Request bodies of the master-data API (spec/20 §5): shape and type only; rules live in the services.

Every body accepts camelCase and snake_case keys; unknown keys are ignored; identifiers in a PUT body are ignored
(the path wins) because they are simply not declared here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import CamelCaseSerializer, IntegerField, MoneyField, StrictCharField

from ..item_book_tree import BUTTON_SIZES
from ..models import CODE_LENGTH, TEXT_LENGTH


def code_field(**kwargs) -> StrictCharField:
    return StrictCharField(max_length=CODE_LENGTH, trim_whitespace=False, **kwargs)


def text_field(**kwargs) -> StrictCharField:
    kwargs.setdefault("allow_blank", True)
    return StrictCharField(max_length=TEXT_LENGTH, trim_whitespace=False, **kwargs)


def strings_field(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=StrictCharField(allow_blank=True, trim_whitespace=False), **kwargs)


@extend_schema_field(OpenApiTypes.DATETIME)
class UtcDateTimeField(serializers.Field):
    """ISO 8601 (``Z``/offset optional, date-only allowed) -> aware UTC datetime; a naive value is taken as UTC."""

    default_error_messages = {"invalid": "Input should be a valid datetime"}
    # A day inside the ends of what ``datetime`` holds, so no later conversion to a zone (the app's, a client's)
    # can overflow: 0001-01-01T01:00+03:00 is before year 1 in UTC, and was a 500.
    earliest = datetime(1, 1, 2, tzinfo=UTC)
    latest = datetime(9999, 12, 30, tzinfo=UTC)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            value = datetime.fromisoformat(data.strip())
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except (ValueError, OverflowError):
            self.fail("invalid")
        if not self.earliest <= value <= self.latest:
            self.fail("invalid")
        return value

    def to_representation(self, value):
        return value


# --- categories, items, store prices ------------------------------------------------------------------------
class CategoryUpdateSerializer(CamelCaseSerializer):
    description = text_field()
    description_short = text_field()
    tax_code = code_field(allow_blank=True)


class CategoryCreateSerializer(CategoryUpdateSerializer):
    category_code = code_field()


class ItemUpdateSerializer(CamelCaseSerializer):
    description = text_field()
    unit_price = MoneyField()
    unit_cost = MoneyField()
    item_details = strings_field()
    image_urls = strings_field()
    category_code = code_field(allow_blank=True)
    tax_code = code_field(allow_blank=True)
    is_discount_restricted = serializers.BooleanField(required=False, default=False)


class ItemCreateSerializer(ItemUpdateSerializer):
    item_code = code_field()


class StorePriceUpdateSerializer(CamelCaseSerializer):
    store_price = MoneyField()


class StorePriceCreateSerializer(StorePriceUpdateSerializer):
    item_code = code_field()


# --- item books ---------------------------------------------------------------------------------------------
class ButtonSerializer(CamelCaseSerializer):
    pos_x = IntegerField()
    pos_y = IntegerField()
    size = serializers.ChoiceField(choices=BUTTON_SIZES)
    image_url = text_field()
    color_text = text_field()
    item_code = code_field(allow_blank=True)


class TabSerializer(CamelCaseSerializer):
    tab_number = IntegerField()
    title = text_field()
    color = text_field()
    buttons = ButtonSerializer(many=True, required=False)


class BookCategorySerializer(CamelCaseSerializer):
    category_number = IntegerField()
    title = text_field()
    color = text_field()
    tabs = TabSerializer(many=True, required=False)


class ItemBookSerializer(CamelCaseSerializer):
    title = text_field()
    categories = BookCategorySerializer(many=True, required=False)


# --- payments, settings, staff ------------------------------------------------------------------------------
class PaymentUpdateSerializer(CamelCaseSerializer):
    description = text_field()
    limit_amount = MoneyField()
    can_refund = serializers.BooleanField()
    can_deposit_over = serializers.BooleanField()
    can_change = serializers.BooleanField()
    is_active = serializers.BooleanField()


class PaymentCreateSerializer(PaymentUpdateSerializer):
    payment_code = code_field()


class SettingValueSerializer(CamelCaseSerializer):
    store_code = code_field(required=False, allow_null=True, default=None)
    terminal_no = IntegerField(required=False, allow_null=True, default=None)
    value = StrictCharField(allow_blank=True, trim_whitespace=False)


class SettingUpdateSerializer(CamelCaseSerializer):
    default_value = StrictCharField(allow_blank=True, trim_whitespace=False)
    values = SettingValueSerializer(many=True)


class SettingCreateSerializer(SettingUpdateSerializer):
    name = StrictCharField(max_length=TEXT_LENGTH, trim_whitespace=False)


class StaffUpdateSerializer(CamelCaseSerializer):
    name = text_field()
    pin = code_field(allow_blank=True)
    roles = strings_field()


class StaffCreateSerializer(StaffUpdateSerializer):
    id = code_field()


# --- promotions ---------------------------------------------------------------------------------------------
class PromotionDetailSerializer(CamelCaseSerializer):
    target_store_codes = strings_field(required=False, allow_null=True, default=list)
    target_category_codes = strings_field()
    discount_rate = MoneyField()


class PromotionUpdateSerializer(CamelCaseSerializer):
    """Every field optional; null means "unchanged" (spec/20 §6.8)."""

    name = text_field(required=False, allow_null=True)
    description = StrictCharField(required=False, allow_null=True, allow_blank=True, trim_whitespace=False)
    start_datetime = UtcDateTimeField(required=False, allow_null=True)
    end_datetime = UtcDateTimeField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, allow_null=True)
    detail = PromotionDetailSerializer(required=False, allow_null=True)


class PromotionCreateSerializer(CamelCaseSerializer):
    promotion_code = code_field()
    promotion_type = code_field()
    name = text_field()
    description = StrictCharField(required=False, allow_null=True, allow_blank=True, trim_whitespace=False)
    start_datetime = UtcDateTimeField()
    end_datetime = UtcDateTimeField()
    is_active = serializers.BooleanField(required=False, default=True)
    detail = PromotionDetailSerializer(required=False, allow_null=True)
