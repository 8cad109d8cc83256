"""Every endpoint through feennex.Client against the sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest

import feennex
from feennex import records

from conftest import Sandbox, unique


def test_wallet_payout_quote_create_and_lookup(sandbox: Sandbox, client: feennex.Client) -> None:
    quote = client.transfer_try("1.11", "receive_amount", 978, 840)
    assert quote.payee_amount == Decimal("1.11")
    assert quote.write_off_amount > quote.payee_amount  # EUR costs more than USD
    assert "payee_account" in quote.account_info_config

    before = client.shop_balance().available(840)
    payment_id = unique("py-wallet")
    result = client.payout(Decimal("12.30"), "receive_amount", "201234567890", 840, 840, payment_id,
                           "prize")
    assert result.created and not result.reconciled
    assert (result.creates_sent, result.status_checks) == (1, 0)
    assert isinstance(result.record, records.TransferCreated)
    assert result.write_off == Decimal("12.3") == result.record.write_off_amount
    assert result.record.balance == before - Decimal("12.3")
    assert client.shop_balance().available(840) == before - Decimal("12.3")

    found = client.transfer_status(payment_id)
    assert (found.id, found.receive_amount, found.shop_payment_id) == (result.id, Decimal("12.3"), payment_id)
    ledger = [t for t in sandbox.transfers() if t["shop_payment_id"] == payment_id]
    assert len(ledger) == 1 and ledger[0]["id"] == result.id
    assert ledger[0]["description"] == "prize"


def test_paying_the_same_id_again_is_unverified_and_adopted_only_on_resume(
    sandbox: Sandbox, client: feennex.Client
) -> None:
    payment_id = unique("py-again")
    first = client.payout("5", "receive_amount", "201234567890", 840, 840, payment_id)
    assert first.created and not first.preexisting
    with pytest.raises(feennex.Unverified) as raised:
        client.payout("5", "receive_amount", "201234567890", 840, 840, payment_id)
    assert (raised.value.payout_id, raised.value.not_compared) == (first.id, ["payee_account"])
    assert "not unique" in raised.value.not_unique
    with pytest.raises(feennex.Conflict) as raised:
        client.payout("99", "receive_amount", "202222222222", 840, 840, payment_id, resume=True)
    assert (raised.value.field, raised.value.asked, raised.value.found) == ("amount", "99", "5")
    second = client.payout("5", "receive_amount", "201234567890", 840, 840, payment_id, resume=True)
    assert second.id == first.id
    assert not second.created and second.reconciled
    assert isinstance(second.record, records.TransferPayout)
    assert len([t for t in sandbox.transfers() if t["shop_payment_id"] == payment_id]) == 1


def test_an_unknown_payout_is_error_7(client: feennex.Client) -> None:
    with pytest.raises(feennex.ApiError) as raised:
        client.transfer_status(unique("py-missing"))
    assert (raised.value.code, raised.value.name) == (7, "OperationNotFound")


def test_a_payout_beyond_the_balance_is_refused_and_nothing_is_paid(
    sandbox: Sandbox, client: feennex.Client
) -> None:
    payment_id = unique("py-too-much")
    with pytest.raises(feennex.ApiError) as raised:
        client.payout("999999999", "writeoff_amount", "201234567890", 840, 840, payment_id)
    assert raised.value.code == 9
    assert not [t for t in sandbox.transfers() if t["shop_payment_id"] == payment_id]


def test_a_wrong_key_is_refused_by_the_server_with_code_10(sandbox: Sandbox) -> None:
    wrong = feennex.Client(sandbox.shop_id, "not-the-key", sandbox.base_url)
    with pytest.raises(feennex.ApiError) as raised:
        wrong.shop_balance()
    assert raised.value.code == 10
    assert "not-the-key" not in str(raised.value)


def test_bill_create_and_status(client: feennex.Client) -> None:
    order = unique("py-bill")
    bill = client.bill_create(840, "25.50", 840, order, description="Book",
                              success_url="https://shop.test/ok")
    assert isinstance(bill, records.Bill)
    assert bill.url.startswith("http")
    assert bill.shop_amount == Decimal("25.5")
    state = client.bill_status(order)
    assert (state.id, state.status) == (bill.id, 1)  # waiting


def test_invoice_try_and_create(client: feennex.Client) -> None:
    order = unique("py-invoice")
    quote = client.invoice_try(100, 643, "card_rub", order)
    assert quote.payer_price == Decimal("103")  # 3 % fee
    quote_usd = client.invoice_try("10", 840, "card_usd", order)
    assert "email" in quote_usd.add_ons_config
    created = client.invoice_create("10", 840, "card_usd", order, add_ons={"email": "a@b.co"},
                                    description="Order")
    assert created.method == "POST" and created.url
    with pytest.raises(feennex.ApiError):
        client.invoice_create("10", 840, "card_usd", unique("py-invoice"))  # email missing


def test_withdrawal_quote_check_create_and_both_lookups(sandbox: Sandbox, client: feennex.Client) -> None:
    quote = client.withdraw_try("100", "ps_amount", "card_usd", 840)
    assert quote.payee_receive == Decimal(100) and quote.shop_write_off == Decimal(102)
    check = client.check_account("4111111111111111", 100, "card_usd", {"holder": "A B"})
    assert check.result is True
    payment_id = unique("py-withdraw")
    result = client.withdraw("4111111111111111", "100", "ps_amount", "card_usd", 840, payment_id)
    assert result.created and isinstance(result.record, records.Withdrawal)
    assert result.write_off == Decimal(102)
    by_id = client.withdraw_status(result.id)
    by_payment_id = client.withdraw_shop_payment_status(payment_id)
    assert by_id.id == by_payment_id.id == result.id
    assert by_id.shop_payment_id == payment_id
    assert len([w for w in sandbox.withdrawals() if w["shop_payment_id"] == payment_id]) == 1


def test_pay_page_through_the_client(sandbox: Sandbox, client: feennex.Client) -> None:
    url, fields = client.pay_page("10.00", 643, "101", lang="en", description="Order 101")
    assert url == "https://pay.feennex.com/en/pay"
    fields = dict(fields)
    signed = {k: fields[k] for k in ("amount", "currency", "shop_id", "shop_order_id")}
    assert signed == {"amount": "10", "currency": "643", "shop_id": str(sandbox.shop_id),
                      "shop_order_id": "101"}
    assert fields["sign"] == feennex.sign(signed, sandbox.secret)
