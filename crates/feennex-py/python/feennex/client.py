"""A ready client on the standard library (urllib). Every request, retry and
reconciliation is decided by the core's machines; this module only moves bytes
and sleeps when told."""

from __future__ import annotations

import errno
import random
import socket
import time
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from . import records
from ._native import DEFAULT_MAX_RESPONSE_BYTES, Exchange, Notification, Session
from ._native import parse_response as _parse_response
from .records import PayoutResult

Value = Union[str, int, Decimal]

DEFAULT_BASE_URL = "https://core.feennex.com"

#: The largest answer read by default (the core's); a larger one counts as "no
#: usable answer".
MAX_RESPONSE_BYTES = DEFAULT_MAX_RESPONSE_BYTES

_NOT_SENT_ERRNOS = {errno.ECONNREFUSED, errno.EADDRNOTAVAIL, errno.ENETUNREACH, errno.EHOSTUNREACH}


def parse_response(endpoint: str, status: int, body: bytes) -> Any:
    """The typed record of an answer of ``endpoint`` (its path, such as
    ``"transfer/create"``) read by the core; raises ``ApiError`` (with the API's
    code) for an error envelope and ``NotEnvelope`` for anything else."""
    return records.from_json(endpoint, _parse_response(endpoint, status, body))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET without its body: hand the 3xx to
    the core as it is instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _delivery(error: BaseException) -> str:
    """Whether a failed request could have reached the server: only failures that
    happen before anything is written are ``not_sent``."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, (ConnectionRefusedError, socket.gaierror)):
        return "not_sent"
    if isinstance(reason, OSError) and not isinstance(reason, socket.timeout):
        if reason.errno in _NOT_SENT_ERRNOS and not isinstance(reason, ConnectionResetError):
            return "not_sent"
    return "maybe_sent"


class HttpDriver:
    """Runs the core's machines over urllib: sends what ``poll`` asks, gives up at
    the attempt's deadline, hands the answer back, sleeps when told."""

    def __init__(
        self,
        *,
        user_agent: str = "feennex-python/0.1.0",
        proxies: Optional[Mapping[str, str]] = None,
        max_response_bytes: Optional[int] = None,
    ) -> None:
        handlers: List[Any] = [_NoRedirect()]
        if proxies is not None:
            handlers.append(urllib.request.ProxyHandler(dict(proxies)))
        self._opener = urllib.request.build_opener(*handlers)
        self._user_agent = user_agent
        self._max_response_bytes = max_response_bytes or MAX_RESPONSE_BYTES
        self._random = random.SystemRandom()
        #: The body of the last answer received, and the last failure of the HTTP
        #: stack: the answer a finished call was read from, the cause of a
        #: transport error.
        self.last_body: Optional[bytes] = None
        self.last_failure: Optional[BaseException] = None

    def run(self, exchange: Exchange) -> str:
        """Drives ``exchange`` to its end; returns its JSON answer or raises its
        error."""
        while True:
            step = exchange.poll(self._random.getrandbits(64))
            kind = step[0]
            if kind == "send":
                _, method, url, headers, body, timeout, role = step
                self._send(exchange, method, url, headers, body, timeout, role)
            elif kind == "wait":
                time.sleep(step[1])
            else:
                return step[1]

    def _send(
        self,
        exchange: Exchange,
        method: str,
        url: str,
        headers: List[Tuple[str, str]],
        body: bytes,
        timeout: float,
        role: str,
    ) -> None:
        request = urllib.request.Request(url, data=body, method=method)
        for name, value in headers:
            request.add_header(name, value)
        request.add_header("User-Agent", self._user_agent)
        limit = self._max_response_bytes
        try:
            try:
                with self._opener.open(request, timeout=max(timeout, 0.001)) as response:
                    status = response.status
                    payload = response.read(limit + 1)
            except urllib.error.HTTPError as error:
                status = error.code
                payload = error.read(limit + 1)
        except Exception as error:  # noqa: BLE001 - every failure is reported to the core
            self.last_failure = error
            exchange.fail(_delivery(error), f"{type(error).__name__}: {error}")
            return
        if len(payload) > limit:
            exchange.fail("maybe_sent", f"the answer is larger than {limit} bytes")
            return
        self.last_body = payload
        self.answered(role, status, payload)
        exchange.receive(status, payload)

    def answered(self, role: str, status: int, payload: bytes) -> None:
        """Called with each answer before the core reads it (``role`` is
        ``call``, ``create`` or ``lookup``); a driver may raise here to end the
        call at once. This one leaves every decision to the core."""


