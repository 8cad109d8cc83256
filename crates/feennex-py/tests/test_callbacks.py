"""Callbacks: the sandbox's real deliveries verified, and every way a callback
can be refused."""

from __future__ import annotations

import http.server
import json
import queue
import threading
import urllib.parse
from decimal import Decimal
from typing import Iterator, Tuple

import pytest

import feennex

from conftest import Sandbox, unique

Received = Tuple[bytes, str, str]


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps each callback and answers `OK`."""

    def __init__(self) -> None:
        self.callbacks: "queue.Queue[Received]" = queue.Queue()
        callbacks = self.callbacks

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                callbacks.put((body, self.headers.get("Content-Type", ""), self.client_address[0]))
                reply = feennex.CALLBACK_REPLY_OK.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self) -> Received:
        return self.callbacks.get(timeout=15)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def test_a_paid_bill_callback_is_verified_and_matches_the_order(
    sandbox: Sandbox, client: feennex.Client, receiver: Receiver
) -> None:
    order = unique("py-cb-bill")
    bill = client.bill_create(840, "25.50", 840, order, callback_url=receiver.url)
    sandbox.post(f"/_sandbox/payments/bill/{bill.id}/complete")
    body, content_type, sender = receiver.next()
    assert content_type.startswith("application/x-www-form-urlencoded")
    notification = client.verify_callback(body, content_type, sender, allow=["127.0.0.1"])
    assert notification.status == "success"
    assert notification.shop_order_id == order
    assert notification.shop_amount == Decimal("25.5")
    assert isinstance(notification.shop_amount, Decimal)
    assert notification.shop_currency == 840
    notification.check_order(sandbox.shop_id, order, Decimal("25.50"), 840)
    with pytest.raises(feennex.OrderMismatch) as raised:
        notification.check_order(sandbox.shop_id, order, "25.51", 840)
    assert (raised.value.field, raised.value.received) == ("shop_amount", notification.field("shop_amount"))
    with pytest.raises(feennex.OrderMismatch) as raised:
        notification.check_order(sandbox.shop_id, order, "25.5", 978)
    assert raised.value.field == "shop_currency"

    # The same bytes with the module function and the key, from a proxy in front.
    same = feennex.verify_callback(body, content_type, "10.9.8.7", sandbox.secret, checked_upstream=True)
    assert same.fields == notification.fields
    # Any altered field breaks the signature.
    altered = body.replace(b"shop_amount=25.5", b"shop_amount=2550")
    assert altered != body
    with pytest.raises(feennex.CallbackRejected) as rejected:
        client.verify_callback(altered, content_type, sender, allow=["127.0.0.1"])
    assert rejected.value.reason == "bad_signature"


def test_a_rejected_invoice_callback_is_verified_with_its_status(
    sandbox: Sandbox, client: feennex.Client, receiver: Receiver
) -> None:
    order = unique("py-cb-invoice")
    invoice = client.invoice_create(200, 643, "card_rub", order, callback_url=receiver.url)
    sandbox.post(f"/_sandbox/payments/invoice/{invoice.id}/reject")
    body, content_type, sender = receiver.next()
    notification = client.verify_callback(body, content_type, sender, allow=["127.0.0.0/8"])
    assert notification.status != "success"
    assert notification.shop_order_id == order


def test_senders_outside_the_allow_list_are_refused_and_a_policy_is_required(
    sandbox: Sandbox,
) -> None:
    fields = {"shop_id": "6", "shop_order_id": "1", "shop_amount": "10.00", "shop_currency": "840",
              "status": "success", "payment_id": "9001"}
    body = urllib.parse.urlencode(dict(fields, sign=feennex.sign(fields, "SECRET"))).encode()
    form = "application/x-www-form-urlencoded"
    allowed = feennex.verify_callback(body, form, "51.68.53.105", "SECRET",
                                      allow=["51.68.53.104-51.68.53.107"])
    assert allowed.shop_amount == Decimal("10")
    with pytest.raises(feennex.CallbackRejected) as rejected:
        feennex.verify_callback(body, form, "51.68.53.108", "SECRET", allow=["51.68.53.104-51.68.53.107"])
    assert rejected.value.reason == "sender_not_allowed"
    with pytest.raises(feennex.InvalidValue, match="say who may send"):
        feennex.verify_callback(body, form, "51.68.53.105", "SECRET")
    with pytest.raises(feennex.InvalidValue):
        feennex.verify_callback(body, form, "51.68.53.105", "SECRET", allow=["not an address"])


def test_json_callbacks_sign_the_raw_text_of_each_value() -> None:
    body = (b'{"shop_id": 6, "shop_amount": 10.0, "shop_currency": 840, "status": "success",'
            b' "payer_id": null, "shop_order_id": "7", "payment_id": 9001}')
    expected = feennex.sign({"shop_id": "6", "shop_amount": "10.0", "shop_currency": "840",
                             "status": "success", "shop_order_id": "7", "payment_id": "9001"},
                            "SECRET")
    signed = body[:-1] + b', "sign": "' + expected.encode() + b'"}'
    notification = feennex.verify_callback(signed, "application/json", "127.0.0.1", "SECRET",
                                           allow=["127.0.0.1"])
    assert notification.fields["payer_id"] is None
    assert notification.shop_amount == Decimal("10")
    for bad, reason in [
        (body, "missing_sign"),
        (signed.replace(b"10.0", b"10.00"), "bad_signature"),
        (b"[1, 2]", "malformed_body"),
    ]:
        with pytest.raises(feennex.CallbackRejected) as rejected:
            feennex.verify_callback(bad, "application/json", "127.0.0.1", "SECRET", allow=["127.0.0.1"])
        assert rejected.value.reason == reason
    with pytest.raises(feennex.CallbackRejected) as rejected:
        feennex.verify_callback(signed, "text/plain", "127.0.0.1", "SECRET", allow=["127.0.0.1"])
    assert rejected.value.reason == "unsupported_content_type"
    assert json.loads(signed)["sign"] == expected


def test_field_sets_are_strict_by_default_and_widened_only_on_request() -> None:
    """A re-split callback's filler names are refused unless the merchant says so."""
    fields = {"shop_id": "6", "shop_order_id": "1", "shop_amount": "10.00", "shop_currency": "840",
              "status": "success", "payment_id": "9001", "a00": "x"}
    body = urllib.parse.urlencode(dict(fields, sign=feennex.sign(fields, "SECRET"))).encode()
    form = "application/x-www-form-urlencoded"
    with pytest.raises(feennex.CallbackRejected) as rejected:
        feennex.verify_callback(body, form, "127.0.0.1", "SECRET", allow=["127.0.0.1"])
    assert rejected.value.reason == "unexpected_field"
    widened = feennex.verify_callback(body, form, "127.0.0.1", "SECRET", allow=["127.0.0.1"],
                                      allow_fields=["a00"])
    assert widened.field("a00") == "x"
    loose = feennex.verify_callback(body, form, "127.0.0.1", "SECRET", allow=["127.0.0.1"],
                                    permissive=True)
    assert loose.shop_order_id == "1"
    without_payment = {k: v for k, v in fields.items() if k not in ("payment_id", "a00")}
    body = urllib.parse.urlencode(
        dict(without_payment, sign=feennex.sign(without_payment, "SECRET"))).encode()
    with pytest.raises(feennex.CallbackRejected) as rejected:
        feennex.verify_callback(body, form, "127.0.0.1", "SECRET", allow=["127.0.0.1"])
    assert rejected.value.reason == "missing_field"
    with pytest.raises(feennex.InvalidValue) as raised:
        feennex.verify_callback(body, form, "127.0.0.1", "SECRET", allow=["127.0.0.1"],
                                allow_fields=["a00"], permissive=True)
    assert raised.value.field == "permissive"
    with pytest.raises(feennex.InvalidValue) as raised:
        feennex.verify_callback(body, form, "127.0.0.1", "SECRET", allow=["127.0.0.1"],
                                allow_fields=["a00", ""])
    assert raised.value.field == "allow_fields"
