"""factory-boy factories of master data (use inside ``tenant_context``). Business fields are fixed values."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from apps.masterdata import models


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Category

    category_code = factory.Sequence(lambda n: f"C{n:03d}")
    description = factory.Faker("word")
    description_short = "short"
    tax_code = "01"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Item

    item_code = factory.Sequence(lambda n: f"49-{n:04d}")
    description = factory.Faker("word")
    unit_price = Decimal("100")
    unit_cost = Decimal("50")
    item_details = factory.LazyFunction(list)
    image_urls = factory.LazyFunction(list)
    category_code = "001"
    tax_code = "01"


class StorePriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ItemStorePrice

    store_code = "5678"
    item = factory.SubFactory(ItemFactory)
    store_price = Decimal("90")


class PaymentMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PaymentMethod

    payment_code = factory.Sequence(lambda n: f"{n + 20:02d}")
    description = factory.Faker("word")
    limit_amount = Decimal("0")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Staff

    staff_id = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Faker("first_name")
    pin = "1234"
    roles = factory.LazyFunction(lambda: ["staff"])


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Promotion

    promotion_code = factory.Sequence(lambda n: f"PROMO{n:03d}")
    promotion_type = "category_discount"
    name = factory.Faker("word")
    start_datetime = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    end_datetime = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    target_store_codes = factory.LazyFunction(list)
    target_category_codes = factory.LazyFunction(lambda: ["BEV"])
    discount_rate = Decimal("10")


class ItemBookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ItemBook

    item_book_id = factory.Sequence(lambda n: f"20250301-{n + 1:04d}")
    title = "grand menu"
    categories = factory.LazyFunction(list)
