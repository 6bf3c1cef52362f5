"""Password guessing on the token endpoint is rate limited (ours; settings LOGIN_RATE_LIMIT_*)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.account.services import login_limits
from apps.core.models import FailureCounter
from apps.core.throttle import throttle_record_failure, throttle_retry_after
from tests.support import TENANT_A

pytestmark = pytest.mark.django_db

TOKEN = "/account/api/v1/accounts/token"
GOOD = {"username": "admin", "password": "admin", "client_id": TENANT_A}
BAD = {**GOOD, "password": "guess"}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_RATE_LIMIT_FAILURES = 3
    settings.LOGIN_RATE_LIMIT_IP_FAILURES = 5
    settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS = 300


def test_after_too_many_failures_the_account_is_locked_with_a_clear_429(api, admin_a):
    for _ in range(3):
        assert api.post(TOKEN, BAD).status_code == 401
    locked = api.post(TOKEN, GOOD)  # even the right password: the guesser must not learn it is right
    assert locked.status_code == 429
    body = locked.json()
    assert body["success"] is False and body["code"] == 429
    assert body["user_error"]["code"] == "100000"
    assert body["message"].startswith("Too many failed login attempts. Try again in ")
    assert body["data"] == f"429: {body['message']}"
    assert 290 <= int(locked["Retry-After"]) <= 300
    assert "guess" not in locked.content.decode()


def test_a_successful_login_is_not_counted_and_clears_the_accounts_failures(api, admin_a):
    for _ in range(2):
        assert api.post(TOKEN, BAD).status_code == 401
    for _ in range(5):
        assert api.post(TOKEN, GOOD).status_code == 200
    for _ in range(2):
        assert api.post(TOKEN, BAD).status_code == 401
    assert api.post(TOKEN, GOOD).status_code == 200


def test_other_accounts_are_not_locked_but_the_client_address_is_limited_too(api, admin_a):
    for _ in range(3):
        api.post(TOKEN, BAD)
    other = {**BAD, "username": "someone"}
    assert api.post(TOKEN, other).status_code == 401  # 4th failure from this address
    assert api.post(TOKEN, other).status_code == 401  # 5th
    assert api.post(TOKEN, other).status_code == 429  # the address is locked now
    assert api.post(TOKEN, other, REMOTE_ADDR="10.9.9.9").status_code == 401


def test_the_lock_ends_with_the_window(admin_a):
    limits = login_limits(username="admin", tenant_id=TENANT_A, client_ip=None)
    start = timezone.now() - timedelta(seconds=299)
    for _ in range(3):
        throttle_record_failure(limits=limits, now=start)
    assert throttle_retry_after(limits=limits) == 1
    assert throttle_retry_after(limits=limits, now=start + timedelta(seconds=300)) is None
    throttle_record_failure(limits=limits, now=start + timedelta(seconds=301))  # a new window starts at 1
    assert FailureCounter.objects.get().failures == 1


def test_no_username_or_address_is_stored_in_clear(api, admin_a):
    api.post(TOKEN, BAD)
    keys = list(FailureCounter.objects.values_list("key_hash", flat=True))
    assert len(keys) == 2 and all(len(key) == 64 and "admin" not in key for key in keys)


def test_a_zero_limit_disables_it(api, admin_a, settings):
    settings.LOGIN_RATE_LIMIT_FAILURES = 0
    settings.LOGIN_RATE_LIMIT_IP_FAILURES = 0
    for _ in range(6):
        assert api.post(TOKEN, BAD).status_code == 401
    assert api.post(TOKEN, GOOD).status_code == 200
