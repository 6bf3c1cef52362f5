"""Account API (spec/10 §4 and scenarios 1-2)."""

import re
import time

import jwt
import pytest
from django.conf import settings

from apps.account.models import User
from apps.core.auth import encode_jwt, service_token, user_token
from apps.core.tenancy import tenant_context, tenant_get
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

REGISTER = "/account/api/v1/accounts/register"
REGISTER_USER = "/account/api/v1/accounts/register/user"
TOKEN = "/account/api/v1/accounts/token"
USER_ACCOUNT_KEYS = ["username", "password", "tenantId", "hashedPassword", "isSuperuser", "isActive", "createdAt",
                     "updatedAt", "lastLogin"]


def claims_of(token: str) -> dict:
    return jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])


def test_register_superuser_creates_the_tenant(api):
    response = api.post(REGISTER, {"username": "admin", "password": "admin", "tenant_id": "A1234"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "User registration successful"
    assert body["operation"] == "register_super_user"
    data = body["data"]
    assert list(data) == USER_ACCOUNT_KEYS
    assert data["tenantId"] == "A1234"
    assert data["isSuperuser"] is True and data["isActive"] is True
    assert data["password"] == "*****" and data["hashedPassword"] == "*****"
    assert data["updatedAt"] is None and data["lastLogin"] is None
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+09:00$", data["createdAt"])
    assert tenant_get("A1234") is not None
    with tenant_context("A1234"):
        user = User.objects.get(username="admin")
        assert user.is_superuser and user.is_staff
        assert user.password != "admin" and user.check_password("admin")


def test_register_with_a_taken_id_silently_generates_a_new_one(api, tenant_a):
    response = api.post(REGISTER, {"username": "admin", "password": "admin", "tenantId": TENANT_A}, format="json")
    assert response.status_code == 201
    new_id = response.json()["data"]["tenantId"]
    assert re.match(r"^[A-Z]\d{4}$", new_id) and new_id != TENANT_A
    # a case variant of a taken id is taken too
    response = api.post(REGISTER, {"username": "admin", "password": "x", "tenant_id": TENANT_A.lower()}, format="json")
    assert response.json()["data"]["tenantId"] != TENANT_A.lower()


def test_register_without_tenant_generates_one(api):
    response = api.post(REGISTER, {"username": "boss", "password": "boss"}, format="json")
    assert response.status_code == 201
    tenant_id = response.json()["data"]["tenantId"]
    assert re.match(r"^[A-Z]\d{4}$", tenant_id)
    assert tenant_get(tenant_id) is not None


@pytest.mark.parametrize(
    "body",
    [
        {"password": "x"},
        {"username": "x"},
        {"username": "x", "password": "x", "tenant_id": "A-1"},
        {"username": "x", "password": "x", "tenant_id": "a" * 51},
        {"username": 5, "password": "x"},
    ],
)
def test_register_rejects_bad_bodies_and_creates_nothing(api, body):
    from apps.core.models import Tenant

    before = Tenant.objects.count()
    response = api.post(REGISTER, body, format="json")
    assert response.status_code == 422
    assert response.json()["user_error"]["code"] == "300001"
    assert Tenant.objects.count() == before


def test_token_login_returns_bare_token_with_exact_claims(api, admin_a):
    before = time.time()
    response = api.post(TOKEN, {"username": "admin", "password": "admin", "client_id": TENANT_A})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type"} and body["token_type"] == "bearer"
    claims = claims_of(body["access_token"])
    assert set(claims) == {"sub", "tenant_id", "is_superuser", "exp"}
    assert claims["sub"] == "admin" and claims["tenant_id"] == TENANT_A and claims["is_superuser"] is True
    assert before + 1800 - 5 <= claims["exp"] <= time.time() + 1800 + 1
    with tenant_context(TENANT_A):
        assert User.objects.get(username="admin").last_login is not None


def test_token_login_accepts_multipart_and_grant_type_password(api, admin_a):
    response = api.post(TOKEN, {"username": "admin", "password": "admin", "client_id": TENANT_A,
                                "grant_type": "password", "scope": ""}, format="multipart")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {"username": "admin", "password": "wrong", "client_id": TENANT_A},
        {"username": "nobody", "password": "admin", "client_id": TENANT_A},
        {"username": "admin", "password": "admin", "client_id": "Z0000"},
        {"username": "admin", "password": "admin"},
        {"username": "admin", "password": "admin", "client_id": "bad-id"},
    ],
)
def test_token_login_failures_are_one_401(api, admin_a, form):
    response = api.post(TOKEN, form)
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "Incorrect username, password or tenant_id"
    assert body["user_error"]["code"] == "200001"
    assert response["WWW-Authenticate"] == "Bearer"


