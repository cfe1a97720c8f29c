"""What every benchmark shares: a fresh database, the real API server in its own process, a cheap load loop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

from adapters.db import migrate
from tests.db import ROOT, create_database, drop_database, redis_url

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
JWT_SECRET = "bench-secret-bench-secret-bench-secret-42"
CLK_TCK = os.sysconf("SC_CLK_TCK")

W = TypeVar("W")


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    value: float
    unit: str
    target: str
    ok: bool | None = None  # None: informational, no target
    baseline: float | None = None
    baseline_unit: str = ""
    ratio: float | None = None


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def configure_servers() -> None:
    """Use the machine's PostgreSQL and Redis (127.0.0.1) unless told otherwise; embedded ones when absent."""
    if not os.environ.get("OMS_TEST_DATABASE_URL") and _listening("127.0.0.1", 5432):
        os.environ["OMS_TEST_DATABASE_URL"] = DEFAULT_PG
    if not os.environ.get("OMS_TEST_REDIS_URL") and _listening("127.0.0.1", 6379):
        os.environ["OMS_TEST_REDIS_URL"] = DEFAULT_REDIS


@asynccontextmanager
async def fresh_database(prefix: str) -> AsyncIterator[str]:
    """A new, migrated database for one benchmark, dropped afterwards whatever happens."""
    url, admin = await create_database(prefix)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        yield url
    finally:
        await drop_database(url, admin)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def proc_cpu_s(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of one process, all its threads included."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs, to tell how saturated the machine was during a phase."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


class CpuMeter:
    """CPU used by the API server, this process and the whole machine while inside `with meter:` (adds up)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.server_user_s = self.server_sys_s = self.client_s = 0.0
        self._busy = self._total = 0.0
        self._marks = (0.0, 0.0, 0.0, 0.0, 0.0)

    @property
    def server_s(self) -> float:
        return self.server_user_s + self.server_sys_s

    @property
    def machine_busy_pct(self) -> float:
        return 100.0 * self._busy / self._total if self._total else 0.0

    def __enter__(self) -> CpuMeter:
        self._marks = (*proc_cpu_s(self.server_pid), time.process_time(), *machine_busy())
        return self

    def __exit__(self, *exc: object) -> None:
        user, system = proc_cpu_s(self.server_pid)
        busy, total = machine_busy()
        self.server_user_s += user - self._marks[0]
        self.server_sys_s += system - self._marks[1]
        self.client_s += time.process_time() - self._marks[2]
        self._busy += busy - self._marks[3]
        self._total += total - self._marks[4]


class HttpConnection:
    """A minimal HTTP/1.1 keep-alive client over asyncio streams.

    The load generator shares two cores with the server and PostgreSQL; httpx spends several times
    more CPU per request than this (see docs/benchmarks.md), which the server would lose.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._host_header = f"Host: {host}:{port}\r\n".encode()

    async def open(self) -> HttpConnection:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None

    async def request(self, method: str, path: str, headers: bytes = b"", body: bytes = b"") -> tuple[int, bytes]:
        """`headers` are preformatted lines ("Name: value\\r\\n"); returns (status, body)."""
        reused = self._writer is not None
        if not reused:
            await self.open()
        try:
            return await self._exchange(method, path, headers, body)
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as exc:
            # The server closes idle keep-alive connections (uvicorn: after 5 s); a request that met a closed
            # connection before any answer came back was never read, so sending it again is safe.
            if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                raise
            await self.close()
            await self.open()
            return await self._exchange(method, path, headers, body)

    async def _exchange(self, method: str, path: str, headers: bytes, body: bytes) -> tuple[int, bytes]:
        assert self._writer is not None and self._reader is not None
        head = (f"{method} {path} HTTP/1.1\r\n".encode() + self._host_header + headers
                + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        self._writer.write(head + body)
        raw = await self._reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        lower = raw.lower()
        at = lower.find(b"\r\ncontent-length:")
        if at < 0:
            raise RuntimeError(f"response without content-length: {raw[:200]!r}")
        end = lower.index(b"\r\n", at + 2)
        length = int(lower[at + 17:end])
        payload = await self._reader.readexactly(length)
        if b"\r\nconnection: close" in lower:
            await self.close()
        return status, payload


class HttpxConnection:
    """The same interface over httpx, to compare the two load generators (--client httpx)."""

    def __init__(self, host: str, port: int) -> None:
        self._client = httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=60,
                                         limits=httpx.Limits(max_connections=1))

    async def open(self) -> HttpxConnection:
        return self

    async def close(self) -> None:
        await self._client.aclose()

    async def request(self, method: str, path: str, headers: bytes = b"", body: bytes = b"") -> tuple[int, bytes]:
        pairs = [line.split(": ", 1) for line in headers.decode().split("\r\n") if line]
        r = await self._client.request(method, path, headers=dict(pairs), content=body)
        return r.status_code, r.content


Connection = HttpConnection | HttpxConnection


def connect(kind: str, host: str, port: int) -> Connection:
    return HttpxConnection(host, port) if kind == "httpx" else HttpConnection(host, port)


class ApiServer:
    """The real API (`uvicorn --factory api.app:app_from_env`, one worker process) on a free local port."""

    def __init__(self, database_url: str, *, extra_env: dict[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.database_url = database_url
        self.extra_env = extra_env or {}
        self.process: asyncio.subprocess.Process | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="oms-bench-api-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def __aenter__(self) -> ApiServer:
        env = {**os.environ, "OMS_DATABASE_URL": self.database_url, "OMS_REDIS_URL": redis_url(),
               "OMS_JWT_SECRET": JWT_SECRET, "OMS_ACCESS_LOG": "false", **self.extra_env}
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_from_env", "--host", self.host,
               "--port", str(self.port), "--workers", "1", "--no-access-log", "--log-level", "warning"]
        self.process = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, env=env, stdout=self._log,
                                                            stderr=asyncio.subprocess.STDOUT)
        try:
            await self._wait_ready()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.returncode is not None:
                raise RuntimeError(f"the API server exited ({self.process.returncode}):\n{self.log_tail()}")
            conn = HttpConnection(self.host, self.port)
            try:
                status, _ = await conn.request("GET", "/readyz")
                if status == 200:
                    return
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                await conn.close()
            await asyncio.sleep(0.2)
        raise RuntimeError(f"the API server was not ready within {timeout_s:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = Path(self._log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._discard_log()

    def _discard_log(self) -> None:
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)


@dataclass
class LoadResult:
    count: int
    elapsed_s: float
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    lags_s: list[float] = field(default_factory=list)  # open loop: how late each request left its schedule

    @property
    def throughput(self) -> float:
        return self.count / self.elapsed_s if self.elapsed_s else 0.0

    def pct_ms(self, p: float) -> float:
        return 1000.0 * percentile(self.latencies_s, p)

    @staticmethod
    def merge(parts: Sequence[LoadResult]) -> LoadResult:
        errors = [p.first_error for p in parts if p.first_error]
        return LoadResult(count=sum(p.count for p in parts), elapsed_s=sum(p.elapsed_s for p in parts),
                          latencies_s=[x for p in parts for x in p.latencies_s], errors=sum(p.errors for p in parts),
                          first_error=errors[0] if errors else "", lags_s=[x for p in parts for x in p.lags_s])


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100.0 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def closed_loop(workers: Sequence[W], count: int, op: Callable[[W, int], Awaitable[None]],
                      *, offset: int = 0) -> LoadResult:
    """Each worker (a connection) runs op(worker, i) back to back until `count` operations are done.

    op raises on failure; failures are counted, not retried, and the loop goes on.
    """
    latencies: list[float] = []
    errors: list[str] = []
    next_index = iter(range(offset, offset + count))
    clock = time.perf_counter

    async def drive(worker: W) -> None:
        for i in next_index:
            t0 = clock()
            try:
                await op(worker, i)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:500])
                continue
            latencies.append(clock() - t0)

    started = clock()
    await asyncio.gather(*(drive(w) for w in workers))
    elapsed = clock() - started
    return LoadResult(count=len(latencies), elapsed_s=elapsed, latencies_s=latencies, errors=len(errors),
                      first_error=errors[0] if errors else "")


