"""Request building for every endpoint: the same bytes as the core's vectors."""

from __future__ import annotations

import hashlib
import json

import pytest

import feennex

SECRET = "SecretKey01"
INVOICE_PARAMS = {
    "amount", "currency", "payway", "shop_order_id", "description",
    "success_url", "failed_url", "callback_url",
}


def params_of(endpoint: str, body: str) -> dict:
    """The parameters that made a vector's body: its fields but `shop_id` and
    `sign`, numbers as their JSON text, an invoice's other fields as add-ons."""
    fields = json.loads(body, parse_float=str, parse_int=str)
    fields.pop("shop_id")
    fields.pop("sign")
    for name in ("account_details",):
        if name in fields:
            fields[name] = json.loads(body)[name]
    if endpoint == "invoice/create":
        fields["add_ons"] = {k: fields.pop(k) for k in list(fields) if k not in INVOICE_PARAMS}
    return fields


def test_every_endpoint_builds_the_vector_body_and_signature(request_vectors: dict) -> None:
    session = feennex.Session(6, SECRET, "http://127.0.0.1:9")
    assert set(request_vectors) == set(feennex.ENDPOINTS)
    for endpoint, vector in request_vectors.items():
        params = params_of(endpoint, vector["body"])
        method, url, headers, body = session.build(endpoint, params)
        signature = hashlib.sha256((vector["string_to_sign"] + SECRET).encode()).hexdigest()
        assert method == "POST"
        assert url == f"http://127.0.0.1:9/{endpoint}"
        assert ("content-type", "application/json") in headers
        assert body.decode() == vector["body"].replace("SIGN", signature), endpoint
        assert session.string_to_sign(endpoint, params) == vector["string_to_sign"]


def test_values_may_be_int_str_or_decimal_and_give_the_same_body() -> None:
    from decimal import Decimal

    session = feennex.Session(6, SECRET)
    common = dict(amount_type="receive_amount", payee_currency=978, shop_currency=840)
    bodies = {
        session.build("transfer/try", dict(common, amount=amount))[3]
        for amount in ("1.10", Decimal("1.1"), Decimal("1.100"), "1.1")
    }
    assert len(bodies) == 1
    assert b'"amount":1.1,' in bodies.pop()
    with_str = session.build("transfer/try", dict(common, amount=5, payee_currency="978"))
    with_int = session.build("transfer/try", dict(common, amount="5"))
    assert with_str[3] == with_int[3]


def test_the_default_base_url_is_production() -> None:
    session = feennex.Session(6, SECRET)
    assert session.base_url == "https://core.feennex.com"
    _, url, _, _ = session.build("shop_balance", {})
    assert url == "https://core.feennex.com/shop_balance"


@pytest.mark.parametrize(
    "endpoint, params, field",
    [
        ("transfer/try", {"amount": "1", "amount_type": "receive_amount", "payee_currency": 978}, "shop_currency"),
        ("transfer/try", {"amount": "1", "amount_type": "sideways", "payee_currency": 978, "shop_currency": 840}, "amount_type"),
        ("transfer/try", {"amount": "1", "amount_type": "receive_amount", "payee_currency": "USD!", "shop_currency": 840}, "payee_currency"),
        ("transfer/shop_payment_status", {"shop_payment_id": ""}, "shop_payment_id"),
        ("transfer/shop_payment_status", {"shop_payment_id": "x" * 256}, "shop_payment_id"),
        ("transfer/shop_payment_status", {"shop_payment_id": "x", "now": "yesterday"}, "now"),
        ("shop_balance", {"shopid": 6}, "shopid"),
        ("transfer/try", {"amount": "1", "amount_type": "receive_amount", "payee_currency": 978, "shop_currency": 840, "descripton": "typo"}, "descripton"),
        ("withdraw/status", {"withdraw_id": "-1"}, "withdraw_id"),
        ("no/such", {}, "operation"),
    ],
)
def test_bad_parameters_are_invalid_value_naming_the_field(endpoint: str, params: dict, field: str) -> None:
    session = feennex.Session(6, SECRET)
    with pytest.raises(feennex.InvalidValue) as raised:
        session.build(endpoint, params)
    assert raised.value.field == field


def test_payout_creates_go_through_the_payout_machine_only() -> None:
    session = feennex.Session(6, SECRET, "http://127.0.0.1:9")
    params = dict(amount="1", amount_type="receive_amount", payee_account="201234567890",
                  payee_currency=840, shop_currency=840, shop_payment_id="p")
    with pytest.raises(feennex.InvalidValue, match="exactly once"):
        session.call("transfer/create", params)
    with pytest.raises(feennex.InvalidValue, match="not a payout"):
        session.payout("shop_balance", {})
    assert "transfer/create" in repr(session.payout("transfer/create", params))


def test_pay_page_fields_are_signed_like_the_published_form(published_vectors: list) -> None:
    vector = next(v for v in published_vectors if v["endpoint"] == "pay form")
    fields = vector["fields"]
    session = feennex.Session(int(fields["shop_id"]), vector["secret"])
    action, form = session.pay_page(
        {"amount": fields["amount"], "currency": fields["currency"],
         "shop_order_id": fields["shop_order_id"], "description": "Order"},
        "ru",
    )
    form = dict(form)
    assert action == "https://pay.feennex.com/ru/pay"
    # The canonical text of 10.00 is 10, so the signature is over 10:643:5:101.
    assert form["amount"] == "10"
    assert form["sign"] == feennex.sign(
        {k: form[k] for k in ("amount", "currency", "shop_id", "shop_order_id")}, vector["secret"]
    )
    assert form["description"] == "Order"
    with pytest.raises(feennex.InvalidValue):
        session.pay_page({"amount": "1", "currency": 643, "shop_order_id": "1"}, "de")


def test_plain_http_to_another_machine_is_refused_unless_allowed() -> None:
    with pytest.raises(feennex.InvalidValue, match="plain http"):
        feennex.Session(6, SECRET, "http://10.1.2.3")
    assert feennex.Session(6, SECRET, "http://10.1.2.3", allow_plain_http=True).shop_id == 6


def test_the_session_never_shows_its_secret() -> None:
    session = feennex.Session(6, "very-secret-key", "http://127.0.0.1:9")
    client = feennex.Client(6, "very-secret-key", "http://127.0.0.1:9")
    for text in (repr(session), str(session), repr(client)):
        assert "very-secret-key" not in text
