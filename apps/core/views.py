"""Public (tenant-less) pages: the back-office entry, which sends a store manager to their tenant's admin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core import tenancy


@require_http_methods(["GET", "POST"])
def back_office_entry(request: HttpRequest) -> HttpResponse:
    """Ask for the tenant id, then go to ``/t/<tenant_id>/admin/`` where the tenant's users sign in."""
    error = None
    tenant_id = (request.POST.get("tenant_id") or request.GET.get("tenant_id") or "").strip()
    if tenant_id:
        if tenancy.tenant_get(tenant_id) is not None:
            return HttpResponseRedirect(f"/t/{tenant_id}/admin/")
        error = _("No tenant with this id.")
    return render(request, "core/back_office_entry.html", {"error": error, "tenant_id": tenant_id})
