"""A drop-in for the engine's official Python client (``PiastrixClient``): the same
constructor, method names, arguments and return shapes (the answer's ``data`` as a
``dict``), so its users switch by changing one import. Underneath, everything is
the core's, without the official client's bugs:

- integers are accepted wherever the official client takes numbers, and floats are
  turned into text the way the server reads a JSON float (Python's ``repr``), then
  into the canonical amount text; values the server would sign differently are
  refused before anything is sent;
- callback signatures are compared in constant time, the callback sender list is
  configurable, and ``shop_amount`` is compared as a decimal;
- ``transfer`` and ``withdraw`` are exactly once: an unknown outcome is looked up
  by ``shop_payment_id`` and adopted, never paid twice.

Amounts in the returned dicts are ``decimal.Decimal`` (exact), not ``float``.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from .client import Client
from .errors import ApiError, CallbackRejected, Conflict, FeennexError, OrderMismatch, Unverified

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


def _not_unique(error: Union[Conflict, Unverified]) -> "PiastrixClientException":
    """A payout under the id that this call did not make: the API's error 6
    (OperationNotUnique), as the official client raises it, with the API's own
    message when it sent one."""
    message = error.not_unique if error.not_unique is not None else error.message
    return PiastrixClientException(message, 6)


def _as_dict(record: Any) -> Dict[str, Any]:
    return dataclasses.asdict(record)


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
        self._client = Client(
            self.shop_id,
            secret_key,
            url,
            attempt_timeout=float(timeout),
            total_timeout=float(timeout) * 6,
            allow_plain_http=allow_plain_http,
        )

    def __repr__(self) -> str:
        return f"PiastrixClient(shop_id={self.shop_id}, url={self.piastrix_url!r})"

    # -- plumbing ------------------------------------------------------------------

    def _call(self, endpoint: str, **params: Any) -> Dict[str, Any]:
        try:
            return _as_dict(self._client.call(endpoint, **params))
        except ApiError as error:
            raise PiastrixClientException(error.server_message, error.code) from error

    @staticmethod
    def _extra(
        extra_fields: Optional[Mapping[str, Any]],
        taken: Iterable[str],
        allowed: Iterable[str],
        rest: Optional[str] = None,
    ) -> Dict[str, Any]:
        """The extra fields as parameters: the same keys as the request's own are
        refused (as the official client does); keys outside ``allowed`` go into the
        parameter ``rest`` when there is one, and are refused otherwise."""
        if not extra_fields:
            return {}
        taken = set(taken) | {"shop_id", "sign"}
        allowed = set(allowed)
        params: Dict[str, Any] = {}
        others: Dict[str, str] = {}
        for key, value in extra_fields.items():
            if key in taken:
                raise PiastrixClientException(
                    "Wrong key in extra_fields. Don't use the same keys as req_dict",
                    PiastrixErrorCode.ExtraFieldsError,
                )
            if key in allowed:
                params[key] = value
            elif rest is not None:
                others[key] = _text(value)
            else:
                raise PiastrixClientException(
                    f"extra field {key!r} is not sent with this request",
                    PiastrixErrorCode.ExtraFieldsError,
                )
        if others and rest is not None:
            params[rest] = others
        return params

    # -- the official methods ---------------------------------------------------------

    def check_balance(self) -> Dict[str, Any]:
        """``shop_balance``: ``{"balances": [...], "shop_id": ...}``."""
        return self._call("shop_balance")

    def bill(
        self,
        payer_currency: int,
        shop_amount: Number,
        shop_currency: int,
        shop_order_id: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``bill/create``."""
        own = ("payer_currency", "shop_amount", "shop_currency", "shop_order_id")
        extra = self._extra(
            extra_fields,
            own,
            ("description", "payer_account", "failed_url", "success_url", "callback_url"),
        )
        return self._call(
            "bill/create",
            payer_currency=payer_currency,
            shop_amount=_amount(shop_amount),
            shop_currency=shop_currency,
            shop_order_id=shop_order_id,
            **extra,
        )

    def invoice_try(
        self,
        amount: Number,
        currency: int,
        shop_order_id: str,
        payway: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``invoice/try``. A ``description`` in ``extra_fields`` is accepted and not
        sent: a precalculation creates nothing to describe."""
        own = ("amount", "currency", "shop_order_id", "payway")
        self._extra(extra_fields, own, ("description",))
        return self._call(
            "invoice/try",
            amount=_amount(amount),
            currency=currency,
            payway=payway,
            shop_order_id=shop_order_id,
        )

    def invoice(
        self,
        amount: Number,
        currency: int,
        shop_order_id: str,
        payway: str,
        extra_fields: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """``invoice/create``; extra fields other than the description and URLs are
        the payway's add-ons (``phone``, ``email``...)."""
        own = ("amount", "currency", "shop_order_id", "payway")
        extra = self._extra(
            extra_fields,
            own,
            ("description", "failed_url", "success_url", "callback_url"),
            rest="add_ons",
        )
        return self._call(
            "invoice/create",
            amount=_amount(amount),
            currency=currency,
            payway=payway,
            shop_order_id=shop_order_id,
            **extra,
        )

    def transfer_status(self, shop_payment_id: str) -> Dict[str, Any]:
        """``transfer/shop_payment_status``."""
        return self._call("transfer/shop_payment_status", shop_payment_id=shop_payment_id)

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
        answer is what the API sent: the create's answer, or the lookup's when the
        create's was lost. A payout under the id that this call did not make raises
        ``PiastrixClientException`` with code 6 and the API's message, as the
        official client does."""
        own = (
            "amount",
            "amount_type",
            "payee_account",
            "payee_currency",
            "shop_currency",
            "shop_payment_id",
        )
        extra = self._extra(extra_fields, own, ("description",))
        if amount_type not in (
            PiastrixTransferAmountType.ReceiveAmountType,
            PiastrixTransferAmountType.WriteoffAmountType,
        ):
            raise PiastrixClientException("Wrong amount_type", PiastrixErrorCode.AmountTypeError)
        try:
            result = self._client.payout(
                _amount(amount),
                amount_type,
                str(payee_account),
                payee_currency,
                shop_currency,
                shop_payment_id,
                extra.get("description"),
            )
        except ApiError as error:
            raise PiastrixClientException(error.server_message, error.code) from error
        except (Conflict, Unverified) as error:
            raise _not_unique(error) from error
        return _as_dict(result.record)

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
        """``withdraw/create``, exactly once (see ``transfer``). A ``description`` in
        ``extra_fields`` is accepted and not sent: the API does not document one for
        withdrawals."""
        own = ("account", "amount", "amount_type", "payway", "shop_currency", "shop_payment_id")
        self._extra(extra_fields, own, ("description",))
        self._check_withdraw_amount_type(amount_type)
        try:
            result = self._client.withdraw(
                str(account),
                _amount(amount),
                amount_type,
                payway,
                shop_currency,
                shop_payment_id,
                account_details,
            )
        except ApiError as error:
            raise PiastrixClientException(error.server_message, error.code) from error
        except (Conflict, Unverified) as error:
            raise _not_unique(error) from error
        return _as_dict(result.record)

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

    def withdraw_id(self, withdraw_id: Union[int, str]) -> Dict[str, Any]:
        """``withdraw/status``: by Feennex's id."""
        return self._call("withdraw/status", withdraw_id=withdraw_id)

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
        extra = self._extra(
            extra_fields,
            own,
            ("description", "payway", "payer_account", "failed_url", "success_url", "callback_url"),
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
    def _check_withdraw_amount_type(amount_type: str) -> None:
        if amount_type not in (
            PiastrixWithdrawAmountType.PsAmountType,
            PiastrixWithdrawAmountType.ShopAmountType,
        ):
            raise PiastrixClientException("Wrong amount_type", PiastrixErrorCode.AmountTypeError)


__all__ = [
    "DEFAULT_CALLBACK_IPS",
    "PiastrixClient",
    "PiastrixClientException",
    "PiastrixErrorCode",
    "PiastrixTransferAmountType",
    "PiastrixWithdrawAmountType",
]
