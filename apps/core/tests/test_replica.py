"""apps.core.replica without a replica, and its pieces (the tests on a real standby: tests/replica/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import router
from django.test import RequestFactory
from prometheus_client import REGISTRY

from apps.core.auth import Credential
from apps.core.replica import PRIMARY, caller_key, lsn_value, replica_reads
from tests.support import TENANT_A


def test_without_a_replica_nothing_is_installed_and_reads_cost_nothing(django_assert_num_queries, tenant_a):
    assert not settings.REPLICA_DATABASE_URL
    assert "apps.core.replica.ReplicaRouter" not in settings.DATABASE_ROUTERS
    assert "apps.core.replica.ReadYourWritesMiddleware" not in settings.MIDDLEWARE
    counted = sum(sample.value for metric in REGISTRY.collect() if metric.name == "kugelpos_replica_reads"
                  for sample in metric.samples if sample.name.endswith("_total"))
    with django_assert_num_queries(0), replica_reads() as lag_tolerant:
        assert lag_tolerant.database == PRIMARY
        assert router.db_for_read(Credential) == PRIMARY
    assert counted == sum(sample.value for metric in REGISTRY.collect() if metric.name == "kugelpos_replica_reads"
                          for sample in metric.samples if sample.name.endswith("_total"))


def test_replica_database_url_adds_the_alias_router_and_middleware():
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'replica': settings.DATABASES['replica'], 'routers': settings.DATABASE_ROUTERS, "
        "'middleware': settings.MIDDLEWARE, 'lag': settings.REPLICA_MAX_LAG_SECONDS}, default=str))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kugelpos.settings_test",
        "DATABASE_URL": "postgresql://app:secret@primary.internal:5432/kugelpos",
        "REPLICA_DATABASE_URL": "postgresql://reader:other@replica.internal:5433/kugelpos",
        "REPLICA_MAX_LAG_SECONDS": "2.5",
    }
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                            check=True, timeout=60)
    configured = json.loads(result.stdout.strip().splitlines()[-1])
    replica = configured["replica"]
    assert (replica["HOST"], replica["PORT"], replica["USER"], replica["PASSWORD"], replica["NAME"]) == (
        "replica.internal", 5433, "reader", "other", "kugelpos")
    assert replica["ENGINE"] == "apps.core.db_backend"  # tenant-aware: the search path follows the tenant
    assert replica["OPTIONS"]["connect_timeout"] == 2 and replica["TEST"]["MIRROR"] == "default"
    assert configured["routers"] == ["apps.core.replica.ReplicaRouter", "django_tenants.routers.TenantSyncRouter"]
    middleware = configured["middleware"]
    assert middleware.index("apps.core.replica.ReadYourWritesMiddleware") == (
        middleware.index("apps.core.middleware.TenantContextMiddleware") + 1)
    assert configured["lag"] == 2.5


def test_lsn_values_order_as_postgresql_orders_them():
    assert lsn_value("0/0") == 0
    assert lsn_value("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert lsn_value("0/FFFFFFFF") < lsn_value("1/0") < lsn_value("1/10")
    assert lsn_value(None) is None


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (Credential("api_key", TENANT_A, {}, terminal_id=f"{TENANT_A}-5678-1"),
         f"{TENANT_A}:terminal:{TENANT_A}-5678-1"),
        (Credential("terminal", TENANT_A, {"sub": "terminal:x"}, terminal_id=f"{TENANT_A}-5678-2"),
         f"{TENANT_A}:terminal:{TENANT_A}-5678-2"),
        (Credential("user", TENANT_A, {"sub": "admin"}), f"{TENANT_A}:user:admin"),
        (Credential("notify", "", {}), None),
        (None, None),
    ],
)
def test_the_caller_of_an_api_request(user, expected):
    request = RequestFactory().get("/journal/")
    request.user = user
    assert caller_key(request) == expected


def test_a_back_office_user_is_the_same_caller_as_their_api_token(admin_a, tenant_a):
    request = RequestFactory().post(f"/t/{TENANT_A}/admin/")
    request.user, request.tenant = admin_a, tenant_a
    assert caller_key(request) == f"{TENANT_A}:user:admin"
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert caller_key(request) is None
