"""The back office in Japanese or English (issue #21): the header's switch, remembered per user (after signing out
and in, in another browser); the browser's language before anyone chose; the API never translated."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from apps.account.models import User
from apps.core.tenancy import tenant_context
from tests.support import TENANT_A, bearer

pytestmark = pytest.mark.django_db

ADMIN = f"/t/{TENANT_A}/admin/"
SWITCH = f"{ADMIN}language/"
LOGIN = f"{ADMIN}login/"


def signed_in(**headers) -> Client:
    client = Client(**headers)
    assert client.post(LOGIN, {"username": "admin", "password": "admin"}).status_code == 302
    return client


def language_of(username: str = "admin") -> str:
    with tenant_context(TENANT_A):
        return User.objects.get(username=username).language


def test_switching_to_japanese_is_remembered_for_the_user(admin_a):
    browser = signed_in()
    assert "Today at a glance" in browser.get(ADMIN).content.decode()

    response = browser.post(SWITCH, {"language": "ja", "next": f"{ADMIN}masterdata/item/"})
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}masterdata/item/"
    assert language_of() == "ja"
    page = browser.get(ADMIN)
    html = page.content.decode()
    assert page["Content-Language"] == "ja" and '<html lang="ja"' in html
    assert "本日の概況" in html and "ログアウト" in html  # ours and Django admin's own

    # signed out and in again, in this browser and in another one that prefers English
    browser.post(f"{ADMIN}logout/")
    assert "本日の概況" in signed_in().get(ADMIN).content.decode()
    other = signed_in(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "本日の概況" in other.get(ADMIN).content.decode()

    assert other.post(SWITCH, {"language": "en"}).status_code == 302
    assert language_of() == "en"
    assert "Today at a glance" in signed_in(HTTP_ACCEPT_LANGUAGE="ja").get(ADMIN).content.decode()


def test_before_anyone_chooses_the_browser_language_applies(admin_a):
    login_page = Client(HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5").get(LOGIN).content.decode()
    assert "ログイン" in login_page and "ユーザー名" in login_page and "Username" not in login_page
    assert "Log in" in Client(HTTP_ACCEPT_LANGUAGE="fr").get(LOGIN).content.decode()  # neither: LANGUAGE_CODE
    japanese_browser = signed_in(HTTP_ACCEPT_LANGUAGE="ja")
    assert "本日の概況" in japanese_browser.get(ADMIN).content.decode()
    assert language_of() == ""  # nothing chosen, nothing stored


def test_the_sign_in_page_has_the_switch_and_keeps_the_choice_in_a_cookie(admin_a):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    login_page = browser.get(LOGIN).content.decode()
    assert 'id="language-ja"' in login_page and 'id="language-en"' in login_page
    response = browser.post(SWITCH, {"language": "ja", "next": LOGIN})
    assert response.status_code == 302 and response.cookies["django_language"].value == "ja"
    assert "ログイン" in browser.get(LOGIN).content.decode()


@pytest.mark.parametrize("language", ["de", "", "ja' onload='x"])
def test_an_unknown_language_is_refused_and_changes_nothing(admin_a, language):
    browser = signed_in()
    response = browser.post(SWITCH, {"language": language})
    assert response.status_code == 400 and "choose one of ja, en" in response.content.decode()
    assert "django_language" not in response.cookies
    assert language_of() == ""


def test_the_switch_is_a_csrf_protected_post(admin_a):
    assert signed_in().get(SWITCH).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SWITCH, {"language": "ja"}).status_code == 403
    assert language_of() == ""


def test_the_switch_does_not_send_anyone_to_another_site(admin_a):
    response = signed_in().post(SWITCH, {"language": "ja", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == ADMIN


def test_the_api_is_never_translated(admin_a, token_a, api):
    """Kugelpos clients get the same bytes whatever their Accept-Language, even right after a Japanese page."""
    with tenant_context(TENANT_A):
        User.objects.filter(username="admin").update(language="ja")
    assert "本日の概況" in signed_in().get(ADMIN).content.decode()
    assert translation.get_language() == "en-us"  # the page's language ended with its response

    api.credentials(**bearer(token_a))
    base = f"/master-data/api/v1/tenants/{TENANT_A}"
    requests = [
        ("get", f"{base}/items/NO-SUCH-ITEM", None),
        ("post", f"{base}/categories", {"categoryCode": ""}),  # a validation error
        ("get", f"/report/api/v1/tenants/{TENANT_A}/stores/NOPE/reports", None),
    ]
    for method, path, body in requests:
        plain = getattr(api, method)(path, body, format="json")
        japanese = getattr(api, method)(path, body, format="json", HTTP_ACCEPT_LANGUAGE="ja")
        assert plain.status_code == japanese.status_code and plain.status_code >= 400
        first, second = plain.json(), japanese.json()
        for body_ in (first, second):
            body_.pop("operation", None)
        assert first == second, path
        assert "Content-Language" not in japanese and "Accept-Language" not in japanese.get("Vary", "")
    assert Client(HTTP_ACCEPT_LANGUAGE="ja").post(
        "/account/api/v1/accounts/token", {"username": "admin", "password": "wrong", "client_id": TENANT_A}
    ).json()["message"] == Client().post(
        "/account/api/v1/accounts/token", {"username": "admin", "password": "wrong", "client_id": TENANT_A}
    ).json()["message"]


def test_a_refusal_is_shown_in_the_page_language():
    from apps.core.errors import DuplicateKeyError
    from apps.core.language import error_for_page

    specific = DuplicateKeyError("Category 001 already exists")
    generic = DuplicateKeyError()
    with translation.override("en"):
        assert error_for_page(specific) == "Category 001 already exists"
    with translation.override("ja"):
        assert error_for_page(specific) == "キーが重複しています（Category 001 already exists）"
        assert error_for_page(generic) == "キーが重複しています"


def test_the_entry_page_follows_the_browser_and_the_cookie(tenant_a):
    page = Client(HTTP_ACCEPT_LANGUAGE="ja").get("/admin/").content.decode()
    assert '<html lang="ja">' in page and "店舗バックオフィス" in page
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.cookies["django_language"] = "ja"
    refused = browser.post("/admin/", {"tenant_id": "NOPE"}).content.decode()
    assert "このIDのテナントはありません。" in refused
    assert "Store back office" in Client().get("/admin/").content.decode()
