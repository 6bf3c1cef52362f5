"""Terminal API keys: generation, encryption at rest, masking (spec/10 §2, §4.3).

The key is returned on every terminal read, so it must be retrievable; it is stored as a Fernet token whose key
is derived from ``SECRET_KEY`` (``SECRET_KEY_FALLBACKS`` still decrypt, so the secret can be rotated).
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

MASKED_API_KEY = "****-****-****-****"
_CONTEXT = b"kugelpos.terminal.api-key.v1:"


def api_key_generate() -> str:
    """32 random bytes, URL-safe base64 without padding (43 characters)."""
    return secrets.token_urlsafe(32)


def _fernet_for(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(_CONTEXT + secret.encode("utf-8")).digest()))


def _fernet() -> MultiFernet:
    secrets_in_order = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret) for secret in secrets_in_order])


def api_key_encrypt(api_key: str) -> str:
    return _fernet().encrypt(api_key.encode("utf-8")).decode("ascii")


def api_key_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
