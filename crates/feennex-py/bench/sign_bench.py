"""Signatures per second: feennex.sign (the Rust core, call overhead included)
against signing the way the engine's official Python client does it (sort the
signed field names, take their values, join with ':', append the key, SHA-256 with
hashlib, hex, store in the dict).

Both sign the same five fields of a transfer/create. The two are timed in
alternating rounds in one process, and the median of the rounds is reported.

    python crates/feennex-py/bench/sign_bench.py [--rounds 21] [--number 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import statistics
import timeit

import feennex

SECRET = "SecretKey01"
FIELDS = {
    "amount": "10.5",
    "amount_type": "receive_amount",
    "payee_account": "201234567890",
    "payee_currency": "840",
    "shop_currency": "840",
    "shop_id": "6",
    "shop_payment_id": "payout-2024-0001",
}
REQUIRED = ["amount", "amount_type", "payee_account", "payee_currency", "shop_currency",
            "shop_id", "shop_payment_id"]


class HashlibSigner:
    """The official client's way, as a method (its call overhead counts too)."""

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key

    def sign(self, data: dict, required_fields: list) -> None:
        values = [data[name] for name in sorted(required_fields)]
        text = ":".join(values) + self.secret_key
        data["sign"] = hashlib.sha256(text.encode("utf-8")).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--number", type=int, default=20000)
    args = parser.parse_args()

    signer = HashlibSigner(SECRET)
    data = dict(FIELDS)
    signer.sign(data, REQUIRED)
    assert data["sign"] == feennex.sign(FIELDS, SECRET), "the two ways disagree"
    pairs = list(FIELDS.items())
    signer_object = feennex.Signer(SECRET)

    candidates = {
        "hashlib, the official client's way": lambda: signer.sign(data, REQUIRED),
        "feennex.sign(dict, secret)": lambda: feennex.sign(FIELDS, SECRET),
        "feennex.sign(list of pairs, secret)": lambda: feennex.sign(pairs, SECRET),
        "feennex.Signer(secret).sign(dict)": lambda: signer_object.sign(FIELDS),
    }
    timings = {name: [] for name in candidates}
    for _ in range(args.rounds):
        for name, call in candidates.items():
            seconds = timeit.timeit(call, number=args.number)
            timings[name].append(seconds / args.number)

    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{args.rounds} alternating rounds of {args.number} signatures")
    baseline = statistics.median(timings["hashlib, the official client's way"])
    for name, per_call in timings.items():
        median = statistics.median(per_call)
        print(f"{name:40} {median * 1e9:8.0f} ns/signature  {1 / median:12,.0f} /s  "
              f"x{baseline / median:.2f}  (min {min(per_call) * 1e9:.0f} ns)")


if __name__ == "__main__":
    main()
