#!/usr/bin/env python3
"""An independent Feennex client written from the API spec alone (Python 3 stdlib).

It signs the way the spec's section 2 says (str() of each signed value, sorted by
name, joined with ':', then the secret, SHA-256 hex), sends amounts both as JSON
numbers and as strings, and checks wallet payouts end to end. Configuration comes
from FEENNEX_BASE_URL, FEENNEX_SHOP_ID and FEENNEX_SECRET_KEY. Exits non-zero on
the first failed check.
"""

import hashlib
import json
import os
import sys
import urllib.request
from decimal import Decimal

BASE_URL = os.environ["FEENNEX_BASE_URL"].rstrip("/")
SHOP_ID = int(os.environ["FEENNEX_SHOP_ID"])
SECRET = os.environ["FEENNEX_SECRET_KEY"]

SIGNED = {
    "transfer/try": ["amount", "amount_type", "payee_currency", "shop_currency", "shop_id"],
    "transfer/create": ["amount", "amount_type", "payee_account", "payee_currency",
                        "shop_currency", "shop_id", "shop_payment_id"],
    "transfer/shop_payment_status": ["now", "shop_id", "shop_payment_id"],
    "shop_balance": ["now", "shop_id"],
}

checks = 0


def check(condition, what):
    global checks
    if not condition:
        print("FAILED: " + what, file=sys.stderr)
        sys.exit(1)
    checks += 1


def sign(body, names):
    text = ":".join(str(body[name]) for name in sorted(names)) + SECRET
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def call(path, fields, bad_sign=False):
    body = dict(fields, shop_id=fields.get("shop_id", SHOP_ID))
    body["sign"] = "0" * 64 if bad_sign else sign(body, SIGNED[path])
    request = urllib.request.Request(
        BASE_URL + "/" + path,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read(), parse_float=Decimal)


def now():
    return "2026-04-12T06:18:34.719Z"


def usd_available():
    envelope = call("shop_balance", {"now": now()})
    check(envelope["error_code"] == 0, "shop_balance succeeds: %r" % envelope)
    for balance in envelope["data"]["balances"]:
        if int(balance["currency"]) == 840:
            return Decimal(str(balance["available"]))
    check(False, "a USD balance exists")


def main():
    quote = call("transfer/try", {"amount": 1.11, "amount_type": "receive_amount",
                                  "payee_currency": 978, "shop_currency": 840})
    check(quote["error_code"] == 0 and quote["result"] is True, "transfer/try: %r" % quote)
    check(quote["data"]["write_off_amount"] == Decimal("1.19"), "the spec's example costs 1.19")
    check(quote["data"]["payee_amount"] == Decimal("1.11"), "payee gets 1.11")

    before = usd_available()
    # An amount as a string that Python prints with a trailing zero, and ids as strings.
    created = call("transfer/create", {"amount": "10.50", "amount_type": "receive_amount",
                                       "payee_account": "201234567890", "payee_currency": "840",
                                       "shop_currency": "840", "shop_id": str(SHOP_ID),
                                       "shop_payment_id": "py-1"})
    check(created["error_code"] == 0, "create with strings: %r" % created)
    check(created["data"]["write_off_amount"] == Decimal("10.5"), "write-off 10.5")
    # An amount as a float that JSON writes as 2.0 and Python signs as 2.0.
    floated = call("transfer/create", {"amount": 2.0, "amount_type": "writeoff_amount",
                                       "payee_account": "payee@example.com",
                                       "payee_currency": 840, "shop_currency": 840,
                                       "shop_payment_id": "py-2"})
    check(floated["error_code"] == 0, "create with a float: %r" % floated)
    check(usd_available() == before - Decimal("12.5"), "the balance fell by exactly 12.5")
    check(Decimal(str(floated["data"]["balance"])) == before - Decimal("12.5"),
          "create reports the balance after it")

    again = call("transfer/create", {"amount": "10.50", "amount_type": "receive_amount",
                                     "payee_account": "201234567890", "payee_currency": 840,
                                     "shop_currency": 840, "shop_payment_id": "py-1"})
    check(again["error_code"] == 6 and again["data"] is None, "a second py-1 is refused: %r" % again)

    status = call("transfer/shop_payment_status", {"now": now(), "shop_payment_id": "py-1"})
    check(status["error_code"] == 0, "status of py-1: %r" % status)
    check(status["data"]["id"] == created["data"]["id"], "status finds the same payout")
    check(Decimal(str(status["data"]["write_off_amount"])) == Decimal("10.5"), "status write-off")

    missing = call("transfer/shop_payment_status", {"now": now(), "shop_payment_id": "py-none"})
    check(missing["error_code"] == 7, "an unknown payout is error 7: %r" % missing)

    forged = call("transfer/try", {"amount": 10.0, "amount_type": "receive_amount",
                                   "payee_currency": 840, "shop_currency": 840}, bad_sign=True)
    check(forged["error_code"] == 10, "a bad sign is error 10")
    check(forged["message"] == "Invalid sign, string_to_sign: 10.0:receive_amount:840:840:%d"
          % SHOP_ID, "the message shows Python's string_to_sign: %r" % forged["message"])
    check(SECRET not in forged["message"], "the secret is not echoed")

    print("ok: %d checks" % checks)


if __name__ == "__main__":
    main()
