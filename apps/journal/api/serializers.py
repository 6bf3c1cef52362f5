"""Journal response shapes (spec/40 §4.4, §4.5; the verification of issue #24) and the parsing of query strings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from apps.core.casing import camelize
from apps.core.errors import RequestValidationError
from apps.core.limits import INT64, parse_int
from apps.journal.chain import ChainCheck
from apps.journal.mapping import JournalEntryData
from apps.journal.models import JournalEntry
from apps.journal.selectors import SORTABLE_FIELDS, JournalQuery

JOURNAL_SEQ_NO = -1
CONTENT = "please refer to receipt_text field"


def journal_entry_data(entry: JournalEntry) -> dict[str, Any]:
    """A stored entry as the search returns it: camelCase, constant ``journalSeqNo``/``content``."""
    return {
        "tenantId": entry.tenant_id,
        "storeCode": entry.store_code,
        "terminalNo": entry.terminal_no,
        "journalSeqNo": JOURNAL_SEQ_NO,
        "transactionNo": entry.transaction_no,
        "transactionType": entry.transaction_type,
        "businessDate": entry.business_date,
        "openCounter": entry.open_counter,
        "businessCounter": entry.business_counter,
        "generateDateTime": entry.generate_date_time,
        "receiptNo": entry.receipt_no,
        "amount": float(entry.amount),
        "quantity": entry.quantity,
        "staffId": entry.staff_id,
        "userId": entry.user_id,
        "content": CONTENT,
        "journalText": entry.journal_text,
        "receiptText": entry.receipt_text,
    }


def received_entry_data(entry: JournalEntryData) -> dict[str, Any]:
    """``POST .../journals`` answer: snake_case, every field as submitted (spec/40 §4.4)."""
    return {
        "tenant_id": entry.tenant_id,
        "store_code": entry.store_code,
        "terminal_no": entry.terminal_no,
        "journal_seq_no": JOURNAL_SEQ_NO,
        "transaction_no": entry.transaction_no,
        "transaction_type": entry.transaction_type,
        "business_date": entry.business_date,
        "open_counter": entry.open_counter,
        "business_counter": entry.business_counter,
        "generate_date_time": entry.generate_date_time,
        "receipt_no": entry.receipt_no,
        "amount": float(entry.amount),
        "quantity": entry.quantity,
        "staff_id": entry.staff_id,
        "user_id": entry.user_id,
        "content": CONTENT,
        "journal_text": entry.journal_text,
        "receipt_text": entry.receipt_text,
    }


def entry_from_body(body: Mapping[str, Any]) -> JournalEntryData:
    return JournalEntryData(
        tenant_id=body["tenant_id"],
        store_code=body["store_code"],
        terminal_no=body["terminal_no"],
        transaction_no=body["transaction_no"],
        transaction_type=body["transaction_type"],
        business_date=body["business_date"],
        open_counter=body["open_counter"],
        business_counter=body["business_counter"],
        generate_date_time=body["generate_date_time"],
        receipt_no=body["receipt_no"],
        amount=body["amount"],
        quantity=body["quantity"],
        staff_id=body["staff_id"],
        user_id=body["user_id"],
        journal_text=body["journal_text"],
        receipt_text=body["receipt_text"],
    )


# --- search query string ------------------------------------------------------------------------------------
# The columns compared with are ``bigint``: a number outside them is a 422 (psycopg cannot even send it).
def _int_list(params: QueryDict, name: str, errors: list) -> tuple[int, ...]:
    """Repeated ``?name=1&name=2``; comma-separated values are accepted too (a superset of Kugelpos)."""
    values: list[int] = []
    index = 0
    for raw in params.getlist(name):
        for part in raw.split(","):
            part = part.strip()
            if part:
                try:
                    values.append(parse_int(part, INT64))
                except ValueError as exc:
                    errors.append((("query", name, str(index)), str(exc)))
                index += 1
    return tuple(values)


def _int(params: QueryDict, name: str, errors: list) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_int(raw, INT64)
    except ValueError as exc:
        errors.append((("query", name), str(exc)))
        return None


def journal_query_from_params(params: QueryDict, *, store_code: str) -> JournalQuery:
    """Search criteria from the query string; a non-integer number is a 422 (every error reported at once)."""
    errors: list = []
    query = JournalQuery(
        store_code=store_code,
        terminals=_int_list(params, "terminals", errors),
        transaction_types=_int_list(params, "transaction_types", errors),
        business_date_from=params.get("business_date_from") or None,
        business_date_to=params.get("business_date_to") or None,
        generate_date_time_from=params.get("generate_date_time_from") or None,
        generate_date_time_to=params.get("generate_date_time_to") or None,
        receipt_no_from=_int(params, "receipt_no_from", errors),
        receipt_no_to=_int(params, "receipt_no_to", errors),
        # Never split keywords: a comma may be part of a pattern.
        keywords=tuple(params.getlist("keywords")),
    )
    if errors:
        raise RequestValidationError(errors)
    return query


_CAMEL_SORT_NAMES = {camelize(name): name for name in SORTABLE_FIELDS}


def sort_param(params: QueryDict) -> QueryDict:
    """The query string with camelCase sort names rewritten to storage names (``receiptNo:-1`` -> ``receipt_no:-1``)."""
    raw = params.get("sort")
    if not raw:
        return params
    parts = []
    for part in raw.split(","):
        name, sep, direction = part.partition(":")
        parts.append(f"{_CAMEL_SORT_NAMES.get(name.strip(), name.strip())}{sep}{direction}")
    rewritten = params.copy()
    rewritten["sort"] = ",".join(parts)
    return rewritten


# --- hash chain verification (issue #24) --------------------------------------------------------------------
_BUSINESS_DATE = re.compile(r"\d{8}")
_GAP_NAMES = {"transaction_no": "transactionNo", "receipt_no": "receiptNo"}


def verify_params(params: QueryDict, *, terminal_no: str) -> tuple[int, str | None, str | None]:
    """``(terminal_no, business_date_from, business_date_to)``: the path terminal an integer, each date (optional)
    ``YYYYMMDD``, from not after to; otherwise a 422 naming every bad value."""
    errors: list = []
    number = None
    try:
        number = parse_int(terminal_no, INT64)
    except ValueError as exc:
        errors.append((("path", "terminal_no"), str(exc)))
    dates: dict[str, str | None] = {}
    for name in ("business_date_from", "business_date_to"):
        value = params.get(name) or None
        if value is not None and not _BUSINESS_DATE.fullmatch(value):
            errors.append((("query", name), "Business date should be YYYYMMDD"))
        dates[name] = value
    low, high = dates["business_date_from"], dates["business_date_to"]
    if not errors and low and high and low > high:
        errors.append((("query", "business_date_from"), "business_date_from should not be after business_date_to"))
    if errors:
        raise RequestValidationError(errors)
    return number, low, high


def chain_check_data(check: ChainCheck) -> dict[str, Any]:
    """The verification's ``data`` (camelCase): entries checked, the first broken link or null, the gaps."""
    broken = check.broken_at
    return {
        "verified": check.verified,
        "brokenAt": None
        if broken is None
        else {
            "journalSeq": broken.chain_seq,
            "transactionNo": broken.transaction_no,
            "receiptNo": broken.receipt_no,
            "transactionType": broken.transaction_type,
            "generateDateTime": broken.generate_date_time,
            "reason": broken.reason,
        },
        "gaps": [{"number": _GAP_NAMES[gap.number], "from": gap.first, "to": gap.last} for gap in check.gaps],
        "lastJournalSeq": check.last_seq,
        "lastHash": check.last_hash,
    }
