"""Payments, settings, taxes and staff (spec/20 §5.5-§5.8)."""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.errors import NotFoundError
from apps.core.paging import page_metadata

from .. import selectors, services
from ..setting_values import ScopedValue
from . import presenters
from . import serializers as bodies
from .base import MasterDataViewSet, Query


class PaymentViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.PaymentCreateSerializer, "update": bodies.PaymentUpdateSerializer}

    def create(self, request: Request, tenant_id: str):
        payment = services.payment_create(**self.validated_body())
        return self.respond(
            presenters.payment_data(payment),
            message=f"Payment created. payment_code: {payment.payment_code}",
            operation="create_payment",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.payments_page(paging=paging)
        return self.respond(
            [presenters.payment_data(row) for row in rows],
            message=f"Payments found. Total payments: {total}",
            operation="get_all_payments",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, payment_code: str):
        payment = selectors.payment_get(payment_code=payment_code)
        if payment is None:
            raise NotFoundError(f"Payment not found. payment_code: {payment_code}")
        return self.respond(
            presenters.payment_data(payment),
            message=f"Payment found. payment_code: {payment_code}",
            operation="get_payment",
        )

    def update(self, request: Request, tenant_id: str, payment_code: str):
        payment = services.payment_update(payment_code=payment_code, **self.validated_body())
        return self.respond(
            presenters.payment_data(payment),
            message=f"Payment updated. payment_code: {payment_code}",
            operation="update_payment",
        )

    def destroy(self, request: Request, tenant_id: str, payment_code: str):
        services.payment_delete(payment_code=payment_code)
        return self.respond(
            {"paymentCode": payment_code},
            message=f"Payment deleted. payment_code: {payment_code}",
            operation="delete_payment",
        )


def _scoped_values(values: list[dict]) -> list[ScopedValue]:
    return [ScopedValue(entry.get("store_code"), entry.get("terminal_no"), entry["value"]) for entry in values]


class SettingViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.SettingCreateSerializer, "update": bodies.SettingUpdateSerializer}
    query_params = {"value": {"store_code": Query(str, required=True), "terminal_no": Query(int, required=True)}}

    def _setting(self, name: str):
        return selectors.setting_get(name=name)

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        setting = services.setting_create(
            name=body["name"], default_value=body["default_value"], values=_scoped_values(body["values"])
        )
        return self.respond(
            presenters.setting_data(self._setting(setting.name)),
            message=f"Settings created successfully. settings_id: {setting.name}",
            operation="create_settings_master_async",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.settings_page(paging=paging)
        return self.respond(
            [presenters.setting_data(row) for row in rows],
            message=f"Settings retrieved successfully. Total count: {total}",
            operation="get_settings_master_async",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, name: str):
        setting = self._setting(name)
        if setting is None:
            raise NotFoundError(f"Settings not found. settings name: {name}")
        return self.respond(
            presenters.setting_data(setting),
            message=f"Settings found. settings_id: {name}",
            operation="get_settings_master_by_name_async",
        )

    def value(self, request: Request, tenant_id: str, name: str):
        query = self.query()
        value = selectors.setting_value_get(name=name, store_code=query["store_code"], terminal_no=query["terminal_no"])
        if value is None:
            raise NotFoundError(f"Settings value not found. settings_name: {name}")
        return self.respond(
            {"value": value},
            message=f"Settings value found. settings_name: {name}",
            operation="get_settings_value_by_name_async",
        )

    def update(self, request: Request, tenant_id: str, name: str):
        body = self.validated_body()
        services.setting_update(name=name, default_value=body["default_value"], values=_scoped_values(body["values"]))
        return self.respond(
            presenters.setting_data(self._setting(name)),
            message=f"Settings updated successfully. settings_id: {name}",
            operation="update_settings_master_async",
        )

    def destroy(self, request: Request, tenant_id: str, name: str):
        services.setting_delete(name=name)
        return self.respond(
            {"name": name},
            message=f"Settings deleted successfully. settings_id: {name}",
            operation="delete_settings_master_async",
        )


class TaxViewSet(MasterDataViewSet):
    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        taxes, total = selectors.taxes_page(paging=paging)
        return self.respond(
            [presenters.tax_data(tax) for tax in taxes],
            message=f"Taxes found successfully for tenant_id: {tenant_id}. Total count: {total}",
            operation="get_taxes",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, tax_code: str):
        tax = selectors.tax_get(tax_code=tax_code)
        if tax is None:
            raise NotFoundError(f"Tax {tax_code} not found, tenant_id: {tenant_id}")
        return self.respond(
            presenters.tax_data(tax),
            message=f"Tax {tax_code} found successfully for tenant_id: {tenant_id}",
            operation="get_tax",
        )


class StaffViewSet(MasterDataViewSet):
    input_serializers = {"create": bodies.StaffCreateSerializer, "update": bodies.StaffUpdateSerializer}

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        staff = services.staff_create(staff_id=body["id"], name=body["name"], pin=body["pin"], roles=body["roles"])
        return self.respond(
            presenters.staff_data(staff),
            message=f"Staff created successfully. staff_id: {staff.staff_id}",
            operation="create_staff_master_async",
            status=201,
        )

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.staff_page(paging=paging)
        return self.respond(
            [presenters.staff_data(row) for row in rows],
            message=f"All staff found. Total count: {total}",
            operation="get_staff_master_all_async",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def retrieve(self, request: Request, tenant_id: str, staff_id: str):
        staff = selectors.staff_row_get(staff_id=staff_id)
        if staff is None:
            raise NotFoundError(f"Staff not found. staff_id: {staff_id}")
        return self.respond(
            presenters.staff_data(staff),
            message=f"Staff found. staff_id: {staff_id}",
            operation="get_staff_master_async",
        )

    def update(self, request: Request, tenant_id: str, staff_id: str):
        staff = services.staff_update(staff_id=staff_id, **self.validated_body())
        return self.respond(
            presenters.staff_data(staff),
            message=f"Staff updated successfully. staff_id: {staff_id}",
            operation="update_staff_master_async",
        )

    def destroy(self, request: Request, tenant_id: str, staff_id: str):
        services.staff_delete(staff_id=staff_id)
        return self.respond(
            {"staffId": staff_id},
            message=f"Staff deleted successfully. staff_id: {staff_id}",
            operation="delete_staff_master_async",
        )
