"""The back office's store scope as admin pieces, one for every app (issue #22): a store filter offering the
stores the user works in (named by ``apps.core.store_choices``), and a mixin narrowing a list to those stores."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.store_choices import store_choices

from .access import filter_by_store, may_use_store


class UserStoreFilter(admin.SimpleListFilter):
    """The stores the user works in, as ``001 Ginza`` (every store for a superuser), on ``store_code``."""

    title = _("store")
    parameter_name = "store_code"

    def lookups(self, request, model_admin):
        return [(code, f"{code} {name}".strip()) for code, name in store_choices() if may_use_store(request.user, code)]

    def queryset(self, request, queryset):
        return queryset if self.value() is None else queryset.filter(store_code=self.value())


class StoreScopedAdmin:
    """Rows of the stores the signed-in user works in only (``apps.account.access``)."""

    store_field = "store_code"

    def get_queryset(self, request):
        return filter_by_store(request.user, super().get_queryset(request), self.store_field)
