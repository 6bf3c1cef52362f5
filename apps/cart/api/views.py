"""Cart and transaction endpoints (spec/30 §2): thin adapters over ``apps.cart.services``."""

from __future__ import annotations

from decimal import Decimal

from rest_framework.request import Request

from apps.cart import selectors
from apps.cart.api import serializers as s
from apps.cart.api.authentication import CartTerminalAuthentication, request_terminal_context
from apps.cart.api.presenters import cart_data, tran_data
from apps.cart.context import TerminalContext
from apps.cart.services import carts, tranlogs
from apps.core import events, tenancy
from apps.core.api.authentication import NotifyAuthentication, UserJWTAuthentication
from apps.core.api.views import KugelposViewSet
from apps.core.errors import KugelposError, NotFoundError, RequestValidationError
from apps.core.limits import INT32, parse_int


def path_int(value: str, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RequestValidationError(
            [(("path", name), "Input should be a valid integer, unable to parse string as an integer")]
        ) from None


def query_int(value: str, name: str) -> int:
    """A query number compared with an ``integer`` column: beyond its range it is bad input (422), not a query
    that fails in the database driver (500)."""
    try:
        return parse_int(value, INT32)
    except ValueError as exc:
        raise RequestValidationError([(("query", name), str(exc))]) from None


class CartViewSet(KugelposViewSet):
    authentication_classes = [CartTerminalAuthentication]
    # Actions that read their cart without a lock: their authentication reads it with the credential, in the same
    # query. Bill and cancel read it under a row lock, in their transaction; create names no cart.
    reads_cart_unlocked = frozenset({"retrieve", "add_items", "cancel_line", "unit_price", "quantity",
                                     "line_discounts", "subtotal", "cart_discounts", "payments", "resume"})
    input_serializers = {
        "create": s.CreateCartSerializer,
        "add_items": s.AddItemsSerializer,
        "unit_price": s.UnitPriceSerializer,
        "quantity": s.QuantitySerializer,
        "line_discounts": s.DiscountsSerializer,
        "cart_discounts": s.DiscountsSerializer,
        "payments": s.PaymentsSerializer,
    }

    def get_authenticators(self) -> list[CartTerminalAuthentication]:
        # Called before DRF sets ``self.action``: the route's action is the one mapped to the request's method
        # (no request: the API schema's generator, which authenticates nothing).
        method = getattr(getattr(self, "request", None), "method", None)
        action = self.action_map.get(method.lower()) if method else None
        cart_id = self.kwargs.get("cart_id") if action in self.reads_cart_unlocked else None
        return [CartTerminalAuthentication(cart_id=cart_id)]

    def context(self) -> TerminalContext:
        return request_terminal_context(self.request, self.credential)

    def _cart(self, document, message: str, operation: str):
        return self.respond(cart_data(document), message=message, operation=operation)

    def _line_no(self, line_no: str) -> int:
        return path_int(line_no, "lineNo")

    @staticmethod
    def _discounts(rows) -> list[carts.DiscountRequest]:
        return [
            carts.DiscountRequest(row["discount_type"], Decimal(row["discount_value"]), row.get("discount_detail"))
            for row in rows
        ]

    def create(self, request: Request):
        body = self.validated_body()
        document = carts.cart_create(
            context=self.context(),
            transaction_type=body.get("transaction_type", 101),
            user_id=body.get("user_id"),
            user_name=body.get("user_name"),
        )
        return self.respond({"cartId": document.cart_id}, message=f"Cart Created. cart_id: {document.cart_id}",
                            operation="create_cart", status=201)

    def retrieve(self, request: Request, cart_id: str):
        document = carts.cart_get(cart_id=cart_id, context=self.context())
        return self._cart(document, f"Cart found. cart_id: {cart_id}", "get_cart")

    def cancel(self, request: Request, cart_id: str):
        document = carts.cart_cancel(cart_id=cart_id, context=self.context())
        return self._cart(document, f"Cart Cancelled. cart_id: {cart_id}", "cancel_transaction")

    def add_items(self, request: Request, cart_id: str):
        items = [carts.ItemRequest(row["item_code"], row["quantity"], row.get("unit_price"))
                 for row in self.validated_body()]
        document = carts.cart_add_items(cart_id=cart_id, context=self.context(), items=items)
        return self._cart(document, f"Items added to cart. cart_id: {cart_id}", "add_items")

    def cancel_line(self, request: Request, cart_id: str, line_no: str):
        number = self._line_no(line_no)
        document = carts.cart_cancel_line(cart_id=cart_id, context=self.context(), line_no=number)
        return self._cart(document, f"Line item cancelled. cart_id: {cart_id}, lineNo: {number}", "cancel_line_item")

    def unit_price(self, request: Request, cart_id: str, line_no: str):
        number = self._line_no(line_no)
        document = carts.cart_update_unit_price(cart_id=cart_id, context=self.context(), line_no=number,
                                                unit_price=self.validated_body()["unit_price"])
        return self._cart(document, f"Unit price updated. cart_id: {cart_id}, line_no: {number}",
                          "update_item_unit_price")

    def quantity(self, request: Request, cart_id: str, line_no: str):
        number = self._line_no(line_no)
        document = carts.cart_update_quantity(cart_id=cart_id, context=self.context(), line_no=number,
                                              quantity=self.validated_body()["quantity"])
        return self._cart(document, f"Quantity updated. cart_id: {cart_id}, line_no: {number}",
                          "update_item_quantity")

    def line_discounts(self, request: Request, cart_id: str, line_no: str):
        number = self._line_no(line_no)
        document = carts.cart_set_line_discounts(cart_id=cart_id, context=self.context(), line_no=number,
                                                 discounts=self._discounts(self.validated_body()))
        return self._cart(document, f"Discount added. cart_id: {cart_id}, line_no: {number}",
                          "add_discount_to_line_item")

    def subtotal(self, request: Request, cart_id: str):
        document = carts.cart_subtotal(cart_id=cart_id, context=self.context())
        return self._cart(document, f"Subtotal calculated. cart_id: {cart_id}", "subtotal")

    def cart_discounts(self, request: Request, cart_id: str):
        document = carts.cart_set_cart_discounts(cart_id=cart_id, context=self.context(),
                                                 discounts=self._discounts(self.validated_body()))
        return self._cart(document, f"Discount added. cart_id: {cart_id}", "discount_to_cart")

    def payments(self, request: Request, cart_id: str):
        payments = [carts.PaymentRequest(row["payment_code"], Decimal(row["amount"]), row.get("detail"))
                    for row in self.validated_body()]
        document = carts.cart_add_payments(cart_id=cart_id, context=self.context(), payments=payments)
        return self._cart(document, f"Payment processed. cart_id: {cart_id}", "payments")

    def bill(self, request: Request, cart_id: str):
        document = carts.cart_bill(cart_id=cart_id, context=self.context())
        return self._cart(document, f"Bill processed. cart_id: {cart_id}", "bill")

    def resume(self, request: Request, cart_id: str):
        document = carts.cart_resume(cart_id=cart_id, context=self.context())
        return self._cart(document, f"Item entry resumed. cart_id: {cart_id}", "resume_item_entry")


class TransactionViewSet(KugelposViewSet):
    authentication_classes = [CartTerminalAuthentication]
    input_serializers = {"void": s.PaymentsSerializer, "refund": s.PaymentsSerializer}

    def context(self) -> TerminalContext:
        return request_terminal_context(self.request, self.credential)

    def tenant_mismatch(self, path_tenant: str, credential_tenant: str) -> KugelposError:
        if self.action in ("void", "refund"):
            return KugelposError(
                f"Path does not match the terminal: tenant_id->{path_tenant}", code="300001", status=422
            )
        return super().tenant_mismatch(path_tenant, credential_tenant)

    def _statuses(self, context: TerminalContext, numbers) -> dict:
        return selectors.transaction_statuses(store_code=context.store_code, terminal_no=context.terminal_no,
                                              transaction_nos=numbers)

    def list(self, request: Request, tenant_id: str, store_code: str, terminal_no: str):
        number = path_int(terminal_no, "terminal_no")
        params = request.query_params
        where = selectors.TransactionFilter(
            store_code=store_code,
            terminal_no=number,
            business_date=params.get("business_date") or None,
            open_counter=query_int(params["open_counter"], "open_counter") if params.get("open_counter") else None,
            transaction_types=tuple(query_int(value, "transaction_type")
                                    for value in params.getlist("transaction_type")),
            receipt_no=query_int(params["receipt_no"], "receipt_no") if params.get("receipt_no") else None,
            include_cancelled=params.get("include_cancelled", "false").lower() in ("true", "1", "yes"),
        )
        paging = self.paging(default_sort="transaction_no:-1", sort_fields=selectors.SORT_FIELDS)
        rows, total = selectors.transaction_list(where=where, paging=paging)
        statuses = self._statuses(self.context(), [row.transaction_no for row in rows])
        return self.respond(
            [tran_data(row.document, statuses.get(row.transaction_no)) for row in rows],
            message="Success to get transactions by query",
            operation="get_transactions_by_query",
            metadata={"total": total, "page": paging.page, "limit": paging.limit_echo(total),
                      "sort": paging.sort_text(), "filter": where.as_metadata(tenant_id)},
        )

    def retrieve(self, request: Request, tenant_id: str, store_code: str, terminal_no: str, transaction_no: str):
        number = path_int(transaction_no, "transaction_no")
        row = selectors.transaction_get(store_code=store_code, terminal_no=path_int(terminal_no, "terminal_no"),
                                        transaction_no=number)
        if row is None:
            raise NotFoundError(f"Transaction not found: transaction_no->{number}")
        status = self._statuses(self.context(), [number]).get(number)
        return self.respond(tran_data(row.document, status), message="Success to get transaction by transaction_no",
                            operation="get_transaction_by_tranasction_no")

    def _refunds(self) -> list[tranlogs.RefundPayment]:
        return [tranlogs.RefundPayment(row["payment_code"], Decimal(row["amount"]), row.get("detail"))
                for row in self.validated_body()]

    def void(self, request: Request, tenant_id: str, store_code: str, terminal_no: str, transaction_no: str):
        voided = tranlogs.transaction_void(
            context=self.context(), tenant_id=tenant_id, store_code=store_code,
            terminal_no=path_int(terminal_no, "terminal_no"),
            transaction_no=path_int(transaction_no, "transaction_no"), payments=self._refunds(),
        )
        return self.respond(tran_data(voided.document), message="Success to void transaction by transaction_no",
                            operation="void_transaction_by_transaction_no")

    def refund(self, request: Request, tenant_id: str, store_code: str, terminal_no: str, transaction_no: str):
        returned = tranlogs.transaction_return(
            context=self.context(), tenant_id=tenant_id, store_code=store_code,
            terminal_no=path_int(terminal_no, "terminal_no"),
            transaction_no=path_int(transaction_no, "transaction_no"), payments=self._refunds(),
        )
        return self.respond(tran_data(returned.document),
                            message="Success to return transaction by transaction_no",
                            operation="return_transaction_by_transaction_no")


class DeliveryStatusViewSet(KugelposViewSet):
    """Consumer acknowledgement of a tranlog (spec/30 §10.6); the event id alone locates the record."""

    authentication_classes = [NotifyAuthentication]
    input_serializers = {"create": s.DeliveryStatusSerializer}
    requires_tenant = False
    path_tenant_kwarg = "__none__"

    def create(self, request: Request, tenant_id: str, store_code: str, terminal_no: str, transaction_no: str):
        body = self.validated_body()
        path_int(transaction_no, "transaction_no")
        terminal_id = f"{tenant_id}-{store_code}-{path_int(terminal_no, 'terminal_no')}"
        from apps.terminal.selectors import terminal_get

        try:
            with tenancy.tenant_context(tenant_id):
                terminal = terminal_get(terminal_id=terminal_id)
        except tenancy.Tenant.DoesNotExist:
            terminal = None
        if terminal is None:
            raise NotFoundError(f"Terminal not found: {terminal_id}")
        try:
            events.delivery_status_update(event_id=body["event_id"], service=body["service"], status=body["status"],
                                          message=body.get("message"), extended_rules=True)
        except events.EventNotFound:
            raise KugelposError(f"Event not found: {body['event_id']}", code="404004", status=404) from None
        return self.respond(
            {"event_id": body["event_id"], "service": body["service"], "status": body["status"], "success": True},
            message="Success to update delivery status",
            operation="notify_delivery_status",
        )


class TerminalCacheViewSet(KugelposViewSet):
    """Kugelpos' terminal-info cache endpoints (spec/30 §14). We read terminals fresh, so the cache is empty."""

    authentication_classes = [UserJWTAuthentication]
    requires_tenant = False

    def status(self, request: Request):
        tenant_id = self.credential.tenant_id
        return self.respond(
            {"cache_type": "terminal_info", "tenant_id": tenant_id, "tenant_cache_size": 0, "total_cache_size": 0,
             "cached_terminal_ids": [], "status": "active"},
            message="Terminal cache status", operation="get_cache_status",
        )

    def clear(self, request: Request):
        tenant_id = self.credential.tenant_id
        return self.respond(
            {"message": f"Terminal cache cleared successfully for tenant {tenant_id}", "cache_type": "terminal_info",
             "tenant_id": tenant_id, "items_cleared": 0},
            message="Terminal cache cleared", operation="clear_cache",
        )


