"""Terminal-side records of one tenant (tenant schema, spec/10 §6.6).

Tenant info with its stores, terminals (with the encrypted API key), and the cash and open/close logs. Every
record has ``created_at`` (set on insert) and ``updated_at`` (null until the first update; never ``auto_now``).
Rules live in ``services.py`` and ``states.py``; these classes only declare storage and its constraints.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 18, "decimal_places": 4}


class TenantInfo(models.Model):
    """The tenant's name and tags, as ``POST /terminal/api/v1/tenants`` creates them (one row per schema)."""

    tenant_id = models.CharField(_("tenant ID"), max_length=50, unique=True)
    tenant_name = models.CharField(_("tenant name"), max_length=200)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenant info")
        verbose_name_plural = _("tenant info")

    def __str__(self) -> str:
        return f"{self.tenant_id} ({self.tenant_name})"


class Store(models.Model):
    """A store of the tenant; it belongs to the tenant info and goes with it (T4)."""

    tenant_info = models.ForeignKey(TenantInfo, on_delete=models.CASCADE, related_name="stores",
                                    verbose_name=_("tenant info"))
    store_code = models.CharField(_("store code"), max_length=100)
    store_name = models.CharField(_("store name"), max_length=200)
    status = models.CharField(_("status"), max_length=50, default="Idle")  # free text (spec/10 §5.1)
    business_date = models.CharField(_("business date"), max_length=50, null=True, blank=True)  # informational
    tags = models.JSONField(_("tags"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = pgettext_lazy("store model", "stores")
        ordering = ["store_code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant_info", "store_code"], name="terminal_store_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.store_code} {self.store_name}"


class Terminal(models.Model):
    """A POS register. ``api_key_encrypted`` is the Fernet token of the key (the key is returned on every read,
    so it must be retrievable); the public ``ApiKeyIndex`` holds only its SHA-256."""

    class Status(models.TextChoices):
        IDLE = "Idle", _("Idle")
        OPENED = "Opened", _("Opened")
        CLOSED = "Closed", _("Closed")

    terminal_id = models.CharField(_("terminal ID"), max_length=200, unique=True)
    tenant_id = models.CharField(_("tenant ID"), max_length=50)
    store_code = models.CharField(_("store code"), max_length=100)
    terminal_no = models.IntegerField(_("terminal number"))
    description = models.CharField(_("description"), max_length=500, blank=True, default="")
    function_mode = models.CharField(_("function mode"), max_length=100, default="MainMenu")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IDLE)
    business_date = models.CharField(_("business date"), max_length=8, null=True, blank=True)
    open_counter = models.IntegerField(_("open counter"), default=0)
    business_counter = models.IntegerField(_("business counter"), default=0)
    initial_amount = models.DecimalField(_("initial amount"), null=True, blank=True, **MONEY)
    physical_amount = models.DecimalField(_("physical amount"), null=True, blank=True, **MONEY)
    staff_id = models.CharField(_("staff ID"), max_length=100, null=True, blank=True)
    staff_name = models.CharField(_("staff name"), max_length=200, null=True, blank=True)
    staff_pin = models.CharField(_("staff PIN"), max_length=100, null=True, blank=True)
    api_key_encrypted = models.TextField(_("API key (encrypted)"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")
        ordering = ["terminal_id"]
        permissions = [
            ("operate_terminal", _("Can sign staff in and out, open, cash in and out, and close terminals")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "store_code", "terminal_no"], name="terminal_terminal_no_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["Idle", "Opened", "Closed"]), name="terminal_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(open_counter__gte=0, business_counter__gte=0), name="terminal_counters_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.terminal_id

    @property
    def is_signed_in(self) -> bool:
        return self.staff_id is not None


class CashLog(models.Model):
    """One cash in/out (or the initial amount of an open). A clash on the unique key replaces the row."""

    tenant_id = models.CharField(_("tenant ID"), max_length=50)
    store_code = models.CharField(_("store code"), max_length=100)
    store_name = models.CharField(_("store name"), max_length=200, null=True, blank=True)
    terminal_no = models.IntegerField(_("terminal number"))
    staff_id = models.CharField(_("staff ID"), max_length=100, null=True, blank=True)
    staff_name = models.CharField(_("staff name"), max_length=200, null=True, blank=True)
    business_date = models.CharField(_("business date"), max_length=8, null=True, blank=True)
    open_counter = models.IntegerField(_("open counter"), null=True, blank=True)
    business_counter = models.IntegerField(_("business counter"), null=True, blank=True)
    generate_date_time = models.DateTimeField(_("date and time"))
    amount = models.DecimalField(_("amount"), **MONEY)
    description = models.CharField(_("description"), max_length=500, null=True, blank=True)
    receipt_text = models.TextField(_("receipt text"))
    journal_text = models.TextField(_("journal text"))
    event_id = models.CharField(_("event ID"), max_length=36)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cash log")
        verbose_name_plural = _("cash logs")
        ordering = ["generate_date_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "store_code", "terminal_no", "generate_date_time"],
                name="terminal_cashlog_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant_id", "store_code", "terminal_no", "business_date", "open_counter"],
                name="terminal_cashlog_session_idx",
            ),
        ]

    def __str__(self) -> str:
        amount = f"{self.amount.normalize():f}"  # 1500, not 1500.0000
        return f"{self.store_code}-{self.terminal_no} {amount} @ {self.generate_date_time:%Y-%m-%d %H:%M:%S}"


class OpenCloseLog(models.Model):
    """One open or close of a terminal session, with a snapshot of the terminal (API key masked)."""

    class Operation(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSE = "close", pgettext_lazy("terminal operation", "Close")

    tenant_id = models.CharField(_("tenant ID"), max_length=50)
    store_code = models.CharField(_("store code"), max_length=100)
    store_name = models.CharField(_("store name"), max_length=200, null=True, blank=True)
    terminal_no = models.IntegerField(_("terminal number"))
    staff_id = models.CharField(_("staff ID"), max_length=100, null=True, blank=True)
    staff_name = models.CharField(_("staff name"), max_length=200, null=True, blank=True)
    business_date = models.CharField(_("business date"), max_length=8)
    open_counter = models.IntegerField(_("open counter"))
    business_counter = models.IntegerField(_("business counter"))
    operation = models.CharField(_("operation"), max_length=5, choices=Operation.choices)
    generate_date_time = models.DateTimeField(_("date and time"))
    terminal_info = models.JSONField(_("terminal snapshot"))
    cart_transaction_count = models.IntegerField(_("transaction count"), null=True, blank=True)
    cart_transaction_last_no = models.IntegerField(_("last transaction number"), null=True, blank=True)
    cash_in_out_count = models.IntegerField(_("cash in/out count"), null=True, blank=True)
    cash_in_out_last_datetime = models.DateTimeField(_("last cash in or out"), null=True, blank=True)
    receipt_text = models.TextField(_("receipt text"))
    journal_text = models.TextField(_("journal text"))
    event_id = models.CharField(_("event ID"), max_length=36)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("open and close log")
        verbose_name_plural = _("open and close logs")
        ordering = ["generate_date_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "store_code", "terminal_no", "business_date", "open_counter", "operation"],
                name="terminal_openclose_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}-{self.terminal_no} {self.operation} {self.business_date}#{self.open_counter}"


class TerminalDesk(Terminal):
    """Proxy carrying the back office's "Terminals and cash" page of a store (``desk_admin``): no rows or
    permissions of its own (the page needs ``view_terminal``, its actions ``operate_terminal``)."""

    class Meta:
        proxy = True
        verbose_name = _("terminals and cash")
        verbose_name_plural = _("terminals and cash")
        default_permissions = ()
