"""Root URL conf: one prefix per Kugelpos service (DESIGN.md "URL layout"), health, API docs, back-office entry.

A tenant's own pages (admin, dashboard) are served under ``/t/<tenant_id>/`` from ``kugelpos.urls_tenant``.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.account.urls import urlpatterns as account_urlpatterns
from apps.cart.urls import urlpatterns as cart_urlpatterns
from apps.core.api.views import ServiceHealthView
from apps.core.metrics import metrics_view
from apps.core.urls import service_urlpatterns
from apps.core.views import back_office_entry
from apps.journal.urls import urlpatterns as journal_urlpatterns
from apps.masterdata.urls import urlpatterns as masterdata_urlpatterns
from apps.report.urls import urlpatterns as report_urlpatterns
from apps.stock.urls import urlpatterns as stock_urlpatterns
from apps.terminal.urls import urlpatterns as terminal_urlpatterns

urlpatterns = [
    *service_urlpatterns("account", account_urlpatterns, tenant_init=False),
    *service_urlpatterns("terminal", terminal_urlpatterns, tenant_init=False),
    *service_urlpatterns("master-data", masterdata_urlpatterns),
    *service_urlpatterns("cart", cart_urlpatterns),
    *service_urlpatterns("report", report_urlpatterns),
    *service_urlpatterns("journal", journal_urlpatterns),
    *service_urlpatterns("stock", stock_urlpatterns),
    re_path(r"^health/?$", ServiceHealthView.as_view(service="all"), name="health"),
    re_path(r"^health/ready/?$", ServiceHealthView.as_view(service="ready"), name="health-ready"),
    re_path(r"^health/live/?$", ServiceHealthView.as_view(service="live"), name="health-live"),
    re_path(r"^metrics/?$", metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # GET only: OPTIONS was a 500 (DRF's metadata answer rendered by the page's HTML template renderer).
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema", http_method_names=["get", "head"]),
         name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html",
                                                    http_method_names=["get", "head"]), name="redoc"),
    re_path(r"^admin/?$", back_office_entry, name="back-office-entry"),
]

handler404 = "apps.core.api.exceptions.not_found_view"
handler500 = "apps.core.api.exceptions.server_error_view"
