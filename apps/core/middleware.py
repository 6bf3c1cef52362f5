"""Tenant context per request.

Every request starts and ends in the public schema, so nothing of one request's tenant leaks into the next on a
reused connection. API views enter the credential's tenant themselves (``KugelposViewSet``). Browser pages of a
tenant (the back office, the stock dashboard) live under ``/t/<tenant_id>/``: this middleware enters that tenant
and moves the prefix into the script name, so Django's URL reversing keeps it and sessions, users and admin
pages are those of that tenant's schema only.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as sessions_middleware
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware import clickjacking
from django.middleware import locale as locale_middleware
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation

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


# --- the back office's middlewares, skipped by the API -------------------------------------------------------------
def is_api_path(path: str) -> bool:
    """Under one of the Kugelpos service prefixes (``settings.API_PATH_PREFIXES``), or health and metrics."""
    for prefix in settings.API_PATH_PREFIXES:
        if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
            return True
    return False


class _BackOfficeOnly:
    """Runs the middleware for the back office's pages only. The API answers terminals and services with a
    token or API key: it has no session, no logged-in Django user, no messages and no page to frame, and these
    four cost every API request a few per cent of its instructions (callgrind, add item) for nothing. CSRF and
    the security headers stay on every request. Subclasses keep their Django base, so the admin's checks still
    find them."""

    def __call__(self, request):
        if is_api_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


def session_cookie_name(request: HttpRequest) -> str:
    """``sessionid_<tenant_id>`` on a tenant's pages: each tenant's back office has a session cookie of its own,
    so signing into a second tenant in the same browser does not sign the first one out (issue #20)."""
    tenant = getattr(request, "tenant", None)
    return f"{settings.SESSION_COOKIE_NAME}_{tenant.tenant_id}" if tenant is not None else settings.SESSION_COOKIE_NAME


class SessionMiddleware(_BackOfficeOnly, sessions_middleware.SessionMiddleware):
    """Django's session middleware under the tenant's cookie name (``session_cookie_name``). Django's own code
    saves the session and decides the cookie (expiry, flags, deletion); it sees the tenant's cookie under the
    configured name, and the cookie it sets is renamed back."""

    def process_request(self, request: HttpRequest) -> None:
        request.session = self.SessionStore(request.COOKIES.get(session_cookie_name(request)))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        name, default = session_cookie_name(request), settings.SESSION_COOKIE_NAME
        if name == default:
            return super().process_response(request, response)
        cookies = request.COOKIES
        request.COOKIES = {key: value for key, value in cookies.items() if key != default}
        if name in cookies:
            request.COOKIES[default] = cookies[name]
        try:
            response = super().process_response(request, response)
        finally:
            request.COOKIES = cookies
        morsel = response.cookies.pop(default, None)
        if morsel is not None:
            response.cookies[name] = morsel.value
            response.cookies[name].update({key: value for key, value in morsel.items() if value})
        return response


class AuthenticationMiddleware(_BackOfficeOnly, auth_middleware.AuthenticationMiddleware):
    pass


class MessageMiddleware(_BackOfficeOnly, messages_middleware.MessageMiddleware):
    pass


class XFrameOptionsMiddleware(_BackOfficeOnly, clickjacking.XFrameOptionsMiddleware):
    pass


class LocaleMiddleware(_BackOfficeOnly, locale_middleware.LocaleMiddleware):
    """The back office's language (issue #21): the signed-in user's own choice (``User.language``, set by the
    header's switch), else the language cookie the switch also sets, else the browser's Accept-Language, else
    ``LANGUAGE_CODE``. The API is skipped: its messages and Kugelpos' error texts never follow Accept-Language.
    The language active before the request is restored after its response, so nothing of one request's language
    reaches the next one served on the same thread (an API request included)."""

    def __call__(self, request):
        if is_api_path(request.path_info):  # as _BackOfficeOnly, without entering the override below
            return self.get_response(request)
        with translation.override(translation.get_language()):
            return super().__call__(request)

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen and translation.check_for_language(chosen):
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
