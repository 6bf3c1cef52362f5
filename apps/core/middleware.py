"""Tenant context per request.

Every request starts and ends in the public schema, so nothing of one request's tenant leaks into the next on a
reused connection. API views enter the credential's tenant themselves (``KugelposViewSet``). Browser pages of a
tenant (the back office, the stock dashboard) live under ``/t/<tenant_id>/``: this middleware enters that tenant
and moves the prefix into the script name, so Django's URL reversing keeps it and sessions, users and admin
pages are those of that tenant's schema only.
"""

from __future__ import annotations

import re

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import get_script_prefix, set_script_prefix

from apps.core import tenancy

TENANT_URLCONF = "kugelpos.urls_tenant"
TENANT_PATH = re.compile(r"^/t/(?P<tenant_id>[A-Za-z0-9_]{1,50})(?P<rest>/.*)?$")


class TenantContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()
        request.tenant = None
        match = TENANT_PATH.match(request.path_info)
        previous_prefix = None
        try:
            if match:
                tenant = tenancy.tenant_get(match.group("tenant_id"))
                if tenant is None:
                    return JsonResponse({"detail": "Not Found"}, status=404)
                request.tenant = tenant
                tenancy.activate(tenant)
                previous_prefix = get_script_prefix()
                prefix = f"{previous_prefix.rstrip('/')}/t/{tenant.tenant_id}/"
                set_script_prefix(prefix)
                request.path_info = match.group("rest") or "/"
                request.urlconf = TENANT_URLCONF
                request.META["SCRIPT_NAME"] = prefix.rstrip("/")
            return self.get_response(request)
        finally:
            if previous_prefix is not None:
                set_script_prefix(previous_prefix)
            connection.set_schema_to_public()
