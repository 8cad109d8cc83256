"""feennex.compat.PiastrixClient run with the official client's call patterns
against the sandbox: same names, arguments and return shapes, without its bugs."""

from __future__ import annotations

import urllib.parse
from decimal import Decimal

import pytest

import feennex
from feennex.compat import (
    PiastrixClient,
    PiastrixClientException,
    PiastrixErrorCode,
    PiastrixTransferAmountType,
    PiastrixWithdrawAmountType,
)

from conftest import Sandbox, unique

from test_callbacks import Receiver


@pytest.fixture
def piastrix(sandbox: Sandbox) -> PiastrixClient:
    # The official constructor: shop_id, secret_key, timeout, url.
    return PiastrixClient(sandbox.shop_id, sandbox.secret, 10, sandbox.base_url + "/")


def test_balance_bill_and_invoices_return_the_data_dict(piastrix: PiastrixClient) -> None:
    balance = piastrix.check_balance()
    assert balance["shop_id"] == 6
    usd = next(b for b in balance["balances"] if b["currency"] == 840)
    assert isinstance(usd["available"], Decimal)

    bill = piastrix.bill(payer_currency=840, shop_amount=10.0, shop_currency=840,
                         shop_order_id=unique("cp-bill"),
                         extra_fields={"description": "Book", "success_url": "https://shop.test/ok"})
    assert set(bill) >= {"id", "url", "shop_amount", "payer_price", "shop_order_id"}
    assert bill["shop_amount"] == Decimal("10")

    order = unique("cp-invoice")
    quote = piastrix.invoice_try(10.5, 643, order, "qiwi_rub")
    assert set(quote) >= {"add_ons_config", "payer_price", "ps_currency"}
    invoice = piastrix.invoice(100, 643, order, "card_rub", extra_fields={"description": "x"})
    assert set(invoice) >= {"id", "method", "url", "data"}
    with pytest.raises(PiastrixClientException) as raised:
        piastrix.bill(840, 10, 840, "o", extra_fields={"shop_amount": 5})
    assert raised.value.error_code == PiastrixErrorCode.ExtraFieldsError


def test_transfer_takes_integers_and_floats_and_is_exactly_once(
    sandbox: Sandbox, piastrix: PiastrixClient
) -> None:
    payment_id = unique("cp-transfer")
    # The official client raises TypeError on an integer payee_account.
    created = piastrix.transfer(10.1, PiastrixTransferAmountType.ReceiveAmountType, 201234567890,
                                840, 840, payment_id, extra_fields={"description": "prize"})
    assert set(created) == {"balance", "id", "payee_account", "payee_amount", "payee_currency",
                            "shop", "shop_currency", "write_off_amount"}
    assert created["payee_amount"] == Decimal("10.1")
    # The same id again, as the official client would see it: error 6 with the
    # API's message, for the same details or others; never an answer made up from
    # the request.
    for amount, payee in [(10.1, 201234567890), (99, 202222222222)]:
        with pytest.raises(PiastrixClientException) as raised:
            piastrix.transfer(amount, "receive_amount", payee, 840, 840, payment_id)
        assert raised.value.error_code == 6
        assert "is not unique" in raised.value.message
    assert len([t for t in sandbox.transfers() if t["shop_payment_id"] == payment_id]) == 1
    status = piastrix.transfer_status(payment_id)
    assert status["id"] == created["id"] and status["receive_amount"] == Decimal("10.1")
    with pytest.raises(PiastrixClientException) as raised:
        piastrix.transfer_status(unique("cp-missing"))
    assert raised.value.error_code == 7
    with pytest.raises(PiastrixClientException) as raised:
        piastrix.transfer(1, "sideways", 201234567890, 840, 840, unique("cp"))
    assert raised.value.error_code == PiastrixErrorCode.AmountTypeError


def test_a_float_the_server_would_sign_differently_is_refused_before_sending(
    sandbox: Sandbox, piastrix: PiastrixClient
) -> None:
    payment_id = unique("cp-float")
    with pytest.raises(feennex.InvalidValue):
        piastrix.transfer(0.1 + 0.2, "receive_amount", 201234567890, 840, 840, payment_id)
    assert not [t for t in sandbox.transfers() if t["shop_payment_id"] == payment_id]


