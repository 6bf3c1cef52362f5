"""Report endpoints (spec/40 §2.4, §2.5, §3.1): thin adapters over ``apps.report.services``."""

from __future__ import annotations

import logging
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request

from apps.core.api.authentication import EitherAuthentication
from apps.core.api.renderers import EnvelopeResponse
from apps.core.api.views import KugelposViewSet
from apps.core.errors import RequestValidationError

from .. import services
from ..logs import LogFormatError, parse_tranlog
from .params import parse_report_query, parse_terminal_no

logger = logging.getLogger(__name__)


class ReportViewSet(KugelposViewSet):
    """``GET .../stores/{store_code}/reports`` and ``GET .../terminals/{terminal_no}/reports``."""

    authentication_classes = [EitherAuthentication]

    def _validate_input(self, request: Request) -> dict | None:
        # Query parameters are checked before the tenant (spec/00 §2.4 check order), like a body.
        query, terminal_no = parse_report_query(
            request.query_params, terminal_no=self.kwargs.get("terminal_no")
        )
        return {"query": query, "terminal_no": terminal_no}

    def _requester(self, query: services.ReportQuery) -> services.Requester:
        credential = self.credential
        return services.Requester(
            terminal_id=query.terminal_id,
            staff_id=credential.claims.get("staff_id") if credential.kind == "terminal" else None,
            is_api_key=credential.kind == "api_key",
        )

    def _report(self, tenant_id: str, store_code: str, operation: str) -> EnvelopeResponse:
        parsed = self.validated_body()
        query: services.ReportQuery = parsed["query"]
        data = services.report_get(
            tenant_id=tenant_id,
            store_code=store_code,
            terminal_no=parsed["terminal_no"],
            query=query,
            requester=self._requester(query),
        )
        return self.respond(
            data, message=f"{query.report_type.capitalize()} report fetched successfully", operation=operation
        )

    @extend_schema(responses={200: dict})
    def store(self, request: Request, tenant_id: str, store_code: str) -> EnvelopeResponse:
        return self._report(tenant_id, store_code, "get_report_for_store")

    @extend_schema(responses={200: dict})
    def terminal(self, request: Request, tenant_id: str, store_code: str, terminal_no: str) -> EnvelopeResponse:
        return self._report(tenant_id, store_code, "get_report_for_terminal")


class TranlogBodySerializer(serializers.Serializer):
    """One tranlog, snake or camel keys: parsed by the same reader as the consumer (422 on a bad shape)."""

    def to_internal_value(self, data: Any) -> dict:
        try:
            return {"tranlog": parse_tranlog(data)}
        except LogFormatError as exc:
            raise RequestValidationError(exc.errors) from exc


class TransactionReceiveViewSet(KugelposViewSet):
    """``POST .../terminals/{terminal_no}/transactions``: a tranlog pushed directly (spec/40 §2.5)."""

    authentication_classes = [EitherAuthentication]
    input_serializers = {"create": TranlogBodySerializer}

    def _validate_input(self, request: Request) -> dict | None:
        errors: list = []
        parse_terminal_no(self.kwargs.get("terminal_no"), errors)
        if errors:
            raise RequestValidationError(errors)
        return super()._validate_input(request)

    @extend_schema(request=dict, responses={201: dict})
    def create(self, request: Request, tenant_id: str, store_code: str, terminal_no: str) -> EnvelopeResponse:
        tranlog = self.validated_body()["tranlog"]
        services.tranlog_receive(tranlog=tranlog)
        return self.respond(
            {
                "tenantId": tenant_id,
                "storeCode": store_code,
                "terminalNo": int(terminal_no),
                "transactionNo": tranlog.transaction_no,
            },
            message=(
                f"Transaction received successfully. tenant_id: {tenant_id}, store_code: {store_code}, "
                f"terminal_no: {terminal_no}, transaction_no: {tranlog.transaction_no}"
            ),
            operation="receive_transactions",
            status=201,
        )
