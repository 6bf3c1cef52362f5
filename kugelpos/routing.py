"""WebSocket routes. Apps add theirs here (spec/50 stock alerts)."""

websocket_urlpatterns: list = []
