"""Names of this app's models and fields as the back office shows them, translatable without a migration
(applied by ``AppConfig.ready()`` through ``apps.core.verbose_names``). Only names the models leave to Django."""

from django.utils.translation import gettext_lazy as _

FIELD_NAMES = {
    "tenant_id": _("tenant id"),
    "store_code": _("store code"),
    "terminal_no": _("terminal no"),
    "transaction_no": _("transaction no"),
    "transaction_type": _("transaction type"),
    "business_date": _("business date"),
    "open_counter": _("open counter"),
    "business_counter": _("business counter"),
    "generate_date_time": _("generate date time"),
    "receipt_no": _("receipt no"),
    "amount": _("amount"),
    "quantity": _("quantity"),
    "staff_id": _("staff id"),
    "user_id": _("user id"),
    "journal_text": _("journal text"),
    "receipt_text": _("receipt text"),
    "created_at": _("created at"),
    "updated_at": _("updated at"),
    "chain_seq": _("journal seq"),
    "chain_hash": _("hash"),
    "last_seq": _("last journal seq"),
    "last_hash": _("last hash"),
}
