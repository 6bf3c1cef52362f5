"""Back office: tenant info, stores and terminals (writes go through the same services as the API), and the cash
and open/close logs (read-only: they are written only by terminal operations).

Forms pre-check what a service would refuse, so the manager sees a form error instead of a failed request; the
service still enforces every rule (and its constraint) on save.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.account.access import filter_by_store, may_use_store
from apps.core.admin import ReadOnlyAdmin, StoreTimeMixin, money_column
from apps.core.errors import KugelposError
from apps.core.store_choices import register_store_choices
from apps.masterdata.admin_forms import register_store_source

from . import selectors, services, states
from .models import CashLog, OpenCloseLog, Store, TenantInfo, Terminal


def _tenant_id() -> str:
    return connection.tenant.tenant_id


# --- the tenant's name on every back-office page (header and window title) ----------------------------------
def _tenant_name() -> str:
    tenant_id = getattr(getattr(connection, "tenant", None), "tenant_id", None)
    if not tenant_id:
        return "Kugelpos"
    name = TenantInfo.objects.filter(tenant_id=tenant_id).values_list("tenant_name", flat=True).first()
    return name or tenant_id


admin.site.site_header = lazy(lambda: _("%(tenant)s · Back office") % {"tenant": _tenant_name()}, str)()
admin.site.site_title = lazy(lambda: _("%(tenant)s back office") % {"tenant": _tenant_name()}, str)()
admin.site.index_title = gettext_lazy("Store management")

# the master data's store pickers (promotion target stores) offer this tenant's stores by name
register_store_source(selectors.store_names)
# ... and so does the user admin's "stores" field (apps.account sits below terminal)
register_store_choices(selectors.store_names)


class StoreScopedMixin:
    """Rows of the user's stores only (``apps.account.access``; a superuser sees all). A direct URL to a row of
    another store is refused (403) instead of the admin's "does not exist" redirect."""

    store_field = "store_code"

    def get_queryset(self, request):
        return filter_by_store(request.user, super().get_queryset(request), self.store_field)

    def _refuse_out_of_scope(self, request, object_id) -> None:
        if object_id is None:
            return
        try:
            pk = unquote(object_id)
            hidden = (not self.get_queryset(request).filter(pk=pk).exists()
                      and self.model._default_manager.filter(pk=pk).exists())
        except (ValidationError, ValueError):
            return
        if hidden:
            raise PermissionDenied

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._refuse_out_of_scope(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_out_of_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._refuse_out_of_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)


