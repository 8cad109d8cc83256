"""Answers read by the core into typed records with exact decimals, and errors
carrying the API's code."""

from __future__ import annotations

from decimal import Decimal

import pytest

import feennex
from feennex import records


def envelope(data: str) -> bytes:
    return ('{"data":%s,"error_code":0,"message":"Ok","result":true}' % data).encode()


def test_amounts_are_exact_decimals_from_numbers_or_strings() -> None:
    body = envelope(
        '{"id":"7","balance":"89.10","payee_account":201234567890,"payee_amount":10.5,'
        '"payee_currency":840,"shop":6,"shop_currency":"840","write_off_amount":0.1,"new_field":[1]}'
    )
    created = feennex.parse_response("transfer/create", 200, body)
    assert isinstance(created, records.TransferCreated)
    assert created.id == 7
    assert created.balance == Decimal("89.10")
    assert created.write_off_amount == Decimal("0.1")
    assert isinstance(created.write_off_amount, Decimal)
    assert created.payee_account == "201234567890"
    assert created.shop_currency == 840


def test_a_payout_found_by_lookup_accepts_payee_amount_for_receive_amount() -> None:
    body = envelope(
        '{"id":9,"shop_payment_id":"p-1","payee_amount":5,"payee_currency":840,'
        '"shop_currency":840,"write_off_amount":5.35}'
    )
    found = feennex.parse_response("transfer/shop_payment_status", 200, body)
    assert (found.receive_amount, found.write_off_amount) == (Decimal(5), Decimal("5.35"))


def test_balances_and_withdrawals_are_typed() -> None:
    balances = feennex.parse_response(
        "shop_balance", 200,
        envelope('{"balances":[{"currency":840,"available":"10.01","frozen":0,"hold":1.5}],"shop_id":"6"}'),
    )
    assert balances.available(840) == Decimal("10.01")
    assert balances.balances[0].hold == Decimal("1.5")
    assert balances.available(978) is None
    withdrawal = feennex.parse_response(
        "withdraw/status", 200,
        envelope('{"id":3,"status":9,"payee_receive":10,"ps_currency":643,"shop_currency":643,"shop_write_off":10.25}'),
    )
    assert withdrawal.status == 9 and not withdrawal.is_final
    assert withdrawal.shop_write_off == Decimal("10.25")


@pytest.mark.parametrize("status", [200, 400])
def test_an_error_envelope_raises_api_error_with_its_code(status: int) -> None:
    body = b'{"data":null,"error_code":6,"message":"Shop_payment_id \'1\' is not unique","result":false}'
    with pytest.raises(feennex.ApiError) as raised:
        feennex.parse_response("transfer/create", status, body)
    error = raised.value
    assert (error.code, error.name, error.http_status) == (6, "OperationNotUnique", status)
    assert "not unique" in error.server_message
    assert not error.outcome_unknown


def test_an_unknown_error_code_keeps_its_number() -> None:
    body = b'{"data":null,"error_code":57,"message":"new","result":false}'
    with pytest.raises(feennex.ApiError) as raised:
        feennex.parse_response("shop_balance", 200, body)
    assert (raised.value.code, raised.value.name) == (57, "Unknown")


def test_a_body_that_is_not_an_envelope_keeps_status_and_snippet() -> None:
    with pytest.raises(feennex.NotEnvelope) as raised:
        feennex.parse_response("transfer/create", 502, b"<html>Bad Gateway</html>")
    assert raised.value.status == 502
    assert raised.value.snippet.startswith("<html>")
    assert raised.value.outcome_unknown


def test_data_of_the_wrong_shape_is_unexpected_data() -> None:
    with pytest.raises(feennex.UnexpectedData) as raised:
        feennex.parse_response("transfer/create", 200, envelope('{"id":"x"}'))
    assert raised.value.endpoint == "transfer/create"
