"""A drop-in for the engine's official Python client (``PiastrixClient``): the same
constructor, method names, arguments, return shapes and exceptions, so its users
switch by changing one import. Where the official client works, this one behaves
as it does: extra fields are sent as given, answers are the ``data`` the API sent
(the same keys), API errors raise ``PiastrixClientException(message, code)``,
transport failures and HTTP error statuses raise the ``requests`` exception the
official client raises (when ``requests`` is installed: classes that are both
``requests`` exceptions and ``feennex`` ones, so either ``except`` works), and an
HTTP error status is raised at once. Underneath, everything is the core's, and
where the official client is wrong this one does better:

- integers are accepted wherever the official client takes numbers, and floats are
  turned into text the way the server reads a JSON float (Python's ``repr``), then
  into the canonical amount text; values the server would sign differently are
  refused before anything is sent;
- amounts in answers are ``decimal.Decimal`` (exact), not ``float``;
- callback signatures are compared in constant time, the callback sender list is
  configurable, and ``shop_amount`` is compared as a decimal;
- ``transfer`` and ``withdraw`` are exactly once: an unknown outcome is looked up
  by ``shop_payment_id`` and adopted, never paid twice.
"""

from __future__ import annotations

import functools
import json
import socket
import urllib.parse
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Type, Union

from ._native import parse_response as _parse_response
from .client import Client, HttpDriver
from .errors import (
    ApiError,
    CallbackRejected,
    Conflict,
    FeennexError,
    NotEnvelope,
    OrderMismatch,
    PayoutUnresolved,
    TransportError,
    Unverified,
)

try:  # the official client's exceptions, when its HTTP library is installed
    import requests.exceptions as _requests
except ImportError:  # pragma: no cover - exercised by a test that hides requests
    _requests = None  # type: ignore[assignment]

Number = Union[int, float, str, Decimal]

#: The callback senders the engine published under the Piastrix brand, which the
#: official client hard-codes. Pass ``callback_ips`` to use another list.
DEFAULT_CALLBACK_IPS: Tuple[str, ...] = (
    "87.98.145.206",
    "51.68.53.104-51.68.53.107",
    "91.121.216.63",
    "37.48.108.180-37.48.108.181",
)


class PiastrixClientException(FeennexError):
    """Raised for API errors (``error_code`` is the API's code) and for the
    client's own checks (``error_code`` from ``PiastrixErrorCode``)."""

    error_code: int

    def __init__(self, message: str, error_code: int) -> None:
        super().__init__(message, error_code=error_code)


def _official(
    name: str, base: Type[FeennexError], doc: str, requests_name: Optional[str] = None
) -> Type[FeennexError]:
    """A ``feennex`` exception that is also ``requests.exceptions.<name>`` (or
    ``<requests_name>``) when ``requests`` is installed."""
    bases: Tuple[type, ...] = (base,)
    if _requests is not None:
        bases += (getattr(_requests, requests_name or name),)
    return type(name, bases, {"__doc__": doc, "__module__": __name__})


ConnectionError = _official(  # noqa: A001 - the name the official client raises
    "ConnectionError", TransportError, "The connection failed (refused, reset, DNS)."
)
ConnectTimeout = _official(
    "ConnectTimeout", ConnectionError, "No connection within the timeout: nothing was sent."
)
ReadTimeout = _official("ReadTimeout", TransportError, "No answer within the timeout.")
HTTPError = _official(
    "HTTPError", NotEnvelope, "An HTTP error status without a Feennex envelope, raised at once."
)
InvalidJSONError = _official(
    "InvalidJSONError", NotEnvelope, "An answer that is not a Feennex envelope."
)
PayoutUnresolvedError = _official(
    "PayoutUnresolvedError",
    PayoutUnresolved,
    "A payout whose outcome is unknown (where the official client raises a requests "
    "exception, and may pay twice when called again): call again with the same "
    "shop_payment_id, it is looked up first.",
    "RequestException",
)


