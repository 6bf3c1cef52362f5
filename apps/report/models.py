"""Report service storage (tenant schema, spec/40 §3.13).

The three consumed logs are kept as copies under their natural keys (spec/40 §2.2, unique constraints; a
duplicate is skipped by ``INSERT ... ON CONFLICT DO NOTHING``). A tranlog is stored as a header row plus one row
per line item, payment, tax and discount entry, so every report is a handful of SQL aggregates over indexed
tables; the full payload is kept alongside for support and re-processing. Reports themselves are computed on
request and never stored; daily-info rows (§3.10) are the only thing the report service writes on its own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.fields import FastJSONField

MONEY = {"max_digits": 18, "decimal_places": 4}
# The data scope of every report (spec/40 §3.3): store + date (or a date range), then terminal and session.
SCOPE_FIELDS = ["store_code", "business_date", "terminal_no", "open_counter"]


class ReportTranlog(models.Model):
    """Header of a transaction log copy: the keys of the data scope (§3.3) and the ``sales`` totals."""

    store_code = models.CharField(max_length=100)
    terminal_no = models.IntegerField()
    transaction_no = models.IntegerField()
    transaction_type = models.IntegerField()
    business_date = models.CharField(max_length=32)
    open_counter = models.IntegerField(null=True)
    business_counter = models.IntegerField(null=True)
    generate_date_time = models.CharField(max_length=64, null=True)  # ISO text, compared as text (spec/40)
    receipt_no = models.IntegerField(null=True)
    is_cancelled = models.BooleanField(default=False)
    total_amount = models.DecimalField(**MONEY, default=0)
    total_amount_with_tax = models.DecimalField(**MONEY, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)
    total_quantity = models.IntegerField(default=0)
    total_discount_amount = models.DecimalField(**MONEY, default=0)
    staff_id = models.CharField(max_length=100, null=True)
    event_id = models.CharField(max_length=64, null=True)
    payload = FastJSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transaction log copy")
        verbose_name_plural = _("transaction log copies")
        constraints = [
            models.UniqueConstraint(
                fields=["store_code", "terminal_no", "transaction_no"], name="report_tranlog_natural_key"
            ),
        ]
        indexes = [
            # Cancelled sales are excluded by reports but counted by the daily check: the flag stays out of the key.
            models.Index(fields=SCOPE_FIELDS, name="report_tranlog_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.terminal_no}/{self.transaction_no} ({self.transaction_type})"


class TranlogRow(models.Model):
    """A row of a tranlog copy, carrying its tranlog's scope keys and type.

    Tranlog copies are never modified (the first version wins), so copying the keys is safe; it lets every
    report aggregate a child table through its own scope index, without joining the header: over months of
    history a join would make PostgreSQL scan the whole child table (checked with EXPLAIN ANALYZE).
    """

    store_code = models.CharField(max_length=100)
    terminal_no = models.IntegerField()
    business_date = models.CharField(max_length=32)
    open_counter = models.IntegerField(null=True)
    transaction_type = models.IntegerField()
    tranlog_cancelled = models.BooleanField(default=False)  # sales.is_cancelled of the tranlog

    class Meta:
        abstract = True



class ReportTranlogLine(TranlogRow):
    """One line item. The sums over the line's own discount lists are computed once, at intake."""

    tranlog = models.ForeignKey(ReportTranlog, on_delete=models.CASCADE, related_name="lines")
    line_no = models.IntegerField()
    item_code = models.CharField(max_length=100, null=True)
    category_code = models.CharField(max_length=100, null=True)
    description = models.CharField(max_length=500, null=True)
    quantity = models.IntegerField(default=0)
    amount = models.DecimalField(**MONEY, default=0)
    is_cancelled = models.BooleanField(default=False)
    discount_amount = models.DecimalField(**MONEY, default=0)  # Σ discounts[].discount_amount
    discount_count = models.IntegerField(default=0)  # len(discounts)
    allocated_amount = models.DecimalField(**MONEY, default=0)  # Σ discounts_allocated[].discount_amount
    allocated_count = models.IntegerField(default=0)  # len(discounts_allocated)

    class Meta:
        indexes = [models.Index(fields=SCOPE_FIELDS, name="report_line_scope")]

    def __str__(self) -> str:
        return f"{self.tranlog_id}#{self.line_no} {self.item_code}"


class ReportTranlogDiscount(TranlogRow):
    """A line discount entry (``line`` set, with the line's amount, quantity and state copied) or a subtotal
    discount entry (``line`` null)."""

    class Kind(models.TextChoices):
        LINE = "line"
        SUBTOTAL = "subtotal"

    tranlog = models.ForeignKey(ReportTranlog, on_delete=models.CASCADE, related_name="discounts")
    line = models.ForeignKey(ReportTranlogLine, on_delete=models.CASCADE, null=True, related_name="discounts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    seq_no = models.IntegerField(null=True)
    discount_type = models.CharField(max_length=64, null=True)
    discount_value = models.DecimalField(**MONEY, null=True)
    discount_amount = models.DecimalField(**MONEY, default=0)
    promotion_code = models.CharField(max_length=100, null=True)
    promotion_type = models.CharField(max_length=100, null=True)
    line_amount = models.DecimalField(**MONEY, null=True)
    line_quantity = models.IntegerField(null=True)
    line_cancelled = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=SCOPE_FIELDS, name="report_discount_scope")]

    def __str__(self) -> str:
        return f"{self.kind} {self.discount_amount}"


