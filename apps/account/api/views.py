"""Account endpoints (spec/10 §4): thin adapters over ``apps.account.services``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.account import services
from apps.account.api.serializers import (
    RegisterSerializer,
    RegisterUserSerializer,
    TokenFormSerializer,
    user_account_data,
)
from apps.core.api.authentication import UserJWTAuthentication
from apps.core.api.views import KugelposViewSet


class RegisterUserAuthentication(UserJWTAuthentication):
    no_credential_message = "Not authenticated"


class AccountViewSet(KugelposViewSet):
    authentication_classes: list = []
    requires_tenant = False
    input_serializers = {"register": RegisterSerializer}

    @extend_schema(request=RegisterSerializer, responses={201: dict})
    def register(self, request: Request):
        body = self.validated_body()
        user = services.account_register_superuser(
            username=body["username"], password=body["password"], tenant_id=body.get("tenant_id")
        )
        return self.respond(
            user_account_data(user),
            message="User registration successful",
            operation="register_super_user",
            status=201,
        )


TOKEN_BODY = {
    "type": "object",
    "required": ["access_token", "token_type"],
    "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string", "enum": ["bearer"]}},
}


class TokenViewSet(KugelposViewSet):
    """``POST /api/v1/accounts/token``: form login; the answer is bare JSON, not the envelope."""

    authentication_classes: list = []
    parser_classes = [FormParser, MultiPartParser]
    requires_tenant = False
    input_serializers = {"token": TokenFormSerializer}

    @extend_schema(request={"application/x-www-form-urlencoded": TokenFormSerializer}, responses={200: TOKEN_BODY})
    def token(self, request: Request) -> Response:
        body = self.validated_body()
        access_token = services.account_login(
            username=body["username"],
            password=body["password"],
            tenant_id=body.get("client_id") or None,
            client_ip=request.META.get("REMOTE_ADDR") or None,
        )
        return Response({"access_token": access_token, "token_type": "bearer"})


class RegisterUserViewSet(KugelposViewSet):
    authentication_classes = [RegisterUserAuthentication]
    input_serializers = {"register_user": RegisterUserSerializer}

    @extend_schema(request=RegisterUserSerializer, responses={201: dict})
    def register_user(self, request: Request):
        body = self.validated_body()
        user = services.account_register_user(
            credential=self.credential, username=body["username"], password=body["password"]
        )
        return self.respond(
            user_account_data(user),
            message="User registration successful",
            operation="register_user_by_superuser",
            status=201,
        )
