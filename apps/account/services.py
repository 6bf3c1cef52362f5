"""Account commands (spec/10 §4): register a superuser with a new tenant, add a user, password login."""

from __future__ import annotations

import logging
import secrets
import string
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import auth, tenancy
from apps.core.errors import (
    AuthenticationError,
    DuplicateKeyError,
    HttpError,
    KugelposError,
    RequestValidationError,
)
from apps.core.throttle import Limit, throttle_record_failure, throttle_reset, throttle_retry_after

from .models import User
from .selectors import user_get

logger = logging.getLogger(__name__)

LOGIN_FAILED = "Incorrect username, password or tenant_id"
_MAX_ID_ATTEMPTS = 200
# Run a hash even when the user is unknown, so response time does not reveal which usernames exist.
_DUMMY_HASH = None


def generate_tenant_id() -> str:
    """One upper-case letter and four digits (``K4821``)."""
    return secrets.choice(string.ascii_uppercase) + str(1000 + secrets.randbelow(9000))


def _create_tenant(requested_id: str | None) -> tenancy.Tenant:
    """Register the requested id if free; a taken or absent id silently becomes a fresh generated one."""
    candidate = requested_id
    for _ in range(_MAX_ID_ATTEMPTS):
        if candidate is None or tenancy.tenant_id_taken(candidate):
            candidate = generate_tenant_id()
            continue
        try:
            with transaction.atomic():
                return tenancy.tenant_create(tenant_id=candidate)
        except IntegrityError:  # taken concurrently
            candidate = None
    raise KugelposError("Could not allocate a tenant id", code="500002", status=400)


def account_check_password(*, password: str, username: str) -> None:
    """A password an API caller may set (422 ``300001`` otherwise). Never empty or blank (issue #20; Kugelpos
    takes any string); Django's validators (``AUTH_PASSWORD_VALIDATORS``) only with ``API_PASSWORD_VALIDATION``:
    Kugelpos clients register ``admin``/``admin``. The back office applies the validators always."""
    if not password.strip():
        raise RequestValidationError([(("body", "password"), "Password must not be empty or blank")])
    if settings.API_PASSWORD_VALIDATION:
        try:
            validate_password(password, user=User(username=username))
        except ValidationError as error:
            raise RequestValidationError([(("body", "password"), message) for message in error.messages]) from None


# Issue #26: a registration's bcrypt hash (cost 12, a third of a second of one core) is computed on one of these
# threads while the request's thread has PostgreSQL copy the tenant's schema: bcrypt releases the GIL, so the two
# overlap instead of adding up.
_hashing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="register-hash")


def account_register_superuser(*, username: str, password: str, tenant_id: str | None) -> User:
    """Create a tenant (registry row and schema) and its first superuser, in one transaction."""
    account_check_password(password=password, username=username)
    hashed = _hashing.submit(make_password, password)
    try:
        with transaction.atomic():
            tenant = _create_tenant(tenant_id)
            with tenancy.tenant_context(tenant.tenant_id):
                user = User(username=username, tenant_id=tenant.tenant_id, is_superuser=True, is_staff=True)
                user.password = hashed.result()
                user.save()
    finally:
        hashed.cancel()
    return user


def account_authorize_superuser(*, credential: auth.Credential) -> User:
    """The caller of a superuser-only endpoint, looked up in its tenant's schema (spec/10 §4.2)."""
    caller = user_get(username=credential.claims.get("sub", "")) if credential.kind == "user" else None
    if caller is None or caller.tenant_id != credential.tenant_id:
        raise AuthenticationError("Could not validate credentials")
    if not caller.is_superuser or not caller.is_active:
        raise AuthenticationError("You are not authorized to perform this action")
    return caller


def account_register_user(*, credential: auth.Credential, username: str, password: str) -> User:
    """A superuser adds a (non-superuser) user to its own tenant; a taken username is 400 ``500005``."""
    account_authorize_superuser(credential=credential)
    account_check_password(password=password, username=username)
    try:
        with transaction.atomic():
            return User.objects.create_user(username, password, tenant_id=credential.tenant_id)
    except IntegrityError:
        raise DuplicateKeyError(f"User already exists: {username}") from None


def _spend_a_hash(password: str) -> None:
    """Hash once when there is no user, so response time does not tell which usernames exist."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password(secrets.token_urlsafe(16))
    check_password(password, _DUMMY_HASH)


def login_limits(*, username: str, tenant_id: str | None, client_ip: str | None) -> tuple[Limit, ...]:
    """The rate limits a login attempt counts against: its account (tenant + username) and its client address."""
    window = settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS
    limits = [Limit(f"login:{tenant_id or ''}:{username}", settings.LOGIN_RATE_LIMIT_FAILURES, window)]
    if client_ip:
        limits.append(Limit(f"login-ip:{client_ip}", settings.LOGIN_RATE_LIMIT_IP_FAILURES, window))
    return tuple(limits)


def account_login(*, username: str, password: str, tenant_id: str | None, client_ip: str | None = None) -> str:
    """Verify a password login and return the user JWT (spec/10 §4.3); every failure is the same 401.

    Password guessing is rate limited (ours): after too many failures for the account or from the client
    address within the window, attempts are refused with 429 before any password is checked. A successful
    login is not counted and clears the account's failures.
    """
    limits = login_limits(username=username, tenant_id=tenant_id, client_ip=client_ip)
    retry_after = throttle_retry_after(limits=limits)
    if retry_after is not None:
        raise HttpError(
            429,
            f"Too many failed login attempts. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
    try:
        token = _login(username=username, password=password, tenant_id=tenant_id)
    except AuthenticationError:
        throttle_record_failure(limits=limits)
        raise
    throttle_reset(limits=limits[:1])
    return token


def _login(*, username: str, password: str, tenant_id: str | None) -> str:
    """The password check itself: the user JWT, or the one 401 for every failure."""
    tenant = tenancy.tenant_get(tenant_id) if tenant_id else None
    if tenant is None:
        _spend_a_hash(password)
        raise AuthenticationError(LOGIN_FAILED, headers={"WWW-Authenticate": "Bearer"})
    with tenancy.tenant_context(tenant.tenant_id):
        user = user_get(username=username)
        if user is None:
            _spend_a_hash(password)
        if user is None or not user.is_active or not user.check_password(password):
            raise AuthenticationError(LOGIN_FAILED, headers={"WWW-Authenticate": "Bearer"})
        try:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        except Exception:  # noqa: BLE001 - spec/10 §4.3: a failure to record last_login is ignored
            logger.warning("could not record last_login for a user of tenant %s", tenant.tenant_id)
    return auth.user_token(username=user.username, tenant_id=tenant.tenant_id, is_superuser=user.is_superuser)
