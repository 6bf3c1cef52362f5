"""Pages of one tenant, served under ``/t/<tenant_id>/`` (see ``apps.core.middleware``)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from apps.core.language import language_switch_view
from apps.report.backoffice import home_data_view, home_view

urlpatterns = [
    # The back office's home page (issue 21) replaces the admin index; the model list stays on it.
    path("admin/", admin.site.admin_view(home_view)),
    path("admin/home/data/", admin.site.admin_view(home_data_view), name="backoffice-home-data"),
    path("admin/language/", language_switch_view, name="backoffice-language"),  # before the admin's app pages
    path("admin/", admin.site.urls),
    path("dashboard/", include("apps.stock.dashboard_urls")),  # /t/<tenant>/dashboard/stock/<store_code>/
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]

handler404 = "apps.core.api.exceptions.not_found_view"
handler500 = "apps.core.api.exceptions.server_error_view"