class ConnectionPool:
    """Keep-alive connections for an open loop: a request takes the connection idle longest, or a new one.

    First in, first out, so every connection is used every few milliseconds and none reaches the server's
    keep-alive timeout (uvicorn: 5 s) and gets closed under a request.
    """

    def __init__(self, kind: str, host: str, port: int) -> None:
        self.kind, self.host, self.port = kind, host, port
        self.idle: deque[Connection] = deque()
        self.created = 0

    def take(self) -> Connection:
        return self.idle.popleft() if self.idle else self._new()

    def _new(self) -> Connection:
        self.created += 1
        return connect(self.kind, self.host, self.port)

    def give_back(self, conn: Connection) -> None:
        self.idle.append(conn)

    async def fill(self, n: int) -> None:
        while len(self.idle) < n:
            conn = self._new()
            await conn.open()
            self.give_back(conn)

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for c in self.idle))
        self.idle.clear()


async def open_loop(pool: ConnectionPool, rate: float, count: int, op: Callable[[Connection, int], Awaitable[None]],
                    *, offset: int = 0) -> LoadResult:
    """Request k leaves at start + k / rate whatever the earlier ones are doing (open loop); its latency runs from
    that scheduled time, not from when it actually left, so a slow answer cannot hold back the requests after
    it and hide its own cost (coordinated omission). How late each request actually left is kept in lags_s.

    op raises on failure; failures are counted and their connection closed (reopened on next use).
    """
    interval = 1.0 / rate
    latencies: list[float] = []
    lags: list[float] = []
    errors: list[str] = []
    clock = time.perf_counter
    running: set[asyncio.Task[None]] = set()

    async def one(i: int, due: float) -> None:
        conn = pool.take()
        lags.append(clock() - due)
        try:
            await op(conn, i)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:500])
            await conn.close()
        else:
            latencies.append(clock() - due)
        pool.give_back(conn)

    started = clock()
    for k in range(count):
        due = started + k * interval
        delay = due - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(offset + k, due))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    elapsed = clock() - started
    return LoadResult(count=len(latencies), elapsed_s=elapsed, latencies_s=latencies, errors=len(errors),
                      first_error=errors[0] if errors else "", lags_s=lags)


def raw_sql(sql: str, params: dict[str, object]) -> tuple[str, list[object]]:
    """A SQLAlchemy text() statement with :named parameters as asyncpg's $n form (casts '::' untouched)."""
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    converted = re.sub(r"(?<![:\w]):(\w+)", number, sql)
    return converted, [params[name] for name in order]
