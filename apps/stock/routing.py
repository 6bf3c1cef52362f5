"""WebSocket routes of the stock app (mounted by kugelpos/routing.py)."""

websocket_urlpatterns: list = []
