"""Filters of the "Terminals and cash" pages: amounts as people read them (``¥1,234``, ``-¥500``, ``+¥345``)."""

from django import template

from apps.core.admin import money

from ..services.backoffice import signed_amount

register = template.Library()


@register.filter
def yen(value) -> str:
    return "—" if value is None else money(value)


@register.filter
def yen_signed(value) -> str:
    return "—" if value is None else signed_amount(value)