def test_inactive_user_cannot_log_in(api, admin_a):
    with tenant_context(TENANT_A):
        User.objects.filter(username="admin").update(is_active=False)
    assert api.post(TOKEN, {"username": "admin", "password": "admin", "client_id": TENANT_A}).status_code == 401


def test_token_login_rejects_json_and_bad_grant_type_with_422(api, admin_a):
    response = api.post(TOKEN, {"username": "admin", "password": "admin", "client_id": TENANT_A}, format="json")
    assert response.status_code == 422
    response = api.post(TOKEN, {"username": "admin", "password": "admin", "client_id": TENANT_A,
                                "grant_type": "client_credentials"})
    assert response.status_code == 422
    response = api.post(TOKEN, {"password": "admin", "client_id": TENANT_A})
    assert response.status_code == 422
    assert response.json()["message"] == "Invalid input data: body -> username: Field required"


def test_superuser_registers_a_user_into_its_own_tenant(api, token_a):
    response = api.post(REGISTER_USER, {"username": "user", "password": "user", "tenant_id": "OTHER"},
                        format="json", **bearer(token_a))
    assert response.status_code == 201
    body = response.json()
    assert body["operation"] == "register_user_by_superuser"
    assert body["data"]["isSuperuser"] is False and body["data"]["tenantId"] == TENANT_A
    # the new user's own token may not register users
    login = api.post(TOKEN, {"username": "user", "password": "user", "client_id": TENANT_A}).json()
    assert claims_of(login["access_token"])["is_superuser"] is False
    response = api.post(REGISTER_USER, {"username": "u2", "password": "x"}, format="json",
                        **bearer(login["access_token"]))
    assert response.status_code == 401
    assert response.json()["message"] == "You are not authorized to perform this action"


def test_register_user_duplicate_username_is_400_500005(api, token_a):
    api.post(REGISTER_USER, {"username": "user", "password": "a"}, format="json", **bearer(token_a))
    response = api.post(REGISTER_USER, {"username": "user", "password": "b"}, format="json", **bearer(token_a))
    assert response.status_code == 400
    assert response.json()["user_error"]["code"] == "500005"
    with tenant_context(TENANT_A):
        assert User.objects.get(username="user").check_password("a")


def test_register_user_auth_failures(api, admin_a):
    body = {"username": "user", "password": "user"}
    response = api.post(REGISTER_USER, body, format="json")
    assert response.status_code == 401 and response.json()["message"] == "Not authenticated"
    response = api.post(REGISTER_USER, body, format="json", **bearer("garbage"))
    assert response.json()["message"] == "Could not validate credentials"
    ghost = user_token(username="ghost", tenant_id=TENANT_A, is_superuser=True)
    response = api.post(REGISTER_USER, body, format="json", **bearer(ghost))
    assert response.status_code == 401 and response.json()["message"] == "Could not validate credentials"
    now = int(time.time())
    terminal = encode_jwt({"sub": "terminal:x", "tenant_id": TENANT_A, "token_type": "terminal", "exp": now + 60})
    assert api.post(REGISTER_USER, body, format="json", **bearer(terminal)).status_code == 401
    service = service_token(service="report", tenant_id=TENANT_A)
    assert api.post(REGISTER_USER, body, format="json", **bearer(service)).status_code == 401
    with tenant_context(TENANT_A):
        User.objects.filter(username="admin").update(is_active=False)
    response = api.post(REGISTER_USER, body, format="json", **bearer(user_token(
        username="admin", tenant_id=TENANT_A, is_superuser=True)))
    # an inactive user's token is no credential at all (issue #20), before the superuser check
    assert response.status_code == 401 and response.json()["message"] == "Could not validate credentials"
    with tenant_context(TENANT_A):
        assert not User.objects.filter(username="user").exists()


