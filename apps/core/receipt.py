"""Receipt and journal text (spec/00 §11): one renderer from a list of lines to PrintData XML and plain text.

Apps build the lines (spec/10 §8, spec/30 §9.4, spec/40 §3.12); this module only renders them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from wcwidth import wcwidth

WIDTH = 32
SPLIT_WIDTH = 32  # Split lines are fitted to 32 columns whatever the page width (Kugelpos)
WEEKDAYS = "月火水木金土日"  # Monday first, as datetime.weekday()


@dataclass(frozen=True)
class Line:
    align: str  # "Center" | "Left" | "Right" | "Split" | "" (border)
    text: str = ""
    item1: str = ""
    item2: str = ""


def center(text: str) -> Line:
    return Line("Center", text=text)


def left(text: str) -> Line:
    return Line("Left", text=text)


def right(text: str) -> Line:
    return Line("Right", text=text)


def split(item1: str, item2: str) -> Line:
    return Line("Split", item1=item1, item2=item2)


def border() -> Line:
    return Line("")


# --- display width ------------------------------------------------------------------------------------------
# Both are pure and see the same few hundred strings (item names, labels, amounts) on every receipt and journal
# of a store: cached, and printable ASCII (one column a character) skips the per-character table lookup.
@functools.lru_cache(maxsize=4096)
def display_width(text: str) -> int:
    """Columns on a receipt printer: East-Asian wide characters take two."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(max(wcwidth(char), 0) for char in text)


@functools.lru_cache(maxsize=4096)
def fit(text: str, columns: int) -> str:
    """Cut ``text`` at a character boundary to at most ``columns``, then pad with spaces to exactly that."""
    if columns <= 0:
        return ""
    if text.isascii() and text.isprintable():
        kept = text[:columns]
        return kept + " " * (columns - len(kept))
    used, chars = 0, []
    for char in text:
        char_width = max(wcwidth(char), 0)
        if used + char_width > columns:
            break
        chars.append(char)
        used += char_width
    return "".join(chars) + " " * (columns - used)


def pad_left(text: str, columns: int) -> str:
    """Right-align ``text`` in ``columns`` display columns (``str.rjust`` counts characters: a CJK one takes two
    columns). Longer text is kept whole."""
    return " " * max(columns - display_width(text), 0) + text


def pad_right(text: str, columns: int) -> str:
    """Left-align ``text`` in ``columns`` display columns (``str.ljust`` by display width)."""
    return text + " " * max(columns - display_width(text), 0)


def truncate(text: str, columns: int, *, mark: str = "…") -> str:
    """``text`` unchanged when it fits in ``columns`` display columns; else its longest prefix that fits in
    ``columns - width(mark)`` columns, then ``mark`` (``text[:n] + mark`` by display width)."""
    if display_width(text) <= columns:
        return text
    room, used, chars = columns - display_width(mark), 0, []
    for char in text:
        used += max(wcwidth(char), 0)
        if used > room:
            break
        chars.append(char)
    return "".join(chars) + mark


def fitted_split(line: Line) -> tuple[str, str]:
    return fit(line.item1, SPLIT_WIDTH - display_width(line.item2) - 1), line.item2


# --- rendering ----------------------------------------------------------------------------------------------
def render_journal(lines: list[Line], width: int = WIDTH) -> str:
    """Plain-text rendering; every line ends with ``\\n``."""
    out = []
    for line in lines:
        if line.align == "Center":
            pad = max(width - display_width(line.text), 0)
            out.append(" " * (pad // 2) + line.text + " " * (pad - pad // 2))
        elif line.align == "Left":
            out.append(line.text + " " * max(width - display_width(line.text), 0))
        elif line.align == "Right":
            out.append(" " * max(width - display_width(line.text), 0) + line.text)
        elif line.align == "Split":
            item1, item2 = fitted_split(line)
            out.append(item1 + " " + item2)
        else:
            out.append("-" * width)
    return "".join(text + "\n" for text in out)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").replace(">", "&gt;")


def render_receipt_xml(lines: list[Line]) -> str:
    """PrintData XML, pretty-printed with tabs (the shape Kugelpos printers read).

    Written out directly, character for character what ``xml.dom.minidom``'s ``toprettyxml(indent="\t")`` makes
    of the same tree (a test holds the two side by side), at a tenth of the cost: every bill renders one.
    """
    if not lines:
        return '<?xml version="1.0" ?>\n<PrintData>\n\t<Page/>\n</PrintData>\n'
    out = ['<?xml version="1.0" ?>\n<PrintData>\n\t<Page>\n']
    for line in lines:
        out.append(f'\t\t<Line type="{"Line" if line.align == "" else "Text"}" align="{_xml(line.align)}" '
                   'dimension="">\n')
        if line.align in ("Center", "Left", "Right"):
            out.append(f"\t\t\t{_xml(line.text)}\n\t\t\t<Item1/>\n\t\t\t<Item2/>\n")
        elif line.align == "Split":
            fitted1, fitted2 = fitted_split(line)
            out.append(f"\t\t\t<Item1>{_xml(fitted1)}</Item1>\n\t\t\t<Item2>{_xml(fitted2)}</Item2>\n")
        else:
            out.append("\t\t\t<Item1/>\n\t\t\t<Item2/>\n")
        out.append("\t\t</Line>\n")
    out.append("\t</Page>\n</PrintData>\n")
    return "".join(out)


def render(lines: list[Line], width: int = WIDTH) -> tuple[str, str]:
    """``(receipt_text, journal_text)``."""
    return render_receipt_xml(lines), render_journal(lines, width)


# --- formatting helpers -------------------------------------------------------------------------------------
def comma(value: Decimal | int | float) -> str:
    """Thousands separators, no decimals, half-to-even as Python's ``{:,.0f}``: ``1234.5`` -> ``1,234``."""
    return f"{Decimal(str(value)) if isinstance(value, float) else Decimal(value):,.0f}"


def yen(value: Decimal | int | float) -> str:
    """``\\1,234``; negative values get ``-`` for the mark and keep their own sign: ``yen(-50)`` -> ``--50``."""
    return ("-" if value < 0 else "\\") + comma(value)


def zero_fill(value: object, width: int) -> str:
    return str(value).zfill(width)


def format_datetime(value: str | datetime) -> str:
    """ISO date-time -> ``2025年01月15日(水) 10:30`` (weekday mapped here, no OS locale needed)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment:%Y年%m月%d日}({WEEKDAYS[moment.weekday()]}) {moment:%H:%M}"


def format_business_date(value: str | None) -> str:
    """``20250115`` -> ``2025年01月15日(水)``; any other string unchanged."""
    if value is None:
        return ""
    try:
        moment = datetime.strptime(value, "%Y%m%d")
    except (TypeError, ValueError):
        return value
    if len(value) != 8:
        return value
    return f"{moment:%Y年%m月%d日}({WEEKDAYS[moment.weekday()]})"
