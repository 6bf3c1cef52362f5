"""``{{ value|qty }}``: a quantity as people read it (``1,200``; ``2.5`` only when fractional), as the admin's
quantity columns show it (``apps.core.admin.quantity``)."""

from django import template

from apps.core.admin import quantity

register = template.Library()


@register.filter
def qty(value) -> str:
    return quantity(value)
