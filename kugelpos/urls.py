"""Root URL conf: one prefix per Kugelpos service (DESIGN.md "URL layout"), health, API docs, back-office entry.

A tenant's own pages (admin, dashboard) are served under ``/t/<tenant_id>/`` from ``kugelpos.urls_tenant``.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.account.urls import urlpatterns as account_urlpatterns
from apps.journal.urls import urlpatterns as journal_urlpatterns
from apps.masterdata.urls import urlpatterns as masterdata_urlpatterns
from apps.terminal.urls import urlpatterns as terminal_urlpatterns
from apps.core.api.views import ServiceHealthView
from apps.core.urls import service_urlpatterns
from apps.core.views import back_office_entry

urlpatterns = [
    *service_urlpatterns("account", account_urlpatterns, tenant_init=False),
    # Each service's API routes are added as its app lands; root, health and tenant init are there already.
    *service_urlpatterns("terminal", terminal_urlpatterns, tenant_init=False),
    *service_urlpatterns("master-data", masterdata_urlpatterns),
    *service_urlpatterns("cart", []),
    *service_urlpatterns("report", []),
    *service_urlpatterns("journal", journal_urlpatterns),
    *service_urlpatterns("stock", []),
    re_path(r"^health/?$", ServiceHealthView.as_view(service="all"), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    re_path(r"^admin/?$", back_office_entry, name="back-office-entry"),
]

handler404 = "apps.core.api.exceptions.not_found_view"
handler500 = "apps.core.api.exceptions.server_error_view"
