"""Routes of the cart service, mounted under ``/cart`` (spec/30 §2)."""

from apps.cart.api.views import CartViewSet, DeliveryStatusViewSet, TerminalCacheViewSet, TransactionViewSet
from apps.core.urls import api_path

CART = "api/v1/carts/{cart_id}"
LINE = CART + "/lineItems/{line_no}"
TRANSACTIONS = "api/v1/tenants/{tenant_id}/stores/{store_code}/terminals/{terminal_no}/transactions"
TRANSACTION = TRANSACTIONS + "/{transaction_no}"


def cart(action: str, method: str = "post"):
    return CartViewSet.as_view({method: action})


urlpatterns = [
    api_path("api/v1/carts", cart("create"), name="cart-create"),
    api_path(CART, cart("retrieve", "get"), name="cart-detail"),
    api_path(CART + "/cancel", cart("cancel"), name="cart-cancel"),
    api_path(CART + "/lineItems", cart("add_items"), name="cart-line-items"),
    api_path(LINE + "/cancel", cart("cancel_line"), name="cart-line-cancel"),
    api_path(LINE + "/unitPrice", cart("unit_price", "patch"), name="cart-line-unit-price"),
    api_path(LINE + "/quantity", cart("quantity", "patch"), name="cart-line-quantity"),
    api_path(LINE + "/discounts", cart("line_discounts"), name="cart-line-discounts"),
    api_path(CART + "/subtotal", cart("subtotal"), name="cart-subtotal"),
    api_path(CART + "/discounts", cart("cart_discounts"), name="cart-discounts"),
    api_path(CART + "/payments", cart("payments"), name="cart-payments"),
    api_path(CART + "/bill", cart("bill"), name="cart-bill"),
    api_path(CART + "/resume-item-entry", cart("resume"), name="cart-resume"),
    api_path(TRANSACTIONS, TransactionViewSet.as_view({"get": "list"}), name="cart-transactions"),
    api_path(TRANSACTION, TransactionViewSet.as_view({"get": "retrieve"}), name="cart-transaction"),
    api_path(TRANSACTION + "/void", TransactionViewSet.as_view({"post": "void"}), name="cart-transaction-void"),
    api_path(TRANSACTION + "/return", TransactionViewSet.as_view({"post": "refund"}), name="cart-transaction-return"),
    api_path(TRANSACTION + "/delivery-status", DeliveryStatusViewSet.as_view({"post": "create"}),
             name="cart-transaction-delivery-status"),
    api_path("api/v1/cache/terminal/status", TerminalCacheViewSet.as_view({"get": "status"}),
             name="cart-cache-status"),
    api_path("api/v1/cache/terminal", TerminalCacheViewSet.as_view({"delete": "clear"}), name="cart-cache-clear"),
]
