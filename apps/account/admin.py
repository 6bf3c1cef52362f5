"""Back office: the tenant's users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from apps.core.admin import StoreTimeMixin

from .models import User


@admin.register(User)
class UserAdmin(StoreTimeMixin, DjangoUserAdmin):
    list_display = ("username", "is_superuser", "is_staff", "is_active", "created_at", "last_login")
    list_filter = ("is_superuser", "is_staff", "is_active")
    search_fields = ("username",)
    ordering = ("username",)
    readonly_fields = ("tenant_id", "created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("username", "password", "tenant_id")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("created_at", "updated_at", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "is_staff")}),)

    def save_model(self, request, obj, form, change):
        if change:
            obj.updated_at = timezone.now()
        else:
            obj.tenant_id = request.tenant.tenant_id
        super().save_model(request, obj, form, change)
