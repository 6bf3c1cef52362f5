"""Report plugins (spec/40 §3.4-§3.8): one module per report type, registered by configuration.

``REPORT_PLUGINS`` (a Django setting, optional) maps a ``report_type`` to the dotted path of its plugin class;
the default table below is used when the setting is absent. Adding a report type is adding a module and a line.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ReportPlugin, ReportRequest

DEFAULT_REPORT_PLUGINS = {
    "sales": "apps.report.plugins.sales.SalesReportPlugin",
    "category": "apps.report.plugins.category.CategoryReportPlugin",
    "item": "apps.report.plugins.item.ItemReportPlugin",
    "payment": "apps.report.plugins.payment.PaymentReportPlugin",
    "promotion": "apps.report.plugins.promotion.PromotionReportPlugin",
}


def plugin_table() -> dict[str, str]:
    return dict(getattr(settings, "REPORT_PLUGINS", DEFAULT_REPORT_PLUGINS))


@lru_cache(maxsize=32)
def _load(path: str) -> ReportPlugin:
    return import_string(path)()


def report_plugin(report_type: str) -> ReportPlugin | None:
    """The plugin registered for ``report_type``, or None (the caller answers 404 ``412001``)."""
    path = plugin_table().get(report_type)
    return None if path is None else _load(path)


__all__ = ["DEFAULT_REPORT_PLUGINS", "ReportPlugin", "ReportRequest", "plugin_table", "report_plugin"]
