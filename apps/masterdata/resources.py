"""CSV import/export of the back office (django-import-export) for categories, items, store prices and staff.

Rows are written through the same services as the API, so they meet the same rules (an item code stays unique
among deleted items, a store price needs a live item, ...). Imports are transactional: one bad row - invalid value,
failed rule or database error - and the whole file is rolled back, nothing is written.

Ours (issue #20), beyond the API's rules: a file may not bring in a negative price (the models' validators), a tax
code the tax master does not have, or an item whose category does not exist; the preview lists each such row.
"""

from __future__ import annotations

from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from . import selectors, services
from .models import Category, Item, ItemStorePrice, Staff


class StringListWidget(widgets.Widget):
    """A list of strings in one cell, ``a|b|c`` (empty cell = empty list)."""

    def __init__(self, separator: str = "|") -> None:
        super().__init__()
        self.separator = separator

    def clean(self, value, row=None, **kwargs) -> list[str]:
        if value is None or str(value).strip() == "":
            return []
        return [part.strip() for part in str(value).split(self.separator)]

    def render(self, value, obj=None, **kwargs) -> str:
        return self.separator.join(value or [])


class MoneyWidget(widgets.DecimalWidget):
    """A decimal amount; a non-number is a row validation error naming the value (not a bare decimal error)."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except InvalidOperation:
            raise ValueError(_("%(value)s is not a number") % {"value": repr(value)}) from None


def adopt(target, saved) -> None:
    """Make ``target`` (the object being imported or edited) the row a service saved: same pk and values."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


def unknown_tax_code(tax_code: str) -> ValidationError | None:
    known = [tax.tax_code for tax in selectors.tax_table()]
    if tax_code in known:
        return None
    return ValidationError(_("Unknown tax code %(code)s: the tax master has %(known)s."),
                           params={"code": tax_code, "known": ", ".join(known)})


class ServiceResource(resources.ModelResource):
    """Saves each row with the entity's service (``create``/``update`` hooks) instead of ``Model.save``.

    ``row_errors`` adds a resource's own checks of a row to the field errors of its import and model validation.
    """

    def row_errors(self, instance) -> dict[str, ValidationError]:
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, error in self.row_errors(instance).items():
            errors.setdefault(name, error)  # a value that did not even parse keeps its own message
        super().validate_instance(instance, errors, validate_unique)

    def create(self, instance):  # pragma: no cover - every resource overrides
        raise NotImplementedError

    def update(self, instance):  # pragma: no cover - every resource overrides
        raise NotImplementedError

    def do_instance_save(self, instance, is_create):
        adopt(instance, self.create(instance) if is_create else self.update(instance))


class CategoryResource(ServiceResource):
    class Meta:
        model = Category
        fields = ("category_code", "description", "description_short", "tax_code")
        import_id_fields = ("category_code",)
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True

    def row_errors(self, instance) -> dict[str, ValidationError]:
        error = unknown_tax_code(instance.tax_code) if instance.tax_code else None  # blank: no tax code
        return {"tax_code": error} if error else {}

    def create(self, instance):
        return services.category_create(**self._values(instance))

    def update(self, instance):
        return services.category_update(**self._values(instance))

    @staticmethod
    def _values(instance) -> dict:
        return {
            "category_code": instance.category_code,
            "description": instance.description,
            "description_short": instance.description_short,
            "tax_code": instance.tax_code,
        }


class ItemResource(ServiceResource):
    unit_price = fields.Field(attribute="unit_price", column_name="unit_price", widget=MoneyWidget())
    unit_cost = fields.Field(attribute="unit_cost", column_name="unit_cost", widget=MoneyWidget())
    item_details = fields.Field(attribute="item_details", column_name="item_details", widget=StringListWidget())
    image_urls = fields.Field(attribute="image_urls", column_name="image_urls", widget=StringListWidget())
    # Exported, never imported: logical deletion is a command (admin delete, API), not a column a file may flip.
    is_deleted = fields.Field(
        attribute="is_deleted", column_name="is_deleted", readonly=True, widget=widgets.BooleanWidget()
    )

    class Meta:
        model = Item
        fields = (
            "item_code", "description", "description_short", "description_long", "unit_price", "unit_cost",
            "item_details", "image_urls", "category_code", "tax_code", "is_discount_restricted", "is_deleted",
        )
        import_id_fields = ("item_code",)
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.category_codes = set(Category.objects.values_list("category_code", flat=True))

    def row_errors(self, instance) -> dict[str, ValidationError]:
        errors = {}
        if instance.tax_code and (error := unknown_tax_code(instance.tax_code)):
            errors["tax_code"] = error
        if instance.category_code and instance.category_code not in self.category_codes:
            errors["category_code"] = ValidationError(_("Unknown category code %(code)s."),
                                                      params={"code": instance.category_code})
        return errors

    @staticmethod
    def _values(instance) -> dict:
        return {
            "item_code": instance.item_code,
            "description": instance.description,
            "unit_price": instance.unit_price,
            "unit_cost": instance.unit_cost,
            "item_details": instance.item_details,
            "image_urls": instance.image_urls,
            "category_code": instance.category_code,
            "tax_code": instance.tax_code,
            "is_discount_restricted": instance.is_discount_restricted,
            "description_short": instance.description_short,
            "description_long": instance.description_long,
        }

    def create(self, instance):
        return services.item_create(**self._values(instance))

    def update(self, instance):
        return services.item_update(**self._values(instance))


class StorePriceResource(ServiceResource):
    item_code = fields.Field(attribute="item_id", column_name="item_code")
    store_price = fields.Field(attribute="store_price", column_name="store_price", widget=MoneyWidget())

    class Meta:
        model = ItemStorePrice
        fields = ("store_code", "item_code", "store_price")
        import_id_fields = ("store_code", "item_code")
        use_transactions = True
        clean_model_instances = False  # the (store, item) pair and the live item are the service's checks
        skip_unchanged = True

    def row_errors(self, instance) -> dict[str, ValidationError]:
        """The price's own validators (not negative), as a full clean would run them."""
        field = ItemStorePrice._meta.get_field("store_price")
        try:
            field.run_validators(instance.store_price)
        except ValidationError as error:
            return {"store_price": error}
        return {}

    def create(self, instance):
        return services.store_price_create(
            store_code=instance.store_code, item_code=instance.item_id, store_price=instance.store_price
        )

    def update(self, instance):
        return services.store_price_update(
            store_code=instance.store_code, item_code=instance.item_id, store_price=instance.store_price
        )


class StaffResource(ServiceResource):
    roles = fields.Field(attribute="roles", column_name="roles", widget=StringListWidget())

    class Meta:
        model = Staff
        fields = ("staff_id", "name", "pin", "roles")
        import_id_fields = ("staff_id",)
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True

    def get_export_order(self):
        """Never the PIN: it is imported (a new staff member needs one) but never leaves the system again."""
        return tuple(name for name in super().get_export_order() if name != "pin")

    def create(self, instance):
        return services.staff_create(
            staff_id=instance.staff_id, name=instance.name, pin=instance.pin, roles=instance.roles
        )

    def update(self, instance):
        return services.staff_update(
            staff_id=instance.staff_id, name=instance.name, pin=instance.pin, roles=instance.roles
        )
