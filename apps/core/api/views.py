"""Base view for every API endpoint, plus the root, health and per-service tenant-init endpoints.

``KugelposViewSet`` fixes the check order of spec/00 §2.4 for all apps: method (405), authentication (401) -> request
validation (422) -> path tenant vs credential tenant (400) -> business rules; and it enters the credential's
tenant schema, so a handler only ever sees its caller's tenant.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from apps.core import tenancy
from apps.core.api.authentication import JWTAuthentication
from apps.core.api.exceptions import flatten_validation
from apps.core.api.renderers import EnvelopeResponse
from apps.core.api.schema import HEALTH_BODY, ROOT_BODY
from apps.core.api.serializers import CamelCaseSerializer
from apps.core.auth import Credential
from apps.core.errors import HttpError, KugelposError, NotFoundError, RequestValidationError, TenantMismatchError
from apps.core.health import health_report
from apps.core.idempotency import IdempotentReplay, idempotency_claim
from apps.core.metrics import metrics_allowed
from apps.core.paging import Paging, parse_paging

logger = logging.getLogger(__name__)
BODY_METHODS = ("POST", "PUT", "PATCH")
NUL_MESSAGE = "Null characters are not allowed."  # DRF's text for a NUL in a body string


def _nul_locations(value: Any, loc: tuple[str, ...]):
    """Locations of strings (keys included) that contain a NUL character, anywhere in a parsed body."""
    if isinstance(value, str):
        if "\x00" in value:
            yield loc
    elif hasattr(value, "lists"):  # a form body (QueryDict)
        for key, values in value.lists():
            if "\x00" in str(key) or any("\x00" in str(item) for item in values):
                yield (*loc, str(key))
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                yield (*loc, str(key))
            else:
                yield from _nul_locations(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_locations(item, (*loc, str(index)))


class MethodCheckedFirst:
    """Answer a method the path does not have with 405 before anything else (authentication included), as
    FastAPI's router does: ``PUT /cart/api/v1/carts`` without credentials is 405, not 401. DRF would look the
    handler up only after ``initial`` has authenticated the caller. Then, once the caller is known, the request's
    ``Idempotency-Key`` is claimed (``apps.core.idempotency``)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        idempotency_claim(request, request.user)  # Idempotency-Key: replay, 409, 422 or claim (issue #23)

    def handle_exception(self, exc: Exception):
        if isinstance(exc, IdempotentReplay):  # answered before: the stored answer, nothing runs
            return exc.response
        return super().handle_exception(exc)


class KugelposViewSet(MethodCheckedFirst, ViewSet):
    """Thin adapter base: parse, call one service or selector, render.

    Subclasses set ``authentication_classes`` and, per action, ``input_serializers = {"create": Serializer}``.
    """

    permission_classes = [AllowAny]
    input_serializers: dict[str, type[serializers.Serializer]] = {}
    requires_tenant = True
    path_tenant_kwarg = "tenant_id"

    # --- request lifecycle -------------------------------------------------------------------------------
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        self._refuse_nul_characters(request, kwargs)
        credential: Credential | None = request.user
        request.tenant = None
        if credential is not None and credential.tenant_id:
            request.tenant = tenancy.tenant_get(credential.tenant_id)
            if request.tenant is not None:
                tenancy.activate(request.tenant)
        path_tenant = kwargs.get(self.path_tenant_kwarg)
        if credential is not None and path_tenant is not None and path_tenant != credential.tenant_id:
            self._validated = self._validate_input(request)  # a bad body is reported before the mismatch
            raise self.tenant_mismatch(path_tenant, credential.tenant_id)
        if self.requires_tenant and credential is not None and request.tenant is None:
            raise NotFoundError(f"Tenant not found: {credential.tenant_id}")

    @staticmethod
    def _refuse_nul_characters(request: Request, kwargs: dict) -> None:
        """A NUL in a path or query value is bad input (422), not a database error: PostgreSQL text cannot hold
        one, and every path and query value ends up compared with stored text."""
        errors = [(("path", name), NUL_MESSAGE) for name, value in kwargs.items() if "\x00" in str(value)]
        errors += [
            (("query", name), NUL_MESSAGE)
            for name, values in request.query_params.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        ]
        if errors:
            raise RequestValidationError(errors)

    def tenant_mismatch(self, path_tenant: str, credential_tenant: str) -> KugelposError:
        return TenantMismatchError(path_tenant, credential_tenant)

    # --- input -------------------------------------------------------------------------------------------
    def get_input_serializer_class(self) -> type[serializers.Serializer] | None:
        return self.input_serializers.get(getattr(self, "action", None) or "")

    def _validate_input(self, request: Request) -> dict | None:
        serializer_class = self.get_input_serializer_class()
        if serializer_class is None or request.method not in BODY_METHODS:
            return None
        if request.data is None:  # a JSON ``null`` body: FastAPI's "missing required body" (found by the fuzzer)
            raise RequestValidationError([(("body",), "Field required")])
        data = self.body_data(request)
        nul = list(_nul_locations(data, ("body",)))
        if nul:  # PostgreSQL text and jsonb cannot hold a NUL, wherever it sits in the body
            raise RequestValidationError([(loc, NUL_MESSAGE) for loc in nul])
        plain = getattr(serializer_class, "validate_plain", None)  # a fast path for a hot body, or None
        if plain is not None and (validated := plain(data)) is not None:
            return validated
        serializer = serializer_class(data=data)
        if not serializer.is_valid():
            child = getattr(serializer, "child", serializer)
            camel = isinstance(child, CamelCaseSerializer)
            raise RequestValidationError(flatten_validation(serializer.errors, ("body",), camel=camel))
        return serializer.validated_data

    def body_data(self, request: Request) -> Any:
        data = request.data
        return {} if data is None else data

    def validated_body(self) -> dict:
        """The validated input of this action (validated once; camelCase or snake_case keys accepted)."""
        if getattr(self, "_validated", None) is None:
            self._validated = self._validate_input(self.request)
        return self._validated if self._validated is not None else {}

    def paging(self, **options: Any) -> Paging:
        return parse_paging(self.request.query_params, **options)

    @property
    def credential(self) -> Credential:
        return self.request.user

    # --- output ------------------------------------------------------------------------------------------
    def respond(
        self,
        data: Any,
        *,
        message: str,
        operation: str | None,
        status: int = 200,
        metadata: dict | None = None,
        headers: dict | None = None,
    ) -> EnvelopeResponse:
        return EnvelopeResponse(
            data, message=message, operation=operation, status=status, metadata=metadata, headers=headers
        )


