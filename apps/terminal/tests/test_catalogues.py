"""The Japanese catalogues of the apps (issue #21, one language at a time). Django merges every app's catalogue
into one per language, the app listed first in INSTALLED_APPS winning: a msgid (with its context) that two apps
translate differently reads wrong in one of them. Such words take a context (``pgettext``)."""

from __future__ import annotations

import gettext
from pathlib import Path

from django.apps import apps
from django.utils import translation


def test_no_two_apps_translate_one_message_differently():
    root = Path(apps.get_app_config("terminal").path).parent
    first: dict[str, tuple[str, str]] = {}
    clashes = []
    for catalogue in sorted(root.glob("*/locale/ja/LC_MESSAGES/django.mo")):
        app = catalogue.parts[-5]
        with catalogue.open("rb") as stream:
            messages = gettext.GNUTranslations(stream)._catalog
        for key, text in messages.items():
            if not isinstance(key, str) or not key:  # plural forms are (msgid, n); "" is the header
                continue
            seen = first.setdefault(key, (app, text))
            if seen[1] != text:
                clashes.append(f"{key.replace(chr(4), ' | ')!r}: {seen[0]} {seen[1]!r}, {app} {text!r}")
    assert not clashes, "\n".join(clashes)


def test_the_app_names_read_in_japanese():
    names = {"terminal": "店舗とレジ", "cart": "売上", "stock": "在庫", "account": "アカウント"}
    with translation.override("ja"):
        assert {label: str(apps.get_app_config(label).verbose_name) for label in names} == names
    assert str(apps.get_app_config("terminal").verbose_name) == "Stores and terminals"
