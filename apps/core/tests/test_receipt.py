"""Receipt/journal renderer (spec/00 §11, scenario 14)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wcwidth import wcwidth

from apps.core import receipt


def test_split_line_fits_item1_to_the_columns_left_by_item2():
    line = receipt.split("Apple 林檎 very long item name here", receipt.yen(1234))
    text = receipt.render_journal([line])
    assert text == "Apple 林檎 very long item \\1,234\n"
    assert receipt.display_width(text.rstrip("\n")) == 32


def test_border_and_center():
    assert receipt.render_journal([receipt.border()]) == "-" * 32 + "\n"
    assert receipt.render_journal([receipt.center("Kugel Store")]) == " " * 10 + "Kugel Store" + " " * 11 + "\n"


def test_left_right_and_overlong_text_is_not_truncated():
    assert receipt.render_journal([receipt.left("abc")]) == "abc" + " " * 29 + "\n"
    assert receipt.render_journal([receipt.right("abc")]) == " " * 29 + "abc\n"
    long_text = "x" * 40
    assert receipt.render_journal([receipt.center(long_text)]) == long_text + "\n"


def test_wide_characters_count_two_columns():
    assert receipt.render_journal([receipt.left("テスト")]) == "テスト" + " " * 26 + "\n"
    # a wide character that would cross the limit is dropped and replaced by padding
    assert receipt.fit("ab林", 3) == "ab "


def _columns(text: str) -> int:  # the definition: each character's wcwidth, control characters none
    return sum(max(wcwidth(char), 0) for char in text)


@given(st.text(alphabet=st.sampled_from("aZ0 ~!\t\n\x00\x7f\x1b林テ¥é\u0301😀\u200b"), max_size=40),
       st.integers(min_value=-1, max_value=40))
def test_display_width_and_fit_follow_the_per_character_widths(text, columns):
    assert receipt.display_width(text) == _columns(text)
    fitted = receipt.fit(text, columns)
    if columns <= 0:
        assert fitted == ""
        return
    assert _columns(fitted) == columns  # exactly the columns asked for: the longest prefix that fits, padded
    longest = max(n for n in range(len(text) + 1) if _columns(text[:n]) <= columns)
    assert fitted == text[:longest] + " " * (columns - _columns(text[:longest]))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, "\\1,234"), (-50, "--50"), (0, "\\0"), (Decimal("1234.5"), "\\1,234"), (Decimal("1235.5"), "\\1,236")],
)
def test_yen(value, expected):
    assert receipt.yen(value) == expected


def test_comma_and_zero_fill():
    assert receipt.comma(-50000) == "-50,000"
    assert receipt.comma(1000000) == "1,000,000"
    assert receipt.zero_fill("S001", 6) == "00S001"


def test_dates():
    assert receipt.format_datetime("2025-01-15T10:30:00.123456+09:00") == "2025年01月15日(水) 10:30"
    assert receipt.format_business_date("20250115") == "2025年01月15日(水)"
    assert receipt.format_business_date("2025-01-15") == "2025-01-15"
    assert receipt.format_business_date("20250116") == "2025年01月16日(木)"


def test_receipt_xml_matches_the_printer_format():
    xml = receipt.render_receipt_xml(
        [receipt.center("Kugel Store"), receipt.border(), receipt.split("Total", receipt.yen(1234))]
    )
    assert xml == (
        '<?xml version="1.0" ?>\n'
        "<PrintData>\n"
        "\t<Page>\n"
        '\t\t<Line type="Text" align="Center" dimension="">\n'
        "\t\t\tKugel Store\n"
        "\t\t\t<Item1/>\n"
        "\t\t\t<Item2/>\n"
        "\t\t</Line>\n"
        '\t\t<Line type="Line" align="" dimension="">\n'
        "\t\t\t<Item1/>\n"
        "\t\t\t<Item2/>\n"
        "\t\t</Line>\n"
        '\t\t<Line type="Text" align="Split" dimension="">\n'
        "\t\t\t<Item1>Total                    </Item1>\n"
        "\t\t\t<Item2>\\1,234</Item2>\n"
        "\t\t</Line>\n"
        "\t</Page>\n"
        "</PrintData>\n"
    )


def test_xml_special_characters_are_escaped():
    assert "&amp; &lt;b&gt;" in receipt.render_receipt_xml([receipt.left("& <b>")])


def _minidom_xml(lines):
    """The receipt XML as xml.dom.minidom pretty-prints it (how it was made before it was written out by hand)."""
    from xml.dom import minidom

    document = minidom.Document()
    root = document.createElement("PrintData")
    page = document.createElement("Page")
    document.appendChild(root)
    root.appendChild(page)
    for line in lines:
        element = document.createElement("Line")
        element.setAttribute("type", "Line" if line.align == "" else "Text")
        element.setAttribute("align", line.align)
        element.setAttribute("dimension", "")
        item1 = document.createElement("Item1")
        item2 = document.createElement("Item2")
        if line.align in ("Center", "Left", "Right"):
            element.appendChild(document.createTextNode(line.text))
        elif line.align == "Split":
            fitted1, fitted2 = receipt.fitted_split(line)
            item1.appendChild(document.createTextNode(fitted1))
            item2.appendChild(document.createTextNode(fitted2))
        element.appendChild(item1)
        element.appendChild(item2)
        page.appendChild(element)
    return document.toprettyxml(indent="\t")


def test_receipt_xml_is_character_for_character_what_minidom_makes():
    texts = ["", "合計", "A & B <c> \"q\" 'a'", "ｶﾞ 半角", "x" * 40, "取引番号 000123456789012345678901"]
    lines = [receipt.border()]
    for text in texts:
        lines += [receipt.center(text), receipt.left(text), receipt.right(text)]
        for other in texts:
            lines.append(receipt.split(text, other))
    for count in (0, 1, 2, len(lines)):
        assert receipt.render_receipt_xml(lines[:count]) == _minidom_xml(lines[:count])


@pytest.mark.parametrize(("text", "columns", "left_padded", "right_padded"), [
    ("2 個", 12, " " * 8 + "2 個", "2 個" + " " * 8),  # str.rjust would give 9 spaces: 個 takes two columns
    ("abc", 5, "  abc", "abc  "),
    ("値引:", 15, " " * 10 + "値引:", "値引:" + " " * 10),
    ("長い長い長い", 4, "長い長い長い", "長い長い長い"),  # longer than the columns: kept whole
])
def test_pad_left_and_right_count_display_columns(text, columns, left_padded, right_padded):
    assert receipt.pad_left(text, columns) == left_padded
    assert receipt.pad_right(text, columns) == right_padded


@pytest.mark.parametrize(("text", "columns", "expected"), [
    ("A very long item name", 14, "A very long i…"),
    ("short", 14, "short"),
    ("緑茶ペットボトル", 14, "緑茶ペットボ…"),  # 16 columns: 12 fit in 13, then the mark
    ("緑茶ペットボト", 14, "緑茶ペットボト"),  # exactly 14 columns: unchanged
])
def test_truncate_cuts_by_display_width(text, columns, expected):
    assert receipt.truncate(text, columns) == expected
    assert receipt.display_width(receipt.truncate(text, columns)) <= columns
