"""WebSocket routes (spec/50 §7 stock alerts)."""

from apps.stock.routing import websocket_urlpatterns as stock_websocket_urlpatterns

websocket_urlpatterns: list = [*stock_websocket_urlpatterns]