class PiastrixErrorCode:
    ExtraFieldsError = 1000
    IpError = 1001
    SignError = 1002
    ShopAmountError = 1003
    ShopCurrencyError = 1004
    StatusError = 1005
    LanguageError = 1006
    AmountTypeError = 1007
    #: A verified callback for another shop (the official client does not check).
    ShopIdError = 1008


class PiastrixTransferAmountType:
    ReceiveAmountType = "receive_amount"
    WriteoffAmountType = "writeoff_amount"


class PiastrixWithdrawAmountType:
    PsAmountType = "ps_amount"
    ShopAmountType = "shop_amount"


def _amount(value: Number) -> Union[int, str, Decimal]:
    """A float as the server reads a JSON float: its shortest round-trip text."""
    if isinstance(value, float):
        return repr(value)
    return value


def _text(value: Any) -> str:
    """The text a form callback carries for a received value."""
    if isinstance(value, float):
        return repr(value)
    return str(value)


class _CompatDriver(HttpDriver):
    """The HTTP driver with the official client's one stop: an HTTP error status
    without a Feennex envelope ends a call at once (a payout's requests stay with
    the core, which looks the payout up)."""

    def answered(self, role: str, status: int, payload: bytes) -> None:
        if role != "call" or status < 400:
            return
        try:
            _parse_response("shop_balance", status, payload)
        except NotEnvelope as error:
            raise HTTPError(
                f"{status} Error for the Feennex API: {error.snippet[:80]!r}",
                **{k: v for k, v in vars(error).items() if k != "message"},
            ) from None
        except FeennexError:
            return


def _official_error(error: FeennexError, cause: Optional[BaseException]) -> FeennexError:
    """The exception the official client raises where ``error`` happened."""
    details = {k: v for k, v in vars(error).items() if k != "message"}
    if isinstance(error, ApiError):
        return PiastrixClientException(error.server_message, error.code)
    if isinstance(error, (Conflict, Unverified)):
        # A payout under the id that this call did not make: the API's error 6
        # (OperationNotUnique), as the official client raises it, with the API's
        # own message when it sent one.
        message = error.not_unique if error.not_unique is not None else error.message
        return PiastrixClientException(message, 6)
    if isinstance(error, TransportError):
        timed_out = isinstance(cause, (socket.timeout, TimeoutError)) or "timed out" in str(cause)
        if timed_out:
            cls = ConnectTimeout if error.delivery == "not_sent" else ReadTimeout
        else:
            cls = ConnectionError
        return cls(error.message, **details)
    if isinstance(error, PayoutUnresolved):
        return PayoutUnresolvedError(error.message, **details)
    if isinstance(error, NotEnvelope) and not isinstance(error, HTTPError):
        cls = HTTPError if error.status >= 400 else InvalidJSONError
        return cls(error.message, **details)
    return error


def _as_official(method: Any) -> Any:
    """Raises what the official client raises where a call of the core failed."""

    @functools.wraps(method)
    def wrapper(self: "PiastrixClient", *args: Any, **kwargs: Any) -> Any:
        self._driver.last_body = None
        self._driver.last_failure = None
        try:
            return method(self, *args, **kwargs)
        except FeennexError as error:
            official = _official_error(error, self._driver.last_failure)
            if official is error:
                raise
            raise official from error

    return wrapper


