"""Journal endpoints (spec/40 §2.4, §2.5, §4): thin adapters over ``apps.journal.services`` and ``selectors``."""

from __future__ import annotations

import logging

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.authentication import EitherAuthentication
from apps.core.api.renderers import EnvelopeResponse
from apps.core.api.views import KugelposViewSet
from apps.core.paging import page_metadata, parse_paging
from apps.journal import selectors, services
from apps.journal.api.serializers import (
    chain_check_data,
    entry_from_body,
    journal_entry_data,
    journal_query_from_params,
    received_entry_data,
    sort_param,
    verify_params,
)
from apps.journal.schemas import JournalEntrySerializer, TranlogSerializer

logger = logging.getLogger(__name__)

SERVICE = "journal"


class JournalViewSet(KugelposViewSet):
    """``POST .../terminals/{terminal_no}/journals`` and ``GET .../stores/{store_code}/journals``."""

    authentication_classes = [EitherAuthentication]
    input_serializers = {"create": JournalEntrySerializer}

    @extend_schema(request=JournalEntrySerializer, responses={201: OpenApiTypes.OBJECT})
    def create(self, request: Request, tenant_id: str, store_code: str, terminal_no: str) -> Response:
        entry = services.journal_receive_entry(
            tenant_id=self.credential.tenant_id, entry=entry_from_body(self.validated_body())
        )
        # Kugelpos answers HTTP 201 with ``code: 200`` in the body; the shared renderer ties the two together,
        # so this one envelope is written out here.
        return Response(
            {
                "success": True,
                "code": 200,
                "message": (
                    f"Transaction received successfully. tenant_id: {tenant_id}, store_code: {store_code}, "
                    f"terminal_no: {terminal_no}"
                ),
                "userError": None,
                "data": received_entry_data(entry),
                "metadata": None,
                "operation": "receive_journals",
            },
            status=201,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("terminals", int, many=True, description="terminal_no IN (repeat, or commas)"),
            OpenApiParameter("transaction_types", int, many=True, description="e.g. 101, -101, 401, 501"),
            OpenApiParameter("business_date_from", str, description="YYYYMMDD; applied only with _to"),
            OpenApiParameter("business_date_to", str),
            OpenApiParameter("generate_date_time_from", str, description="ISO text compared as a string; with _to"),
            OpenApiParameter("generate_date_time_to", str),
            OpenApiParameter("receipt_no_from", int, description="inclusive; both ends non-zero"),
            OpenApiParameter("receipt_no_to", int),
            OpenApiParameter("keywords", str, many=True, description="regular expressions on journal_text, any"),
            OpenApiParameter("limit", int, description="default 100; 0 = all; a page holds at most 1000 rows"),
            OpenApiParameter("page", int, description="default 1"),
            OpenApiParameter("sort", str, description="default terminal_no:1,business_date:1,receipt_no:1"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request: Request, tenant_id: str, store_code: str) -> EnvelopeResponse:
        params = request.query_params
        query = journal_query_from_params(params, store_code=store_code)
        paging = parse_paging(sort_param(params), default_sort=selectors.DEFAULT_SORT)
        entries, total = selectors.journal_search(query=query, paging=paging)
        return self.respond(
            [journal_entry_data(entry) for entry in entries],
            message=f"Journals found successfully. tenant_id: {tenant_id}, store_code: {store_code}",
            operation="get_journals",
            metadata=page_metadata(total, paging, filter=query.mongo_filter(tenant_id)),
        )


class JournalVerifyViewSet(KugelposViewSet):
    """``GET .../terminals/{terminal_no}/journals/verify``: check a terminal's hash chain (issue #24; ours)."""

    authentication_classes = [EitherAuthentication]

    @extend_schema(
        summary="Verify a terminal's journal (hash chain and numbering)",
        description=(
            "Walks the terminal's journal in the order entries were appended and recomputes each entry's hash "
            "over the previous entry's hash and its stored fields (docs/api.md, Journal verification). "
            "`data.verified`: entries checked; `data.brokenAt`: the first entry whose hash or predecessor does "
            "not match (null when none); `data.gaps`: missing transaction and receipt numbers as inclusive ranges "
            "([] when none). Not in Kugelpos."
        ),
        parameters=[
            OpenApiParameter("business_date_from", str, description="YYYYMMDD, inclusive; optional"),
            OpenApiParameter("business_date_to", str, description="YYYYMMDD, inclusive; optional"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request: Request, tenant_id: str, store_code: str, terminal_no: str) -> EnvelopeResponse:
        number, date_from, date_to = verify_params(request.query_params, terminal_no=terminal_no)
        check = selectors.journal_verify(
            store_code=store_code, terminal_no=number, business_date_from=date_from, business_date_to=date_to
        )
        return self.respond(
            {
                "tenantId": tenant_id,
                "storeCode": store_code,
                "terminalNo": number,
                "businessDateFrom": date_from,
                "businessDateTo": date_to,
                **chain_check_data(check),
            },
            message=(
                f"Journal verified. tenant_id: {tenant_id}, store_code: {store_code}, terminal_no: {number}"
            ),
            operation="verify_journals",
        )


class TransactionReceiveViewSet(KugelposViewSet):
    """``POST .../terminals/{terminal_no}/transactions``: a tranlog pushed directly (spec/40 §2.5)."""

    authentication_classes = [EitherAuthentication]
    input_serializers = {"create": TranlogSerializer}

    @extend_schema(request=TranlogSerializer, responses={201: OpenApiTypes.OBJECT})
    def create(self, request: Request, tenant_id: str, store_code: str, terminal_no: str) -> EnvelopeResponse:
        entry = services.journal_receive_tranlog(tenant_id=self.credential.tenant_id, tranlog=self.validated_body())
        return self.respond(
            {
                "tenantId": entry.tenant_id,
                "storeCode": entry.store_code,
                "terminalNo": entry.terminal_no,
                "transactionNo": entry.transaction_no,
            },
            message=(
                f"Transaction received successfully. tenant_id: {tenant_id}, store_code: {store_code}, "
                f"terminal_no: {terminal_no}, transaction_no: {entry.transaction_no}"
            ),
            operation="receive_transactions",
            status=201,
        )
