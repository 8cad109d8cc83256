"""feennex.sign, string_to_sign and the canonical amount text."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

import feennex


def test_every_published_vector_signs_as_published(published_vectors: list) -> None:
    assert len(published_vectors) >= 3
    for vector in published_vectors:
        fields = vector["fields"]
        assert feennex.string_to_sign(fields) == vector["string_to_sign"]
        assert feennex.sign(fields, vector["secret"]) == vector["sign"]
        # The same fields as a sequence of pairs, in reverse order, sign the same.
        pairs = list(fields.items())[::-1]
        assert feennex.sign(pairs, vector["secret"]) == vector["sign"]


def test_signature_is_sha256_of_sorted_values_and_secret() -> None:
    fields = {"b": "2", "a": "1", "c": "три"}
    expected = hashlib.sha256("1:2:три".encode() + b"key").hexdigest()
    assert feennex.sign(fields, "key") == expected
    assert feennex.sign(fields, "other") != expected


def test_a_mapping_that_is_not_a_dict_is_read_through_items() -> None:
    class Fields:
        def items(self):
            return [("x", "1"), ("a", "2")]

    assert feennex.string_to_sign(Fields()) == "2:1"


@pytest.mark.parametrize(
    "fields",
    [{"amount": 10}, {"amount": 1.5}, {1: "x"}, [("a",)], [("a", "b", "c")], "amount", None, 5],
)
def test_fields_that_are_not_pairs_of_str_are_a_type_error(fields: object) -> None:
    with pytest.raises(TypeError):
        feennex.sign(fields, "key")


def test_a_secret_that_is_not_str_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        feennex.sign({"a": "1"}, b"key")


@pytest.mark.parametrize(
    "value, text",
    [
        ("10.50", "10.5"),
        ("10.00", "10"),
        (100, "100"),
        (Decimal("0.0001"), "0.0001"),
        (Decimal("1E+2"), "100"),
        (Decimal("12.340"), "12.34"),
        ("999999999999999", "999999999999999"),
    ],
)
def test_amounts_get_the_one_canonical_text(value: object, text: str) -> None:
    assert feennex.amount_text(value) == text


def test_a_float_amount_is_refused_with_a_clear_error() -> None:
    with pytest.raises(TypeError, match="float cannot hold money exactly"):
        feennex.amount_text(10.5)


@pytest.mark.parametrize(
    "value, field_reason",
    [
        ("0.00001", "0.0001 and 1e15"),
        ("0", "greater than zero"),
        (-5, "plain decimal"),
        ("1e5", "plain decimal"),
        ("", "empty"),
        ("1234567890123456", "significant digits"),
        (Decimal("NaN"), "finite"),
        (Decimal("-1"), "plain decimal"),
    ],
)
def test_amounts_the_server_would_read_differently_are_refused(value: object, field_reason: str) -> None:
    with pytest.raises(feennex.InvalidValue, match=field_reason) as raised:
        feennex.amount_text(value)
    assert raised.value.field == "amount"
    assert isinstance(raised.value, ValueError)


def test_a_bool_is_not_an_amount() -> None:
    with pytest.raises(TypeError):
        feennex.amount_text(True)


def test_a_signer_keeps_the_key_and_verifies_in_constant_time(published_vectors: list) -> None:
    for vector in published_vectors:
        signer = feennex.Signer(vector["secret"])
        assert signer.sign(vector["fields"]) == vector["sign"]
        assert signer.verify(vector["fields"], vector["sign"].upper())
        assert not signer.verify(vector["fields"], vector["sign"][:-1] + "0" * 1)
        assert vector["secret"] not in repr(signer)


def test_many_distinct_field_names_sign_correctly_beyond_the_name_cache() -> None:
    fields = {f"field_{n:03}": str(n) for n in range(200)}
    expected = hashlib.sha256((":".join(str(n) for n in range(200)) + "k").encode()).hexdigest()
    assert feennex.sign(fields, "k") == expected
    assert feennex.sign(dict(reversed(list(fields.items()))), "k") == expected
