"""The tax master (spec/20 §6.4, spec/00 §8.4): deployment configuration, the same for every tenant.

``settings.TAX_MASTER`` (a list of dicts with the keys below) overrides the default table; the cart reads the same
configuration through ``apps.masterdata.selectors.tax_table``.
"""

from __future__ import annotations

DEFAULT_TAX_MASTER: list[dict] = [
    {"tax_code": "00", "tax_type": "Exempt", "tax_name": "非課税", "rate": 0.0, "round_digit": 0, "round_method": None},
    {"tax_code": "01", "tax_type": "External", "tax_name": "外税10%", "rate": 10.0, "round_digit": -1,
     "round_method": "Floor"},
    {"tax_code": "02", "tax_type": "Internal", "tax_name": "内税10%", "rate": 10.0, "round_digit": -1,
     "round_method": "Floor"},
    {"tax_code": "11", "tax_type": "External", "tax_name": "外税 8%", "rate": 8.0, "round_digit": -1,
     "round_method": "Floor"},
    {"tax_code": "12", "tax_type": "Internal", "tax_name": "内税 8%", "rate": 8.0, "round_digit": -1,
     "round_method": "Floor"},
]


def tax_master_config() -> list[dict]:
    from django.conf import settings

    return getattr(settings, "TAX_MASTER", None) or DEFAULT_TAX_MASTER
