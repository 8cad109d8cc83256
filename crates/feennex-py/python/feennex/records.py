"""Typed answers. The core reads every answer (numbers or strings, missing
optional fields, unknown fields); these classes only hold what it read, with
amounts as exact ``decimal.Decimal`` and currencies as ISO 4217 numeric codes."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any, Dict, List, Optional, Type, TypeVar

from ._native import withdraw_status_is_final

T = TypeVar("T")


def _build(cls: Type[T], data: Dict[str, Any]) -> T:
    """An instance of the dataclass ``cls`` from the core's JSON object: fields
    typed ``Decimal`` are made from the exact text the core wrote."""
    values = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        value = data.get(field.name)
        if value is not None and "Decimal" in str(field.type):
            value = Decimal(value)
        values[field.name] = value
    return cls(**values)


@dataclasses.dataclass(frozen=True)
class TransferQuote:
    """``transfer/try``: what a wallet payout would cost."""

    payee_amount: Decimal
    payee_currency: int
    shop_currency: int
    write_off_amount: Decimal
    account_info_config: Dict[str, Any]
    info: Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class TransferCreated:
    """``transfer/create``: a wallet payout that was made."""

    id: int
    balance: Optional[Decimal]
    payee_account: str
    payee_amount: Decimal
    payee_currency: int
    shop: int
    shop_currency: int
    write_off_amount: Decimal


@dataclasses.dataclass(frozen=True)
class TransferPayout:
    """``transfer/shop_payment_status``: a wallet payout found by its id."""

    id: int
    shop_payment_id: str
    receive_amount: Decimal
    payee_currency: int
    shop_currency: int
    write_off_amount: Decimal


@dataclasses.dataclass(frozen=True)
class Bill:
    """``bill/create``: send the payer to ``url``."""

    id: int
    url: str
    created: Optional[str]
    lifetime: Optional[int]
    payer_account: Optional[str]
    payer_currency: Optional[int]
    payer_price: Optional[Decimal]
    shop_amount: Optional[Decimal]
    shop_currency: Optional[int]
    shop_id: Optional[int]
    shop_order_id: Optional[str]
    shop_refund: Optional[Decimal]


@dataclasses.dataclass(frozen=True)
class BillState:
    """``bill/shop_order_status``: status 1 Waiting, 2 Paid, 3 Canceled, 4 Expired."""

    id: int
    status: int
    shop_order_id: Optional[str]
    shop_amount: Optional[Decimal]
    shop_currency: Optional[int]
    payer_price: Optional[Decimal]
    payer_currency: Optional[int]
    shop_refund: Optional[Decimal]
    created: Optional[str]


@dataclasses.dataclass(frozen=True)
class InvoiceQuote:
    """``invoice/try``: the price and the extra fields the payer must supply."""

    add_ons_config: Dict[str, Any]
    payer_price: Optional[Decimal]
    ps_currency: Optional[int]
    paymethod_id: Optional[int]
    paymethod_name: Optional[str]
    manual: Optional[bool]
    info: Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class InvoiceCreated:
    """``invoice/create``: send the payer to ``url`` with ``method`` and ``data``."""

    id: int
    method: Optional[str]
    url: Optional[str]
    data: Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class WithdrawQuote:
    """``withdraw/try``: what a withdrawal would cost."""

    payee_receive: Decimal
    ps_currency: int
    shop_currency: int
    shop_write_off: Decimal
    account_info_config: Dict[str, Any]
    info: Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class AccountCheck:
    """``check_account``: whether the payee account can receive."""

    result: bool
    verified: Optional[bool]
    provider_status: Optional[str]
    account_info: Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Withdrawal:
    """``withdraw/create`` and the withdrawal status calls. Poll until
    ``is_final`` (the core's rule: 4 and 9 look like errors but are not final)."""

    id: int
    status: int
    payee_receive: Decimal
    ps_currency: int
    shop_currency: int
    shop_write_off: Decimal
    shop_payment_id: Optional[str]
    balance: Optional[Decimal]

    @property
    def is_final(self) -> bool:
        return withdraw_status_is_final(self.status)


@dataclasses.dataclass(frozen=True)
class Balance:
    """The balance in one currency."""

    currency: int
    available: Decimal
    frozen: Optional[Decimal]
    hold: Optional[Decimal]
    rolling_reserve: Optional[Decimal]


@dataclasses.dataclass(frozen=True)
class ShopBalances:
    """``shop_balance``."""

    balances: List[Balance]
    shop_id: Optional[int]

    def available(self, currency: int) -> Optional[Decimal]:
        """What can be paid out now in ``currency``, or ``None``."""
        for balance in self.balances:
            if balance.currency == currency:
                return balance.available
        return None


#: The record class of each endpoint's answer.
RECORDS: Dict[str, type] = {
    "transfer/try": TransferQuote,
    "transfer/create": TransferCreated,
    "transfer/shop_payment_status": TransferPayout,
    "bill/create": Bill,
    "bill/shop_order_status": BillState,
    "invoice/try": InvoiceQuote,
    "invoice/create": InvoiceCreated,
    "withdraw/try": WithdrawQuote,
    "check_account": AccountCheck,
    "withdraw/create": Withdrawal,
    "withdraw/status": Withdrawal,
    "withdraw/shop_payment_status": Withdrawal,
    "shop_balance": ShopBalances,
}

#: The status lookup of each payout create.
LOOKUPS = {
    "transfer/create": "transfer/shop_payment_status",
    "withdraw/create": "withdraw/shop_payment_status",
}


def record(endpoint: str, data: Dict[str, Any]) -> Any:
    """The record of ``endpoint``'s answer from the core's JSON object."""
    if endpoint == "shop_balance":
        balances = [_build(Balance, item) for item in data.get("balances") or []]
        return ShopBalances(balances=balances, shop_id=data.get("shop_id"))
    return _build(RECORDS[endpoint], data)


def from_json(endpoint: str, text: str) -> Any:
    """The record of ``endpoint``'s answer from the core's JSON text."""
    return record(endpoint, json.loads(text))


@dataclasses.dataclass(frozen=True)
class PayoutResult:
    """How an exactly-once payout ended.

    ``record`` is the create's answer when ``created`` is true, else the payout as
    a status lookup found it (``TransferPayout`` or ``Withdrawal``). ``id``,
    ``write_off`` and ``shop_currency`` are the same whichever way it was learnt.
    ``reconciled`` says the payout was adopted from a lookup; ``preexisting``
    that it existed before this call (its first create was answered "not
    unique", on a call that did not resume an earlier one).
    """

    record: Any
    created: bool
    id: int
    write_off: Decimal
    shop_currency: int
    creates_sent: int
    status_checks: int
    reconciled: bool
    preexisting: bool


def payout_result(endpoint: str, text: str) -> PayoutResult:
    """A ``PayoutResult`` from the core's JSON text of a payout's outcome."""
    data = json.loads(text)
    (kind, payload), = data["record"].items()
    created = kind == "created"
    record_endpoint = endpoint if created else LOOKUPS[endpoint]
    summary = data["summary"]
    return PayoutResult(
        record=record(record_endpoint, payload),
        created=created,
        id=summary["id"],
        write_off=Decimal(summary["write_off"]),
        shop_currency=summary["shop_currency"],
        creates_sent=data["creates_sent"],
        status_checks=data["status_checks"],
        reconciled=data["reconciled"],
        preexisting=data["preexisting"],
    )