class ServiceBackedAdmin(StoreTimeMixin, admin.ModelAdmin):
    """Saves and deletes through services; ``_create``/``_update``/``_delete`` name the service calls."""

    def _create(self, obj, form):
        raise NotImplementedError

    def _update(self, obj, form) -> None:
        raise NotImplementedError

    def _delete(self, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            self._update(obj, form)
        else:
            obj.pk = self._create(obj, form).pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        self._delete(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._delete(obj)


# --- tenant info and stores ---------------------------------------------------------------------------------
@admin.register(TenantInfo)
class TenantInfoAdmin(ServiceBackedAdmin):
    list_display = ("tenant_id", "tenant_name", "tags", "store_count", "created_at", "updated_at")
    search_fields = ("tenant_name",)
    fields = ("tenant_id", "tenant_name", "tags", "created_at", "updated_at")
    readonly_fields = ("tenant_id", "created_at", "updated_at")

    @admin.display(description=gettext_lazy("number of stores"))
    def store_count(self, obj: TenantInfo) -> int:
        return obj.stores.count()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("stores")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not TenantInfo.objects.exists()

    def _create(self, obj, form):
        return services.tenant_info_create(tenant_id=_tenant_id(), tenant_name=obj.tenant_name, tags=obj.tags or [])

    def _update(self, obj, form):
        services.tenant_info_update(tenant_id=obj.tenant_id, tenant_name=obj.tenant_name, tags=obj.tags or [])

    def _delete(self, obj):
        services.tenant_info_delete(tenant_id=obj.tenant_id)


class StoreAdminForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = ("store_code", "store_name", "status", "business_date", "tags")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            if selectors.tenant_info_find(tenant_id=_tenant_id()) is None:
                raise ValidationError(_("Create the tenant info first: stores belong to it."))
            code = data.get("store_code")
            if code and "-" in code:
                self.add_error("store_code", _("A store code must not contain '-'."))
            elif code and selectors.store_get(store_code=code) is not None:
                self.add_error("store_code", _("Store %(code)s already exists.") % {"code": code})
        return data


@admin.register(Store)
class StoreAdmin(StoreScopedMixin, ServiceBackedAdmin):
    form = StoreAdminForm
    list_display = ("store_code", "store_name", "status", "business_date", "updated_at")
    list_filter = ("status",)
    search_fields = ("store_code", "store_name")
    ordering = ("store_code",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("store_code", "store_name", "tags")
        return ("store_code", "store_name", "status", "business_date", "tags", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("store_code", "created_at", "updated_at")

    def _create(self, obj, form):
        services.store_create(
            tenant_id=_tenant_id(), store_code=obj.store_code, store_name=obj.store_name, tags=obj.tags
        )
        return Store.objects.get(store_code=obj.store_code)

    def _update(self, obj, form):
        services.store_update(
            tenant_id=_tenant_id(),
            store_code=obj.store_code,
            store_name=obj.store_name,
            status=obj.status,
            business_date=obj.business_date,
            tags=obj.tags,
        )

    def _delete(self, obj):
        services.store_delete(tenant_id=_tenant_id(), store_code=obj.store_code)


# --- terminals ----------------------------------------------------------------------------------------------
class TerminalAdminForm(forms.ModelForm):
    function_mode = forms.ChoiceField(choices=[(mode.value, mode.value) for mode in states.FunctionMode],
                                      required=False)

    class Meta:
        model = Terminal
        fields = ("store_code", "terminal_no", "description", "function_mode")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.function_mode
        field = self.fields["function_mode"]
        if current and current not in dict(field.choices):
            field.choices = [*field.choices, (current, current)]

    user = None  # set by TerminalAdmin.get_form: the person adding the terminal

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            code, number = data.get("store_code"), data.get("terminal_no")
            if code and self.user is not None and not may_use_store(self.user, code):
                self.add_error("store_code", _("You do not work in store %(code)s.") % {"code": code})
            elif code and "-" in code:
                self.add_error("store_code", _("A store code must not contain '-'."))
            elif code and number is not None:
                terminal_id = services.terminal_id_for(tenant_id=_tenant_id(), store_code=code, terminal_no=number)
                if selectors.terminal_find(terminal_id=terminal_id) is not None:
                    raise ValidationError(_("Terminal already exists: %(terminal)s") % {"terminal": terminal_id})
        elif "function_mode" in self.changed_data:
            try:
                states.function_mode_check(
                    status=self.instance.status,
                    function_mode=data.get("function_mode", ""),
                    terminal_id=self.instance.terminal_id,
                )
            except KugelposError as exc:
                self.add_error("function_mode", exc.message)
        return data


@admin.register(Terminal)
class TerminalAdmin(StoreScopedMixin, ServiceBackedAdmin):
    form = TerminalAdminForm
    change_list_template = "admin/terminal/terminal/change_list.html"
    list_display = (
        "terminal_id",
        "store_code",
        "terminal_no",
        "status",
        "function_mode",
        "staff_name",
    )  # description, business date and counters: on the detail page
    list_filter = ("status", "store_code", "function_mode")
    search_fields = ("terminal_id", "store_code", "description", "staff_id", "staff_name")
    ordering = ("terminal_id",)
    state_fields = (
        "status",
        "business_date",
        "open_counter",
        "business_counter",
        "initial_amount_money",
        "physical_amount_money",
        "staff_id",
        "staff_name",
    )
    initial_amount_money = money_column("initial_amount", gettext_lazy("initial amount"))
    physical_amount_money = money_column("physical_amount", gettext_lazy("physical amount"))

    @admin.display(description=gettext_lazy("API key"))
    def api_key(self, obj: Terminal) -> str:
        """Masked: the page never carries the key (a page is cached, shared and read by scripts). "Show" posts
        the change form to ``api_key_view``, which needs the change permission and answers with the key."""
        masked = f"••••••••…{services.terminal_api_key(obj)[-4:]}"
        url = reverse("admin:terminal_terminal_api_key", args=[quote(obj.pk)], current_app=self.admin_site.name)
        return format_html(
            '<code>{}</code> <button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate>{}</button>',
            masked,
            url,
            _("Show API key"),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def changelist_view(self, request, extra_context=None):
        extra = {"desk_url": reverse("admin:terminal_terminaldesk_changelist", current_app=self.admin_site.name)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_urls(self):
        view = self.admin_site.admin_view(self.api_key_view)
        return [
            path("<path:object_id>/api-key/", view, name="terminal_terminal_api_key"),
            *super().get_urls(),
        ]

    def api_key_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """``POST <terminal>/api-key/``: the terminal's API key, for a user who may change the terminal (logged)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        self.log_change(request, obj, "Showed the API key.")
        context = {
            **self.admin_site.each_context(request),
            "title": _("API key of %(terminal)s") % {"terminal": obj.terminal_id},
            "opts": self.opts,
            "original": obj,
            "api_key": services.terminal_api_key(obj),
        }
        response = TemplateResponse(request, "admin/terminal/terminal/api_key.html", context)
        patch_cache_control(response, no_store=True, private=True)
        return response

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("store_code", "terminal_no", "description")}),)
        return (
            (None, {"fields": ("terminal_id", ("store_code", "terminal_no"), "description", "function_mode")}),
            (gettext_lazy("State"), {"fields": self.state_fields}),
            (gettext_lazy("Credential"), {"fields": ("api_key",)}),
            (gettext_lazy("Record"), {"classes": ("collapse",), "fields": ("tenant_id", "created_at", "updated_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "terminal_id",
            "tenant_id",
            "store_code",
            "terminal_no",
            *self.state_fields,
            "api_key",
            "created_at",
            "updated_at",
        )

    def _create(self, obj, form):
        return services.terminal_create(
            tenant_id=_tenant_id(), store_code=obj.store_code, terminal_no=obj.terminal_no, description=obj.description
        )

    def _update(self, obj, form):
        if "description" in form.changed_data:
            services.terminal_update_description(terminal_id=obj.terminal_id, description=obj.description)
        if "function_mode" in form.changed_data:
            services.terminal_update_function_mode(terminal_id=obj.terminal_id, function_mode=obj.function_mode)

    def _delete(self, obj):
        services.terminal_delete(terminal_id=obj.terminal_id)


# --- logs (read-only) ---------------------------------------------------------------------------------------
class ReadOnlyLogAdmin(ReadOnlyAdmin):
    list_per_page = 50
    show_full_result_count = False


@admin.register(CashLog)
class CashLogAdmin(StoreScopedMixin, ReadOnlyLogAdmin):
    list_display = (
        "generate_date_time",
        "store_code",
        "terminal_no",
        money_column("amount", gettext_lazy("amount")),
        "description",
        "staff_id",
    )  # business date and open counter: on the detail page
    list_filter = ("store_code", "terminal_no")
    search_fields = ("business_date", "description", "staff_id", "event_id")
    ordering = ("-generate_date_time",)
    exclude = ("receipt_text",)


@admin.register(OpenCloseLog)
class OpenCloseLogAdmin(StoreScopedMixin, ReadOnlyLogAdmin):
    list_display = (
        "generate_date_time",
        "store_code",
        "terminal_no",
        "operation",
        "business_date",
        "staff_id",
    )  # counters: on the detail page
    list_filter = ("operation", "store_code", "terminal_no")
    search_fields = ("business_date", "staff_id", "event_id")
    ordering = ("-generate_date_time",)
    exclude = ("receipt_text",)


from . import desk_admin  # noqa: E402, F401  the "Terminals and cash" page registers itself