def test_withdrawals_with_the_official_method_names(sandbox: Sandbox, piastrix: PiastrixClient) -> None:
    quote = piastrix.withdraw_try(100, PiastrixWithdrawAmountType.PsAmountType, "card_usd", 840)
    assert quote["shop_write_off"] == Decimal(102)
    check = piastrix.check_account(4111111111111111, 100.0, "card_usd")
    assert check["result"] is True
    payment_id = unique("cp-withdraw")
    created = piastrix.withdraw(4111111111111111, 100, "ps_amount", "card_usd", 840, payment_id,
                                account_details={"holder": "A B"})
    assert set(created) >= {"balance", "id", "payee_receive", "ps_currency", "shop_currency",
                            "shop_payment_id", "shop_write_off", "status"}
    assert piastrix.withdraw_id(created["id"])["shop_payment_id"] == payment_id
    assert piastrix.shop_payment_id(payment_id)["id"] == created["id"]
    with pytest.raises(PiastrixClientException) as raised:
        piastrix.withdraw_try(1, "receive_amount", "card_usd", 840)
    assert raised.value.error_code == PiastrixErrorCode.AmountTypeError


def test_pay_returns_the_signed_form_and_its_url(piastrix: PiastrixClient, sandbox: Sandbox) -> None:
    form, url = piastrix.pay(10.0, 643, "101", extra_fields={"description": "Order"}, lang="en")
    assert url == "https://pay.feennex.com/en/pay"
    signed = {k: form[k] for k in ("amount", "currency", "shop_id", "shop_order_id")}
    assert form["sign"] == feennex.sign(signed, sandbox.secret)
    assert (form["amount"], form["description"]) == ("10", "Order")
    with pytest.raises(PiastrixClientException) as raised:
        piastrix.pay(10, 643, "101", lang="de")
    assert raised.value.error_code == PiastrixErrorCode.LanguageError


def test_check_callback_with_the_official_arguments(sandbox: Sandbox) -> None:
    receiver = Receiver()
    try:
        client = PiastrixClient(sandbox.shop_id, sandbox.secret, url=sandbox.base_url,
                                callback_ips=["127.0.0.1"])
        order = unique("cp-cb")
        bill = client.bill(840, 25.5, 840, order, extra_fields={"callback_url": receiver.url})
        sandbox.post(f"/_sandbox/payments/bill/{bill['id']}/complete")
        body, _, sender = receiver.next()
    finally:
        receiver.server.shutdown()
    # A web framework hands the form over as a dict of texts.
    request_data = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
    copy = dict(request_data)
    client.check_callback(request_data, sender, 25.5, 840)  # the float of the order
    client.check_callback(request_data, sender, Decimal("25.50"), 840)
    assert request_data == copy  # left as it was (the official client pops `sign`)

    def code_of(*args) -> int:
        with pytest.raises(PiastrixClientException) as raised:
            client.check_callback(*args)
        return raised.value.error_code

    assert code_of(request_data, "10.0.0.1", 25.5, 840) == PiastrixErrorCode.IpError
    assert code_of(request_data, sender, 25.51, 840) == PiastrixErrorCode.ShopAmountError
    assert code_of(request_data, sender, 25.5, 978) == PiastrixErrorCode.ShopCurrencyError
    assert code_of(dict(request_data, shop_amount="2550"), sender, 25.5, 840) == PiastrixErrorCode.SignError
    # The official client's fixed list, by default, does not include loopback.
    default = PiastrixClient(sandbox.shop_id, sandbox.secret, url=sandbox.base_url)
    with pytest.raises(PiastrixClientException) as raised:
        default.check_callback(request_data, sender, 25.5, 840)
    assert raised.value.error_code == PiastrixErrorCode.IpError
    behind_proxy = PiastrixClient(sandbox.shop_id, sandbox.secret, url=sandbox.base_url,
                                  callback_ips=None)
    behind_proxy.check_callback(request_data, "10.0.0.1", 25.5, 840)
