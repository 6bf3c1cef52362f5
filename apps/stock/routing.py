"""WebSocket routes of the stock app (mounted by kugelpos/routing.py): the Kugelpos path (spec/50 §7.1) and the
one the back-office dashboard uses (the same consumer, plus a row update after every change of the store)."""

from django.urls import re_path

from .consumers import StockAlertConsumer, StockDashboardConsumer

websocket_urlpatterns: list = [
    re_path(
        r"^/?stock/api/v1/ws/(?P<tenant_id>[^/]+)/(?P<store_code>[^/]+)/?$",
        StockAlertConsumer.as_asgi(),
        name="stock-alerts-ws",
    ),
    re_path(
        r"^/?ws/stock/(?P<tenant_id>[^/]+)/(?P<store_code>[^/]+)/?$",
        StockDashboardConsumer.as_asgi(),
        name="stock-alerts-ws-dashboard",
    ),
]
