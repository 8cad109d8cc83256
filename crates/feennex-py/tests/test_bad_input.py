"""Bad input ends in an ordinary Python exception: never a crash, never a panic
(PyO3 turns a Rust panic into PanicException, which is not an Exception, so any
panic fails these tests)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

import feennex

ODD_TEXTS = ["", "\x00", "\ud800", "é" * 300, "9" * 400, " 1", "1e400", "-0", "NaN", "💸",
             "a\"b\\c\n", "%", "0x10"]
ODD_VALUES = ODD_TEXTS + [None, 0, -1, 2**70, 1.5, True, b"10", [], {}, Decimal("Infinity"),
                          Decimal("-0"), object()]


def accepts_or_raises(call, *args, **kwargs) -> bool:
    """Runs the call; an Exception is a normal refusal. Returns whether it passed."""
    try:
        call(*args, **kwargs)
        return True
    except Exception:  # noqa: BLE001 - any ordinary exception is a refusal
        return False


def test_odd_values_in_every_parameter_of_every_endpoint() -> None:
    session = feennex.Session(6, "SECRET", "http://127.0.0.1:9")
    names = ["amount", "amount_type", "payee_account", "payee_currency", "shop_currency",
             "shop_payment_id", "payer_currency", "shop_amount", "shop_order_id", "currency",
             "payway", "account", "withdraw_id", "now", "description", "add_ons",
             "account_details", "success_url"]
    chooser = random.Random(7)
    refused = 0
    for endpoint in feennex.ENDPOINTS:
        for _ in range(150):
            params = {name: chooser.choice(ODD_VALUES) for name in chooser.sample(names, 6)}
            if not accepts_or_raises(session.build, endpoint, params):
                refused += 1
            accepts_or_raises(session.call, endpoint, params)
            accepts_or_raises(session.payout, endpoint, params)
    assert refused > 1000


def test_random_bodies_never_crash_the_parser() -> None:
    chooser = random.Random(11)
    pieces = [b'{"data":', b'{"id":', b'"error_code":', b"0", b"6", b'"result":true', b"null",
              b"}", b",", b"1e999", b"\xff", b'"x"', b"[", b"]", b"-1", b'"write_off_amount":']
    parsed = 0
    for _ in range(3000):
        body = b"".join(chooser.choice(pieces) for _ in range(chooser.randrange(12)))
        endpoint = chooser.choice(list(feennex.ENDPOINTS))
        status = chooser.choice([200, 400, 502])
        try:
            feennex.parse_response(endpoint, status, body)
            parsed += 1
        except feennex.FeennexError:
            pass
    assert parsed < 3000
    with pytest.raises(feennex.InvalidValue):
        feennex.parse_response("transfer/create", 99, b"")
    with pytest.raises(TypeError):
        feennex.parse_response("transfer/create", 200, "text, not bytes")


def test_random_callbacks_never_crash_verification() -> None:
    chooser = random.Random(5)
    pieces = [b"a=1", b"&", b"sign=", b"%", b"%ff", b"=", b"+", b'{"a":', b"null", b"}", b"\x00"]
    for _ in range(2000):
        body = b"".join(chooser.choice(pieces) for _ in range(chooser.randrange(10)))
        content_type = chooser.choice(["application/json", "application/x-www-form-urlencoded",
                                       "text/html", ""])
        with pytest.raises(feennex.CallbackRejected):
            feennex.verify_callback(body, content_type, "127.0.0.1", "SECRET", checked_upstream=True)
    for sender in ["", "localhost", "1.2.3", "::1::"]:
        with pytest.raises(feennex.InvalidValue):
            feennex.verify_callback(b"a=1", "application/json", sender, "SECRET", checked_upstream=True)


def test_odd_texts_sign_or_raise_an_ordinary_error() -> None:
    for text in ODD_TEXTS:
        assert accepts_or_raises(feennex.sign, {"a": text}, "SECRET") == (text != "\ud800")
    with pytest.raises(UnicodeEncodeError):
        feennex.sign({"a": "\ud800"}, "SECRET")


@pytest.mark.parametrize(
    "args, kwargs, error",
    [
        ((0, "SECRET"), {}, feennex.InvalidValue),
        ((-1, "SECRET"), {}, OverflowError),
        ((6, ""), {}, feennex.InvalidValue),
        ((6, "SECRET", "ftp://x"), {}, feennex.InvalidValue),
        ((6, "SECRET", "http://127.0.0.1:9"), {"attempt_timeout": -1}, feennex.InvalidValue),
        ((6, "SECRET", "http://127.0.0.1:9"), {"total_timeout": float("nan")}, feennex.InvalidValue),
        (("6", "SECRET"), {}, TypeError),
    ],
)
def test_a_session_with_bad_settings_is_refused(args: tuple, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        feennex.Session(*args, **kwargs)


def test_a_client_against_a_closed_port_fails_cleanly_without_a_payout() -> None:
    client = feennex.Client(6, "SECRET", "http://127.0.0.1:9", attempt_timeout=1, total_timeout=2)
    with pytest.raises(feennex.TransportError) as raised:
        client.shop_balance()
    assert raised.value.delivery == "not_sent"
    with pytest.raises(feennex.FeennexError) as raised:
        client.payout("1", "receive_amount", "201234567890", 840, 840, "never-sent")
    # Every create was refused before it left: nothing can have been paid.
    assert not isinstance(raised.value, feennex.PayoutUnresolved)
    assert raised.value.outcome_unknown is False
