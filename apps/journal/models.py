"""The electronic journal (spec/40 §4.2, §4.6): one entry per transaction, cash movement, open/close or report.

Entries live in the tenant's schema. The natural key of spec/40 §2.2 is a unique constraint, so a log delivered
twice (same event, or a new event for the same log) is stored once: inserts skip a conflicting row.

Each terminal's entries form a hash chain (issue #24): ``JournalChain`` is the head of one, the row appends lock.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransactionType(models.IntegerChoices):
    """Kugelpos transaction types (spec/00 §8.2). -101 is derived by the journal from a cancelled 101."""

    NORMAL_SALES = 101, "Normal sales"
    NORMAL_SALES_CANCEL = -101, "Cancelled sales"
    RETURN_SALES = 102, "Return"
    VOID_SALES = 201, "Void sales"
    VOID_RETURN = 202, "Void return"
    OPEN = 301, "Open"
    CLOSE = 302, "Close"
    CASH_IN = 401, "Cash in"
    CASH_OUT = 402, "Cash out"
    FLASH_REPORT = 501, "Flash report"
    DAILY_REPORT = 502, "Daily report"


class JournalEntry(models.Model):
    """One journal entry, with the receipt and journal text exactly as the producer rendered them.

    ``business_date`` and ``generate_date_time`` are stored as the text received (spec/40: not validated,
    compared as strings). ``journal_seq_no`` and ``content`` of the wire format are constants, not stored.
    """

    tenant_id = models.CharField(max_length=50)
    store_code = models.CharField(max_length=100)
    terminal_no = models.BigIntegerField()
    transaction_no = models.BigIntegerField(null=True, blank=True)
    transaction_type = models.BigIntegerField(choices=TransactionType.choices)
    business_date = models.CharField(max_length=100)
    open_counter = models.BigIntegerField()
    business_counter = models.BigIntegerField()
    generate_date_time = models.CharField(max_length=100)
    receipt_no = models.BigIntegerField(null=True, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    quantity = models.BigIntegerField(default=0)
    staff_id = models.CharField(max_length=100, null=True, blank=True)
    user_id = models.CharField(max_length=150, null=True, blank=True)
    journal_text = models.TextField()
    receipt_text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The hash chain of the entry's terminal (issue #24, ``chain.py``): its position in the order entries were
    # appended, and the hash over the previous entry's hash and this entry's stored fields. Never on the wire.
    chain_seq = models.BigIntegerField(editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(
                fields=["store_code", "terminal_no", "transaction_type", "generate_date_time"],
                name="journal_entry_natural_key",
            ),
            # One entry per position of a chain: two appends can never both take the same place.
            models.UniqueConstraint(
                fields=["store_code", "terminal_no", "chain_seq"], name="journal_entry_chain_position"
            ),
        ]
        indexes = [
            # The search's default order and its usual filters (spec/40 §4.5, §4.6); receipt numbers sort with
            # nulls first, as Mongo does, so the index can serve the default order.
            models.Index(
                F("store_code"),
                F("terminal_no"),
                F("business_date"),
                F("receipt_no").asc(nulls_first=True),
                name="journal_entry_search_idx",
            ),
            models.Index(fields=["generate_date_time"], name="journal_entry_generated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.terminal_no} {self.transaction_type} {self.generate_date_time}"


class JournalChain(models.Model):
    """The head of one terminal's hash chain: the last position taken and its hash.

    Appending an entry locks this row (``services.journal_entry_store``), so concurrent deliveries for one terminal
    append one after the other and the chain stays linear; other terminals' chains are other rows. The head also
    remembers how far the chain went, so verification notices entries removed from its end.
    """

    store_code = models.CharField(max_length=100)
    terminal_no = models.BigIntegerField()
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("journal chain")
        verbose_name_plural = _("journal chains")
        constraints = [
            models.UniqueConstraint(fields=["store_code", "terminal_no"], name="journal_chain_terminal"),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.terminal_no} #{self.last_seq}"
