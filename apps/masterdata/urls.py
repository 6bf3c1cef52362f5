"""Routes of the master-data service (spec/20 §5), mounted under ``/master-data`` by ``kugelpos/urls.py``."""

from apps.core.urls import api_path

from .api.views import (
    CategoryViewSet,
    ItemBookViewSet,
    ItemViewSet,
    PaymentViewSet,
    PromotionViewSet,
    SettingViewSet,
    StaffViewSet,
    StorePriceViewSet,
    TaxViewSet,
)

T = "api/v1/tenants/{tenant_id}"
COLLECTION = {"get": "list", "post": "create"}
MEMBER = {"get": "retrieve", "put": "update", "delete": "destroy"}
BOOK = f"{T}/item_books/{{item_book_id}}"
BOOK_CATEGORY = f"{BOOK}/categories/{{category_number}}"
BOOK_TAB = f"{BOOK_CATEGORY}/tabs/{{tab_number}}"

urlpatterns = [
    api_path(f"{T}/categories", CategoryViewSet.as_view(COLLECTION), name="md-categories"),
    api_path(f"{T}/categories/{{category_code}}", CategoryViewSet.as_view(MEMBER), name="md-category"),
    api_path(f"{T}/items", ItemViewSet.as_view(COLLECTION), name="md-items"),
    api_path(f"{T}/items/{{item_code}}", ItemViewSet.as_view(MEMBER), name="md-item"),
    api_path(f"{T}/stores/{{store_code}}/items", StorePriceViewSet.as_view(COLLECTION), name="md-store-prices"),
    api_path(
        f"{T}/stores/{{store_code}}/items/{{item_code}}", StorePriceViewSet.as_view(MEMBER), name="md-store-price"
    ),
    api_path(
        f"{T}/stores/{{store_code}}/items/{{item_code}}/details",
        StorePriceViewSet.as_view({"get": "details"}),
        name="md-item-details",
    ),
    api_path(f"{T}/item_books", ItemBookViewSet.as_view(COLLECTION), name="md-item-books"),
    api_path(BOOK, ItemBookViewSet.as_view(MEMBER), name="md-item-book"),
    api_path(f"{BOOK}/detail", ItemBookViewSet.as_view({"get": "retrieve_priced"}), name="md-item-book-detail"),
    api_path(f"{BOOK}/categories", ItemBookViewSet.as_view({"post": "add_category"}), name="md-book-categories"),
    api_path(
        BOOK_CATEGORY,
        ItemBookViewSet.as_view({"put": "update_category", "delete": "delete_category"}),
        name="md-book-category",
    ),
    api_path(f"{BOOK_CATEGORY}/tabs", ItemBookViewSet.as_view({"post": "add_tab"}), name="md-book-tabs"),
    api_path(BOOK_TAB, ItemBookViewSet.as_view({"put": "update_tab", "delete": "delete_tab"}), name="md-book-tab"),
    api_path(f"{BOOK_TAB}/buttons", ItemBookViewSet.as_view({"post": "add_button"}), name="md-book-buttons"),
    api_path(
        f"{BOOK_TAB}/buttons/pos_x/{{pos_x}}/pos_y/{{pos_y}}",
        ItemBookViewSet.as_view({"put": "update_button", "delete": "delete_button"}),
        name="md-book-button",
    ),
    api_path(f"{T}/payments", PaymentViewSet.as_view(COLLECTION), name="md-payments"),
    api_path(f"{T}/payments/{{payment_code}}", PaymentViewSet.as_view(MEMBER), name="md-payment"),
    api_path(f"{T}/settings", SettingViewSet.as_view(COLLECTION), name="md-settings"),
    api_path(f"{T}/settings/{{name}}", SettingViewSet.as_view(MEMBER), name="md-setting"),
    api_path(f"{T}/settings/{{name}}/value", SettingViewSet.as_view({"get": "value"}), name="md-setting-value"),
    api_path(f"{T}/taxes", TaxViewSet.as_view({"get": "list"}), name="md-taxes"),
    api_path(f"{T}/taxes/{{tax_code}}", TaxViewSet.as_view({"get": "retrieve"}), name="md-tax"),
    api_path(f"{T}/staff", StaffViewSet.as_view(COLLECTION), name="md-staff-list"),
    api_path(f"{T}/staff/{{staff_id}}", StaffViewSet.as_view(MEMBER), name="md-staff"),
    api_path(f"{T}/promotions", PromotionViewSet.as_view(COLLECTION), name="md-promotions"),
    # before {promotion_code}: "active" is never read as a code
    api_path(f"{T}/promotions/active", PromotionViewSet.as_view({"get": "active"}), name="md-promotions-active"),
    api_path(f"{T}/promotions/{{promotion_code}}", PromotionViewSet.as_view(MEMBER), name="md-promotion"),
]
