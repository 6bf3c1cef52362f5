"""URL helpers: Kugelpos paths with ``{param}`` placeholders, an optional trailing slash, per-service mounts."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, include, re_path

from apps.core.api.log_receivers import LOG_EVENT_TYPES, LogReceiveViewSet
from apps.core.api.views import ServiceHealthView, ServiceRootView, TenantInitViewSet

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def api_path(pattern: str, view, name: str | None = None) -> URLPattern:
    """``api_path("api/v1/tenants/{tenant_id}/items", view)``: named groups, ``/`` optional at the end."""
    regex = _PLACEHOLDER.sub(lambda match: f"(?P<{match.group(1)}>[^/]+)", pattern.strip("/"))
    return re_path(rf"^{regex}/?$", view, name=name)


def service_urlpatterns(
    service: str, api_patterns: list, *, tenant_init: bool = True
) -> list[URLPattern | URLResolver]:
    """Root, health and API routes of one Kugelpos service under ``/{service}``."""
    patterns: list = [
        api_path("", ServiceRootView.as_view(service=service), name=f"{service}-root"),
        api_path("health", ServiceHealthView.as_view(service=service), name=f"{service}-health"),
    ]
    patterns.extend(api_patterns)  # first, so an app may answer its own POST /api/v1/tenants
    if tenant_init:
        patterns.append(
            api_path("api/v1/tenants", TenantInitViewSet.as_view({"post": "create"}), name=f"{service}-tenants")
        )
    return [re_path(rf"^{service}/?", include(patterns))]  # service names are letters and "-"


def log_receiver_paths(service: str) -> list[URLPattern]:
    """Kugelpos' three push routes of ``service`` (``api/v1/tranlog|cashlog|opencloselog``, URL names
    ``<service>-tranlog`` …), one view for every service (``api.log_receivers``)."""
    return [
        api_path(
            f"api/v1/{event_type}",
            LogReceiveViewSet.as_view({"post": "create"}, service=service, event_type=event_type),
            name=f"{service}-{event_type}",
        )
        for event_type in LOG_EVENT_TYPES
    ]
