"""Tenant URL conf for the dashboard tests: the project's tenant pages plus the stock dashboard, mounted where
the lead mounts it in kugelpos/urls_tenant.py (``dashboard/``)."""

from django.urls import include, path

from kugelpos.urls_tenant import urlpatterns as tenant_urlpatterns

urlpatterns = [path("dashboard/", include("apps.stock.dashboard_urls")), *tenant_urlpatterns]

handler404 = "apps.core.api.exceptions.not_found_view"
handler500 = "apps.core.api.exceptions.server_error_view"