class PiastrixClient:
    """The official client's surface over the feennex core."""

    def __init__(
        self,
        shop_id: Union[int, str],
        secret_key: str,
        timeout: float = 10,
        url: str = "https://core.feennex.com/",
        *,
        callback_ips: Optional[Iterable[str]] = DEFAULT_CALLBACK_IPS,
        pay_url: str = "https://pay.feennex.com",
        allow_plain_http: bool = False,
    ) -> None:
        """``callback_ips``: addresses, CIDR blocks or FIRST-LAST ranges allowed to
        send callbacks; ``None`` when a proxy in front already checked them."""
        self.shop_id = int(shop_id)
        self.timeout = timeout
        self.piastrix_url = url
        self.pay_url = pay_url
        self.callback_ips: Optional[List[str]] = (
            None if callback_ips is None else list(callback_ips)
        )
        self._driver = _CompatDriver()
        self._client = Client(
            self.shop_id,
            secret_key,
            url,
            attempt_timeout=float(timeout),
            total_timeout=float(timeout) * 6,
            allow_plain_http=allow_plain_http,
            driver=self._driver,
        )

    def __repr__(self) -> str:
        return f"PiastrixClient(shop_id={self.shop_id}, url={self.piastrix_url!r})"

    # -- plumbing ------------------------------------------------------------------

    def _call(self, endpoint: str, **params: Any) -> Dict[str, Any]:
        self._client.call(endpoint, **params)
        return self._data()

    def _data(self) -> Dict[str, Any]:
        """The ``data`` of the answer the core just read, with exactly the keys the
        API sent; amounts written as JSON numbers become exact ``Decimal``s."""
        body = self._driver.last_body or b"{}"
        data = json.loads(body, parse_float=Decimal).get("data")
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _extra(
        extra_fields: Optional[Mapping[str, Any]],
        taken: Iterable[str],
        params: Iterable[str] = (),
    ) -> Dict[str, Any]:
        """The extra fields, sent as the official client sends them: the request's
        own keys are refused (as it does); keys the operation knows are given as
        its parameters, every other one is sent unsigned as it is."""
        if not extra_fields:
            return {}
        taken = set(taken) | {"shop_id", "sign"}
        known = set(params)
        sent: Dict[str, Any] = {}
        others: Dict[str, Any] = {}
        for key, value in extra_fields.items():
            if key in taken:
                raise PiastrixClientException(
                    "Wrong key in extra_fields. Don't use the same keys as req_dict",
                    PiastrixErrorCode.ExtraFieldsError,
                )
            if key in known:
                sent[key] = value
            else:
                others[key] = value
        if others:
            sent["extra_fields"] = others
        return sent

    # -- the official methods ---------------------------------------------------------

    @_as_official
    def check_balance(self) -> Dict[str, Any]:
        """``shop_balance``: ``{"balances": [...], "shop_id": ...}``."""
        return self._call("shop_balance")

    @_as_official
    def bill(
        self,
        payer_currency: int,
        shop_amount: Number,
        shop_currency: int,
        shop_order_id: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``bill/create``; every extra field is sent (the description, payer
        account and URLs as the core knows them, any other as given)."""
        own = ("payer_currency", "shop_amount", "shop_currency", "shop_order_id")
        known = ("description", "payer_account", "failed_url", "success_url", "callback_url")
        return self._call(
            "bill/create",
            payer_currency=payer_currency,
            shop_amount=_amount(shop_amount),
            shop_currency=shop_currency,
            shop_order_id=shop_order_id,
            **self._extra(extra_fields, own, known),
        )

    @_as_official
    def invoice_try(
        self,
        amount: Number,
        currency: int,
        shop_order_id: str,
        payway: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``invoice/try``; extra fields are sent as given."""
        own = ("amount", "currency", "shop_order_id", "payway")
        return self._call(
            "invoice/try",
            amount=_amount(amount),
            currency=currency,
            payway=payway,
            shop_order_id=shop_order_id,
            **self._extra(extra_fields, own),
        )

    @_as_official
    def invoice(
        self,
        amount: Number,
        currency: int,
        shop_order_id: str,
        payway: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``invoice/create``; extra fields are sent as given (the payway's
        add-ons, such as ``phone``, among them)."""
        own = ("amount", "currency", "shop_order_id", "payway")
        known = ("description", "failed_url", "success_url", "callback_url")
        return self._call(
            "invoice/create",
            amount=_amount(amount),
            currency=currency,
            payway=payway,
            shop_order_id=shop_order_id,
            **self._extra(extra_fields, own, known),
        )

    @_as_official
    def transfer_status(self, shop_payment_id: str) -> Dict[str, Any]:
        """``transfer/shop_payment_status``."""
        return self._call("transfer/shop_payment_status", shop_payment_id=shop_payment_id)

    @_as_official
    def transfer(
        self,
        amount: Number,
        amount_type: str,
        payee_account: Union[int, str],
        payee_currency: int,
        shop_currency: int,
        shop_payment_id: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``transfer/create``, exactly once: when the outcome of a create is
        unknown, the payout is looked up and adopted if this call made it. The
        answer is the data the API sent: the create's, or the lookup's when the
        create's was lost (a ``transfer/shop_payment_status`` answer:
        ``receive_amount``, no ``balance``). A payout under the id that this call
        did not make raises ``PiastrixClientException`` with code 6 and the API's
        message, as the official client does. Of the extra fields only
        ``description`` can be sent with a payout; any other is refused
        (``ExtraFieldsError``) rather than dropped."""
        own = (
            "amount",
            "amount_type",
            "payee_account",
            "payee_currency",
            "shop_currency",
            "shop_payment_id",
        )
        extra = self._extra(extra_fields, own, ("description",))
        self._refuse_payout_extras(extra)
        if amount_type not in (
            PiastrixTransferAmountType.ReceiveAmountType,
            PiastrixTransferAmountType.WriteoffAmountType,
        ):
            raise PiastrixClientException("Wrong amount_type", PiastrixErrorCode.AmountTypeError)
        self._client.payout(
            _amount(amount),
            amount_type,
            str(payee_account),
            payee_currency,
            shop_currency,
            shop_payment_id,
            extra.get("description"),
        )
        return self._data()

    @_as_official
    def withdraw_try(
        self, amount: Number, amount_type: str, payway: str, shop_currency: int
    ) -> Dict[str, Any]:
        """``withdraw/try``."""
        self._check_withdraw_amount_type(amount_type)
        return self._call(
            "withdraw/try",
            amount=_amount(amount),
            amount_type=amount_type,
            payway=payway,
            shop_currency=shop_currency,
        )

    @_as_official
    def withdraw(
        self,
        account: Union[int, str],
        amount: Number,
        amount_type: str,
        payway: str,
        shop_currency: int,
        shop_payment_id: str,
        account_details: Optional[Mapping[str, Any]] = None,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``withdraw/create``, exactly once (see ``transfer``). Extra fields cannot
        be sent with a withdrawal (the core's create has none): they are refused
        (``ExtraFieldsError``) rather than dropped."""
        own = ("account", "amount", "amount_type", "payway", "shop_currency", "shop_payment_id")
        self._refuse_payout_extras(self._extra(extra_fields, own))
        self._check_withdraw_amount_type(amount_type)
        self._client.withdraw(
            str(account),
            _amount(amount),
            amount_type,
            payway,
            shop_currency,
            shop_payment_id,
            account_details,
        )
        return self._data()

    @_as_official
    def check_account(
        self,
        account: Union[int, str],
        amount: Number,
        payway: str,
        account_details: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``check_account``."""
        return self._call(
            "check_account",
            account=str(account),
            amount=_amount(amount),
            payway=payway,
            account_details=dict(account_details) if account_details else None,
        )

    @_as_official
    def withdraw_id(self, withdraw_id: Union[int, str]) -> Dict[str, Any]:
        """``withdraw/status``: by Feennex's id."""
        return self._call("withdraw/status", withdraw_id=withdraw_id)

    @_as_official
    def shop_payment_id(self, shop_payment_id: str) -> Dict[str, Any]:
        """``withdraw/shop_payment_status``: by the merchant's id."""
        return self._call("withdraw/shop_payment_status", shop_payment_id=shop_payment_id)

    def pay(
        self,
        amount: Number,
        currency: int,
        shop_order_id: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
        lang: str = "ru",
    ) -> Tuple[Dict[str, str], str]:
        """The hosted pay page: ``(form_data, url)``, the signed fields to post to
        ``url``."""
        if lang not in ("ru", "en"):
            raise PiastrixClientException(
                f"{lang} is not valid language", PiastrixErrorCode.LanguageError
            )
        own = ("amount", "currency", "shop_order_id")
        known = ("description", "payway", "payer_account", "failed_url", "success_url", "callback_url")
        extra = self._extra(extra_fields, own, known)
        if "extra_fields" in extra:
            raise PiastrixClientException(
                f"the pay page takes no field {sorted(extra['extra_fields'])[0]!r}",
                PiastrixErrorCode.ExtraFieldsError,
            )
        url, fields = self._client.pay_page(
            _amount(amount), currency, shop_order_id, lang=lang, host=self.pay_url, **extra
        )
        return dict(fields), url

    def check_callback(
        self,
        request_data: Mapping[str, Any],
        remote_ip_address: str,
        shop_amount: Number,
        shop_currency: int,
    ) -> None:
        """Checks a callback (its received fields, as a dict) for an order of
        ``shop_amount`` in ``shop_currency``; raises ``PiastrixClientException``
        when anything is wrong. ``request_data`` is left as it was."""
        fields = [
            (str(name), _text(value)) for name, value in request_data.items() if value is not None
        ]
        body = urllib.parse.urlencode(fields).encode()
        allow = self.callback_ips
        try:
            notification = self._client.verify_callback(
                body,
                "application/x-www-form-urlencoded",
                remote_ip_address,
                allow=allow,
                checked_upstream=allow is None,
            )
        except CallbackRejected as error:
            if error.reason == "sender_not_allowed":
                raise PiastrixClientException(
                    "IP address is not in allowed IP addresses", PiastrixErrorCode.IpError
                ) from error
            raise PiastrixClientException("Wrong sign", PiastrixErrorCode.SignError) from error
        except FeennexError as error:
            # The sender is not an IP address.
            raise PiastrixClientException(str(error), PiastrixErrorCode.IpError) from error
        order_id = notification.shop_order_id
        if not order_id:
            raise PiastrixClientException("Wrong sign", PiastrixErrorCode.SignError)
        codes = {
            "shop_id": ("Wrong shop_id", PiastrixErrorCode.ShopIdError),
            "shop_amount": ("Wrong shop_amount", PiastrixErrorCode.ShopAmountError),
            "shop_currency": ("Wrong shop_currency", PiastrixErrorCode.ShopCurrencyError),
        }
        try:
            notification.check_order(self.shop_id, order_id, _amount(shop_amount), shop_currency)
        except OrderMismatch as error:
            message, code = codes.get(error.field, ("Wrong callback", PiastrixErrorCode.SignError))
            raise PiastrixClientException(message, code) from error
        if notification.status != "success":
            raise PiastrixClientException("Wrong status", PiastrixErrorCode.StatusError)

    @staticmethod
    def _refuse_payout_extras(extra: Mapping[str, Any]) -> None:
        others = extra.get("extra_fields")
        if others:
            raise PiastrixClientException(
                f"extra field {sorted(others)[0]!r} cannot be sent with a payout",
                PiastrixErrorCode.ExtraFieldsError,
            )

    @staticmethod
    def _check_withdraw_amount_type(amount_type: str) -> None:
        if amount_type not in (
            PiastrixWithdrawAmountType.PsAmountType,
            PiastrixWithdrawAmountType.ShopAmountType,
        ):
            raise PiastrixClientException("Wrong amount_type", PiastrixErrorCode.AmountTypeError)


__all__ = [
    "ConnectTimeout",
    "ConnectionError",
    "DEFAULT_CALLBACK_IPS",
    "HTTPError",
    "InvalidJSONError",
    "PayoutUnresolvedError",
    "ReadTimeout",
    "PiastrixClient",
    "PiastrixClientException",
    "PiastrixErrorCode",
    "PiastrixTransferAmountType",
    "PiastrixWithdrawAmountType",
]
