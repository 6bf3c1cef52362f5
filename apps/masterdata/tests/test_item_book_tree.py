"""Pure item-book tree edits (spec/20 §5.4), no database."""

from __future__ import annotations

import pytest

from apps.core.errors import DuplicateKeyError, InvalidRequestDataError, NotFoundError
from apps.masterdata import item_book_tree as tree_ops


def button(x, y, code="A", size="Single"):
    return {"pos_x": x, "pos_y": y, "size": size, "image_url": "", "color_text": "", "item_code": code}


TREE = tree_ops.tree_from_input(
    [{"category_number": 1, "title": "c", "color": "x",
      "tabs": [{"tab_number": 1, "title": "t", "color": "y", "buttons": [button(1, 1), button(1, 2, "B")]}]}]
)


def test_inputs_are_never_mutated():
    before = repr(TREE)
    tree_ops.button_remove(TREE, 1, 1, 1, 1)
    tree_ops.category_update(TREE, 1, {"title": "new"})
    assert repr(TREE) == before


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (lambda t: tree_ops.category_add(t, {"category_number": 1, "title": "", "color": ""}), DuplicateKeyError),
        (lambda t: tree_ops.tab_add(t, 1, {"tab_number": 1, "title": "", "color": ""}), DuplicateKeyError),
        (lambda t: tree_ops.button_add(t, 1, 1, button(1, 2)), DuplicateKeyError),
        (lambda t: tree_ops.button_update(t, 1, 1, 1, 1, button(1, 2)), InvalidRequestDataError),
        (lambda t: tree_ops.button_update(t, 1, 1, 5, 5, button(6, 6)), NotFoundError),
        (lambda t: tree_ops.tab_remove(t, 2, 1), NotFoundError),
        (lambda t: tree_ops.tab_update(t, 1, 2, {"title": "x"}), NotFoundError),
        (lambda t: tree_ops.tree_from_input([{"category_number": 1, "title": "", "color": "", "tabs": [
            {"tab_number": 1, "title": "", "color": "", "buttons": [button(1, 1), button(1, 1)]}]}]),
         InvalidRequestDataError),
    ],
)
def test_rule_violations(edit, error):
    with pytest.raises(error):
        edit(TREE)


def test_falsy_values_keep_and_truthy_values_replace():
    tree = tree_ops.button_update(TREE, 1, 1, 1, 1, {"pos_x": 0, "pos_y": 5, "size": "", "item_code": "Z"})
    assert tree[0]["tabs"][0]["buttons"][0] == button(1, 5, "Z")
    tree = tree_ops.tab_update(TREE, 1, 1, {"tab_number": 0, "title": "", "buttons": [button(9, 9)]})
    assert tree[0]["tabs"][0]["buttons"] == [button(9, 9)] and tree[0]["tabs"][0]["title"] == "t"


def test_remove_button_removes_only_that_position():
    tree = tree_ops.button_remove(TREE, 1, 1, 1, 1)
    assert tree[0]["tabs"][0]["buttons"] == [button(1, 2, "B")]
    assert tree_ops.tree_item_codes(TREE) == {"A", "B"}
