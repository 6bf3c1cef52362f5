"""Report service commands: log intake (the event consumers of spec/40 §2), daily verification (§3.10), the
report pipeline of §3.2 and journaling a report (§3.11)."""

from .daily import SessionVerification, daily_verify
from .intake import (
    SERVICE_NAME,
    cashlog_store,
    opencloselog_store,
    report_consume_cashlog,
    report_consume_opencloselog,
    report_consume_tranlog,
    tranlog_receive,
    tranlog_store,
)
from .reports import (
    DAILY_REPORT,
    FLASH_REPORT,
    ReportQuery,
    Requester,
    report_generate,
    report_generate_lag_tolerant,
    report_get,
    report_journal,
    report_request_build,
    requesting_staff_id,
    requesting_terminal_no,
)

__all__ = [
    "DAILY_REPORT",
    "FLASH_REPORT",
    "SERVICE_NAME",
    "ReportQuery",
    "Requester",
    "SessionVerification",
    "cashlog_store",
    "daily_verify",
    "opencloselog_store",
    "report_consume_cashlog",
    "report_consume_opencloselog",
    "report_consume_tranlog",
    "report_generate",
    "report_generate_lag_tolerant",
    "report_get",
    "report_journal",
    "report_request_build",
    "requesting_staff_id",
    "requesting_terminal_no",
    "tranlog_receive",
    "tranlog_store",
]
