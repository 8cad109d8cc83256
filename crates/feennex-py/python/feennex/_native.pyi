"""Type stubs of the Rust extension ``feennex._native``."""

from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

Fields = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
Value = Union[str, int, Decimal]
Headers = List[Tuple[str, str]]

#: Every operation's path, from the core's one table (``shop_balance`` included).
ENDPOINTS: List[str]

#: Every failure kind and the class of ``feennex.errors`` it raises.
FAILURE_KINDS: List[Tuple[str, str]]

#: The largest answer a driver reads by default, in bytes (the core's default).
DEFAULT_MAX_RESPONSE_BYTES: int

def withdraw_status_is_final(status: int) -> bool:
    """Whether a withdrawal in this status has ended (the core's rule)."""

def sign(fields: Fields, secret: str) -> str:
    """SHA-256 of the values in byte order of name, joined with ``:``, followed by
    the secret; lowercase hex."""

class Signer:
    """A shop's key kept for signing many field lists."""

    def __init__(self, secret: str) -> None: ...
    def sign(self, fields: Fields) -> str: ...
    def verify(self, fields: Fields, received: str) -> bool:
        """Checks a received signature in constant time."""

def string_to_sign(fields: Fields) -> str:
    """The text that is hashed, without the secret."""

def amount_text(value: Value) -> str:
    """The canonical text of an amount; a float is a ``TypeError``, a value the
    server would read differently an ``InvalidValue``."""

def parse_response(endpoint: str, status: int, body: bytes) -> str:
    """The typed answer as JSON text (see ``feennex.parse_response`` for records)."""

def verify_callback(
    body: bytes,
    content_type: str,
    sender: str,
    secret: str,
    *,
    allow: Optional[List[str]] = None,
    checked_upstream: bool = False,
    allow_fields: List[str] = ...,
    permissive: bool = False,
) -> Notification:
    """Verifies a callback: sender, body, signature (constant time) and field set.
    By default only the documented callback fields are accepted and a payment's
    fields are required; ``allow_fields`` adds names; ``permissive=True`` checks
    the signature only (confirm the payment with the API before acting)."""

class Notification:
    """A callback whose signature was verified."""

    @property
    def fields(self) -> Dict[str, Optional[str]]: ...
    def field(self, name: str) -> Optional[str]: ...
    @property
    def shop_id(self) -> Optional[int]: ...
    @property
    def shop_order_id(self) -> Optional[str]: ...
    @property
    def shop_amount(self) -> Optional[Decimal]: ...
    @property
    def shop_currency(self) -> Optional[int]: ...
    @property
    def shop_refund(self) -> Optional[Decimal]: ...
    @property
    def client_price(self) -> Optional[Decimal]: ...
    @property
    def ps_currency(self) -> Optional[int]: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def payment_id(self) -> Optional[str]: ...
    @property
    def payway(self) -> Optional[str]: ...
    def check_order(
        self, shop_id: int, shop_order_id: str, amount: Value, currency: Union[int, str]
    ) -> None: ...

#: ``("send", method, url, headers, body, timeout, role)``, ``("wait", seconds)``
#: or ``("done", json_text)``.
Step = Tuple[Any, ...]

class Exchange:
    """A call or payout machine of the core, driven from Python."""

    def poll(self, random: int) -> Step: ...
    def receive(self, status: int, body: bytes) -> None: ...
    def fail(self, delivery: str, message: str) -> None: ...

class Session:
    """A shop (id, key, base URL) with the options of every call."""

    def __init__(
        self,
        shop_id: int,
        secret: str,
        base_url: Optional[str] = None,
        *,
        attempt_timeout: float = 30.0,
        total_timeout: float = 120.0,
        max_creates: int = 4,
        max_status_checks: int = 12,
        allow_plain_http: bool = False,
        max_response_bytes: Optional[int] = None,
    ) -> None: ...
    @property
    def shop_id(self) -> int: ...
    @property
    def base_url(self) -> str: ...
    @property
    def max_response_bytes(self) -> int: ...
    def build(self, endpoint: str, params: Dict[str, Any]) -> Tuple[str, str, Headers, bytes]: ...
    def string_to_sign(self, endpoint: str, params: Dict[str, Any]) -> str: ...
    def call(self, endpoint: str, params: Dict[str, Any]) -> Exchange: ...
    def payout(self, endpoint: str, params: Dict[str, Any], resume: bool = False) -> Exchange: ...
    def pay_page(
        self, params: Dict[str, Any], lang: str = "en", host: str = "https://pay.feennex.com"
    ) -> Tuple[str, List[Tuple[str, str]]]: ...
    def verify_callback(
        self,
        body: bytes,
        content_type: str,
        sender: str,
        *,
        allow: Optional[List[str]] = None,
        checked_upstream: bool = False,
        allow_fields: List[str] = ...,
        permissive: bool = False,
    ) -> Notification: ...
