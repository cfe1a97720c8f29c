"""`oms run` on a machine without servers: embedded PostgreSQL and Redis, demo data, API and worker, the demo
shop simulators trickling orders in, and a Ctrl-C that leaves nothing running. Slow (it starts real servers),
so there is exactly one such test."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from tests.db import ROOT

READY_TIMEOUT_S = 120
STOP_TIMEOUT_S = 60
SHOP_ORDER_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def first_int(path: Path) -> int:
    return int(path.read_text().split()[0])


def server_pids(data: Path) -> dict[str, int]:
    """The daemonised servers are not our children: find them through their pid files."""
    registry = json.loads((data / "redis" / "redis.db.settings").read_text())
    return {"postgres": first_int(data / "pg" / "postmaster.pid"), "redis": first_int(Path(registry["pidfile"]))}


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"oms run exited with {proc.returncode}:\n{log.read_text()[-4000:]}"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"not ready after {READY_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


def shop_order_ids(url: str, headers: dict[str, str]) -> set[int]:
    ids = set()
    for source in ("woocommerce", "shopify"):
        r = httpx.get(f"{url}/api/omni_sales/orders", params={"source": source, "limit": 200}, headers=headers,
                      timeout=10)
        assert r.status_code == 200, r.text
        ids |= {item["id"] for item in r.json()["items"]}
    return ids


def wait_for_new_shop_order(url: str, headers: dict[str, str], seeded: set[int], log: Path) -> None:
    """The demo shop simulators trickle orders in through signed webhooks, the inbox and the worker."""
    deadline = time.monotonic() + SHOP_ORDER_TIMEOUT_S
    while time.monotonic() < deadline:
        if shop_order_ids(url, headers) - seeded:
            return
        time.sleep(1)
    raise AssertionError(f"no simulator order after {SHOP_ORDER_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


def test_oms_run_serves_demo_data_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    port, data, log = free_port(), tmp_path / "data", tmp_path / "oms-run.log"
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMS_DATABASE_URL", "OMS_REDIS_URL", "OMS_ENV", "OMS_DEMO", "OMS_HOST")
           and not k.startswith("OMS_SANDBOX_")}
    env.update(OMS_DATA_DIR=str(data), OMS_PORT=str(port), OMS_SANDBOX_TRICKLE_S="2")
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli", "run"], cwd=ROOT, env=env, stdout=out, stderr=out)
    started: list[int] = []
    try:
        wait_ready(proc, url, log)
        started = list(server_pids(data).values())

        r = httpx.post(f"{url}/api/auth/login", json={"email": "admin@oms.local", "password": "demo"}, timeout=10)
        assert r.status_code == 200, r.text
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        orders = httpx.get(f"{url}/api/omni_sales/orders", headers=headers, timeout=10)
        assert orders.status_code == 200 and orders.json()["items"]
        seeded = shop_order_ids(url, headers)
        assert seeded, "the demo data has shop orders"

        wait_for_new_shop_order(url, headers, seeded, log)
        children = psutil.Process(proc.pid).children(recursive=True)
        started += [c.pid for c in children]
        simulators = [c for c in children if "adapters.sandbox" in c.cmdline()]
        assert len(children) >= 4, "the API, the worker and both shop simulators run as child processes"
        assert len(simulators) == 2, [c.cmdline() for c in children]

        proc.send_signal(signal.SIGINT)
        assert proc.wait(STOP_TIMEOUT_S) == 0, log.read_text()[-4000:]
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in started if alive(pid)] == [], log.read_text()[-4000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in started:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
