"""Routes of the account service, mounted under ``/account``."""

from apps.account.api.views import AccountViewSet, RegisterUserViewSet, TokenViewSet
from apps.core.urls import api_path

urlpatterns = [
    api_path("api/v1/accounts/register", AccountViewSet.as_view({"post": "register"}), name="account-register"),
    api_path(
        "api/v1/accounts/register/user",
        RegisterUserViewSet.as_view({"post": "register_user"}),
        name="account-register-user",
    ),
    api_path("api/v1/accounts/token", TokenViewSet.as_view({"post": "token"}), name="account-token"),
]
