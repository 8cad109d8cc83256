"""The shared cases of crates/feennex-ops/tests/data/conformance.json, which every
binding runs in its own language: the same refused field, the same callback
reason, the same options, the same finality of withdrawals; and the stubs
(``_native.pyi``, ``records``) against what the Rust extension really has."""

from __future__ import annotations

import ast
import dataclasses
import json
import pathlib
from decimal import Decimal

import pytest

import feennex
from feennex import _native, errors, records

from conftest import REPO, Sandbox, unique

CASES = json.loads((REPO / "crates" / "feennex-ops" / "tests" / "data" / "conformance.json").read_text())
SESSION = feennex.Session(CASES["shop_id"], CASES["secret"], CASES["base_url"])
OPTION_NAMES = {"attempt_timeout_ms": "attempt_timeout", "total_timeout_ms": "total_timeout"}


@pytest.mark.parametrize("case", CASES["build"], ids=lambda case: case["name"])
def test_build_cases(case: dict) -> None:
    if "field" in case:
        with pytest.raises(feennex.InvalidValue) as raised:
            SESSION.build(case["operation"], case["params"])
        assert raised.value.field == case["field"]
    else:
        _, _, _, body = SESSION.build(case["operation"], case["params"])
        assert case.get("body_contains", "").encode() in body


@pytest.mark.parametrize("case", CASES["options"], ids=lambda case: case["name"])
def test_option_cases(case: dict) -> None:
    options = {}
    for name, value in case["options"].items():
        # Python takes seconds where the others take milliseconds.
        options[OPTION_NAMES.get(name, name)] = value / 1000 if name in OPTION_NAMES else value
    if "field" in case:
        with pytest.raises((feennex.InvalidValue, TypeError)) as raised:
            feennex.Session(6, "k", **options)
        if isinstance(raised.value, feennex.InvalidValue):
            assert raised.value.field in (case["field"], OPTION_NAMES.get(case["field"]))
    else:
        session = feennex.Session(6, "k", **options)
        expected = case["options"].get("max_response_bytes", feennex.DEFAULT_MAX_RESPONSE_BYTES)
        assert session.max_response_bytes == expected


@pytest.mark.parametrize("case", CASES["callbacks"], ids=lambda case: case["name"])
def test_callback_cases(case: dict) -> None:
    def verify():
        return SESSION.verify_callback(case["body"].encode(), case["content_type"], case["remote_ip"],
                                       allow=case["allow"], checked_upstream=case["checked_upstream"])

    if "reason" in case:
        with pytest.raises(feennex.CallbackRejected) as raised:
            verify()
        assert raised.value.reason == case["reason"]
    elif "field" in case:
        with pytest.raises(feennex.InvalidValue) as raised:
            verify()
        assert raised.value.field == case["field"]
    else:
        assert verify().shop_order_id == case["shop_order_id"]
        with_key = feennex.verify_callback(case["body"].encode(), case["content_type"], case["remote_ip"],
                                           CASES["secret"], allow=case["allow"],
                                           checked_upstream=case["checked_upstream"])
        assert with_key.fields == verify().fields


def test_withdrawal_finality_is_the_core_rule() -> None:
    for status, final in CASES["withdraw_final"].items():
        assert feennex.withdraw_status_is_final(int(status)) is final
        withdrawal = records.Withdrawal(id=1, status=int(status), payee_receive=Decimal(1), ps_currency=643,
                                        shop_currency=643, shop_write_off=Decimal(1), shop_payment_id=None,
                                        balance=None)
        assert withdrawal.is_final is final


def test_every_failure_kind_has_its_exception_class() -> None:
    kinds = dict(feennex.FAILURE_KINDS)
    assert {"api", "invalid_input", "callback_rejected", "order_mismatch", "payout_unresolved"} <= set(kinds)
    for kind, class_name in kinds.items():
        cls = getattr(errors, class_name)
        assert issubclass(cls, feennex.FeennexError), kind


def _stub_members() -> dict:
    """The names each class of ``_native.pyi`` declares, and the module's own."""
    tree = ast.parse((pathlib.Path(_native.__file__).parent / "_native.pyi").read_text())
    members: dict = {"": set()}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                item.name if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) else item.target.id
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                or (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name))
            }
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            members[""].add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members[""].add(node.target.id)
    return members


def test_the_stubs_declare_exactly_what_the_extension_has() -> None:
    stubs = _stub_members()
    public = lambda names: {name for name in names if not name.startswith("_")}  # noqa: E731
    module = public(dir(_native)) - {cls for cls in stubs if cls}
    assert stubs.pop("") == module
    for cls, declared in stubs.items():
        real = getattr(_native, cls)
        assert public(declared) == public(vars(real)), cls


def _core_keys(sandbox: Sandbox, endpoint: str, **params) -> set:
    """The fields of the Rust type of ``endpoint``'s answer: the core writes every
    field of its answer types (null when absent)."""
    session = feennex.Session(sandbox.shop_id, sandbox.secret, sandbox.base_url)
    return set(json.loads(feennex.HttpDriver().run(session.call(endpoint, params))))


def test_every_record_has_exactly_the_fields_of_the_rust_type(sandbox: Sandbox) -> None:
    order = unique("py-stubs")
    client = sandbox.client()
    paid = client.payout("2", "receive_amount", "201234567890", 840, 840, order + "-t")
    assert {field.name for field in dataclasses.fields(records.TransferCreated)} == set(
        json.loads(json.dumps(dataclasses.asdict(paid.record), default=str)))
    calls = {
        "transfer/try": dict(amount="1.11", amount_type="receive_amount", payee_currency=978, shop_currency=840),
        "transfer/shop_payment_status": dict(shop_payment_id=order + "-t"),
        "bill/create": dict(payer_currency=840, shop_amount="5", shop_currency=840, shop_order_id=order + "-b"),
        "bill/shop_order_status": dict(shop_order_id=order + "-b"),
        "invoice/try": dict(amount="500", currency=643, payway="card_rub", shop_order_id=order + "-i"),
        "invoice/create": dict(amount="500", currency=643, payway="card_rub", shop_order_id=order + "-i"),
        "withdraw/try": dict(amount="100", amount_type="ps_amount", payway="card_rub", shop_currency=643),
        "check_account": dict(account="4111111111111111", amount="100", payway="card_rub"),
        "shop_balance": {},
    }
    for endpoint, params in calls.items():
        declared = {field.name for field in dataclasses.fields(records.RECORDS[endpoint])}
        assert declared == _core_keys(sandbox, endpoint, **params), endpoint
    withdrawal = client.withdraw("4111111111111111", "100", "ps_amount", "card_rub", 643, order + "-w")
    declared = {field.name for field in dataclasses.fields(records.Withdrawal)}
    assert declared == _core_keys(sandbox, "withdraw/status", withdraw_id=withdrawal.id)
    balance = json.loads(feennex.HttpDriver().run(
        feennex.Session(sandbox.shop_id, sandbox.secret, sandbox.base_url).call("shop_balance", {})))
    assert {field.name for field in dataclasses.fields(records.Balance)} == set(balance["balances"][0])
    outcome = {field.name for field in dataclasses.fields(records.PayoutResult)}
    assert {"created", "id", "write_off", "shop_currency", "record"} | {
        "creates_sent", "status_checks", "reconciled", "preexisting"} == outcome
