"""Translation catalogues (issue #21): every ``.po`` file of the repository is fully translated, nothing fuzzy, and
its committed ``.mo`` holds exactly its translations (read back with Python's ``gettext``, no msgfmt needed).
The names Django derives for the back office's models and fields are translatable too."""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from apps.core.verbose_names import unnamed_fields

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git", "staticfiles"}


def po_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.po"):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED_DIRS.intersection(parts) and "LC_MESSAGES" in parts:
            found.append(path)
    return sorted(found)


@dataclass
class Entry:
    context: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.context}\x04{self.msgid}" if self.context is not None else self.msgid


def _string(text: str) -> str:
    return ast.literal_eval(text.strip())  # a PO string is a C string; these escapes read the same in Python


def parse_po(path: Path) -> list[Entry]:
    """The entries of a ``.po`` file (obsolete ``#~`` entries left out): enough of the format for Django's."""
    entries, entry, target = [], Entry(), None

    def finish():
        nonlocal entry, target
        if entry.msgstr or entry.msgid:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if entry.msgstr:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if entry.msgstr and not line.startswith("#~"):
                finish()
        elif line.startswith("msgctxt "):
            if entry.msgstr:
                finish()
            entry.context, target = _string(line[8:]), ("context",)
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, target = _string(line[13:]), ("msgid_plural",)
        elif line.startswith("msgid "):
            if entry.msgstr:
                finish()
            entry.msgid, entry.line, target = _string(line[6:]), number, ("msgid",)
        elif line.startswith("msgstr["):
            index = int(line[7:line.index("]")])
            entry.msgstr[index], target = _string(line[line.index("]") + 1:]), ("msgstr", index)
        elif line.startswith("msgstr "):
            entry.msgstr[0], target = _string(line[7:]), ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            text = _string(line)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += text
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + text)
    finish()
    return entries


PO_FILES = po_files()


def test_the_back_office_apps_have_a_japanese_catalogue():
    names = {path.relative_to(ROOT).as_posix() for path in PO_FILES}
    for app in ("core", "report", "masterdata", "journal"):
        assert f"apps/{app}/locale/ja/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_catalogue_is_fully_translated_and_compiled(po_path: Path):
    entries = parse_po(po_path)
    messages = [entry for entry in entries if entry.msgid]
    assert messages, "an empty catalogue"
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    untranslated = [f"line {e.line}: {e.msgid!r}" for e in messages if not all(e.msgstr.values()) or not e.msgstr]
    assert not fuzzy, f"fuzzy entries in {po_path}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {po_path}: {untranslated}"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is not committed: msgfmt -o {mo_path.name} {po_path.name}"
    with mo_path.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)  # the header
    expected = {}
    for entry in messages:
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            expected.update({(entry.key, index): text for index, text in entry.msgstr.items()})
    assert compiled == expected, f"{mo_path} differs from {po_path}: compile it again (msgfmt)"


@pytest.mark.parametrize("app_label", ["masterdata", "journal", "report"])  # core has no models in it
def test_every_field_name_of_the_back_office_is_translatable(app_label: str):
    """A new field without ``verbose_name`` needs its name in the app's ``verbose_names.FIELD_NAMES``."""
    assert unnamed_fields(app_label) == []


def test_the_reader_sees_fuzzy_untranslated_and_plural_entries(tmp_path: Path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr "Language: ja\\n"\n\n#, fuzzy\nmsgid "Sale"\nmsgstr "売上"\n\n'
                  'msgctxt "state"\nmsgid "Open"\nmsgstr ""\n\nmsgid "%(n)s item"\nmsgid_plural "%(n)s items"\n'
                  'msgstr[0] "%(n)s 点"\n\n#~ msgid "Old"\n#~ msgstr "古い"\n', encoding="utf-8")
    sale, opened, items = [entry for entry in parse_po(po) if entry.msgid]
    assert "fuzzy" in sale.flags and sale.msgstr == {0: "売上"}
    assert opened.key == "state\x04Open" and opened.msgstr == {0: ""}
    assert items.msgid_plural == "%(n)s items" and items.msgstr == {0: "%(n)s 点"}
