"""Public-schema models: the tenant registry and the terminal API-key index.

Everything a tenant owns lives in its own schema; these tables are what must be read before a tenant is known.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from apps.core.fields import FastJSONField


class Tenant(TenantMixin):
    """One retail chain. ``tenant_id`` is the exact, case-sensitive Kugelpos id; the schema name derives from it."""

    tenant_id = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        constraints = [
            # A1234 and a1234 would share a schema name: a case-insensitive clash counts as taken (spec/10 §2).
            models.UniqueConstraint(Lower("tenant_id"), name="core_tenant_tenant_id_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.tenant_id

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """The schema as a copy of the migrated template in one batch of statements (``apps.core.schema_clone``,
        issue #26); django-tenants' own clone and faked migration only when the template cannot be copied so."""
        from django.conf import settings
        from django.db import connection
        from django_tenants.utils import schema_exists

        from apps.core.schema_clone import clone_template

        base = getattr(settings, "TENANT_BASE_SCHEMA", None)
        if sync_schema and base and schema_exists(base):
            if check_if_exists and schema_exists(self.schema_name):
                return False
            connection.set_schema_to_public()
            if clone_template(base, self.schema_name):
                connection.set_schema_to_public()
                return True
        return super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)


class Domain(DomainMixin):
    """Required by django-tenants. Tenants are resolved from credentials, never from the host name."""


class ApiKeyIndex(models.Model):
    """Terminal API key lookup before the tenant is known: SHA-256 of the key -> tenant and terminal.

    Only the hash is stored here; the retrievable (encrypted) copy lives with the terminal in the tenant schema.
    """

    key_hash = models.CharField(max_length=64, unique=True)
    tenant_id = models.CharField(max_length=50)
    terminal_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API key index entry")
        verbose_name_plural = _("API key index")

    def __str__(self) -> str:
        return self.terminal_id


class EventRecord(models.Model):
    """Outbox row and delivery record of one published log (spec/00 §10.6), shared by all tenants.

    Written in the producer's transaction, next to the log itself; delivered after commit by a Celery task.
    """

    class Status(models.TextChoices):
        PUBLISHED = "published"
        DELIVERED = "delivered"
        PARTIALLY_DELIVERED = "partially_delivered"
        FAILED = "failed"

    event_id = models.CharField(max_length=36, unique=True)
    event_type = models.CharField(max_length=32)  # tranlog | cashlog | opencloselog
    topic = models.CharField(max_length=64)
    tenant_id = models.CharField(max_length=50)
    store_code = models.CharField(max_length=100, null=True, blank=True)
    terminal_no = models.IntegerField(null=True, blank=True)
    business_date = models.CharField(max_length=8, null=True, blank=True)
    open_counter = models.IntegerField(null=True, blank=True)
    transaction_no = models.IntegerField(null=True, blank=True)
    payload = FastJSONField()
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PUBLISHED)
    last_error = models.TextField(null=True, blank=True)
    published_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["status", "published_at"], name="core_event_undelivered_idx"),
            models.Index(fields=["tenant_id", "store_code", "terminal_no"], name="core_event_terminal_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class EventDelivery(models.Model):
    """One consumer's delivery state of one event."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RECEIVED = "received"
        FAILED = "failed"

    record = models.ForeignKey(EventRecord, on_delete=models.CASCADE, related_name="deliveries")
    service_name = models.CharField(max_length=32)
    status = models.CharField(max_length=32, default=Status.PENDING)
    received_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "service_name"], name="core_eventdelivery_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_name}: {self.status}"


class ConsumedEvent(models.Model):
    """Processed marker: written in the same transaction as a consumer's work, so a log counts once. Keyed by
    tenant too: event ids come from the sender (the HTTP receivers take any), so one tenant's id must never mark
    another tenant's event as done."""

    tenant_id = models.CharField(max_length=50)
    consumer = models.CharField(max_length=32)
    event_id = models.CharField(max_length=36)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "consumer", "event_id"], name="core_consumedevent_tenant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.consumer} {self.event_id}"


class FailureCounter(models.Model):
    """Failed attempts of one key (a hashed login identity or client address) in a fixed time window: the
    login rate limit (``apps.core.throttle``). Shared by all tenants, so a client address counts across them."""

    key_hash = models.CharField(max_length=64, unique=True)
    window_started_at = models.DateTimeField()
    failures = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_started_at"], name="core_failurecounter_window_idx")]

    def __str__(self) -> str:
        return f"{self.key_hash[:12]}: {self.failures}"


class IdempotencyRecord(models.Model):
    """The stored answer of one mutating request sent with an ``Idempotency-Key`` (issue #23, ours).

    Written in the request's own transaction, next to its effect; a repeat within the time to live gets this
    answer back instead of running again (``apps.core.idempotency``). ``scope`` is a SHA-256 over tenant, caller,
    method, path and key; the other columns say what it stands for, for an operator reading the table.
    """

    scope = models.CharField(max_length=64, primary_key=True)
    tenant_id = models.CharField(max_length=50, blank=True, default="")
    caller = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.TextField()
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)  # HMAC of the normalized body and query
    status = models.PositiveSmallIntegerField()
    headers = FastJSONField()  # [[name, value], ...] as first answered
    body = models.BinaryField()  # the answer's bytes, compressed and encrypted: it may hold a token or an API key
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="core_idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
