"""Inputs at and beyond the limits (issue 20, "never a 5xx"): oversized bodies (413), deeply nested JSON (422),
numbers beyond their columns (422), a static path that climbs out of the static folders (404). Each changes
nothing."""

import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from apps.core.api.parsers import MAX_JSON_DEPTH, nesting_depth
from apps.core.auth import service_token
from apps.core.limits import INT32, INT64, int_params, parse_int
from apps.core.tenancy import tenant_context
from apps.core.tests.test_asgi import http_get
from kugelpos.asgi import application
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

CATEGORIES = f"/master-data/api/v1/tenants/{TENANT_A}/categories"


def categories_written() -> int:
    from apps.masterdata.models import Category

    with tenant_context(TENANT_A):
        return Category.objects.count()


def post_raw(api, token, body: bytes | str, path: str = CATEGORIES):
    return api.generic("POST", path, body, content_type="application/json", **bearer(token))


# --- bodies over the upload limit ---------------------------------------------------------------------------
def test_a_body_over_the_upload_limit_is_a_413_envelope_and_writes_nothing(api, token_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"categoryCode": "C1", "description": "x" * 2000, "descriptionShort": "", "taxCode": ""})
    response = post_raw(api, token_a, body)
    assert response.status_code == 413
    data = response.json()
    assert data["success"] is False and data["code"] == 413
    assert data["user_error"]["code"] == "100000"
    assert data["message"] == "Request body too large: more than 1000 bytes"
    assert categories_written() == 0
    small = json.dumps({"categoryCode": "C1", "description": "x", "descriptionShort": "", "taxCode": ""})
    assert post_raw(api, token_a, small).status_code == 201  # under the limit: as before


def asgi_post(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes, bool]:
    """POST through the ASGI application; ``(status, body, whether the app read every chunk)``."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }

    async def exchange():
        communicator = ApplicationCommunicator(application, scope)
        for index, chunk in enumerate(chunks):
            await communicator.send_input(
                {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1})
        start = await communicator.receive_output(5)
        body = b""
        while True:
            message = await communicator.receive_output(5)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(5)
        return start["status"], body, communicator.input_queue.empty()

    return async_to_sync(exchange)()


def test_over_asgi_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(token_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    chunks = [b"[" + b" " * 999, b" " * 1000, b"]"]
    status, body, read_all = asgi_post(CATEGORIES, chunks, [(b"content-length", b"2001"),
                                                            (b"authorization", f"Bearer {token_a}".encode())])
    assert status == 413
    assert json.loads(body)["message"] == "Request body too large: more than 1000 bytes"
    assert json.loads(body)["user_error"]["code"] == "100000"
    assert not read_all  # refused on its headers: the rest of the body was never taken in
    assert categories_written() == 0


def test_over_asgi_a_body_without_length_is_cut_off_at_the_limit(token_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    chunks = [b"[" + b" " * 999, b" " * 1000, b" " * 1000, b"]"]
    status, body, read_all = asgi_post(CATEGORIES, chunks, [(b"authorization", f"Bearer {token_a}".encode())])
    assert status == 413 and json.loads(body)["code"] == 413
    assert not read_all  # reading stopped once the limit was passed
    assert categories_written() == 0


def test_over_asgi_a_body_within_the_limit_reaches_the_view():
    # (a body the view refuses: the ASGI request runs on its own connection, outside this test's transaction, where
    # the test's user does not exist: a service JWT names no user row)
    token = service_token(service="test", tenant_id=TENANT_A)
    body = json.dumps({"categoryCode": "C2"}).encode()
    status, answer, read_all = asgi_post(CATEGORIES, [body[:10], body[10:]],
                                         [(b"content-length", str(len(body)).encode()),
                                          (b"authorization", f"Bearer {token}".encode())])
    assert status == 422 and read_all
    assert json.loads(answer)["message"].startswith("Invalid input data: body -> description: Field required")


# --- nesting --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    "[" * 2000 + "]" * 2000,
    '{"a":' * 2000 + "1" + "}" * 2000,
    json.dumps({"categoryCode": "C1", "description": "d", "extra": [[[[[[[[[[]]]]]]]]]] * 1}).replace(
        "[]", "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)),
])
def test_json_nested_too_deep_is_a_422_decode_error_and_writes_nothing(api, token_a, body):
    response = post_raw(api, token_a, body)
    assert response.status_code == 422
    data = response.json()
    assert data["user_error"]["code"] == "300001"
    assert data["message"] == "Invalid input data: body -> 0: JSON decode error"
    assert categories_written() == 0


def test_json_nested_within_the_bound_is_parsed_as_before(api, token_a):
    body = {"categoryCode": "C1", "description": "d", "descriptionShort": "", "taxCode": "",
            "ignored": json.loads("[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1))}
    assert post_raw(api, token_a, json.dumps(body)).status_code == 201
    # many objects side by side are wide, not deep
    wide = {"categoryCode": "C2", "description": "d", "descriptionShort": "", "taxCode": "",
            "ignored": [{"a": [1]} for _ in range(500)]}
    assert post_raw(api, token_a, json.dumps(wide)).status_code == 201


@pytest.mark.parametrize(("value", "depth"), [(1, 0), ([], 1), ({"a": [1, {"b": []}]}, 4), ([[], [[[]]]], 4)])
def test_nesting_depth(value, depth):
    assert nesting_depth(value) == depth


# --- static files -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/static/../kugelpos/settings.py", "/static/../../../etc/passwd",
                                  "/static/admin/../../../../etc/passwd", "/static//etc/passwd"])
def test_a_static_path_out_of_the_static_folders_is_404_not_500(path):
    # uvicorn hands the app the decoded path: /static/%2e%2e/... arrives as /static/../...
    status, _headers, body = http_get(path)
    assert status == 404
    assert json.loads(body) == {"detail": "Not Found"}


def test_static_files_are_still_served():
    status, _headers, body = http_get("/static/admin/css/base.css")
    assert status == 200 and b"{" in body


# --- the bounds -----------------------------------------------------------------------------------------------
def test_parse_int_names_the_bound():
    assert parse_int(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(ValueError, match="^Input should be less than or equal to 9223372036854775807$"):
        parse_int(str(2**63))
    with pytest.raises(ValueError, match="^Input should be greater than or equal to -2147483648$"):
        parse_int(str(-(2**31) - 1), INT32)
    with pytest.raises(ValueError, match="^Input should be a valid integer, unable to parse string as an integer$"):
        parse_int("1.5")
    values, errors = int_params({"a": "7", "b": str(2**40), "c": ""}, {"a": INT32, "b": INT32, "c": INT64})
    assert values == {"a": 7, "b": None, "c": None}
    assert errors == [(("query", "b"), "Input should be less than or equal to 2147483647")]
