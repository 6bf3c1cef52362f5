"""Back-office inputs for the master data's structured fields, each reading and writing the same stored JSON as
the API: a list of strings as one text input per entry, codes as a multi-select, the item-book layout as a
tree-and-grid editor (plain JS over a hidden JSON input). No raw JSON text box is left for an editor to type."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

Choices = Callable[[], Iterable[tuple[str, str]]]


class StringListWidget(forms.Widget):
    """One text input per entry, all posted under the field's name, plus blank ones (and an "add" button) for new
    entries; blank inputs are dropped. ``suggestions`` offers known values (a ``<datalist>``), any can be typed."""

    class Media:
        js = ("masterdata/list_inputs.js",)
        css = {"all": ("masterdata/admin_inputs.css",)}

    def __init__(self, *, extra: int = 2, input_type: str = "text", placeholder: str = "",
                 suggestions: Choices | None = None, attrs=None):
        super().__init__(attrs)
        self.extra, self.input_type, self.placeholder, self.suggestions = extra, input_type, placeholder, suggestions

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if values is None:
            return None
        if isinstance(values, str):
            values = [values]
        return [value.strip() for value in values if isinstance(value, str) and value.strip()]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        entries = list(value) if isinstance(value, (list, tuple)) else []
        base_id = (attrs or {}).get("id") or f"id_{name}"
        list_id = f"{base_id}_suggestions" if self.suggestions else ""
        rows = format_html_join(
            "",
            '<li><input type="{}" name="{}" value="{}" placeholder="{}" class="vTextField"{}></li>',
            (
                (self.input_type, name, entry, self.placeholder,
                 format_html(' list="{}"', list_id) if list_id else "")
                for entry in [*entries, *([""] * self.extra)]
            ),
        )
        datalist = ""
        if self.suggestions:
            datalist = format_html(
                '<datalist id="{}">{}</datalist>',
                list_id,
                format_html_join("", '<option value="{}">{}</option>', self.suggestions()),
            )
        return format_html(
            '<div class="string-list" id="{}"><ul>{}</ul>{}'
            '<button type="button" class="button string-list-add">{}</button></div>',
            base_id, rows, datalist, _("Add another"),
        )


class StringListField(forms.Field):
    """A list of strings (stored as a JSON list), blank entries dropped, order kept."""

    widget = StringListWidget

    def __init__(self, *, max_length: int | None = None, **kwargs):
        self.max_length = max_length
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [value]
        return [str(entry).strip() for entry in value if str(entry).strip()]

    def validate(self, value):
        super().validate(value)
        if self.max_length and any(len(entry) > self.max_length for entry in value):
            raise ValidationError(_("Each entry has at most %(limit)d characters."), params={"limit": self.max_length})

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial) != self.to_python(data)


class CodesSelectMultiple(FilteredSelectMultiple):
    """Django's two-box picker; wrapped so its script (which puts the picker first in the select's parent) leaves
    the field's label before it, as on a many-to-many field."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<div class="related-widget-wrapper">{}</div>', super().render(name, value, attrs, renderer))


class CodeMultipleChoiceField(forms.MultipleChoiceField):
    """Codes picked from the known ones (``001 Food``), stored as a JSON list of codes. A stored code that is no
    longer known stays offered (and selected) so saving the form never drops it silently."""

    def __init__(self, *, choices: Choices, verbose_name: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=(), widget=CodesSelectMultiple(verbose_name, is_stacked=False), **kwargs)
        self.known = choices

    def offer(self, current: Iterable[str] | None) -> None:
        known = [(code, f"{code} {name}".strip()) for code, name in self.known()]
        codes = {code for code, _ in known}
        extra = [(code, code) for code in current or () if code not in codes]
        self.choices = [*known, *extra]

    def prepare_value(self, value):
        return list(value) if isinstance(value, (list, tuple)) else value


class ItemBookLayoutWidget(forms.Widget):
    """The layout tree (categories > tabs > buttons on a grid) edited in the page; the editor writes the tree to a
    hidden input as JSON, the form checks it with the API's serializer and tree rules."""

    class Media:
        js = ("masterdata/item_book_editor.js",)
        css = {"all": ("masterdata/admin_inputs.css",)}

    def format_value(self, value):
        if value in (None, ""):
            return "[]"
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def render(self, name, value, attrs=None, renderer=None):
        base_id = (attrs or {}).get("id") or f"id_{name}"
        labels = {
            "category": _("Category"), "tab": _("Tab"), "button": _("Button"), "number": _("No."),
            "title": _("Title"), "color": _("Colour"), "addCategory": _("Add a category"),
            "addTab": _("Add a tab"), "addButton": _("Add a button"), "remove": _("Remove"),
            "x": _("Column"), "y": _("Row"), "size": _("Size"), "itemCode": _("Item code"),
            "colorText": _("Text colour"), "imageUrl": _("Image URL"),
            "gridHint": _("Click an empty cell to place a button there."),
            "sizeSingle": _("Single"), "sizeDoubleWidth": _("Double width"),
            "sizeDoubleHeight": _("Double height"), "sizeQuad": _("Quad"),
        }
        return format_html(
            '<input type="hidden" name="{}" id="{}" value="{}">'
            '<div class="item-book-editor" data-input="{}" data-labels="{}"></div>'
            "<noscript>{}</noscript>",
            name, base_id, self.format_value(value), base_id,
            json.dumps({key: str(text) for key, text in labels.items()}, ensure_ascii=False),
            _("The layout editor needs JavaScript."),
        )
