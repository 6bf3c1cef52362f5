"""What a report plugin gets and gives: a ``ReportRequest`` in, the endpoint's ``data`` dict out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..errors import InvalidDateRangeError
from ..receipts import ReceiptHeader
from ..selectors import ReportScope


@dataclass(frozen=True)
class ReportRequest:
    tenant_id: str
    scope: ReportScope
    report_scope: str  # normalized: "flash", "daily", or any other string (then flash-like)
    report_type: str
    generated_at: datetime
    business_counter: int | None = None
    limit: int = 100
    page: int = 1
    sort: tuple[tuple[str, int], ...] = ()

    @property
    def is_daily(self) -> bool:
        return self.report_scope == "daily"

    def header(self) -> dict[str, Any]:
        """The key fields every camelCase report starts with."""
        scope = self.scope
        return {
            "tenantId": self.tenant_id,
            "storeCode": scope.store_code,
            "terminalNo": scope.terminal_no,
            "businessDate": None if scope.is_range else scope.business_date,
            "businessDateFrom": scope.business_date_from if scope.is_range else None,
            "businessDateTo": scope.business_date_to if scope.is_range else None,
            "openCounter": scope.open_counter,
            "businessCounter": self.business_counter,
        }

    def receipt_header(self) -> ReceiptHeader:
        scope = self.scope
        return ReceiptHeader(
            store_code=scope.store_code,
            terminal_no=scope.terminal_no,
            generated_at=self.generated_at,
            is_daily=self.is_daily,
            business_date=None if scope.is_range else scope.business_date,
            business_date_from=scope.business_date_from if scope.is_range else None,
            business_date_to=scope.business_date_to if scope.is_range else None,
            open_counter=scope.open_counter,
            business_counter=self.business_counter,
        )

    def check_range(self) -> None:
        """``from > to`` (string compare) fails the category, item and payment reports."""
        scope = self.scope
        if scope.is_range and scope.business_date_from > scope.business_date_to:
            raise InvalidDateRangeError(scope.business_date_from, scope.business_date_to)


class ReportPlugin(Protocol):
    report_type: str

    def generate(self, request: ReportRequest) -> dict[str, Any]:
        """The ``data`` of the report response; any exception becomes 500 ``412003``."""
