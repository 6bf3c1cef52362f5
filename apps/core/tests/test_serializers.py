"""The project's serializer fields: StrictCharField refuses what DRF's CharField refuses, with the same words."""

import pytest
from rest_framework import serializers

from apps.core.api.serializers import StrictCharField


def _errors(field: serializers.Field, value: str) -> list[str]:
    with pytest.raises(serializers.ValidationError) as raised:
        field.run_validation(value)
    return [str(detail) for detail in raised.value.detail]


@pytest.mark.parametrize("value", ["ab\ud800c", "\udfff", "x" * 5000 + "\udbff"])
def test_a_lone_surrogate_is_refused_as_drf_refuses_it(value):
    drf_says = _errors(serializers.CharField(), value)
    assert _errors(StrictCharField(), value) == drf_says
    assert drf_says[0].startswith("Surrogate characters are not allowed: U+D")


def test_the_first_surrogate_is_the_one_named():
    assert _errors(StrictCharField(), "a\udc01b\ud800") == ["Surrogate characters are not allowed: U+DC01."]


@pytest.mark.parametrize("value", ["", "緑茶 ¥1,000", "😀 emoji outside the BMP", "receipt line\n" * 400])
def test_text_without_lone_surrogates_passes_unchanged(value):
    assert StrictCharField(allow_blank=True, trim_whitespace=False).run_validation(value) == value


def test_the_slow_drf_validator_is_replaced_and_the_others_kept():
    kinds = [type(v).__name__ for v in StrictCharField(max_length=5).validators]
    assert "SurrogateCharactersValidator" in kinds and "ProhibitSurrogateCharactersValidator" not in kinds
    assert "MaxLengthValidator" in kinds and "ProhibitNullCharactersValidator" in kinds
    assert _errors(StrictCharField(), "a\x00b") == ["Null characters are not allowed."]
