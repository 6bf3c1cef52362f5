"""Credentials (spec/00 §4): JWTs, the terminal API key, and who the caller is.

``Credential`` is what every authenticated request carries; the DRF authentication classes in ``apps.core.api``
build it with the resolution rules of spec/00 §4.6.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import connection
from django_tenants.utils import get_public_schema_name

from . import tokens
from .models import ApiKeyIndex

CredentialKind = Literal["user", "terminal", "service", "api_key", "notify"]


@dataclass(frozen=True)
class Credential:
    kind: CredentialKind
    tenant_id: str
    claims: dict[str, Any] = field(default_factory=dict)
    terminal_id: str | None = None

    @property
    def username(self) -> str | None:
        return self.claims.get("sub") if self.kind in ("user", "service") else None

    @property
    def is_terminal(self) -> bool:
        return self.kind in ("terminal", "api_key")

    # DRF and Django treat request.user as the authenticated principal.
    is_authenticated = True
    is_anonymous = False


def encode_jwt(claims: dict[str, Any]) -> str:
    """``claims`` signed as they are (simplejwt's backend; tests make tokens of their own shape with it)."""
    return tokens.sign(claims)


def decode_jwt(token: str) -> dict[str, Any] | None:
    """Claims of a token signed with our key and not expired, else None."""
    return tokens.verified_claims(token)


def user_token(*, username: str, tenant_id: str, is_superuser: bool) -> str:
    """User JWT (spec/10 §3.1): exactly ``sub``, ``tenant_id``, ``is_superuser``, ``exp``."""
    return tokens.UserToken.issue({"sub": username, "tenant_id": tenant_id, "is_superuser": is_superuser})


def service_token(*, service: str, tenant_id: str) -> str:
    """Internal service JWT (spec/00 §4.5), 5 minutes."""
    return tokens.ServiceToken.issue(
        {
            "sub": f"service:{service}",
            "tenant_id": tenant_id,
            "service": service,
            "is_service_account": True,
            "is_superuser": False,
        }
    )


def credential_from_jwt(token: str) -> Credential | None:
    """Terminal JWT first, then user/service JWT (spec/00 §4.6 step 1)."""
    claims = decode_jwt(token)
    if not claims or not isinstance(claims.get("tenant_id"), str):
        return None
    if claims.get("token_type") == "terminal":
        return Credential("terminal", claims["tenant_id"], claims, terminal_id=claims.get("terminal_id"))
    if not claims.get("sub"):
        return None
    kind: CredentialKind = "service" if claims.get("is_service_account") is True else "user"
    return Credential(kind, claims["tenant_id"], claims)


# Whether the user or terminal a JWT names still exists (and, for a user, is active): each app that owns such a
# principal registers its check in ``AppConfig.ready()``. Kugelpos trusts a token's claims until it expires; we
# don't (issue #20): deleting a terminal or deactivating a user takes effect on the next request.
PrincipalCheck = Callable[[Credential], bool]
_principal_checks: dict[CredentialKind, PrincipalCheck] = {}


def register_principal_check(kind: CredentialKind, check: PrincipalCheck) -> None:
    """``check(credential)`` runs in the credential's tenant schema and says whether its principal still exists."""
    _principal_checks[kind] = check


def principal_exists(credential: Credential) -> bool:
    """Whether the principal of ``credential`` still exists (call in its tenant's schema). Kinds without a
    registered check (service JWTs, minted internally for 5 minutes) always do."""
    check = _principal_checks.get(credential.kind)
    return True if check is None else check(credential)


def api_key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def tenant_of_terminal_id(terminal_id: str) -> str:
    return terminal_id.split("-", 1)[0]


def api_key_index_table() -> str:
    """The public key index by its schema-qualified name: readable the same from whatever schema a connection is
    in, so an API-key check needs no switch to public and back (a round trip on every terminal request)."""
    quote = connection.ops.quote_name
    return f"{quote(get_public_schema_name())}.{quote(ApiKeyIndex._meta.db_table)}"


def _api_key_entry(api_key: str) -> tuple[str, str] | None:
    """``(tenant_id, terminal_id)`` of a key in the public index, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tenant_id, terminal_id FROM {api_key_index_table()} WHERE key_hash = %s", [api_key_hash(api_key)]
        )
        return cursor.fetchone()


def credential_from_key_entry(entry: tuple[str, str] | None, terminal_id: str) -> Credential | None:
    """The terminal credential when the key's index entry names ``terminal_id`` (and its tenant), else None."""
    if entry is None:
        return None
    tenant_id, key_terminal_id = entry
    if key_terminal_id != terminal_id or tenant_id != tenant_of_terminal_id(terminal_id):
        return None
    return Credential("api_key", tenant_id, {}, terminal_id=terminal_id)


def credential_from_api_key(api_key: str, terminal_id: str) -> Credential | None:
    """The terminal credential when ``api_key`` belongs to ``terminal_id`` (spec/00 §4.3), else None."""
    return credential_from_key_entry(_api_key_entry(api_key), terminal_id)


def find_terminal_by_api_key(api_key: str) -> Credential | None:
    """Scan form (no terminal id given): the terminal whose key this is, across all tenants."""
    entry = _api_key_entry(api_key)
    if entry is None:
        return None
    tenant_id, terminal_id = entry
    return Credential("api_key", tenant_id, {}, terminal_id=terminal_id)
