"""Secrets and headers (issue #10): no password, password hash, API key or token in any log line or error body;
passwords hashed with a strong hasher; DEBUG off unless set; security headers on the back office's pages."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings

from apps.account.models import User
from apps.cart.tests.conftest import set_up_store
from apps.core.tenancy import tenant_context
from tests.support import bearer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Horse-42"
GUESS = "Wrong-Guess-17"


@pytest.fixture
def log_lines():
    """Everything the project's log handler writes (the real JSON lines, after redaction), as one text."""
    from structlog.stdlib import ProcessorFormatter

    handlers = [handler for handler in logging.getLogger().handlers
                if isinstance(handler, logging.StreamHandler) and isinstance(handler.formatter, ProcessorFormatter)]
    assert handlers, "the project's log handler is not installed"
    buffer = io.StringIO()
    saved = [handler.setStream(buffer) for handler in handlers]
    level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        logging.getLogger().setLevel(level)
        for handler, stream in zip(handlers, saved, strict=True):
            handler.setStream(stream)


def test_no_secret_reaches_a_log_line_or_an_error_body(api, log_lines, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registered = api.post("/account/api/v1/accounts/register", {"username": "owner", "password": PASSWORD},
                              format="json")
        assert registered.status_code == 201
        tenant_id = registered.json()["data"]["tenantId"]
        assert PASSWORD not in registered.content.decode() and "$" not in registered.content.decode()
        form = {"username": "owner", "password": PASSWORD, "client_id": tenant_id}
        token = api.post("/account/api/v1/accounts/token", form).json()["access_token"]
        failed = api.post("/account/api/v1/accounts/token", {**form, "password": GUESS})
        assert failed.status_code == 401 and GUESS not in failed.content.decode()
        bad_form = api.post("/account/api/v1/accounts/token", {**form, "password": GUESS, "grant_type": GUESS})
        assert bad_form.status_code == 422 and GUESS not in bad_form.content.decode()
        pos = set_up_store(api, token, tenant_id=tenant_id)
        sale = pos.sell(("49-01", 1))
        assert sale["transactionNo"] == 1
        terminal_token = api.post(f"/terminal/api/v1/auth/token?terminal_id={pos.terminal_id}",
                                  HTTP_X_API_KEY=pos.api_key).json()["data"]["access_token"]
        assert api.get(f"/terminal/api/v1/terminals/{pos.terminal_id}", **bearer(terminal_token)).status_code == 200
        refused = api.get(f"/terminal/api/v1/terminals/{pos.terminal_id}", HTTP_X_API_KEY=pos.api_key + "x")
        assert refused.status_code == 401 and pos.api_key not in refused.content.decode()
        expired = api.get(f"/terminal/api/v1/terminals/{pos.terminal_id}", **bearer(token + "x"))
        assert expired.status_code == 401 and token not in expired.content.decode()
    with tenant_context(tenant_id):
        password_hash = User.objects.get(username="owner").password
    lines = log_lines.getvalue()
    assert lines.count('"event": "request"') >= 20  # the flow was logged
    for secret in (PASSWORD, GUESS, password_hash, password_hash.split("$")[-1], pos.api_key, token,
                   terminal_token):
        assert secret not in lines


def test_passwords_are_hashed_with_bcrypt_cost_12_in_production_settings(api):
    import kugelpos.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        encoded = make_password(PASSWORD)
        assert identify_hasher(encoded).algorithm == "bcrypt_sha256"
        assert encoded.startswith("bcrypt_sha256$$2b$12$")
        registered = api.post("/account/api/v1/accounts/register", {"username": "owner", "password": PASSWORD},
                              format="json")
        with tenant_context(registered.json()["data"]["tenantId"]):
            stored = User.objects.get(username="owner").password
    assert stored.startswith("bcrypt_sha256$$2b$12$") and PASSWORD not in stored


def _setting(name: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "PRODUCTION")}
    environment.update(env)
    code = f"import kugelpos.settings as s; print(s.{name})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_debug_is_off_unless_set():
    # A start without SECRET_KEY (generated) or with a published one (refused): tests/test_installation_secrets.py
    assert _setting("DEBUG") == "False"
    assert _setting("DEBUG", DEBUG="1") == "True"


def test_the_back_office_pages_carry_the_security_headers(client, admin_a):
    login = client.get("/t/T1001/admin/login/")
    assert login.status_code == 200
    for response in (login, client.post("/t/T1001/admin/login/", {"username": "admin", "password": "admin"})):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    session = client.cookies["sessionid_T1001"]
    assert session["httponly"] and session["samesite"] == "Lax"
    page = client.get("/t/T1001/admin/")
    assert page.status_code == 200 and page["X-Frame-Options"] == "DENY"
    assert "no-cache" in page["Cache-Control"] or "private" in page["Cache-Control"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SESSION_COOKIE_SECURE=True,
                   SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_tls_pages_add_hsts_and_secure_cookies(client, admin_a):
    response = client.post("/t/T1001/admin/login/", {"username": "admin", "password": "admin"},
                           HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.cookies["sessionid_T1001"]["secure"]
