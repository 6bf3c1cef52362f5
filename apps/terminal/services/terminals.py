"""Terminals (spec/10 §5.2-§5.5): create with an API key, delete, description, function mode, sign-in/out,
the API-key to JWT exchange and the delivery-status acknowledgement.

Every command that changes a terminal locks its row first (``select_for_update``), so concurrent calls on one
terminal run one after the other and the state checks in ``states.py`` always see the latest state.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from apps.core import events, tenancy
from apps.core.auth import Credential, api_key_hash, credential_from_api_key, find_terminal_by_api_key
from apps.core.errors import AuthenticationError, CannotDeleteError, NotFoundError
from apps.core.models import ApiKeyIndex
from apps.masterdata.selectors import staff_get

from .. import clock, crypto, selectors, states
from ..errors import DeliveryEventNotFoundError, StaffNotFoundError, TerminalAlreadyExistsError
from ..models import Terminal
from ..tokens import terminal_token, token_lifetime_seconds


def terminal_id_for(*, tenant_id: str, store_code: str, terminal_no: int) -> str:
    """``{tenant_id}-{store_code}-{terminal_no}``, the number in plain decimal."""
    return f"{tenant_id}-{store_code}-{int(terminal_no)}"


def terminal_locked(*, terminal_id: str) -> Terminal:
    """The terminal row, locked until the caller's transaction ends; 404 ``100001`` if it is not here."""
    terminal = Terminal.objects.select_for_update(of=("self",)).filter(terminal_id=terminal_id).first()
    if terminal is None:
        raise NotFoundError(f"Terminal not found: {terminal_id}")
    return terminal


def terminal_required(*, terminal_id: str) -> Terminal:
    terminal = selectors.terminal_find(terminal_id=terminal_id)
    if terminal is None:
        raise NotFoundError(f"Terminal not found: {terminal_id}")
    return terminal


def terminal_api_key(terminal: Terminal) -> str:
    return crypto.api_key_decrypt(terminal.api_key_encrypted)


@transaction.atomic
def terminal_create(*, tenant_id: str, store_code: str, terminal_no: int, description: str) -> Terminal:
    """R1: a new Idle terminal with a fresh API key, indexed by its SHA-256 in the same transaction.

    The store is not checked (open/close/cash need it later). A taken terminal id is 400 ``406002``.
    """
    terminal_id = terminal_id_for(tenant_id=tenant_id, store_code=store_code, terminal_no=terminal_no)
    api_key = crypto.api_key_generate()
    try:
        with transaction.atomic():
            terminal = Terminal.objects.create(
                terminal_id=terminal_id,
                tenant_id=tenant_id,
                store_code=store_code,
                terminal_no=terminal_no,
                description=description,
                function_mode=states.FunctionMode.MAIN_MENU,
                status=states.Status.IDLE,
                api_key_encrypted=crypto.api_key_encrypt(api_key),
                created_at=clock.now(),
            )
            # Public schema, same connection and transaction: both rows commit or neither does.
            ApiKeyIndex.objects.filter(terminal_id=terminal_id).delete()  # a stale entry of a dropped terminal
            ApiKeyIndex.objects.create(key_hash=api_key_hash(api_key), tenant_id=tenant_id, terminal_id=terminal_id)
    except IntegrityError:
        raise TerminalAlreadyExistsError(f"Terminal already exists: {terminal_id}") from None
    return terminal


@transaction.atomic
def terminal_delete(*, terminal_id: str) -> None:
    """R4: delete in any status, and drop its API-key index entry. Unknown is 400 ``500004``."""
    terminal = Terminal.objects.select_for_update(of=("self",)).filter(terminal_id=terminal_id).first()
    if terminal is None:
        raise CannotDeleteError(f"Terminal not found: {terminal_id}")
    ApiKeyIndex.objects.filter(terminal_id=terminal_id, tenant_id=terminal.tenant_id).delete()
    terminal.delete()


@transaction.atomic
def terminal_update_description(*, terminal_id: str, description: str) -> Terminal:
    """R5."""
    terminal = terminal_locked(terminal_id=terminal_id)
    terminal.description = description
    terminal.updated_at = clock.now()
    terminal.save(update_fields=["description", "updated_at"])
    return terminal


