"""A wallet payout made exactly once, its lookup, and a signed callback checked,
against the Feennex API or a sandbox:

    feennex sandbox --listen 127.0.0.1:8080 --shop 6:example-secret &
    FEENNEX_BASE_URL=http://127.0.0.1:8080 FEENNEX_SHOP_ID=6 \\
        FEENNEX_SECRET_KEY=example-secret python wallet_payout.py
"""

import os
import time
import urllib.parse
from decimal import Decimal

import feennex

client = feennex.Client(
    int(os.environ["FEENNEX_SHOP_ID"]),
    os.environ["FEENNEX_SECRET_KEY"],
    os.environ.get("FEENNEX_BASE_URL", "https://core.feennex.com"),
)

quote = client.transfer_try(Decimal("10.50"), "receive_amount", 840, 840)
print(f"paying 10.50 costs the shop {quote.write_off_amount}")

# Choose the payout's id before the first attempt and keep it: a retry, or a
# run after a crash (resume=True), uses the same id and never pays twice.
payment_id = f"example-{time.time_ns()}"
try:
    result = client.payout(Decimal("10.50"), "receive_amount", "201234567890", 840, 840,
                           payment_id, "March prize")
except feennex.PayoutUnresolved as unknown:
    raise SystemExit(f"unknown outcome, ask again later with the same id: {unknown}")
except feennex.ApiError as refused:
    raise SystemExit(f"refused, nothing was paid: error {refused.code} ({refused.name})")
print(f"paid: payout {result.id}, {result.write_off} written off, "
      f"reconciled by lookup: {result.reconciled}")

found = client.transfer_status(payment_id)
assert found.id == result.id and found.write_off_amount == result.write_off

# A callback as Feennex would post it (the shop's secret signs every field).
fields = {"shop_id": str(client.session.shop_id), "shop_order_id": "order-7",
          "shop_amount": "25.00", "shop_currency": "840", "status": "success",
          "payment_id": "9001"}
fields["sign"] = feennex.sign(fields, os.environ["FEENNEX_SECRET_KEY"])
body = urllib.parse.urlencode(fields).encode()
notification = client.verify_callback(body, "application/x-www-form-urlencoded", "127.0.0.1",
                                      allow=["127.0.0.1"])
notification.check_order(client.session.shop_id, "order-7", Decimal("25"), 840)
print(f"callback for {notification.shop_order_id}: {notification.status}; reply {feennex.CALLBACK_REPLY_OK!r}")
