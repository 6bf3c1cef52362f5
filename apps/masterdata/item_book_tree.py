"""Pure edits of an item book's layout tree (spec/20 §2.4, §5.4): book -> category -> tab -> button.

The tree is stored as one JSON document with snake_case keys. Every function takes the current list of categories
and returns a new one (inputs are never mutated); rule violations raise the spec's errors:
unknown node 404 ``100001``, duplicate on add 400 ``500005``, renumbering onto a sibling 422 ``300001``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from apps.core.errors import DuplicateKeyError, InvalidRequestDataError, NotFoundError

BUTTON_SIZES = ("Single", "DoubleWidth", "DoubleHeight", "Quad")
CATEGORY_FIELDS = ("category_number", "title", "color", "tabs")
TAB_FIELDS = ("tab_number", "title", "color", "buttons")
BUTTON_FIELDS = ("pos_x", "pos_y", "size", "image_url", "color_text", "item_code")

Tree = list[dict[str, Any]]


# --- shaping and whole-tree validation ----------------------------------------------------------------------
def button_node(data: Mapping[str, Any]) -> dict[str, Any]:
    return {field: data[field] for field in BUTTON_FIELDS}


def tab_node(data: Mapping[str, Any]) -> dict[str, Any]:
    buttons = [button_node(button) for button in data.get("buttons") or []]
    _require_distinct(((b["pos_x"], b["pos_y"]) for b in buttons), "button position (pos_x, pos_y)")
    return {"tab_number": data["tab_number"], "title": data["title"], "color": data["color"], "buttons": buttons}


def category_node(data: Mapping[str, Any]) -> dict[str, Any]:
    tabs = [tab_node(tab) for tab in data.get("tabs") or []]
    _require_distinct((tab["tab_number"] for tab in tabs), "tab_number")
    return {
        "category_number": data["category_number"],
        "title": data["title"],
        "color": data["color"],
        "tabs": tabs,
    }


def tree_from_input(categories: Iterable[Mapping[str, Any]] | None) -> Tree:
    """A whole layout from validated input; numbers/positions must be unique among siblings (else 422)."""
    tree = [category_node(category) for category in categories or []]
    _require_distinct((category["category_number"] for category in tree), "category_number")
    return tree


def _require_distinct(keys: Iterable[Any], what: str) -> None:
    seen = set()
    for key in keys:
        if key in seen:
            raise InvalidRequestDataError(f"Duplicate {what} in the item book: {key}")
        seen.add(key)


def tree_item_codes(tree: Tree) -> set[str]:
    return {button["item_code"] for category in tree for tab in category["tabs"] for button in tab["buttons"]}


# --- lookups ------------------------------------------------------------------------------------------------
def _index(nodes: list[dict], matches: Callable[[dict], bool], missing: str) -> int:
    for index, node in enumerate(nodes):
        if matches(node):
            return index
    raise NotFoundError(missing)


def _category_index(tree: Tree, category_number: int) -> int:
    return _index(
        tree,
        lambda c: c["category_number"] == category_number,
        f"Category not found. category_number: {category_number}",
    )


def _tab_index(category: dict, tab_number: int) -> int:
    return _index(category["tabs"], lambda t: t["tab_number"] == tab_number, f"Tab not found. tab_number: {tab_number}")


def _button_index(tab: dict, pos_x: int, pos_y: int) -> int:
    return _index(
        tab["buttons"],
        lambda b: b["pos_x"] == pos_x and b["pos_y"] == pos_y,
        f"Button not found. pos_x: {pos_x}, pos_y: {pos_y}",
    )


def _merge_truthy(node: dict, patch: Mapping[str, Any], fields: tuple[str, ...]) -> dict:
    """Kugelpos sub-resource PUT: a field changes only when the new value is truthy (0, "" and [] keep the old)."""
    merged = dict(node)
    for field in fields:
        value = patch.get(field)
        if value:
            merged[field] = value
    return merged


# --- categories ---------------------------------------------------------------------------------------------
def category_add(tree: Tree, data: Mapping[str, Any]) -> Tree:
    node = category_node(data)
    if any(c["category_number"] == node["category_number"] for c in tree):
        raise DuplicateKeyError(f"Category already exists in the item book. category_number: {node['category_number']}")
    return copy.deepcopy(tree) + [node]


def category_update(tree: Tree, category_number: int, data: Mapping[str, Any]) -> Tree:
    new_tree = copy.deepcopy(tree)
    index = _category_index(new_tree, category_number)
    patch = dict(data)
    if patch.get("tabs"):
        patch["tabs"] = category_node({**new_tree[index], "tabs": patch["tabs"]})["tabs"]
    merged = _merge_truthy(new_tree[index], patch, CATEGORY_FIELDS)
    if merged["category_number"] != category_number and any(
        c["category_number"] == merged["category_number"] for c in new_tree
    ):
        raise InvalidRequestDataError(f"category_number {merged['category_number']} is already used in the item book")
    new_tree[index] = merged
    return new_tree


def category_remove(tree: Tree, category_number: int) -> Tree:
    new_tree = copy.deepcopy(tree)
    del new_tree[_category_index(new_tree, category_number)]
    return new_tree


# --- tabs ---------------------------------------------------------------------------------------------------
def tab_add(tree: Tree, category_number: int, data: Mapping[str, Any]) -> Tree:
    new_tree = copy.deepcopy(tree)
    category = new_tree[_category_index(new_tree, category_number)]
    node = tab_node(data)
    if any(t["tab_number"] == node["tab_number"] for t in category["tabs"]):
        raise DuplicateKeyError(f"Tab already exists in the category. tab_number: {node['tab_number']}")
    category["tabs"].append(node)
    return new_tree


def tab_update(tree: Tree, category_number: int, tab_number: int, data: Mapping[str, Any]) -> Tree:
    new_tree = copy.deepcopy(tree)
    category = new_tree[_category_index(new_tree, category_number)]
    index = _tab_index(category, tab_number)
    patch = dict(data)
    if patch.get("buttons"):
        patch["buttons"] = tab_node({**category["tabs"][index], "buttons": patch["buttons"]})["buttons"]
    merged = _merge_truthy(category["tabs"][index], patch, TAB_FIELDS)
    if merged["tab_number"] != tab_number and any(t["tab_number"] == merged["tab_number"] for t in category["tabs"]):
        raise InvalidRequestDataError(f"tab_number {merged['tab_number']} is already used in the category")
    category["tabs"][index] = merged
    return new_tree


def tab_remove(tree: Tree, category_number: int, tab_number: int) -> Tree:
    new_tree = copy.deepcopy(tree)
    category = new_tree[_category_index(new_tree, category_number)]
    del category["tabs"][_tab_index(category, tab_number)]
    return new_tree


# --- buttons ------------------------------------------------------------------------------------------------
def button_add(tree: Tree, category_number: int, tab_number: int, data: Mapping[str, Any]) -> Tree:
    new_tree = copy.deepcopy(tree)
    category = new_tree[_category_index(new_tree, category_number)]
    tab = category["tabs"][_tab_index(category, tab_number)]
    node = button_node(data)
    if any(b["pos_x"] == node["pos_x"] and b["pos_y"] == node["pos_y"] for b in tab["buttons"]):
        raise DuplicateKeyError(
            f"Button already exists at this position. pos_x: {node['pos_x']}, pos_y: {node['pos_y']}"
        )
    tab["buttons"].append(node)
    return new_tree


def button_update(
    tree: Tree, category_number: int, tab_number: int, pos_x: int, pos_y: int, data: Mapping[str, Any]
) -> Tree:
    new_tree = copy.deepcopy(tree)
    category = new_tree[_category_index(new_tree, category_number)]
    tab = category["tabs"][_tab_index(category, tab_number)]
    index = _button_index(tab, pos_x, pos_y)
    merged = _merge_truthy(tab["buttons"][index], data, BUTTON_FIELDS)
    moved = (merged["pos_x"], merged["pos_y"]) != (pos_x, pos_y)
    if moved and any((b["pos_x"], b["pos_y"]) == (merged["pos_x"], merged["pos_y"]) for b in tab["buttons"]):
        raise InvalidRequestDataError(
            f"Button position pos_x: {merged['pos_x']}, pos_y: {merged['pos_y']} is already used in the tab"
        )
    tab["buttons"][index] = merged
    return new_tree


def button_remove(tree: Tree, category_number: int, tab_number: int, pos_x: int, pos_y: int) -> Tree:
    """Removes only the addressed button (Kugelpos removes every button sharing its row or column: not copied)."""
    new_tree = copy.deepcopy(tree)
    category = new_tree[_category_index(new_tree, category_number)]
    tab = category["tabs"][_tab_index(category, tab_number)]
    del tab["buttons"][_button_index(tab, pos_x, pos_y)]
    return new_tree
