"""Pure settings rules (spec/20 §6.3): normalisation and tiered resolution, no database."""

from __future__ import annotations

import pytest

from apps.masterdata.setting_values import ScopedValue, normalise_setting_value, resolve_setting_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[{'text': 'Hello', 'align': 'left'}]", '[{"text": "Hello", "align": "left"}]'),
        ('{"a":1}', '{"a": 1}'),
        ("{'flag': True, 'none': None}", '{"flag": true, "none": null}'),
        ('["ヘッダー"]', '["ヘッダー"]'),
        ("plain text", "plain text"),
        ("[{bad json content!}]", "[{bad json content!}]"),
        ("[1, 2", "[1, 2"),
        ("{1, 2}", "{1, 2}"),
        ("", ""),
        ("   ", "   "),
        ("123", "123"),
    ],
)
def test_normalise_setting_value(text, expected):
    assert normalise_setting_value(text) == expected


VALUES = [
    ScopedValue(None, 9, "store-less terminal"),
    ScopedValue("5678", None, "store first"),
    ScopedValue("5678", 9, "terminal 9"),
    ScopedValue("5678", None, "store second"),
    ScopedValue(None, None, "global"),
]


@pytest.mark.parametrize(
    ("store_code", "terminal_no", "expected"),
    [
        ("5678", 9, "terminal 9"),
        ("5678", 1, "store first"),
        ("5678", None, "store first"),
        ("9999", 9, "global"),
        (None, 9, "global"),
        (None, None, "global"),
    ],
)
def test_resolution_tiers(store_code, terminal_no, expected):
    assert resolve_setting_value(
        default_value="default", values=VALUES, store_code=store_code, terminal_no=terminal_no
    ) == expected


def test_default_when_nothing_matches():
    values = [ScopedValue("1", 1, "x"), ScopedValue(None, 2, "y")]
    assert resolve_setting_value(default_value="d", values=values, store_code="2", terminal_no=2) == "d"
