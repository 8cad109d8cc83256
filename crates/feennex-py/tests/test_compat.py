"""feennex.compat.PiastrixClient run with the official client's call patterns
against the sandbox: same names, arguments and return shapes, without its bugs."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
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
    with pytest.raises(PiastrixClientException) as raised:
        piastrix.transfer(1, "receive_amount", 201234567890, 840, 840, unique("cp"),
                          extra_fields={"lang": "ru"})
    assert raised.value.error_code == PiastrixErrorCode.ExtraFieldsError
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
    assert created["status"] in (1, 3, 5)
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


class Recorder:
    """Records the bodies a client sends, on the way to the sandbox."""

    def __init__(self, piastrix: PiastrixClient) -> None:
        self.bodies: list = []
        opener = piastrix._driver._opener
        original = opener.open

        def open_and_record(request, *args, **kwargs):
            self.bodies.append(json.loads(request.data))
            return original(request, *args, **kwargs)

        opener.open = open_and_record


def test_extra_fields_are_sent_as_the_official_client_sends_them(piastrix: PiastrixClient) -> None:
    recorder = Recorder(piastrix)
    order = unique("cp-extra")
    piastrix.bill(840, 10, 840, order, extra_fields={"lang": "ru", "description": "Book"})
    assert recorder.bodies[-1]["lang"] == "ru" and recorder.bodies[-1]["description"] == "Book"
    piastrix.invoice_try(500, 643, order, "card_rub", extra_fields={"description": "x", "n": 2.5})
    assert (recorder.bodies[-1]["description"], recorder.bodies[-1]["n"]) == ("x", 2.5)
    piastrix.invoice(150, 643, unique("cp-extra"), "qiwi_rub", extra_fields={"phone": "+79001234567"})
    assert recorder.bodies[-1]["phone"] == "+79001234567"


def test_answers_have_exactly_the_keys_the_api_sent(sandbox: Sandbox, piastrix: PiastrixClient) -> None:
    session = feennex.Session(sandbox.shop_id, sandbox.secret, sandbox.base_url)
    method, url, headers, body = session.build("shop_balance", {})
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    with urllib.request.urlopen(request, timeout=10) as response:
        sent = json.loads(response.read())["data"]
    balance = piastrix.check_balance()
    assert set(balance) == set(sent)
    assert [set(item) for item in balance["balances"]] == [set(item) for item in sent["balances"]]
    assert all("rolling_reserve" not in item for item in balance["balances"])


class _Always404(http.server.BaseHTTPRequestHandler):
    count = 0

    def do_POST(self) -> None:  # noqa: N802 - the standard library's name
        type(self).count += 1
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>Not Found</html>")

    def log_message(self, *args) -> None:
        pass


def test_transport_failures_are_the_requests_exceptions_the_official_client_raises() -> None:
    requests = pytest.importorskip("requests")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Always404)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        client = PiastrixClient(6, "k", 2, url)
        with pytest.raises(requests.exceptions.HTTPError) as raised:
            client.check_balance()
        assert isinstance(raised.value, feennex.NotEnvelope) and raised.value.status == 404
        assert _Always404.count == 1  # raised at once, not asked again
    finally:
        server.shutdown()
    refused = PiastrixClient(6, "k", 2, "http://127.0.0.1:9/")
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        refused.transfer_status("x")
    assert isinstance(raised.value, feennex.TransportError)
    assert isinstance(raised.value, requests.exceptions.RequestException)
    with pytest.raises(feennex.compat.ConnectionError):
        refused.check_balance()


def test_without_requests_the_exceptions_are_feennex_ones() -> None:
    script = (
        "import sys; sys.modules['requests'] = None\n"
        "import feennex.compat as c, feennex\n"
        "assert c.ConnectionError.__mro__[1] is feennex.TransportError\n"
        "assert all(not k.__module__.startswith('requests') for k in c.HTTPError.__mro__)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