def test_a_token_of_tenant_a_cannot_add_users_to_tenant_b(api, token_a, admin_b):
    from tests.support import TENANT_B

    api.post(REGISTER_USER, {"username": "intruder", "password": "x"}, format="json", **bearer(token_a))
    with tenant_context(TENANT_B):
        assert not User.objects.filter(username="intruder").exists()
    with tenant_context(TENANT_A):
        assert User.objects.filter(username="intruder").exists()


def test_production_hasher_is_bcrypt():
    from kugelpos import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("BCryptSHA256PasswordHasher")


# --- passwords (issue #20): never empty or blank; Django's validators behind API_PASSWORD_VALIDATION ----------
def _tenant_ids() -> set[str]:
    from apps.core.models import Tenant

    return set(Tenant.objects.values_list("tenant_id", flat=True))


@pytest.mark.parametrize("password", ["", " ", "\t \n"])
def test_register_refuses_an_empty_or_blank_password_and_creates_nothing(api, password):
    before = _tenant_ids()
    response = api.post(REGISTER, {"username": "boss", "password": password, "tenant_id": "B4321"}, format="json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["user_error"]["code"] == "300001" and "password" in body["message"]
    assert "Password must not be empty" in body["message"]
    assert _tenant_ids() == before and tenant_get("B4321") is None


@pytest.mark.parametrize("password", ["", "   "])
def test_register_user_refuses_an_empty_or_blank_password(api, token_a, password):
    response = api.post(REGISTER_USER, {"username": "clerk", "password": password}, format="json",
                        **bearer(token_a))
    assert response.status_code == 422 and response.json()["user_error"]["code"] == "300001"
    with tenant_context(TENANT_A):
        assert not User.objects.filter(username="clerk").exists()


def test_kugelpos_passwords_pass_while_api_password_validation_is_off(api, settings):
    assert settings.API_PASSWORD_VALIDATION is False  # the default: Kugelpos clients register admin/admin
    assert api.post(REGISTER, {"username": "admin", "password": "admin"}, format="json").status_code == 201


def test_api_password_validation_applies_djangos_validators(api, settings, token_a):
    settings.API_PASSWORD_VALIDATION = True
    before = _tenant_ids()
    response = api.post(REGISTER, {"username": "admin", "password": "admin"}, format="json")
    assert response.status_code == 422 and response.json()["user_error"]["code"] == "300001"
    assert "too short" in response.json()["message"] and _tenant_ids() == before
    response = api.post(REGISTER_USER, {"username": "clerk", "password": "12345678"}, format="json",
                        **bearer(token_a))
    assert response.status_code == 422 and "too common" in response.json()["message"]
    with tenant_context(TENANT_A):
        assert not User.objects.filter(username="clerk").exists()
    response = api.post(REGISTER_USER, {"username": "clerk", "password": "Violet-Harbour-93"}, format="json",
                        **bearer(token_a))
    assert response.status_code == 201


def test_the_back_office_applies_djangos_password_validators(client, admin_a):
    assert client.post("/t/T1001/admin/login/", {"username": "admin", "password": "admin"}).status_code == 302
    add = "/t/T1001/admin/account/user/add/"
    response = client.post(add, {"username": "clerk", "password1": "12345678", "password2": "12345678",
                                 "usable_password": "true"})
    assert response.status_code == 200 and "too common" in response.content.decode()
    with tenant_context(TENANT_A):
        assert not User.objects.filter(username="clerk").exists()
