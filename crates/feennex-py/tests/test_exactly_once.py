"""The exactly-once payout machine driven from Python: scripted, and 100 payouts
against the sandbox under injected faults, each exactly once in its ledger."""

from __future__ import annotations

import concurrent.futures
import json
from decimal import Decimal

import pytest

import feennex

from conftest import Sandbox, unique

PAYOUT = dict(amount="7.25", amount_type="receive_amount", payee_account="201234567890",
              payee_currency=840, shop_currency=840)


def answer(data: dict) -> bytes:
    return json.dumps({"data": data, "error_code": 0, "message": "Ok", "result": True}).encode()


def error(code: int) -> bytes:
    return json.dumps({"data": None, "error_code": code, "message": "m", "result": False}).encode()


def step(exchange: feennex.Exchange) -> tuple:
    """The next step, sleeping through waits (which the scripts keep short)."""
    while True:
        next_step = exchange.poll(0)
        if next_step[0] != "wait":
            return next_step
        assert 0 <= next_step[1] < 1


def test_a_create_lost_after_sending_is_looked_up_and_created_again_on_not_found() -> None:
    session = feennex.Session(6, "SECRET", "http://127.0.0.1:9")
    exchange = session.payout("transfer/create", dict(PAYOUT, shop_payment_id="m-1"))
    first = step(exchange)
    assert (first[0], first[6]) == ("send", "create")
    assert 0 < first[5] <= 30
    exchange.fail("maybe_sent", "reset by peer")
    lookup = step(exchange)
    assert (lookup[0], lookup[6]) == ("send", "lookup")
    assert json.loads(lookup[4])["shop_payment_id"] == "m-1"
    exchange.receive(200, error(7))
    again = step(exchange)
    assert (again[0], again[6]) == ("send", "create")
    assert again[4] == first[4]  # the very same signed bytes
    exchange.receive(200, answer({"id": 41, "balance": 1, "payee_account": "201234567890",
                                  "payee_amount": 7.25, "payee_currency": 840, "shop": 6,
                                  "shop_currency": 840, "write_off_amount": 7.25}))
    done = step(exchange)
    assert done[0] == "done"
    outcome = json.loads(done[1])
    assert (outcome["summary"]["id"], outcome["creates_sent"], outcome["status_checks"]) == (41, 2, 1)
    with pytest.raises(feennex.OutOfTurn):
        exchange.poll(0)


def test_a_create_that_never_left_is_sent_again_without_a_lookup() -> None:
    session = feennex.Session(6, "SECRET", "http://127.0.0.1:9")
    exchange = session.payout("transfer/create", dict(PAYOUT, shop_payment_id="m-2"))
    assert step(exchange)[6] == "create"
    exchange.fail("not_sent", "connection refused")
    assert step(exchange)[6] == "create"
    exchange.receive(200, error(9))
    with pytest.raises(feennex.ApiError) as raised:
        step(exchange)
    assert raised.value.code == 9


def test_a_payout_that_cannot_be_resolved_says_so_and_keeps_the_last_error() -> None:
    session = feennex.Session(6, "SECRET", "http://127.0.0.1:9", max_status_checks=2)
    exchange = session.payout("transfer/create", dict(PAYOUT, shop_payment_id="m-3"))
    step(exchange)
    exchange.receive(502, b"<html>Bad Gateway</html>")
    for _ in range(2):
        assert step(exchange)[6] == "lookup"
        exchange.fail("maybe_sent", "timed out")
    with pytest.raises(feennex.PayoutUnresolved) as raised:
        step(exchange)
    assert raised.value.shop_payment_id == "m-3"
    assert (raised.value.creates_sent, raised.value.status_checks) == (1, 2)
    assert isinstance(raised.value.last_error, feennex.TransportError)
    assert raised.value.outcome_unknown


def test_a_driver_that_reports_nonsense_gets_an_exception() -> None:
    session = feennex.Session(6, "SECRET", "http://127.0.0.1:9")
    exchange = session.payout("transfer/create", dict(PAYOUT, shop_payment_id="m-4"))
    step(exchange)
    with pytest.raises(feennex.InvalidValue):
        exchange.fail("perhaps", "x")
    with pytest.raises(feennex.InvalidValue):
        exchange.receive(1000, b"")
    with pytest.raises(feennex.OutOfTurn):
        exchange.poll(0)  # a request is still out


FAULTS = {"drop-before": 0.05, "drop-after": 0.1, "http-502": 0.05, "garbage": 0.05,
          "truncate": 0.05, "delay": 0.05}


def test_a_hundred_payouts_under_faults_are_each_in_the_ledger_exactly_once(sandbox: Sandbox) -> None:
    client = sandbox.client(attempt_timeout=0.5, total_timeout=60, max_creates=6,
                            max_status_checks=40)
    prefix = unique("py-faults")
    ids = [f"{prefix}-{n:03}" for n in range(100)]
    amounts = {payment_id: Decimal(n + 1) / 4 for n, payment_id in enumerate(ids)}
    before = sandbox.get("/_sandbox/faults")["injected"]
    sandbox.set_faults(FAULTS, seed=13, delay_ms=800)

    def pay(payment_id: str):
        try:
            return client.payout(amounts[payment_id], "receive_amount", "201234567890", 840, 840,
                                 payment_id)
        except feennex.PayoutUnresolved as unresolved:
            return unresolved

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = dict(zip(ids, pool.map(pay, ids)))
    finally:
        injected = sandbox.get("/_sandbox/faults")["injected"]
        sandbox.clear_faults()
    # Payouts left unresolved (their outcome unknown within the limits) are
    # resumed with the same id once the faults stop: looked up, never paid again.
    for payment_id, outcome in outcomes.items():
        if isinstance(outcome, feennex.PayoutUnresolved):
            outcomes[payment_id] = client.payout(amounts[payment_id], "receive_amount",
                                                 "201234567890", 840, 840, payment_id, resume=True)

    assert sum(injected.values()) - sum(before.values()) >= 20, injected
    ledger = [t for t in sandbox.transfers() if t["shop_payment_id"].startswith(prefix)]
    by_id = {}
    for transfer in ledger:
        assert transfer["shop_payment_id"] not in by_id, f"paid twice: {transfer}"
        by_id[transfer["shop_payment_id"]] = transfer
    assert set(by_id) == set(ids)
    for payment_id, outcome in outcomes.items():
        transfer = by_id[payment_id]
        assert outcome.id == transfer["id"]
        assert outcome.write_off == amounts[payment_id] == Decimal(str(transfer["write_off_amount"]))
    reconciled = sum(outcome.reconciled for outcome in outcomes.values())
    assert reconciled > 0  # some outcomes were only learnt by a lookup
