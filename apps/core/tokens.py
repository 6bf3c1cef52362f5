"""Kugelpos' JWTs through djangorestframework-simplejwt: its ``Token`` classes issue and verify, its ``TokenBackend``
signs (HS256 over ``SECRET_KEY``, spec/00 §4.1).

simplejwt's own tokens carry ``token_type``, ``jti`` and ``iat`` claims that Kugelpos' tokens do not have (a user
JWT is exactly ``sub``, ``tenant_id``, ``is_superuser``, ``exp``), so these classes keep simplejwt's signing,
decoding and expiry check and put exactly the claims of Kugelpos' shapes: ``issue`` takes the claims and adds the
time claims simplejwt computes from the class's lifetime. Which kind a verified token is (terminal, user,
service) is decided from its claims by ``apps.core.auth`` (spec/00 §4.6), not by a type claim.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import Token

ALGORITHM = "HS256"
_backends: dict[str, TokenBackend] = {}


def token_backend() -> TokenBackend:
    """The backend signing with the current ``SECRET_KEY`` (one per key: a test may change the setting)."""
    key = settings.SECRET_KEY
    backend = _backends.get(key)
    if backend is None:
        backend = _backends.setdefault(key, TokenBackend(ALGORITHM, signing_key=key))
    return backend


class KugelposToken(Token):
    """Any of our JWTs, verified: a good signature and an ``exp`` claim not yet passed (no ``jti``, no type claim
    required). Subclasses name their lifetime and which time claims they carry."""

    token_type = "kugelpos"  # simplejwt's name for the class; never written into a token
    lifetime = timedelta(0)
    time_claims: ClassVar[tuple[str, ...]] = ("exp",)

    def get_token_backend(self) -> TokenBackend:
        return token_backend()

    def set_jti(self) -> None:
        """Kugelpos' tokens carry no ``jti``."""

    def verify(self) -> None:
        self.check_exp()

    @classmethod
    def issue(cls, claims: dict[str, Any]) -> str:
        """A signed token of exactly ``claims`` and the class's time claims (from now)."""
        token = cls()
        token.payload = {**claims, **{name: token.payload[name] for name in cls.time_claims}}
        return str(token)


class UserToken(KugelposToken):
    """User JWT (spec/10 §3.1): ``sub``, ``tenant_id``, ``is_superuser``, ``exp``."""

    @property
    def lifetime(self) -> timedelta:  # read when issued: the setting may change (tests)
        return timedelta(minutes=settings.TOKEN_EXPIRE_MINUTES)


class ServiceToken(KugelposToken):
    """Internal service JWT (spec/00 §4.5), 5 minutes."""

    lifetime = timedelta(minutes=5)


class TerminalToken(KugelposToken):
    """Terminal JWT (spec/00 §4.4): the terminal's claims, then ``iat`` and ``exp`` (integer epoch seconds)."""

    time_claims = ("iat", "exp")

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=settings.TERMINAL_TOKEN_EXPIRE_HOURS)


def sign(claims: dict[str, Any]) -> str:
    """``claims`` signed as they are (a test's hand-made token, or claims whose times the caller chose)."""
    return token_backend().encode(claims)


def verified_claims(token: str) -> dict[str, Any] | None:
    """The claims of a token signed with our key, with an ``exp`` not yet passed; else None."""
    try:
        return KugelposToken(token).payload  # type: ignore[arg-type]  # simplejwt types the raw token as Token
    except TokenError:
        return None