@transaction.atomic
def terminal_update_function_mode(*, terminal_id: str, function_mode: str) -> Terminal:
    """R6: store the mode if the terminal's status allows it (§6.2); unknown strings are stored verbatim."""
    terminal = terminal_locked(terminal_id=terminal_id)
    states.function_mode_check(status=terminal.status, function_mode=function_mode, terminal_id=terminal_id)
    terminal.function_mode = function_mode
    terminal.updated_at = clock.now()
    terminal.save(update_fields=["function_mode", "updated_at"])
    return terminal


# --- staff --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    pin: str | None


def staff_find(*, staff_id: str) -> Staff | None:
    """The staff member in this tenant's master data (no PIN check, no store check)."""
    staff = staff_get(staff_id=staff_id)
    if staff is None:
        return None
    return Staff(staff_id=staff.staff_id, name=staff.name, pin=staff.pin)


@transaction.atomic
def terminal_sign_in(*, terminal_id: str, staff_id: str) -> Terminal:
    """L1: nobody may be signed in yet (400 ``406014``); unknown staff is 401 ``406004``."""
    terminal = terminal_locked(terminal_id=terminal_id)
    states.operation_apply(
        status=terminal.status,
        operation=states.Operation.SIGN_IN,
        is_signed_in=terminal.is_signed_in,
        terminal_id=terminal_id,
    )
    staff = staff_find(staff_id=staff_id)
    if staff is None:
        raise StaffNotFoundError(f"Staff not found: {staff_id}")
    terminal.staff_id, terminal.staff_name, terminal.staff_pin = staff.staff_id, staff.name, staff.pin
    terminal.updated_at = clock.now()
    terminal.save(update_fields=["staff_id", "staff_name", "staff_pin", "updated_at"])
    return terminal


@transaction.atomic
def terminal_sign_out(*, terminal_id: str) -> Terminal:
    """L2: forget the staff member; with nobody signed in nothing is written."""
    terminal = terminal_locked(terminal_id=terminal_id)
    states.operation_apply(
        status=terminal.status,
        operation=states.Operation.SIGN_OUT,
        is_signed_in=terminal.is_signed_in,
        terminal_id=terminal_id,
    )
    if terminal.is_signed_in:
        terminal.staff_id = terminal.staff_name = terminal.staff_pin = None
        terminal.updated_at = clock.now()
        terminal.save(update_fields=["staff_id", "staff_name", "staff_pin", "updated_at"])
    return terminal


# --- credentials --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedToken:
    terminal_id: str
    access_token: str
    expires_in: int


def terminal_token_exchange(*, api_key: str | None, terminal_id: str | None) -> IssuedToken:
    """``POST /auth/token``: the terminal JWT of the terminal this key belongs to (spec/10 §5.4)."""
    if not api_key:
        raise AuthenticationError("API key is required")
    credential: Credential | None
    if terminal_id:
        credential, failure = credential_from_api_key(api_key, terminal_id), "Invalid API Key"
    else:
        credential, failure = find_terminal_by_api_key(api_key), "Invalid API key"
    if credential is None or tenancy.tenant_get(credential.tenant_id) is None:
        raise AuthenticationError(failure)
    with tenancy.tenant_context(credential.tenant_id):
        terminal = selectors.terminal_find(terminal_id=credential.terminal_id)
        # The index matched the hash; the stored key must match too (defence against a stale index entry).
        if terminal is None or not hmac.compare_digest(terminal_api_key(terminal), api_key):
            raise AuthenticationError(failure)
        token = terminal_token(terminal)
    return IssuedToken(terminal_id=terminal.terminal_id, access_token=token, expires_in=token_lifetime_seconds())


# --- delivery status ----------------------------------------------------------------------------------------
def terminal_delivery_status_update(*, event_id: str, service: str, status: str, message: str | None) -> None:
    """§5.5: a consumer's acknowledgement of a cash or open/close log; unknown event is ``407301`` (404 here,
    Kugelpos' 500: a bad request is never a 500)."""
    try:
        events.delivery_status_update(event_id=event_id, service=service, status=status, message=message)
    except events.EventNotFound:
        raise DeliveryEventNotFoundError(f"Event not found: {event_id}") from None
