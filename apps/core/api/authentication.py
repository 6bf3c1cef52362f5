"""DRF authentication classes implementing the resolution rules of spec/00 §4.6 and failures of §4.8.

Each class either returns ``(credential, credential)`` or raises ``AuthenticationError`` (401 envelope); none
lets an unauthenticated request through, so every endpoint that names one is protected.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from rest_framework.authentication import BaseAuthentication

from apps.core import tenancy
from apps.core.auth import (
    Credential,
    credential_from_api_key,
    credential_from_jwt,
    principal_exists,
    tenant_of_terminal_id,
)
from apps.core.errors import AuthenticationError

NO_CREDENTIAL = "Unauthorized access : No token or API-KEY provided"
BAD_TOKEN = "Could not validate credentials"
BAD_API_KEY = "Invalid API Key"


def bearer_token(request) -> str | None:
    """The token of an ``Authorization: Bearer <t>`` header (scheme case-insensitive), else None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def api_key(request) -> str | None:
    return request.META.get("HTTP_X_API_KEY") or None


def request_terminal_id(request) -> str | None:
    """Terminal id for an API-key check: the path ``{terminal_id}`` if the route has one, else ``?terminal_id=``."""
    kwargs = (getattr(request, "parser_context", None) or {}).get("kwargs") or {}
    return kwargs.get("terminal_id") or request.query_params.get("terminal_id") or None


def enter_claimed_tenant(terminal_id: str) -> bool:
    """Enter the tenant that the terminal id names, for its API-key check; False if there is no such tenant.

    When the key is good that tenant is the request's (``KugelposViewSet.initial`` then finds it entered), and
    the check reads the public key index by its qualified name: the request's first query sets the tenant's
    search path once, instead of public's and then the tenant's. When the key is bad the request ends in 401,
    and the tenant middleware returns the connection to public at its end as it always does.
    """
    claimed = tenancy.tenant_get(tenant_of_terminal_id(terminal_id))
    if claimed is None:
        return False
    tenancy.activate(claimed)
    return True


def api_key_credential(key: str, terminal_id: str) -> Credential | None:
    """The API-key check of a request, made from inside the tenant that the terminal id names."""
    enter_claimed_tenant(terminal_id)
    return credential_from_api_key(key, terminal_id)


def live_credential(credential: Credential | None) -> Credential | None:
    """``credential`` when the user or terminal it names still exists (a user: and is active), else None.

    Checked in the credential's tenant, which this enters (the request goes on in it, as ``KugelposViewSet``
    would enter it next): a token naming a tenant that does not exist names no user or terminal either. Service
    JWTs (internal, 5 minutes) name no row.
    """
    if credential is None or credential.kind == "service":
        return credential
    tenant = tenancy.tenant_get(credential.tenant_id)
    if tenant is None:
        return None
    tenancy.activate(tenant)
    return credential if principal_exists(credential) else None


class _KugelposAuthentication(BaseAuthentication):
    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 rather than 403; the exception handler does not send the header (spec/00 §2.4).
        return "Bearer"

    def _bearer(self, request, token: str) -> Credential:
        credential = live_credential(credential_from_jwt(token))
        if credential is None:
            raise AuthenticationError(BAD_TOKEN)
        return credential

    def _api_key(self, request, key: str, terminal_id: str) -> Credential:
        credential = api_key_credential(key, terminal_id)
        if credential is None:
            raise AuthenticationError(BAD_API_KEY)
        return credential


class EitherAuthentication(_KugelposAuthentication):
    """User/service/terminal JWT, or the terminal API key with a terminal id (``EITHER``)."""

    def authenticate(self, request):
        token = bearer_token(request)
        if token is not None:
            credential = self._bearer(request, token)
        else:
            key, terminal_id = api_key(request), request_terminal_id(request)
            if not key or not terminal_id:
                raise AuthenticationError(NO_CREDENTIAL)
            credential = self._api_key(request, key, terminal_id)
        return credential, credential


class JWTAuthentication(_KugelposAuthentication):
    """Any valid JWT: user, service or terminal (per-service ``POST /tenants`` and admin-style endpoints)."""

    def authenticate(self, request):
        token = bearer_token(request)
        if token is None:
            raise AuthenticationError(NO_CREDENTIAL)
        credential = self._bearer(request, token)
        return credential, credential


class UserJWTAuthentication(_KugelposAuthentication):
    """``USER`` endpoints: a user (or service) JWT; a terminal JWT is refused (spec/10 §3.5)."""

    no_credential_message = NO_CREDENTIAL

    def authenticate(self, request):
        token = bearer_token(request)
        if token is None:
            raise AuthenticationError(self.no_credential_message)
        credential = self._bearer(request, token)
        if credential.kind == "terminal":
            raise AuthenticationError(BAD_TOKEN)
        return credential, credential


class TerminalAuthentication(_KugelposAuthentication):
    """Terminal context (cart): terminal JWT, else API key with ``?terminal_id=``; a user JWT is not enough."""

    message = "Terminal JWT or API key required"

    def authenticate(self, request):
        token = bearer_token(request)
        if token is not None:
            credential = credential_from_jwt(token)
            if credential is not None and credential.kind == "terminal" and self.terminal_exists(request, credential):
                return credential, credential
        key, terminal_id = api_key(request), request_terminal_id(request)
        if key and terminal_id:
            credential = self.api_key_credential(request, key, terminal_id)
            if credential is None:
                raise AuthenticationError(BAD_API_KEY)
            return credential, credential
        raise AuthenticationError(self.message)

    def api_key_credential(self, request, key: str, terminal_id: str) -> Credential | None:
        """The API-key check (a subclass may read more in the same query)."""
        return api_key_credential(key, terminal_id)

    def terminal_exists(self, request, credential: Credential) -> bool:
        """Whether a terminal JWT's terminal still exists (a subclass may read more in the same query); a token
        whose terminal is gone is no terminal JWT."""
        return live_credential(credential) is not None


class NotifyAuthentication(_KugelposAuthentication):
    """Delivery-status callbacks (spec/00 §4.7): a service JWT, or the configured notify key."""

    message = "Invalid authentication for pub/sub notification"

    def authenticate(self, request):
        token = bearer_token(request)
        if token is not None:
            credential = credential_from_jwt(token)
            if credential is not None and credential.kind == "service":
                return credential, credential
        key = api_key(request)
        if key and hmac.compare_digest(key.encode(), settings.PUBSUB_NOTIFY_API_KEY.encode()):
            credential = Credential("notify", "", {})
            return credential, credential
        raise AuthenticationError(self.message)
