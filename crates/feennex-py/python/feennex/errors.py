"""The exceptions of feennex. Every one is a ``FeennexError``; each carries what
the core knows as attributes (the API's error code above all). None holds the
secret key."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional


class FeennexError(Exception):
    """Base of every error raised by feennex.

    ``outcome_unknown`` is true when the server may have acted on a request
    although no usable answer came back: for a payout, ask its status (with the
    same ``shop_payment_id``) before anything else.
    """

    outcome_unknown: bool = False

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        for name, value in details.items():
            setattr(self, name, value)


class InvalidValue(FeennexError, ValueError):
    """A request value was refused before anything was built or sent; ``field``
    names it (a misspelt parameter is refused under its own name)."""

    field: str


class ApiError(FeennexError):
    """Feennex answered with an error envelope.

    ``code`` is the API's error code (6: not unique, 7: not found, 9: insufficient
    balance, 10: bad parameter or signature...), ``name`` its documented name
    (``"Unknown"`` for codes this version does not know), ``server_message`` the
    server's text and ``http_status`` the status it came with.
    """

    code: int
    name: str
    server_message: str
    http_status: int


class NotEnvelope(FeennexError):
    """The answer is not a Feennex envelope (a proxy's error page, a cut body):
    the outcome of the call is unknown. ``status`` is its HTTP status."""

    status: int
    snippet: str


class UnexpectedData(FeennexError):
    """A successful envelope whose data does not have the documented shape."""

    endpoint: str
    snippet: str


class TransportError(FeennexError):
    """No answer came. ``delivery`` is ``"not_sent"`` when the request provably
    never left, else ``"maybe_sent"``."""

    delivery: str


class PayoutUnresolved(FeennexError):
    """A payout may or may not have been made, and no lookup could tell within the
    limits. Ask again later with the same ``shop_payment_id`` (``resume=True``);
    never pay it again under a new id."""

    shop_payment_id: str
    creates_sent: int
    status_checks: int
    last_error: FeennexError


class Conflict(FeennexError):
    """A payout exists under the request's ``shop_payment_id`` but differs from
    what was asked: nothing was paid for this request. ``field`` names the first
    fact that differs, ``asked`` and ``found`` its two values, ``payout_id`` the
    payout found; ``not_unique`` is the API's message when it refused the create
    as not unique (error 6)."""

    payout_id: int
    shop_payment_id: str
    field: str
    asked: str
    found: str
    not_unique: Optional[str]


class Unverified(FeennexError):
    """A payout under the request's ``shop_payment_id`` matches what its answer
    carries, but it existed before this call and nothing shows it was made for
    this request: not success. ``not_compared`` names what was asked that the
    answer does not carry. If your own records show the id is yours with these
    details, call again with ``resume=True``; otherwise use another id.
    ``not_unique`` is the API's message when it refused the create (error 6)."""

    payout_id: int
    shop_payment_id: str
    not_compared: list
    not_unique: Optional[str]


class LimitReached(FeennexError):
    """A call gave up on a limit (``creates``, ``status checks`` or ``time``)."""

    limit: str


class OutOfTurn(FeennexError):
    """A machine was driven against its run loop (a bug in the driver)."""


class CallbackRejected(FeennexError):
    """A callback failed verification. ``reason`` is the core's stable name of
    the check, the same in every language: ``sender_not_allowed``,
    ``unsupported_content_type``, ``malformed_body``, ``missing_sign``,
    ``bad_signature``, ``unexpected_field``, ``missing_field`` or
    ``malformed_field``."""

    reason: str


class OrderMismatch(FeennexError):
    """A verified callback is not for the merchant's order: ``field`` names what
    differs, ``received`` is what the callback says."""

    field: str
    received: Optional[str]


def _from_failure(class_name: str, text: str) -> FeennexError:
    """The exception of a failure reported by the core's shared layer: its class
    from the layer's table of kinds, its attributes from the failure."""
    failure: Dict[str, Any] = json.loads(text)
    return _exception(class_name, failure)


def _exception(class_name: str, failure: Dict[str, Any]) -> FeennexError:
    details: Dict[str, Any] = {
        key: value for key, value in failure.items() if key not in ("message", "last_error")
    }
    details["outcome_unknown"] = bool(failure.get("outcome_unknown"))
    kind = failure["kind"]
    if "code_name" in failure:
        details["name"] = failure["code_name"]
    if "http_status" in failure:
        details["status"] = failure["http_status"]
    if kind in ("transport", "transport_not_sent"):
        details["delivery"] = "not_sent" if kind == "transport_not_sent" else "maybe_sent"
    last = failure.get("last_error")
    if last is not None:
        details["last_error"] = _exception(_KIND_CLASSES.get(last["kind"], "FeennexError"), last)
    cls = globals().get(class_name, FeennexError)
    return cls(failure["message"], **details)


#: The class of each kind, from the core's table (filled when the extension loads).
_KIND_CLASSES: Dict[str, str] = {}


__all__ = [
    "ApiError",
    "CallbackRejected",
    "Conflict",
    "FeennexError",
    "InvalidValue",
    "LimitReached",
    "NotEnvelope",
    "OrderMismatch",
    "OutOfTurn",
    "PayoutUnresolved",
    "TransportError",
    "Unverified",
    "UnexpectedData",
]
