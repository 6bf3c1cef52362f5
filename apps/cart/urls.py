"""Routes of this service (mounted by kugelpos/urls.py)."""

urlpatterns: list = []
