"""Stock levels, their append-only history, snapshots and the snapshot schedule (spec/50 §3). Tenant schema.

Quantities are double precision on purpose: Kugelpos does IEEE double arithmetic and its numbers are the
contract (spec/50 §1). Rows change only through ``apps.stock.services``.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UpdateType(models.TextChoices):
    """``updateType`` values (spec/50 §4). For manual updates a label only: the sign is what the caller sent."""

    SALE = "sale", _("sale")
    RETURN = "return", _("return")
    VOID = "void", _("void")
    VOID_RETURN = "void_return", _("void return")
    PURCHASE = "purchase", _("purchase")
    ADJUSTMENT = "adjustment", _("adjustment")
    INITIAL = "initial", _("initial")
    DAMAGE = "damage", _("damage")
    TRANSFER_IN = "transfer_in", _("transfer in")
    TRANSFER_OUT = "transfer_out", _("transfer out")


class StockQuerySet(models.QuerySet):
    def of_store(self, store_code: str) -> StockQuerySet:
        return self.filter(store_code=store_code)

    def below_minimum(self) -> StockQuerySet:
        """Low-stock list condition (spec/50 §5.3): strictly below the minimum, with no ``minimum > 0`` guard."""
        return self.filter(current_quantity__lt=models.F("minimum_quantity"))

    def at_or_below_reorder_point(self) -> StockQuerySet:
        """Reorder list condition (spec/50 §5.3): a reorder point is set and stock is at or below it."""
        return self.filter(reorder_point__gt=0, current_quantity__lte=models.F("reorder_point"))


class Stock(models.Model):
    """One item's stock in one store (spec/50 §3.1). Created on first write to any store/item pair."""

    tenant_id = models.CharField(_("tenant"), max_length=50)
    store_code = models.CharField(_("store"), max_length=100)
    item_code = models.CharField(_("item code"), max_length=100)
    current_quantity = models.FloatField(_("current quantity"), default=0.0)
    minimum_quantity = models.FloatField(_("minimum quantity"), default=0.0, validators=[MinValueValidator(0.0)])
    reorder_point = models.FloatField(_("reorder point"), default=0.0, validators=[MinValueValidator(0.0)])
    reorder_quantity = models.FloatField(_("reorder quantity"), default=0.0, validators=[MinValueValidator(0.0)])
    last_transaction_id = models.CharField(_("last transaction ID"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ("store_code", "item_code")
        permissions = [
            ("receive_stock", _("Can receive deliveries")),
            ("adjust_stock", _("Can adjust stock (damage, loss, correction)")),
            ("count_stock", _("Can run and confirm stocktakes")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["store_code", "item_code"], name="stock_stock_store_item_unique"),
            models.CheckConstraint(
                condition=Q(minimum_quantity__gte=0) & Q(reorder_point__gte=0) & Q(reorder_quantity__gte=0),
                name="stock_stock_thresholds_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.item_code}: {self.current_quantity:g}"


class StockUpdate(models.Model):
    """One quantity change (spec/50 §3.2). Append-only: services insert, nothing updates or deletes."""

    tenant_id = models.CharField(_("tenant"), max_length=50)
    store_code = models.CharField(_("store"), max_length=100)
    item_code = models.CharField(_("item code"), max_length=100)
    update_type = models.CharField(_("update type"), max_length=20, choices=UpdateType.choices)
    quantity_change = models.FloatField(_("change"))
    before_quantity = models.FloatField(_("before"))
    after_quantity = models.FloatField(_("after"))
    reference_id = models.CharField(_("reference"), max_length=200, null=True, blank=True)
    timestamp = models.DateTimeField(_("date and time"))
    operator_id = models.CharField(_("operator"), max_length=200, null=True, blank=True)
    note = models.TextField(_("note"), null=True, blank=True)
    # The session of the sale a tranlog change comes from (ours, not on the wire; null for manual changes):
    # ``reference_id`` is only the transaction number, which every terminal counts on its own, so reconciliation
    # (issue #24) needs the terminal and business date to know whose sale a change is.
    terminal_no = models.IntegerField(_("terminal number"), null=True, blank=True)
    business_date = models.CharField(_("business date"), max_length=8, null=True, blank=True)
    open_counter = models.IntegerField(_("open counter"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("stock history entry")
        verbose_name_plural = _("stock history")
        indexes = [
            models.Index(fields=["store_code", "item_code", "-timestamp"], name="stock_update_item_time_idx"),
            models.Index(fields=["store_code", "business_date"], name="stock_update_day_idx",
                         condition=models.Q(business_date__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.item_code} {self.update_type} {self.quantity_change:+g}"


class Snapshot(models.Model):
    """Point-in-time copy of one store's stock (spec/50 §3.3). Never modified; removed only by retention."""

    tenant_id = models.CharField(_("tenant"), max_length=50)
    store_code = models.CharField(_("store"), max_length=100)
    total_items = models.IntegerField(_("number of items"))
    total_quantity = models.FloatField(_("total quantity"))
    # [{"item_code", "quantity", "minimum_quantity", "reorder_point", "reorder_quantity"}], by item_code
    stocks = models.JSONField(_("stocks"), default=list)
    created_by = models.CharField(_("created by"), max_length=200)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    # App-time-zone ISO string; list filters compare it byte-wise as strings (spec/50 §6.9), hence "C".
    generate_date_time = models.CharField(_("taken at"), max_length=40, null=True, blank=True, db_collation="C")

    class Meta:
        verbose_name = _("stock snapshot")
        verbose_name_plural = _("stock snapshots")
        indexes = [
            models.Index(fields=["store_code", "-generate_date_time"], name="stock_snapshot_store_gen_idx"),
            models.Index(fields=["created_at"], name="stock_snapshot_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.store_code} @ {self.generate_date_time}"


class ScheduleInterval(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class SnapshotSchedule(models.Model):
    """The tenant's snapshot schedule (spec/50 §3.4): at most one row (primary key fixed to 1)."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    tenant_id = models.CharField(max_length=50)
    enabled = models.BooleanField(default=True)
    schedule_interval = models.CharField(max_length=10, choices=ScheduleInterval.choices)
    schedule_hour = models.PositiveSmallIntegerField(validators=[MaxValueValidator(23)])
    schedule_minute = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(59)])
    schedule_day_of_week = models.PositiveSmallIntegerField(null=True, blank=True)  # 0 = Monday
    schedule_day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_days = models.PositiveSmallIntegerField(default=30)
    target_stores = models.JSONField(default=list)
    last_executed_at = models.DateTimeField(null=True, blank=True)
    next_execution_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by = models.CharField(max_length=200, default="system")
    updated_by = models.CharField(max_length=200, default="system")

    class Meta:
        verbose_name = _("snapshot schedule")
        verbose_name_plural = _("snapshot schedules")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="stock_snapshotschedule_singleton"),
            models.CheckConstraint(
                condition=Q(retention_days__gte=1) & Q(retention_days__lte=365),
                name="stock_snapshotschedule_retention_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_interval} {self.schedule_hour:02d}:{self.schedule_minute:02d}"


class SnapshotRun(models.Model):
    """One scheduled run per fire time: the unique key that stops two workers running the same slot twice."""

    fire_time = models.DateTimeField(unique=True)
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = _("snapshot run")
        verbose_name_plural = _("snapshot runs")

    def __str__(self) -> str:
        return self.fire_time.isoformat()


# --- back office: adjustments, stocktakes, alert records (issue #22) -----------------------------------------
class AdjustmentReason(models.TextChoices):
    """Why a back-office adjustment was made. Damage is posted as the ``damage`` update type, loss and
    correction as ``adjustment`` (spec/50 §4); the reason itself is the movement's ``note``."""

    DAMAGE = "damage", _("damage")
    LOSS = "loss", _("loss")
    CORRECTION = "correction", _("correction")


class StocktakeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    CONFIRMED = "confirmed", _("confirmed")


QUANTITY = {"max_digits": 20, "decimal_places": 4}


class Stocktake(models.Model):
    """A count sheet of one store (all items, or one category): counted quantities against the stock expected
    when the sheet was made. Confirming it posts every difference as an adjustment; the sheet is then read-only
    and kept as the record of the count."""

    tenant_id = models.CharField(_("tenant"), max_length=50)
    store_code = models.CharField(_("store"), max_length=100)
    category_code = models.CharField(_("category"), max_length=100, blank=True,
                                     help_text=_("Empty: every item of the store."))
    status = models.CharField(_("status"), max_length=10, choices=StocktakeStatus.choices,
                              default=StocktakeStatus.DRAFT)
    created_by = models.CharField(_("created by"), max_length=150)
    created_at = models.DateTimeField(_("created at"))
    confirmed_by = models.CharField(_("confirmed by"), max_length=150, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["store_code", "-created_at"], name="stock_stocktake_store_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", confirmed_at__isnull=True)
                | Q(status="confirmed", confirmed_at__isnull=False),
                name="stock_stocktake_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.store_code} {self.category_code or '*'}"

    @property
    def is_draft(self) -> bool:
        return self.status == StocktakeStatus.DRAFT


class StocktakeLine(models.Model):
    """One item of a count sheet: expected (the stock when the sheet was made), counted (null until counted)
    and their difference (counted - expected, null until counted)."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    item_code = models.CharField(_("item code"), max_length=100)
    item_name = models.CharField(_("item name"), max_length=255, blank=True)
    expected_quantity = models.DecimalField(_("expected"), **QUANTITY)
    counted_quantity = models.DecimalField(_("counted"), null=True, blank=True, **QUANTITY)
    difference = models.DecimalField(_("difference"), null=True, blank=True, **QUANTITY)

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ("item_code",)
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "item_code"], name="stock_stocktakeline_item_unique"),
            models.CheckConstraint(
                condition=Q(counted_quantity__isnull=True, difference__isnull=True)
                | Q(counted_quantity__isnull=False, difference__isnull=False),
                name="stock_stocktakeline_difference_with_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.counted_quantity} / {self.expected_quantity}"


class StockAlertRecord(models.Model):
    """An alert as it was sent (after the cooldown), so the dashboard shows alerts with the time they fired,
    also after a reload. Written by ``apps.stock.alerts``; nothing else reads or writes it."""

    store_code = models.CharField(_("store"), max_length=100)
    item_code = models.CharField(_("item code"), max_length=100)
    alert_type = models.CharField(_("alert type"), max_length=20)
    current_quantity = models.FloatField(_("current quantity"))
    threshold = models.FloatField(_("threshold"))
    reorder_quantity = models.FloatField(_("reorder quantity"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("stock alert")
        verbose_name_plural = _("stock alerts")
        indexes = [models.Index(fields=["store_code", "-sent_at"], name="stock_alertrecord_store_idx")]

    def __str__(self) -> str:
        return f"{self.store_code}/{self.item_code} {self.alert_type} @ {self.sent_at.isoformat()}"
