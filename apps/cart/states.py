"""The cart state machine (spec/30 §5): states, events, one transition table, one function that applies it."""

from __future__ import annotations

from enum import StrEnum

from apps.core.errors import EventBadSequenceError


class CartState(StrEnum):
    IDLE = "Idle"
    ENTERING_ITEM = "EnteringItem"
    PAYING = "Paying"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class CartEvent(StrEnum):
    """Named after Kugelpos' handlers: the names appear in the error message clients match on."""

    GET = "get_cart_async"
    ADD_ITEMS = "add_item_to_cart_async"
    CANCEL_LINE = "cancel_line_item_from_cart_async"
    UPDATE_QUANTITY = "update_line_item_quantity_in_cart_async"
    UPDATE_UNIT_PRICE = "update_line_item_unit_price_in_cart_async"
    LINE_DISCOUNTS = "add_discount_to_line_item_in_cart_async"
    SUBTOTAL = "subtotal_async"
    CART_DISCOUNTS = "add_discount_to_cart_async"
    PAYMENTS = "add_payment_to_cart_async"
    BILL = "bill_async"
    RESUME = "resume_item_entry_async"
    CANCEL = "cancel_transaction_async"


S, E = CartState, CartEvent
_ENTRY = (S.IDLE, S.ENTERING_ITEM, S.PAYING)

# (state, event) -> next state; None means "allowed, state unchanged". Absent pairs are forbidden.
TRANSITIONS: dict[tuple[CartState, CartEvent], CartState | None] = {
    **{(state, E.GET): None for state in CartState},
    (S.IDLE, E.ADD_ITEMS): S.ENTERING_ITEM,
    (S.ENTERING_ITEM, E.ADD_ITEMS): S.ENTERING_ITEM,
    (S.ENTERING_ITEM, E.CANCEL_LINE): None,
    (S.ENTERING_ITEM, E.UPDATE_QUANTITY): None,
    (S.ENTERING_ITEM, E.UPDATE_UNIT_PRICE): None,
    (S.ENTERING_ITEM, E.LINE_DISCOUNTS): None,
    (S.ENTERING_ITEM, E.SUBTOTAL): S.PAYING,
    (S.PAYING, E.CART_DISCOUNTS): None,
    (S.ENTERING_ITEM, E.PAYMENTS): None,
    (S.PAYING, E.PAYMENTS): None,
    (S.PAYING, E.BILL): S.COMPLETED,
    (S.PAYING, E.RESUME): S.ENTERING_ITEM,
    **{(state, E.CANCEL): S.CANCELLED for state in _ENTRY},
}


def next_state(state: CartState | str, event: CartEvent) -> CartState:
    """The state after ``event``; a forbidden event raises 400 ``300004`` with Kugelpos' message."""
    state = CartState(state)
    if (state, event) not in TRANSITIONS:
        raise EventBadSequenceError(f"Invalid event: {event.value} for state: {state.value}State")
    target = TRANSITIONS[(state, event)]
    return state if target is None else target
