"""Account request and response shapes (spec/10 §4)."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api.serializers import CamelCaseSerializer, StrictCharField
from apps.core.formats import iso_app
from apps.core.tenancy import TENANT_ID_PATTERN

MASK = "*****"


class RegisterSerializer(CamelCaseSerializer):
    username = StrictCharField(allow_blank=True, trim_whitespace=False, max_length=150)
    password = StrictCharField(allow_blank=True, trim_whitespace=False)
    tenant_id = StrictCharField(required=False, allow_null=True)

    def validate_tenant_id(self, value: str | None) -> str | None:
        if value is not None and not TENANT_ID_PATTERN.match(value):
            raise serializers.ValidationError(
                "Tenant id must be 1-50 letters, digits or underscores (no '-')"
            )
        return value


class RegisterUserSerializer(RegisterSerializer):
    """The body ``tenantId`` is accepted and ignored: the user joins the caller's tenant."""


class TokenFormSerializer(serializers.Serializer):
    """OAuth2 password form: snake_case form fields."""

    username = serializers.CharField(allow_blank=True, trim_whitespace=False)
    password = serializers.CharField(allow_blank=True, trim_whitespace=False)
    client_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    grant_type = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    scope = serializers.CharField(required=False, allow_blank=True)
    client_secret = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    def validate_grant_type(self, value: str | None) -> str | None:
        if value not in (None, "password"):
            raise serializers.ValidationError("String should match pattern '^password$'")
        return value


def user_account_data(user) -> dict:
    """UserAccount ``data`` in the spec's key order; password and hash are never returned."""
    return {
        "username": user.username,
        "password": MASK,
        "tenantId": user.tenant_id,
        "hashedPassword": MASK,
        "isSuperuser": user.is_superuser,
        "isActive": user.is_active,
        "createdAt": iso_app(user.created_at),
        "updatedAt": iso_app(user.updated_at),
        "lastLogin": iso_app(user.last_login),
    }
