"""Back office: the tenant's users, their roles (the Clerk and Store manager groups, ``roles.py``) and the stores
they work in (``User.stores``, read by ``access.py``)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.admin import StoreTimeMixin
from apps.core.store_choices import store_choices

from .models import User

STORES_HELP = _("The back office shows this user these stores only, and lets them act on these only. "
                "A superuser works in every store.")


def stores_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=_("Stores"), required=False, widget=forms.CheckboxSelectMultiple,
                                     help_text=STORES_HELP)


class StoresFormMixin:
    """``stores`` as ticks of the tenant's stores by name (the terminal app names them, ``apps.core.store_choices``);
    a code the user holds that is no longer a store stays offered, so saving the form does not drop it silently."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = store_choices()
        codes = {code for code, _name in known}
        held = [code for code in (getattr(self.instance, "stores", None) or []) if code not in codes]
        self.fields["stores"].choices = [(code, f"{code} {name}") for code, name in known] + [
            (code, code) for code in held
        ]


class UserAdminChangeForm(StoresFormMixin, UserChangeForm):
    stores = stores_field()


class UserAdminCreationForm(StoresFormMixin, AdminUserCreationForm):
    stores = stores_field()


@admin.register(User)
class UserAdmin(StoreTimeMixin, DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ("username", "role_names", "store_codes", "is_superuser", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_superuser", "is_staff", "is_active")
    search_fields = ("username",)
    ordering = ("username",)
    filter_horizontal = ("user_permissions",)
    readonly_fields = ("tenant_id", "created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("username", "password", "tenant_id")}),
        (_("Roles and stores"), {"fields": ("is_active", "is_staff", "groups", "stores")}),
        (pgettext_lazy("user admin", "Permissions"),
         {"classes": ("collapse",), "fields": ("is_superuser", "user_permissions")}),
        (_("Dates"), {"fields": ("created_at", "updated_at", "last_login")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Roles and stores"), {"classes": ("wide",), "fields": ("is_staff", "groups", "stores")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":  # a few roles: ticks, not the two-list picker
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs.setdefault("label", _("Roles"))
            kwargs.setdefault("help_text", _("Clerk: views the shop. Store manager: also operates terminals, "
                                             "voids and returns, receives and counts stock."))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all()))

    @admin.display(description=_("stores"))
    def store_codes(self, obj: User) -> str:
        if obj.is_superuser:
            return _("every store")
        return ", ".join(obj.stores or [])

    def save_model(self, request, obj, form, change):
        if change:
            obj.updated_at = timezone.now()
        else:
            obj.tenant_id = request.tenant.tenant_id
        super().save_model(request, obj, form, change)
