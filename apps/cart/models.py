"""Carts, transaction logs, their void/return status and the per-terminal counters (tenant schema)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.functions import JSONObject
from django.utils.translation import gettext_lazy as _

from apps.core.fields import FastJSONField, JSONTextField

# A cart unchanged this long is gone (spec/30 §13: Kugelpos' cart store expires it).
CART_TTL = timedelta(hours=10)


class Cart(models.Model):
    """One cart as a JSON document (spec/30 §13); absent once 10 h without a change.

    ``revision`` counts the saves: a change is written only over the revision it was computed from (optimistic
    concurrency, as Kugelpos' own cart store does), so two requests on one cart never overwrite each other.
    """

    cart_id = models.UUIDField(primary_key=True)
    terminal_id = models.CharField(max_length=200)
    status = models.CharField(max_length=20)
    document = JSONTextField()  # PostgreSQL json: read and written whole on every cart request
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return str(self.cart_id)


class TransactionQuerySet(models.QuerySet):
    """The back office's transaction search (issue #22): each filter one method, combined by chaining."""

    def containing_item(self, item_code: str) -> TransactionQuerySet:
        """Transactions with a line of this item code (JSON containment on the stored document)."""
        return self.filter(document__contains={"line_items": [{"item_code": item_code}]})

    def by_staff(self, staff_id: str) -> TransactionQuerySet:
        return self.filter(document__contains={"staff": {"id": staff_id}})

    def amount_between(self, low: Decimal | None, high: Decimal | None) -> TransactionQuerySet:
        """Total with tax within [low, high]; an open end when None."""
        query = self
        if low is not None:
            query = query.filter(total_amount_with_tax__gte=low)
        if high is not None:
            query = query.filter(total_amount_with_tax__lte=high)
        return query

    def generated_between(self, start: datetime | None, end: datetime | None) -> TransactionQuerySet:
        """Generated at or after ``start`` and before ``end`` (aware datetimes; an open end when None)."""
        query = self
        if start is not None:
            query = query.filter(generate_date_time__gte=start)
        if end is not None:
            query = query.filter(generate_date_time__lt=end)
        return query

    def with_status(self, status: str) -> TransactionQuerySet:
        """``voided`` / ``returned`` (by the original's status record), ``cancelled`` (a cancelled sale),
        ``active`` (none of these)."""
        voided, returned = _status_flag("is_voided"), _status_flag("is_refunded")
        if status == "voided":
            return self.filter(voided)
        if status == "returned":
            return self.filter(returned)
        if status == "cancelled":
            return self.filter(is_cancelled=True)
        if status == "active":
            return self.filter(~voided, ~returned, is_cancelled=False)
        return self.none()

    def referring_to(self, original: Transaction) -> TransactionQuerySet:
        """The voids and returns made of ``original`` (their ``origin`` names it), read through the
        ``cart_tran_origin_idx`` partial index (the expressions here are the index's)."""
        return self.filter(transaction_type__in=REFERRING_TYPES, store_code=original.store_code).alias(
            origin_terminal_no=ORIGIN_TERMINAL_NO, origin_transaction_no=ORIGIN_TRANSACTION_NO,
        ).filter(origin_terminal_no=str(original.terminal_no), origin_transaction_no=str(original.transaction_no))

    def with_export_parts(self) -> TransactionQuerySet:
        """Rows without their whole document (receipt and journal texts are most of it), each with ``parts``:
        the document's keys a CSV export shows. A 20,000-row export reads a fraction of the bytes."""
        parts = {key: KeyTransform(key, "document")
                 for key in ("generate_date_time", "sales", "staff", "payments", "line_items")}
        # read with orjson (the document's own field class), not Django's json.loads
        return self.defer("document").annotate(
            parts=models.ExpressionWrapper(JSONObject(**parts), output_field=FastJSONField()))

    def with_status_flags(self) -> TransactionQuerySet:
        """Each row with ``is_voided`` and ``is_returned`` from its status record (false without one)."""
        return self.annotate(is_voided=_status_flag("is_voided"), is_returned=_status_flag("is_refunded"))


def _status_flag(flag: str) -> models.Exists:
    return models.Exists(TransactionStatus.objects.filter(
        store_code=models.OuterRef("store_code"), terminal_no=models.OuterRef("terminal_no"),
        transaction_no=models.OuterRef("transaction_no"), **{flag: True},
    ))


# Voids and returns name their original in ``origin``; a partial index over these types only finds them without
# reading every document of the store (sales, the bulk of the table and of the bill's inserts, are not indexed).
REFERRING_TYPES = (102, 201, 202)
ORIGIN_TERMINAL_NO = KT("document__origin__terminal_no")
ORIGIN_TRANSACTION_NO = KT("document__origin__transaction_no")


class Transaction(models.Model):
    """A transaction log (tranlog): sale, cancelled sale, return, void. Never modified once written.

    ``document`` is the tranlog exactly as published (spec/00 §10.3, without ``event_id``); the columns are the
    keys that list queries, the terminal's close statistics and the reports filter on.
    """

    store_code = models.CharField(_("store code"), max_length=100)
    terminal_no = models.IntegerField(_("terminal number"))
    transaction_no = models.IntegerField(_("transaction number"))
    transaction_type = models.IntegerField(_("transaction type"))
    receipt_no = models.IntegerField(_("receipt number"))
    business_date = models.CharField(_("business date"), max_length=8)
    open_counter = models.IntegerField(_("open counter"), null=True)
    generate_date_time = models.DateTimeField(_("date and time"))
    is_cancelled = models.BooleanField(_("cancelled sale"), default=False)
    total_amount_with_tax = models.DecimalField(_("total with tax"), max_digits=18, decimal_places=4)
    cart_id = models.UUIDField(_("cart ID"), null=True, blank=True, unique=True)  # one transaction per cart, ever
    event_id = models.CharField(_("event ID"), max_length=36)
    document = FastJSONField(_("transaction log"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["store_code", "terminal_no", "transaction_no"], name="cart_transaction_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["store_code", "terminal_no", "business_date", "open_counter"],
                         name="cart_tran_session_idx"),
            models.Index(F("store_code"), ORIGIN_TERMINAL_NO, ORIGIN_TRANSACTION_NO, name="cart_tran_origin_idx",
                         condition=Q(transaction_type__in=REFERRING_TYPES)),
        ]
        permissions = [
            ("void_transaction", _("Can void transactions")),
            ("return_transaction", _("Can return transactions")),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}-{self.terminal_no} #{self.transaction_no}"


class TransactionStatus(models.Model):
    """Void/return tracking of an original transaction (spec/30 §10.5)."""

    store_code = models.CharField(_("store code"), max_length=100)
    terminal_no = models.IntegerField(_("terminal number"))
    transaction_no = models.IntegerField(_("transaction number"))
    is_voided = models.BooleanField(_("voided"), default=False)
    void_transaction_no = models.IntegerField(_("void transaction number"), null=True, blank=True)
    void_date_time = models.CharField(_("voided at"), max_length=40, null=True, blank=True)
    void_staff_id = models.CharField(_("voided by (staff ID)"), max_length=100, null=True, blank=True)
    is_refunded = models.BooleanField(_("returned"), default=False)
    return_transaction_no = models.IntegerField(_("return transaction number"), null=True, blank=True)
    return_date_time = models.CharField(_("returned at"), max_length=40, null=True, blank=True)
    return_staff_id = models.CharField(_("returned by (staff ID)"), max_length=100, null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store_code", "terminal_no", "transaction_no"], name="cart_transaction_status_unique"
            ),
        ]
        verbose_name = _("transaction status")
        verbose_name_plural = _("transaction statuses")

    def __str__(self) -> str:
        return f"{self.store_code}-{self.terminal_no} #{self.transaction_no}"


class TerminalCounter(models.Model):
    """Per-terminal counters ``Transaction`` and ``Receipt`` (spec/30 §9.1), incremented in the bill's transaction."""

    terminal_id = models.CharField(max_length=200)
    name = models.CharField(max_length=20)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = _("terminal counter")
        verbose_name_plural = _("terminal counters")
        constraints = [
            models.UniqueConstraint(fields=["terminal_id", "name"], name="cart_terminal_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.name}={self.value}"