class ServiceRootView(MethodCheckedFirst, APIView):
    """``GET /{prefix}/``: a bare welcome message (typos are on the wire)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    service = ""
    messages = {
        "account": "Welcome to Kugel-POS Auth API. supoorted version: v1",
        "terminal": "Welcome to Kugel-POS Terminal API. supoorted version: v1",
        "master-data": "Welcome to Kugel-POS Master-data Service API. supoorted version: v1",
        "cart": "Welcome to Kugel-POS Cart API. supoorted version: v1",
        "report": "Welcome to Kugel-POS Report API. supoorted version: v1",
        "journal": "Welcome to Kugel-POS Journal API. supoorted version: v1",
        "stock": "Welcome to Kugel-POS Stock API. supported version: v1",
    }

    @extend_schema(responses={200: ROOT_BODY})
    def get(self, request: Request) -> Response:
        return Response({"message": self.messages[self.service]})


class ServiceHealthView(MethodCheckedFirst, APIView):
    """``GET /{prefix}/health``: always 200 (spec/00 §7). ``GET /health`` (the whole system) and ``/health/ready``
    (the database: what a load balancer probes): 503 when unhealthy. ``/health/live``: 200 while the process
    answers. Worker and job names only for callers allowed to see /metrics."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    service = "all"
    SYSTEM_WIDE = ("all", "ready")

    @extend_schema(responses={200: HEALTH_BODY, 503: HEALTH_BODY})
    def get(self, request: Request) -> Response:
        connection.set_schema_to_public()
        report = health_report(self.service, internal=metrics_allowed(request))
        status = 503 if self.service in self.SYSTEM_WIDE and report["status"] != "healthy" else 200
        return Response(report, status=status)


class TenantInitSerializer(CamelCaseSerializer):
    tenant_id = serializers.CharField()


class TenantInitViewSet(KugelposViewSet):
    """Per-service ``POST /{prefix}/api/v1/tenants`` (spec/00 §6.3): ensure the tenant's schema; 201 every time."""

    authentication_classes = [JWTAuthentication]
    input_serializers = {"create": TenantInitSerializer}
    requires_tenant = False

    def failure_message(self, tenant_id: str, cause: str) -> str:
        """Kugelpos' text for a setup failure; report and stock append the cause (spec/00 §6.3)."""
        return f"Error creating tenant: {tenant_id}"

    def create(self, request: Request) -> EnvelopeResponse:
        tenant_id = self.validated_body()["tenant_id"]
        credential_tenant = self.credential.tenant_id
        if tenant_id != credential_tenant:
            raise HttpError(
                400,
                "Tenant ID in request does not match the tenant ID in the URL : "
                f"req.tenant_id->{tenant_id}, tenant_id->{credential_tenant}",
            )
        if not tenancy.is_valid_tenant_id(tenant_id):
            raise HttpError(500, self.failure_message(tenant_id, "invalid tenant id"))
        try:
            tenancy.tenant_ensure(tenant_id=tenant_id)
        except Exception as exc:  # noqa: BLE001 - spec: any setup failure is a 500 with code 100000
            logger.exception("storage of tenant %s not created", tenant_id)
            raise HttpError(500, self.failure_message(tenant_id, str(exc))) from exc
        return self.respond(
            {"tenantId": tenant_id},
            message=f"Creating tenant has completed: {tenant_id}",
            operation="create_tenant",
            status=201,
        )
