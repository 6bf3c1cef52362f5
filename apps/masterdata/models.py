"""Master data of one tenant (spec/20 §2), in the tenant's schema.

Every row carries ``created_at`` (set on insert) and ``updated_at`` (NULL on insert, set by the services on every
update; deliberately not ``auto_now``). Uniqueness rules are database constraints, so a concurrent duplicate is
refused by PostgreSQL and reported by the services as 400 ``500005``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_LENGTH = 100
TEXT_LENGTH = 255
MONEY = {"max_digits": 18, "decimal_places": 4}
# Ours (issue #20): the back office and its CSV import refuse a negative price; money goes back to a customer
# only through a return or a void on record. The master-data API keeps Kugelpos' behaviour, and the cart refuses to
# sell at a negative price whatever the master says.
NOT_NEGATIVE_PRICE = MinValueValidator(Decimal(0), message=_("A price cannot be negative."))


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Category(TimestampedModel):
    category_code = models.CharField(max_length=CODE_LENGTH)
    description = models.CharField(max_length=TEXT_LENGTH)
    description_short = models.CharField(max_length=TEXT_LENGTH, blank=True)
    tax_code = models.CharField(max_length=CODE_LENGTH, blank=True)

    class Meta:
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["category_code"],
                name="masterdata_category_code_unique",
                violation_error_message=_("A category with this code already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.category_code} {self.description}"


class ItemQuerySet(models.QuerySet):
    def live(self) -> ItemQuerySet:
        """Items that are not logically deleted (what can be sold)."""
        return self.filter(is_deleted=False)


class Item(TimestampedModel):
    """Common item master. ``item_code`` stays unique across logically deleted rows too."""

    item_code = models.CharField(max_length=CODE_LENGTH)
    description = models.CharField(max_length=TEXT_LENGTH)
    description_short = models.CharField(max_length=TEXT_LENGTH, null=True, blank=True)
    description_long = models.TextField(null=True, blank=True)
    unit_price = models.DecimalField(default=Decimal("0"), validators=[NOT_NEGATIVE_PRICE], **MONEY)
    unit_cost = models.DecimalField(default=Decimal("0"), **MONEY)
    item_details = models.JSONField(default=list, blank=True)
    image_urls = models.JSONField(default=list, blank=True)
    category_code = models.CharField(max_length=CODE_LENGTH)
    tax_code = models.CharField(max_length=CODE_LENGTH)
    is_discount_restricted = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False, help_text=_("Logically deleted: not sellable, still listed."))

    objects = ItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item_code"],
                name="masterdata_item_code_unique",
                violation_error_message=_("An item with this code already exists (possibly logically deleted)."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.description}"


class ItemStorePrice(TimestampedModel):
    """Store price override. Keyed by the item *code*, with no database FK: deleting an item leaves these rows
    (spec/20 §2.3), and a re-created item with the same code finds them again."""

    store_code = models.CharField(max_length=CODE_LENGTH)
    item = models.ForeignKey(
        Item,
        to_field="item_code",
        db_column="item_code",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="store_prices",
    )
    store_price = models.DecimalField(validators=[NOT_NEGATIVE_PRICE], **MONEY)

    class Meta:
        verbose_name = _("item store price")
        constraints = [
            models.UniqueConstraint(
                fields=["store_code", "item"],
                name="masterdata_store_price_unique",
                violation_error_message=_("A store price for this store and item already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_code} / {self.item_id}"

    @property
    def item_code(self) -> str:
        return self.item_id


class ItemBook(TimestampedModel):
    """A POS key layout: ``categories`` holds the whole book -> category -> tab -> button tree (snake_case keys)."""

    item_book_id = models.CharField(max_length=20)
    title = models.CharField(max_length=TEXT_LENGTH)
    categories = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item_book_id"],
                name="masterdata_item_book_id_unique",
                violation_error_message=_("An item book with this id already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_book_id} {self.title}"


class PaymentMethod(TimestampedModel):
    """Payment master. The flags are informational except ``can_deposit_over``/``can_change`` (spec/20 §6.5)."""

    payment_code = models.CharField(max_length=CODE_LENGTH)
    description = models.CharField(max_length=TEXT_LENGTH)
    limit_amount = models.DecimalField(default=Decimal("0"), help_text=_("0 = no limit (not enforced)"), **MONEY)
    can_refund = models.BooleanField(default=True)
    can_deposit_over = models.BooleanField(default=False)
    can_change = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payment_code"],
                name="masterdata_payment_code_unique",
                violation_error_message=_("A payment method with this code already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment_code} {self.description}"


class Setting(TimestampedModel):
    name = models.CharField(max_length=TEXT_LENGTH)
    default_value = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="masterdata_setting_name_unique",
                violation_error_message=_("A setting with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class SettingValue(models.Model):
    """One scoped value of a setting. Order matters (first match wins, spec/20 §6.3); duplicates are allowed."""

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="values")
    position = models.PositiveIntegerField(default=0)
    store_code = models.CharField(max_length=CODE_LENGTH, null=True, blank=True)
    terminal_no = models.IntegerField(null=True, blank=True)
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.store_code or '*'}/{self.terminal_no if self.terminal_no is not None else '*'}"


class Staff(TimestampedModel):
    """Staff master. The PIN is stored and returned in clear, as Kugelpos does (spec/20 §2.8)."""

    staff_id = models.CharField(max_length=CODE_LENGTH)
    name = models.CharField(max_length=TEXT_LENGTH)
    pin = models.CharField(max_length=CODE_LENGTH)
    roles = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=CODE_LENGTH, null=True, blank=True)

    class Meta:
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_id"],
                name="masterdata_staff_id_unique",
                violation_error_message=_("A staff member with this id already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.name}"


class PromotionQuerySet(models.QuerySet):
    def visible(self) -> PromotionQuerySet:
        """Not soft-deleted."""
        return self.filter(is_deleted=False)

    def active_at(self, at) -> PromotionQuerySet:
        """Active at ``at``: flagged active, not deleted, start <= at <= end (both ends inclusive)."""
        return self.visible().filter(is_active=True, start_datetime__lte=at, end_datetime__gte=at)

    def for_store(self, store_code: str) -> PromotionQuerySet:
        """Targeting ``store_code`` (an empty target list means every store); a promotion without detail never does."""
        return self.filter(discount_rate__isnull=False).filter(
            Q(target_store_codes=[]) | Q(target_store_codes__contains=[store_code])
        )


class Promotion(TimestampedModel):
    """A sales promotion. Soft-deleted rows are history: their code is never reusable.

    ``detail`` (spec/20 §2.9) is stored as three columns; a promotion has a detail iff ``discount_rate`` is set.
    """

    promotion_code = models.CharField(max_length=CODE_LENGTH)
    promotion_type = models.CharField(max_length=CODE_LENGTH)
    name = models.CharField(max_length=TEXT_LENGTH)
    description = models.TextField(null=True, blank=True)
    start_datetime = models.DateTimeField()
    end_datetime = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    is_deleted = models.BooleanField(default=False)
    target_store_codes = models.JSONField(default=list, blank=True)
    target_category_codes = models.JSONField(default=list, blank=True)
    discount_rate = models.DecimalField(null=True, blank=True, max_digits=7, decimal_places=4)

    objects = PromotionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["promotion_code"],
                name="masterdata_promotion_code_unique",
                violation_error_message=_("A promotion with this code already exists (possibly deleted)."),
            ),
            models.CheckConstraint(
                condition=Q(end_datetime__gt=models.F("start_datetime")),
                name="masterdata_promotion_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__isnull=True) | Q(discount_rate__gt=0, discount_rate__lte=100),
                name="masterdata_promotion_rate_range",
                violation_error_message=_("The discount rate must be greater than 0 and at most 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promotion_code} {self.name}"

    @property
    def has_detail(self) -> bool:
        return self.discount_rate is not None


class DataVersion(models.Model):
    """The tenant's data version (``apps.core.cache``): one row, changed in the transaction of every write to
    master data or stores (``services.data_version``), read with the terminal's credential on each cart request.
    Absent until the first such write."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.version)
