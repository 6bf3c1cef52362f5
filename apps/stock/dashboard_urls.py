"""Dashboard pages, for the tenant URL conf (mounted by the lead under ``dashboard/`` in kugelpos/urls_tenant.py,
so the page of store S001 is ``/t/<tenant_id>/dashboard/stock/S001/``)."""

from django.urls import path

from .views import stock_dashboard, stock_dashboard_index, stock_dashboard_token

urlpatterns = [
    path("stock/", stock_dashboard_index, name="stock-dashboard-index"),
    path("stock/<str:store_code>/", stock_dashboard, name="stock-dashboard"),
    path("stock/<str:store_code>/token/", stock_dashboard_token, name="stock-dashboard-token"),
]
