"""Item books: POS key layouts and their sub-resources (spec/20 §5.4)."""

from __future__ import annotations

from rest_framework.request import Request

from apps.core.errors import NotFoundError
from apps.core.paging import page_metadata

from .. import selectors, services
from ..item_book_tree import tree_item_codes
from . import presenters
from . import serializers as bodies
from .base import MasterDataViewSet, Query


class ItemBookViewSet(MasterDataViewSet):
    input_serializers = {
        "create": bodies.ItemBookSerializer,
        "update": bodies.ItemBookSerializer,
        "add_category": bodies.BookCategorySerializer,
        "update_category": bodies.BookCategorySerializer,
        "add_tab": bodies.TabSerializer,
        "update_tab": bodies.TabSerializer,
        "add_button": bodies.ButtonSerializer,
        "update_button": bodies.ButtonSerializer,
    }
    query_params = {
        "retrieve": {"store_code": Query(str)},  # accepted, unused
        "retrieve_priced": {"store_code": Query(str, required=True)},
    }

    def _book(self, book, message: str, operation: str, status: int = 200):
        return self.respond(
            presenters.item_book_data(book), message=f"{message}. item_book_id: {book.item_book_id}",
            operation=operation, status=status,
        )

    def create(self, request: Request, tenant_id: str):
        body = self.validated_body()
        book = services.item_book_create(title=body["title"], categories=body.get("categories"))
        return self._book(book, "Item Book created successfully", "create_item_book", 201)

    def list(self, request: Request, tenant_id: str):
        paging = self.list_paging()
        rows, total = selectors.item_books_page(paging=paging)
        return self.respond(
            [presenters.item_book_data(row) for row in rows],
            message=f"Item Books found successfully. Total count: {total}",
            operation="get_all_item_books",
            metadata=page_metadata(total, paging, echo_sort=False),
        )

    def _get(self, item_book_id: str):
        book = selectors.item_book_get(item_book_id=item_book_id)
        if book is None:
            raise NotFoundError(f"Item Book not found. item_book_id: {item_book_id}")
        return book

    def retrieve(self, request: Request, tenant_id: str, item_book_id: str):
        return self._book(self._get(item_book_id), "Item Book found successfully", "get_item_book_by_id")

    def retrieve_priced(self, request: Request, tenant_id: str, item_book_id: str):
        store_code = self.query()["store_code"]
        book = self._get(item_book_id)
        prices = selectors.item_book_prices(store_code=store_code, item_codes=tree_item_codes(book.categories))
        return self.respond(
            presenters.item_book_data(book, prices),
            message=f"Item Book found successfully. item_book_id: {item_book_id}",
            operation="get_item_book_detail_by_id",
        )

    def update(self, request: Request, tenant_id: str, item_book_id: str):
        body = self.validated_body()
        book = services.item_book_update(
            item_book_id=item_book_id, title=body["title"], categories=body.get("categories")
        )
        return self._book(book, "Item Book updated successfully", "update_item_book")

    def destroy(self, request: Request, tenant_id: str, item_book_id: str):
        services.item_book_delete(item_book_id=item_book_id)
        return self.respond(
            {"itemBookId": item_book_id},
            message=f"Item Book deleted successfully. item_book_id: {item_book_id}",
            operation="delete_item_book",
        )

    # --- categories of a book ------------------------------------------------------------------------------
    def add_category(self, request: Request, tenant_id: str, item_book_id: str):
        book = services.item_book_category_add(item_book_id=item_book_id, category=self.validated_body())
        return self._book(book, "Category added to Item Book successfully", "add_category_to_item_book", 201)

    def update_category(self, request: Request, tenant_id: str, item_book_id: str, category_number: str):
        book = services.item_book_category_update(
            item_book_id=item_book_id, category=self.validated_body(), **self.path_ints()
        )
        return self._book(book, "Category updated in Item Book successfully", "update_category_in_item_book")

    def delete_category(self, request: Request, tenant_id: str, item_book_id: str, category_number: str):
        numbers = self.path_ints()
        services.item_book_category_delete(item_book_id=item_book_id, **numbers)
        return self.respond(
            {"itemBookId": item_book_id, "categoryNumber": numbers["category_number"]},
            message=f"Category deleted from Item Book successfully. item_book_id: {item_book_id}",
            operation="delete_category_from_item_book",
        )

    # --- tabs -------------------------------------------------------------------------------------------------
    def add_tab(self, request: Request, tenant_id: str, item_book_id: str, category_number: str):
        book = services.item_book_tab_add(item_book_id=item_book_id, tab=self.validated_body(), **self.path_ints())
        return self._book(
            book, "Tab added to Category in Item Book successfully", "add_tab_to_category_in_item_book", 201
        )

    def update_tab(self, request: Request, tenant_id: str, item_book_id: str, category_number: str, tab_number: str):
        book = services.item_book_tab_update(item_book_id=item_book_id, tab=self.validated_body(), **self.path_ints())
        return self._book(
            book, "Tab updated in Category in Item Book successfully", "update_tab_in_category_in_item_book"
        )

    def delete_tab(self, request: Request, tenant_id: str, item_book_id: str, category_number: str, tab_number: str):
        numbers = self.path_ints()
        services.item_book_tab_delete(item_book_id=item_book_id, **numbers)
        return self.respond(
            {
                "itemBookId": item_book_id,
                "categoryNumber": numbers["category_number"],
                "tabNumber": numbers["tab_number"],
            },
            message=f"Tab deleted from Category in Item Book successfully. item_book_id: {item_book_id}",
            operation="delete_tab_from_category_in_item_book",
        )

    # --- buttons ----------------------------------------------------------------------------------------------
    def add_button(self, request: Request, tenant_id: str, item_book_id: str, category_number: str, tab_number: str):
        book = services.item_book_button_add(
            item_book_id=item_book_id, button=self.validated_body(), **self.path_ints()
        )
        return self._book(
            book,
            "Button added to Tab in Category in Item Book successfully",
            "add_button_to_tab_in_category_in_item_book",
            201,
        )

    def update_button(self, request: Request, tenant_id: str, item_book_id: str, **path: str):
        book = services.item_book_button_update(
            item_book_id=item_book_id, button=self.validated_body(), **self.path_ints()
        )
        return self._book(
            book,
            "Button updated in Tab in Category in Item Book successfully",
            "update_button_in_tab_in_category_in_item_book",
        )

    def delete_button(self, request: Request, tenant_id: str, item_book_id: str, **path: str):
        numbers = self.path_ints()
        services.item_book_button_delete(item_book_id=item_book_id, **numbers)
        return self.respond(
            {
                "itemBookId": item_book_id,
                "categoryNumber": numbers["category_number"],
                "tabNumber": numbers["tab_number"],
                "posX": numbers["pos_x"],
                "posY": numbers["pos_y"],
            },
            message=f"Button deleted from Tab in Category in Item Book successfully. item_book_id: {item_book_id}",
            operation="delete_button_from_tab_in_category_in_item_book",
        )
