"""Request shapes (camelCase or snake_case keys) and response objects (spec/10 §5.0) of the terminal API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.core.api.exceptions import flatten_validation
from apps.core.api.serializers import CamelCaseSerializer, MoneyField, SnakeCaseSerializer, StrictCharField
from apps.core.casing import camelize
from apps.core.errors import RequestValidationError
from apps.core.formats import display_utc, money

from ..crypto import MASKED_API_KEY
from ..models import CashLog, Store, TenantInfo, Terminal
from ..services import SessionResult, terminal_api_key

TERMINAL_SORT_FIELDS = frozenset(
    {
        "terminal_id",
        "tenant_id",
        "store_code",
        "terminal_no",
        "description",
        "function_mode",
        "status",
        "business_date",
        "open_counter",
        "business_counter",
        "initial_amount",
        "physical_amount",
        "staff_id",
        "created_at",
        "updated_at",
    }
)
STORE_SORT_FIELDS = frozenset(
    {"store_code", "store_name", "status", "business_date", "entry_datetime", "last_update_datetime"}
)


def _code_without_separator(value: str) -> str:
    if "-" in value:
        raise serializers.ValidationError("String must not contain '-' (it separates the parts of a terminal id)")
    return value


class TagsField(serializers.ListField):
    child = StrictCharField(allow_blank=True)


# --- requests -----------------------------------------------------------------------------------------------
class TenantCreateSerializer(CamelCaseSerializer):
    tenant_id = StrictCharField()
    tenant_name = StrictCharField(allow_blank=True)
    tags = TagsField()


class TenantUpdateSerializer(CamelCaseSerializer):
    tenant_name = StrictCharField(allow_blank=True)
    tags = TagsField()


class StoreCreateSerializer(CamelCaseSerializer):
    store_code = StrictCharField(max_length=100, validators=[_code_without_separator])
    store_name = StrictCharField(allow_blank=True, max_length=200)
    tags = TagsField(required=False, allow_null=True)
    status = serializers.JSONField(required=False)  # accepted and ignored
    business_date = serializers.JSONField(required=False)  # accepted and ignored


class StoreUpdateSerializer(CamelCaseSerializer):
    store_name = StrictCharField(allow_blank=True, max_length=200)
    status = StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=50)
    business_date = StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=50)
    tags = TagsField(required=False, allow_null=True)


class TerminalCreateSerializer(CamelCaseSerializer):
    store_code = StrictCharField(max_length=100, validators=[_code_without_separator])
    terminal_no = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1)
    description = StrictCharField(allow_blank=True, max_length=500)


class DescriptionSerializer(CamelCaseSerializer):
    description = StrictCharField(allow_blank=True, max_length=500)


class FunctionModeSerializer(CamelCaseSerializer):
    function_mode = StrictCharField(allow_blank=True, max_length=100)


class SignInSerializer(CamelCaseSerializer):
    staff_id = StrictCharField(max_length=100)


class OpenSerializer(CamelCaseSerializer):
    initial_amount = MoneyField(required=False, allow_null=True)


class CloseSerializer(CamelCaseSerializer):
    physical_amount = MoneyField(required=False, allow_null=True)


class CashSerializer(CamelCaseSerializer):
    amount = MoneyField()
    description = StrictCharField(required=False, allow_null=True, allow_blank=True, max_length=500)


class DeliveryStatusSerializer(SnakeCaseSerializer):
    """Snake_case only: a camelCase body misses ``event_id`` and is refused with 422.

    Its error locations stay snake_case too (``body -> event_id: Field required``), as the plain Kugelpos model
    reports them; the shared handler would camelise them.
    """

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        valid = super().is_valid(raise_exception=False)
        if not valid and raise_exception:
            snake = {camelize(name): name for name in self.fields}
            errors = flatten_validation(self.errors, ("body",))
            raise RequestValidationError([(tuple(snake.get(part, part) for part in loc), msg) for loc, msg in errors])
        return valid

    event_id = StrictCharField()
    service = StrictCharField()
    status = StrictCharField()
    message = StrictCharField(required=False, allow_null=True, allow_blank=True)


# --- responses ----------------------------------------------------------------------------------------------
def store_data(store: Store) -> dict[str, Any]:
    return {
        "storeCode": store.store_code,
        "storeName": store.store_name,
        "status": store.status,
        "businessDate": store.business_date,
        "tags": store.tags,
        "entryDatetime": display_utc(store.created_at),
        "lastUpdateDatetime": display_utc(store.updated_at),
    }


def store_sort_value(store: Store, field: str) -> Any:
    """The value a T6 ``sort`` field names (the store's snake_case fields, as Kugelpos sorts them)."""
    return {"entry_datetime": store.created_at, "last_update_datetime": store.updated_at}.get(
        field, getattr(store, field, None)
    )


def tenant_data(tenant_info: TenantInfo) -> dict[str, Any]:
    return {
        "tenantId": tenant_info.tenant_id,
        "tenantName": tenant_info.tenant_name,
        "tags": tenant_info.tags,
        "stores": [store_data(store) for store in tenant_info.stores.all()],
        "entryDatetime": display_utc(tenant_info.created_at),
        "lastUpdateDatetime": display_utc(tenant_info.updated_at),
    }


def terminal_data(terminal: Terminal, *, mask_api_key: bool = False) -> dict[str, Any]:
    staff = None
    if terminal.staff_id is not None:
        staff = {"staffId": terminal.staff_id, "staffName": terminal.staff_name, "staffPin": terminal.staff_pin}
    return {
        "terminalId": terminal.terminal_id,
        "tenantId": terminal.tenant_id,
        "storeCode": terminal.store_code,
        "terminalNo": terminal.terminal_no,
        "description": terminal.description,
        "functionMode": terminal.function_mode,
        "status": terminal.status,
        "businessDate": terminal.business_date,
        "openCounter": terminal.open_counter,
        "businessCounter": terminal.business_counter,
        "initialAmount": money(terminal.initial_amount),
        "physicalAmount": money(terminal.physical_amount),
        "staff": staff,
        "apiKey": MASKED_API_KEY if mask_api_key else terminal_api_key(terminal),
        "entryDatetime": display_utc(terminal.created_at),
        "lastUpdateDatetime": display_utc(terminal.updated_at),
    }


def _session_result(result: SessionResult, *, closing: bool) -> dict[str, Any]:
    terminal = result.terminal
    amounts = {"initialAmount": money(terminal.initial_amount)}
    if closing:
        amounts["physicalAmount"] = money(terminal.physical_amount)
    return {
        "terminalId": terminal.terminal_id,
        "businessDate": terminal.business_date,
        "openCounter": terminal.open_counter,
        "businessCounter": terminal.business_counter,
        **amounts,
        "terminalInfo": terminal_data(terminal, mask_api_key=not closing),
        "receiptText": result.log.receipt_text,
        "journalText": result.log.journal_text,
    }


def open_result_data(result: SessionResult) -> dict[str, Any]:
    """OpenResult: the terminal snapshot's API key is masked."""
    return _session_result(result, closing=False)


def close_result_data(result: SessionResult) -> dict[str, Any]:
    """CloseResult: OpenResult plus ``physicalAmount``; the snapshot shows the real key (as Kugelpos does)."""
    return _session_result(result, closing=True)


def cash_result_data(terminal_id: str, log: CashLog) -> dict[str, Any]:
    return {
        "terminalId": terminal_id,
        "amount": money(log.amount),
        "description": log.description,
        "receiptText": log.receipt_text,
        "journalText": log.journal_text,
    }
