"""Terminal service commands (spec/10 §5-§7). Import from here; the modules split them by sub-domain:

- ``tenants``: tenant info and stores (T1-T9);
- ``terminals``: terminals, API keys, sign-in/out, function mode, token exchange, delivery status;
- ``sessions``: open, close, cash in/out, their logs and events, and the cart's close-statistics hook.
"""

from .sessions import (
    CloseStatsProvider,
    SessionResult,
    register_close_stats_provider,
    terminal_cash_in,
    terminal_cash_out,
    terminal_close,
    terminal_open,
)
from .tenants import (
    store_create,
    store_delete,
    store_get,
    store_list,
    store_update,
    tenant_info_create,
    tenant_info_delete,
    tenant_info_get,
    tenant_info_update,
)
from .terminals import (
    IssuedToken,
    Staff,
    staff_find,
    terminal_api_key,
    terminal_create,
    terminal_delete,
    terminal_delivery_status_update,
    terminal_id_for,
    terminal_locked,
    terminal_required,
    terminal_sign_in,
    terminal_sign_out,
    terminal_token_exchange,
    terminal_update_description,
    terminal_update_function_mode,
)

__all__ = [
    "CloseStatsProvider",
    "IssuedToken",
    "SessionResult",
    "Staff",
    "register_close_stats_provider",
    "staff_find",
    "store_create",
    "store_delete",
    "store_get",
    "store_list",
    "store_update",
    "tenant_info_create",
    "tenant_info_delete",
    "tenant_info_get",
    "tenant_info_update",
    "terminal_api_key",
    "terminal_cash_in",
    "terminal_cash_out",
    "terminal_close",
    "terminal_create",
    "terminal_delete",
    "terminal_delivery_status_update",
    "terminal_id_for",
    "terminal_locked",
    "terminal_open",
    "terminal_required",
    "terminal_sign_in",
    "terminal_sign_out",
    "terminal_token_exchange",
    "terminal_update_description",
    "terminal_update_function_mode",
]