class ReportTranlogPayment(TranlogRow):
    tranlog = models.ForeignKey(ReportTranlog, on_delete=models.CASCADE, related_name="payments")
    payment_no = models.IntegerField(null=True)
    payment_code = models.CharField(max_length=32, null=True)
    description = models.CharField(max_length=200, null=True)
    amount = models.DecimalField(**MONEY, default=0)
    deposit_amount = models.DecimalField(**MONEY, default=0)

    class Meta:
        indexes = [models.Index(fields=SCOPE_FIELDS, name="report_payment_scope")]

    def __str__(self) -> str:
        return f"{self.payment_code} {self.amount}"


class ReportTranlogTax(TranlogRow):
    tranlog = models.ForeignKey(ReportTranlog, on_delete=models.CASCADE, related_name="taxes")
    tax_no = models.IntegerField(null=True)
    tax_code = models.CharField(max_length=32, null=True)
    tax_type = models.CharField(max_length=32, null=True)
    tax_name = models.CharField(max_length=200, null=True)
    tax_amount = models.DecimalField(**MONEY, default=0)
    target_amount = models.DecimalField(**MONEY, default=0)
    target_quantity = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=SCOPE_FIELDS, name="report_tax_scope")]

    def __str__(self) -> str:
        return f"{self.tax_code} {self.tax_amount}"


class ReportCashLog(models.Model):
    """Cash in (amount > 0) / cash out (amount < 0) log copy; the opening float arrives as a cash in."""

    store_code = models.CharField(max_length=100)
    terminal_no = models.IntegerField()
    business_date = models.CharField(max_length=32)
    open_counter = models.IntegerField(null=True)
    business_counter = models.IntegerField(null=True)
    generate_date_time = models.CharField(max_length=64)
    amount = models.DecimalField(**MONEY, default=0)
    description = models.CharField(max_length=500, null=True)
    staff_id = models.CharField(max_length=100, null=True)
    event_id = models.CharField(max_length=64, null=True)
    payload = FastJSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cash log copy")
        verbose_name_plural = _("cash log copies")
        constraints = [
            models.UniqueConstraint(
                fields=["store_code", "terminal_no", "business_date", "open_counter", "generate_date_time"],
                name="report_cashlog_natural_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.terminal_no} {self.generate_date_time} {self.amount}"


class ReportOpenCloseLog(models.Model):
    store_code = models.CharField(max_length=100)
    terminal_no = models.IntegerField()
    business_date = models.CharField(max_length=32)
    open_counter = models.IntegerField(null=True)
    business_counter = models.IntegerField(null=True)
    operation = models.CharField(max_length=16)  # open | close
    generate_date_time = models.CharField(max_length=64, null=True)
    staff_id = models.CharField(max_length=100, null=True)
    initial_amount = models.DecimalField(**MONEY, null=True)
    physical_amount = models.DecimalField(**MONEY, null=True)
    cart_transaction_count = models.IntegerField(null=True)
    cart_transaction_last_no = models.IntegerField(null=True)
    cash_in_out_count = models.IntegerField(null=True)
    cash_in_out_last_datetime = models.CharField(max_length=64, null=True)
    event_id = models.CharField(max_length=64, null=True)
    payload = FastJSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("open/close log copy")
        verbose_name_plural = _("open/close log copies")
        constraints = [
            models.UniqueConstraint(
                fields=["store_code", "terminal_no", "business_date", "open_counter", "operation"],
                name="report_opencloselog_natural_key",
            ),
        ]
        indexes = [
            models.Index(fields=["store_code", "business_date", "operation"], name="report_openclose_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.terminal_no} {self.business_date}#{self.open_counter} {self.operation}"


class DailyInfo(models.Model):
    """One daily-verification attempt of one terminal session (§3.10); append-only, no unique key."""

    store_code = models.CharField(max_length=100)
    terminal_no = models.IntegerField()
    business_date = models.CharField(max_length=32)
    open_counter = models.IntegerField(null=True)
    verified = models.BooleanField(default=False)
    verified_update_time = models.CharField(max_length=64)
    verified_message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("daily verification")
        verbose_name_plural = _("daily verifications")
        indexes = [
            models.Index(
                fields=["store_code", "business_date", "terminal_no", "open_counter"], name="report_dailyinfo_key"
            ),
        ]

    def __str__(self) -> str:
        state = "verified" if self.verified else "not verified"
        return f"{self.store_code}/{self.terminal_no} {self.business_date}#{self.open_counter}: {state}"


class StoreReconciliation(models.Model):
    """The latest reconciliation of one store-day (issue #24, ours): written by the daily beat run and by "Reconcile
    now", read by the back office's home banner and detail page (a row, not a recomputation)."""

    class Status(models.TextChoices):
        BALANCED = "balanced", _("balanced")
        PENDING = "pending", _("pending")
        MISMATCH = "mismatch", _("mismatch")

    store_code = models.CharField(max_length=100)
    business_date = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices)
    transactions = models.IntegerField(default=0)  # the cart's transactions of the day
    mismatches = models.IntegerField(default=0)  # comparisons (session x ledger) found mismatched
    pendings = models.IntegerField(default=0)  # comparisons still waiting for deliveries
    detail = FastJSONField()  # the endpoint's ``data``, as computed then
    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        permissions = [("reconcile_store", _("Can reconcile a store's day"))]
        constraints = [
            models.UniqueConstraint(fields=["store_code", "business_date"], name="report_reconciliation_day"),
        ]

    def __str__(self) -> str:
        return f"{self.store_code} {self.business_date}: {self.status}"


class ReportPage(ReportTranlog):
    """Proxy carrying the read-only report page of the back office (see ``admin.py``); it has no rows of its own."""

    class Meta:
        proxy = True
        verbose_name = _("report")
        verbose_name_plural = _("reports")