def _params(**params: Any) -> Dict[str, Any]:
    """The parameters that are set."""
    return {name: value for name, value in params.items() if value is not None}


class Client:
    """A Feennex client for one shop on the standard library's HTTP.

    Amounts are ``str``, ``int`` or ``decimal.Decimal`` (a ``float`` is refused);
    currencies ISO 4217 numeric codes. Answers are the typed records of
    ``feennex.records``; errors the exceptions of ``feennex.errors``. ``payout``
    and ``withdraw`` are exactly once: an unknown outcome is looked up by
    ``shop_payment_id`` and adopted, never paid twice.
    """

    def __init__(
        self,
        shop_id: int,
        secret_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        attempt_timeout: float = 30.0,
        total_timeout: float = 120.0,
        max_creates: int = 4,
        max_status_checks: int = 12,
        allow_plain_http: bool = False,
        max_response_bytes: Optional[int] = None,
        driver: Optional[HttpDriver] = None,
    ) -> None:
        self.session = Session(
            shop_id,
            secret_key,
            base_url,
            attempt_timeout=attempt_timeout,
            total_timeout=total_timeout,
            max_creates=max_creates,
            max_status_checks=max_status_checks,
            allow_plain_http=allow_plain_http,
            max_response_bytes=max_response_bytes,
        )
        self.driver = driver or HttpDriver(max_response_bytes=self.session.max_response_bytes)

    def __repr__(self) -> str:
        return f"Client(shop_id={self.session.shop_id}, base_url={self.session.base_url!r})"

    # -- the two generic entry points ------------------------------------------------

    def call(self, endpoint: str, **params: Any) -> Any:
        """One call of ``endpoint`` (its path) with the retries it allows."""
        exchange = self.session.call(endpoint, _params(**params))
        return records.from_json(endpoint, self.driver.run(exchange))

    def make_payout(self, endpoint: str, resume: bool = False, **params: Any) -> PayoutResult:
        """A ``transfer/create`` or ``withdraw/create`` made exactly once."""
        exchange = self.session.payout(endpoint, _params(**params), resume)
        return records.payout_result(endpoint, self.driver.run(exchange))

    # -- wallet payouts --------------------------------------------------------------

    def transfer_try(
        self, amount: Value, amount_type: str, payee_currency: int, shop_currency: int
    ) -> records.TransferQuote:
        """``transfer/try``: what a wallet payout would cost."""
        return self.call(
            "transfer/try",
            amount=amount,
            amount_type=amount_type,
            payee_currency=payee_currency,
            shop_currency=shop_currency,
        )

    def payout(
        self,
        amount: Value,
        amount_type: str,
        payee_account: str,
        payee_currency: int,
        shop_currency: int,
        shop_payment_id: str,
        description: Optional[str] = None,
        *,
        resume: bool = False,
    ) -> PayoutResult:
        """``transfer/create`` exactly once. Choose ``shop_payment_id`` before the
        first attempt and keep it; after ``PayoutUnresolved`` (or a crash), call
        again with the same id and ``resume=True``, which says the id is yours with
        these details. A payout found under the id that this call did not make (nor
        a resume vouch for) raises ``Unverified``; one that differs, ``Conflict``."""
        return self.make_payout(
            "transfer/create",
            resume,
            amount=amount,
            amount_type=amount_type,
            payee_account=payee_account,
            payee_currency=payee_currency,
            shop_currency=shop_currency,
            shop_payment_id=shop_payment_id,
            description=description,
        )

    def transfer_status(self, shop_payment_id: str) -> records.TransferPayout:
        """``transfer/shop_payment_status``; ``ApiError`` with code 7 when not found."""
        return self.call("transfer/shop_payment_status", shop_payment_id=shop_payment_id)

    # -- payments ----------------------------------------------------------------------

    def bill_create(
        self,
        payer_currency: int,
        shop_amount: Value,
        shop_currency: int,
        shop_order_id: str,
        *,
        description: Optional[str] = None,
        payer_account: Optional[str] = None,
        success_url: Optional[str] = None,
        failed_url: Optional[str] = None,
        callback_url: Optional[str] = None,
    ) -> records.Bill:
        """``bill/create``: a payment by a Feennex wallet holder."""
        return self.call(
            "bill/create",
            payer_currency=payer_currency,
            shop_amount=shop_amount,
            shop_currency=shop_currency,
            shop_order_id=shop_order_id,
            description=description,
            payer_account=payer_account,
            success_url=success_url,
            failed_url=failed_url,
            callback_url=callback_url,
        )

    def bill_status(self, shop_order_id: str) -> records.BillState:
        """``bill/shop_order_status``."""
        return self.call("bill/shop_order_status", shop_order_id=shop_order_id)

    def invoice_try(
        self, amount: Value, currency: int, payway: str, shop_order_id: str
    ) -> records.InvoiceQuote:
        """``invoice/try``: the price through another payment system."""
        return self.call(
            "invoice/try",
            amount=amount,
            currency=currency,
            payway=payway,
            shop_order_id=shop_order_id,
        )

    def invoice_create(
        self,
        amount: Value,
        currency: int,
        payway: str,
        shop_order_id: str,
        *,
        add_ons: Optional[Mapping[str, str]] = None,
        description: Optional[str] = None,
        success_url: Optional[str] = None,
        failed_url: Optional[str] = None,
        callback_url: Optional[str] = None,
    ) -> records.InvoiceCreated:
        """``invoice/create``; ``add_ons`` are the extra fields ``invoice/try`` asked
        for (sent, not signed)."""
        return self.call(
            "invoice/create",
            amount=amount,
            currency=currency,
            payway=payway,
            shop_order_id=shop_order_id,
            add_ons=dict(add_ons) if add_ons else None,
            description=description,
            success_url=success_url,
            failed_url=failed_url,
            callback_url=callback_url,
        )

    def pay_page(
        self,
        amount: Value,
        currency: int,
        shop_order_id: str,
        *,
        lang: str = "en",
        host: str = "https://pay.feennex.com",
        **optional: Optional[str],
    ) -> Tuple[str, List[Tuple[str, str]]]:
        """The hosted pay page: its address and the signed form fields to post."""
        params = _params(amount=amount, currency=currency, shop_order_id=shop_order_id, **optional)
        return self.session.pay_page(params, lang, host)

    # -- withdrawals -------------------------------------------------------------------

    def withdraw_try(
        self, amount: Value, amount_type: str, payway: str, shop_currency: int
    ) -> records.WithdrawQuote:
        """``withdraw/try``."""
        return self.call(
            "withdraw/try",
            amount=amount,
            amount_type=amount_type,
            payway=payway,
            shop_currency=shop_currency,
        )

    def check_account(
        self,
        account: str,
        amount: Value,
        payway: str,
        account_details: Optional[Mapping[str, Any]] = None,
    ) -> records.AccountCheck:
        """``check_account``."""
        return self.call(
            "check_account",
            account=account,
            amount=amount,
            payway=payway,
            account_details=dict(account_details) if account_details else None,
        )

    def withdraw(
        self,
        account: str,
        amount: Value,
        amount_type: str,
        payway: str,
        shop_currency: int,
        shop_payment_id: str,
        account_details: Optional[Mapping[str, Any]] = None,
        *,
        resume: bool = False,
    ) -> PayoutResult:
        """``withdraw/create`` exactly once (then follow it with the status calls
        until ``record.is_final``)."""
        return self.make_payout(
            "withdraw/create",
            resume,
            account=account,
            amount=amount,
            amount_type=amount_type,
            payway=payway,
            shop_currency=shop_currency,
            shop_payment_id=shop_payment_id,
            account_details=dict(account_details) if account_details else None,
        )

    def withdraw_status(self, withdraw_id: int) -> records.Withdrawal:
        """``withdraw/status``: by Feennex's id."""
        return self.call("withdraw/status", withdraw_id=withdraw_id)

    def withdraw_shop_payment_status(self, shop_payment_id: str) -> records.Withdrawal:
        """``withdraw/shop_payment_status``: by the merchant's id."""
        return self.call("withdraw/shop_payment_status", shop_payment_id=shop_payment_id)

    def shop_balance(self) -> records.ShopBalances:
        """``shop_balance``."""
        return self.call("shop_balance")

    # -- callbacks ---------------------------------------------------------------------

    def verify_callback(
        self,
        body: bytes,
        content_type: str,
        sender: str,
        *,
        allow: Optional[List[str]] = None,
        checked_upstream: bool = False,
        allow_fields: Optional[List[str]] = None,
        permissive: bool = False,
    ) -> Notification:
        """Verifies a callback with this shop's key. Say who may send: ``allow`` (a
        list of addresses, CIDR blocks or FIRST-LAST ranges), or
        ``checked_upstream=True`` when a proxy in front already checked. Only the
        documented callback fields are accepted unless ``allow_fields`` names more
        or ``permissive=True`` (signature only)."""
        return self.session.verify_callback(
            body,
            content_type,
            sender,
            allow=allow,
            checked_upstream=checked_upstream,
            allow_fields=list(allow_fields or []),
            permissive=permissive,
        )


__all__ = ["Client", "HttpDriver", "PayoutResult", "parse_response"]
