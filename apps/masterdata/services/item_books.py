"""Commands on item books (POS key layouts, spec/20 §5.4). The layout tree is edited as a whole document under a
row lock, so two concurrent edits of one book apply one after the other."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from apps.core.errors import KugelposError, NotFoundError
from apps.core.formats import app_now

from .. import item_book_tree as tree_ops
from ..models import ItemBook
from ._common import locked, touch

_ID_ATTEMPTS = 5


def _free_item_book_id(day: date) -> str:
    """``YYYYMMDD-NNNN``: the lowest 4-digit sequence of that day not yet used."""
    prefix = day.strftime("%Y%m%d")
    used = set(ItemBook.objects.filter(item_book_id__startswith=f"{prefix}-").values_list("item_book_id", flat=True))
    for sequence in range(1, 10000):
        candidate = f"{prefix}-{sequence:04d}"
        if candidate not in used:
            return candidate
    raise KugelposError(f"No free item book id left for {prefix}", code="500002", status=400)


def item_book_create(
    *, title: str, categories: Iterable[Mapping[str, Any]] | None = None, today: date | None = None
) -> ItemBook:
    """Create a book with a server-generated id (first of 2025-03-01: ``20250301-0001``) and an optional tree.

    ``today`` defaults to the current date in the app time zone. A concurrent create taking the same id retries.
    """
    tree = tree_ops.tree_from_input(categories)
    day = today or app_now().date()
    for attempt in range(_ID_ATTEMPTS):
        try:
            with transaction.atomic():
                return ItemBook.objects.create(item_book_id=_free_item_book_id(day), title=title, categories=tree)
        except IntegrityError:
            if attempt == _ID_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def item_book_update(*, item_book_id: str, title: str, categories: Iterable[Mapping[str, Any]] | None) -> ItemBook:
    """Replace title and the whole tree (an omitted tree empties the layout, as in Kugelpos)."""
    tree = tree_ops.tree_from_input(categories)

    def retitle_and_replace(book: ItemBook) -> list:
        book.title = title
        return tree

    return _edit(item_book_id, retitle_and_replace)


def item_book_delete(*, item_book_id: str) -> None:
    with transaction.atomic():
        deleted, _ = ItemBook.objects.filter(item_book_id=item_book_id).delete()
    if not deleted:
        raise NotFoundError(f"Item Book not found. item_book_id: {item_book_id}")


def _edit(item_book_id: str, change: Callable[[ItemBook], list]) -> ItemBook:
    """Lock the book, compute its new tree with ``change`` and save it."""
    with transaction.atomic():
        book = locked(ItemBook.objects, item_book_id=item_book_id)
        if book is None:
            raise NotFoundError(f"Item Book not found. item_book_id: {item_book_id}")
        book.categories = change(book)
        touch(book)
        book.save()
    return book


def item_book_category_add(*, item_book_id: str, category: Mapping[str, Any]) -> ItemBook:
    return _edit(item_book_id, lambda book: tree_ops.category_add(book.categories, category))


def item_book_category_update(*, item_book_id: str, category_number: int, category: Mapping[str, Any]) -> ItemBook:
    return _edit(item_book_id, lambda book: tree_ops.category_update(book.categories, category_number, category))


def item_book_category_delete(*, item_book_id: str, category_number: int) -> ItemBook:
    return _edit(item_book_id, lambda book: tree_ops.category_remove(book.categories, category_number))


def item_book_tab_add(*, item_book_id: str, category_number: int, tab: Mapping[str, Any]) -> ItemBook:
    return _edit(item_book_id, lambda book: tree_ops.tab_add(book.categories, category_number, tab))


def item_book_tab_update(
    *, item_book_id: str, category_number: int, tab_number: int, tab: Mapping[str, Any]
) -> ItemBook:
    return _edit(item_book_id, lambda book: tree_ops.tab_update(book.categories, category_number, tab_number, tab))


def item_book_tab_delete(*, item_book_id: str, category_number: int, tab_number: int) -> ItemBook:
    return _edit(item_book_id, lambda book: tree_ops.tab_remove(book.categories, category_number, tab_number))


def item_book_button_add(
    *, item_book_id: str, category_number: int, tab_number: int, button: Mapping[str, Any]
) -> ItemBook:
    return _edit(
        item_book_id, lambda book: tree_ops.button_add(book.categories, category_number, tab_number, button)
    )


def item_book_button_update(
    *, item_book_id: str, category_number: int, tab_number: int, pos_x: int, pos_y: int, button: Mapping[str, Any]
) -> ItemBook:
    return _edit(
        item_book_id,
        lambda book: tree_ops.button_update(book.categories, category_number, tab_number, pos_x, pos_y, button),
    )


def item_book_button_delete(
    *, item_book_id: str, category_number: int, tab_number: int, pos_x: int, pos_y: int
) -> ItemBook:
    return _edit(
        item_book_id, lambda book: tree_ops.button_remove(book.categories, category_number, tab_number, pos_x, pos_y)
    )
