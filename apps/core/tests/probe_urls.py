"""A probe endpoint for testing the shared API machinery (envelope, paging, casing, auth, tenancy) on its own.

It lists the users of the caller's tenant and echoes a validated body, the way domain endpoints will.
"""

from django.urls import path
from rest_framework import serializers

from apps.account.models import User
from apps.core.api.authentication import EitherAuthentication, UserJWTAuthentication
from apps.core.api.serializers import CamelCaseSerializer, MoneyField, StrictCharField
from apps.core.api.views import KugelposViewSet
from apps.core.paging import page_metadata, paginate
from apps.core.urls import api_path
from kugelpos.urls import urlpatterns as project_urlpatterns


class ProbeItemSerializer(CamelCaseSerializer):
    item_code = StrictCharField()
    unit_price = MoneyField()
    tax_code_1 = serializers.CharField(required=False)
    item_details = serializers.ListField(child=serializers.CharField(), required=False)
    additional_info = serializers.DictField(required=False)


class ProbeViewSet(KugelposViewSet):
    authentication_classes = [EitherAuthentication]
    input_serializers = {"create": ProbeItemSerializer}

    def list(self, request, tenant_id):
        paging = self.paging(default_sort="username:1", sort_fields={"username", "created_at"})
        rows, total = paginate(User.objects.all(), paging)
        return self.respond(
            [{"userName": row.username} for row in rows],
            message="probe list",
            operation="probe_list",
            metadata=page_metadata(total, paging, filter={"tenant_id": tenant_id}),
        )

    def create(self, request, tenant_id):
        body = self.validated_body()
        return self.respond(ProbeItemSerializer(body).data, message="probe created", operation="probe", status=201)


class UserOnlyProbeViewSet(KugelposViewSet):
    authentication_classes = [UserJWTAuthentication]

    def list(self, request, tenant_id):
        return self.respond([], message="ok", operation=None)


def stream_view(request):
    """A streaming response (the ASGI handler closes it only after the last chunk has been sent)."""
    from django.http import StreamingHttpResponse

    async def chunks():
        yield b"one,"
        yield b"two"

    return StreamingHttpResponse(chunks(), content_type="text/plain")


def loop_thread_view(request):
    """What an inline request (``kugelpos.inline``) finds on the event loop's thread: a database it may
    use, and ``async_to_sync`` (a channel-layer send does that) working."""
    import asyncio
    import threading

    from asgiref.sync import async_to_sync
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 41 + 1")
        (answer,) = cursor.fetchone()

    async def sent() -> str:
        await asyncio.sleep(0)
        return "sent"

    return JsonResponse({"answer": answer, "sent": async_to_sync(sent)(), "thread": threading.get_ident()})


urlpatterns = [
    path("probe/stream", stream_view),
    path("probe/loop-thread", loop_thread_view),
    api_path("probe/api/v1/tenants/{tenant_id}/items", ProbeViewSet.as_view({"get": "list", "post": "create"})),
    api_path("probe/api/v1/tenants/{tenant_id}/admin", UserOnlyProbeViewSet.as_view({"get": "list"})),
    *project_urlpatterns,
]

handler404 = "apps.core.api.exceptions.not_found_view"
handler500 = "apps.core.api.exceptions.server_error_view"
