"""Feennex payment API: signing, requests, answers, callbacks and exactly-once
payouts, all decided by the Rust core (``feennex-proto``)."""

from __future__ import annotations

from ._native import (
    DEFAULT_MAX_RESPONSE_BYTES,
    ENDPOINTS,
    FAILURE_KINDS,
    Exchange,
    Notification,
    Session,
    Signer,
    amount_text,
    sign,
    string_to_sign,
    verify_callback,
    withdraw_status_is_final,
)
from . import errors as _errors
from .client import Client, HttpDriver, PayoutResult, parse_response
from .errors import (
    ApiError,
    CallbackRejected,
    Conflict,
    FeennexError,
    InvalidValue,
    LimitReached,
    NotEnvelope,
    OrderMismatch,
    OutOfTurn,
    PayoutUnresolved,
    TransportError,
    UnexpectedData,
    Unverified,
)
from . import records

_errors._KIND_CLASSES.update(dict(FAILURE_KINDS))

#: The reply body Feennex expects (with HTTP 200) to a callback it should not send again.
CALLBACK_REPLY_OK = "OK"

__all__ = [
    "ApiError",
    "CALLBACK_REPLY_OK",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "FAILURE_KINDS",
    "CallbackRejected",
    "Client",
    "Conflict",
    "ENDPOINTS",
    "Exchange",
    "FeennexError",
    "HttpDriver",
    "InvalidValue",
    "LimitReached",
    "NotEnvelope",
    "Notification",
    "OrderMismatch",
    "OutOfTurn",
    "PayoutResult",
    "PayoutUnresolved",
    "Session",
    "Signer",
    "TransportError",
    "UnexpectedData",
    "Unverified",
    "amount_text",
    "parse_response",
    "records",
    "sign",
    "string_to_sign",
    "verify_callback",
    "withdraw_status_is_final",
]
