"""Fixtures: a Feennex sandbox on 127.0.0.1 and helpers to read its ledger and set
its faults.

The sandbox is the one named by FEENNEX_BASE_URL (with FEENNEX_SHOP_ID and
FEENNEX_SECRET_KEY), as `.ci/python` starts it; otherwise the tests start
`target/debug/feennex sandbox` (or FEENNEX_BIN) themselves.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import time
import urllib.request
from typing import Any, Iterator, Optional

import pytest

import feennex

REPO = pathlib.Path(__file__).resolve().parents[3]
DATA = REPO / "crates" / "feennex-proto" / "tests" / "data"


class Sandbox:
    """A running sandbox: its URL, its shop, and its `/_sandbox/` endpoints."""

    def __init__(self, base_url: str, shop_id: int, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.shop_id = shop_id
        self.secret = secret

    def client(self, **options: Any) -> feennex.Client:
        return feennex.Client(self.shop_id, self.secret, self.base_url, **options)

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
            return json.loads(response.read())

    def post(self, path: str, body: Optional[Any] = None) -> Any:
        data = json.dumps(body if body is not None else {}).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def set_faults(self, probabilities: dict, seed: int = 1, delay_ms: int = 1000) -> None:
        self.post("/_sandbox/faults", {"probabilities": probabilities, "seed": seed, "delay_ms": delay_ms})

    def clear_faults(self) -> None:
        self.post("/_sandbox/faults", {"probabilities": {}})

    def transfers(self) -> list:
        return self.get("/_sandbox/transfers")

    def withdrawals(self) -> list:
        return self.get("/_sandbox/withdrawals")


def _start(binary: pathlib.Path) -> "tuple[subprocess.Popen, str]":
    process = subprocess.Popen(
        [str(binary), "sandbox", "--listen", "127.0.0.1:0", "--shop", "6:SECRET",
         "--withdrawal-step-ms", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("listening on "):
            return process, line.split("listening on ", 1)[1].strip()
    process.kill()
    raise RuntimeError("the sandbox did not start")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    url = os.environ.get("FEENNEX_BASE_URL")
    if url:
        yield Sandbox(url, int(os.environ["FEENNEX_SHOP_ID"]), os.environ["FEENNEX_SECRET_KEY"])
        return
    binary = pathlib.Path(os.environ.get("FEENNEX_BIN", REPO / "target" / "debug" / "feennex"))
    if not binary.exists():
        pytest.fail(f"no sandbox: set FEENNEX_BASE_URL or build {binary} (cargo build -p feennex-cli)")
    process, url = _start(binary)
    try:
        yield Sandbox(url, 6, "SECRET")
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def client(sandbox: Sandbox) -> feennex.Client:
    return sandbox.client()


@pytest.fixture(scope="session")
def published_vectors() -> list:
    return json.loads((DATA / "published_vectors.json").read_text())["vectors"]


@pytest.fixture(scope="session")
def request_vectors() -> dict:
    return json.loads((DATA / "request_vectors.json").read_text())["vectors"]


def unique(prefix: str) -> str:
    """An id no earlier run of the same sandbox used."""
    return f"{prefix}-{time.time_ns()}"
