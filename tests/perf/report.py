"""The results: a console table and docs/benchmarks.md with the machine they were measured on."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from tests.db import ROOT, server_url, with_database
from tests.perf.common import Figure
from tests.perf.confirm import PEERS

DOC = ROOT / "docs" / "benchmarks.md"


@dataclass
class Machine:
    date: str
    nproc: int
    memory: str
    cpu: str
    postgres: str
    python: str
    load_before: str
    commit: str

    def rows(self) -> list[tuple[str, str]]:
        return [("date (UTC)", self.date), ("CPUs (nproc)", str(self.nproc)), ("memory", self.memory),
                ("CPU model", self.cpu), ("PostgreSQL", self.postgres), ("Python", self.python),
                ("load average before the run (1/5/15 min)", self.load_before), ("commit", self.commit)]


def _proc_field(path: str, key: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return "?"


async def machine() -> Machine:
    conn = await asyncpg.connect(with_database(server_url(), "postgres"))
    try:
        pg = str(await conn.fetchval("SELECT version()"))
    finally:
        await conn.close()
    mem_kb = int(_proc_field("/proc/meminfo", "MemTotal").split()[0])
    return Machine(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        nproc=len(os.sched_getaffinity(0)),
        memory=f"{mem_kb / 1024 / 1024:.1f} GiB",
        cpu=_proc_field("/proc/cpuinfo", "model name"),
        postgres=pg.split(" on ")[0],
        python=platform.python_version(),
        load_before=" / ".join(f"{x:.2f}" for x in os.getloadavg()),
        commit=_commit(),
    )


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=False)
        dirty = subprocess.run(["git", "diff-index", "--quiet", "HEAD", "--"], cwd=ROOT, check=False).returncode
    except OSError:
        return "?"
    return (out.stdout.strip() or "?") + (" with uncommitted changes" if dirty == 1 else "")


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.2f}"
    return f"{text} {unit}".strip()


def _verdict(f: Figure) -> str:
    return "-" if f.ok is None else ("yes" if f.ok else "NO")


def table_rows(figures: list[Figure]) -> list[list[str]]:
    return [[f.name, _num(f.value, f.unit), _num(f.baseline, f.baseline_unit),
             "-" if f.ratio is None else f"{f.ratio:.2f}", f.target, _verdict(f)] for f in figures]


HEADER = ["figure", "measured", "baseline", "ratio", "target", "met"]


def console(figures: list[Figure]) -> str:
    rows = [HEADER, *table_rows(figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@dataclass
class Report:
    machine: Machine
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, list[str]] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)


def markdown(r: Report) -> str:
    m = r.machine
    out = [
        "# Benchmarks",
        "",
        f"Measured {m.date} UTC by `python -m tests.perf.run` (what `make bench` runs). Every number below is "
        "as measured in that one run; nothing is edited by hand. A ratio compares the service with a baseline measured "
        "in the same run (raw asyncpg doing the same database work; `/healthz` for webhook acknowledgement; the job's "
        "function called directly for normalisation), so it says more than the absolute numbers, which depend on the "
        "machine and on what else ran on it.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in m.rows()],
        "",
        "## Results",
        "",
        "| " + " | ".join(HEADER) + " |",
        "| " + " | ".join("---" for _ in HEADER) + " |",
        *["| " + " | ".join(row) + " |" for row in table_rows(r.figures)],
        "",
        "Settings: " + ", ".join(f"{k} {v}" for k, v in r.settings.items()) + ".",
        "",
    ]
    for name, lines in r.details.items():
        out += [f"### {name}", "", *[f"- {line}" for line in lines], ""]
    out += [METHOD, REPRODUCE]
    return "\n".join(out)


METHOD = """## How it is measured

Each benchmark creates its own PostgreSQL database (migrated with Alembic), seeds what it needs, starts the
real API as a separate process (`uvicorn --factory api.app:app_from_env`, one worker, access log off) on a free
local port, waits for `/readyz`, runs the load, stops the server and drops the database.

- **intake**: `POST /api/omni_sales/orders` with 5 lines, an API key (`X-API-Key`), a unique `Idempotency-Key`
  and `external_ref` per request, customers found by email, 32 concurrent keep-alive connections, a fixed
  number of requests after a warm-up. The baseline runs, on 32 asyncpg connections, the statements one create
  executes in `adapters/db` (idempotency lookup, products by SKU, customer by email, the repository's own
  statement that inserts the order with its lines and first history row, the idempotency key insert and the
  outbox insert; neither side reads the channel, which the service caches for 5 s) in one transaction per
  order, with the values the service would compute prepared in advance. Raw and API load
  alternate in rounds (a third of the requests each time) so that both meet the same machine.
  Throughput ratio = API / raw; target >= 0.5.
- **create + confirm**: the figure peers are compared on. One order is a completed pair: `POST
  /api/omni_sales/orders` with 3 lines (API key, unique `Idempotency-Key` and `external_ref`), then `POST
  /api/omni_sales/orders/{id}/confirm` with a staff operator's JWT; 8 concurrent keep-alive connections, each
  running pairs back to back; a fixed number of orders after a warm-up. Stock is seeded at 1,000,000 per product,
  so every confirm reserves (the run checks afterwards that every order is confirmed, with its reservations,
  outbox event and stock reserved). Latency is that of the pair. The baseline runs, on 8 asyncpg connections,
  the create transaction exactly as the intake baseline does, then the confirm transaction as
  `run_action`/`_confirm` executes it through `adapters/db`, with the same SQL constants in the same order:
  lock the order, read it (lines and reservations), lock the stock levels in product order, save them, update the
  order, replace its reservations, insert the history row, insert the outbox event, commit. The API additionally
  reads the order's history after the commit to answer; the baseline does not. Raw and API alternate in rounds as
  for intake. Ratio = API / raw; there is no target in the issue, the product aims at >= 0.5.
- **queue**: 1,000,000 orders written with `COPY` (ids increasing with `created_at` over two years, several
  channels, the status mix listed above), then `VACUUM ANALYZE`. The cursor of a deep page is found by
  following `next_cursor` through the API; then the first page and the deep page are requested
  (`?status=<code>&limit=50`, a staff JWT, one connection) alternately with the raw asyncpg run of the very
  SQL `adapters/db/queries.list_sql` builds for that request (PostgreSQL renders the page's JSON, for both);
  the API's answer is checked against the raw rows first. Targets: API p95 <= 2 x raw p95, and deep-page
  p95 <= 1.5 x first-page p95.
- **memory**: `VmRSS` of the API process (from `/proc/<pid>/status`) one second after `/readyz` answered and
  right after the intake run. Target <= 250 MB.
- **webhook**: signed WooCommerce `order.created` webhooks (`POST /api/webhooks/woocommerce/{channel_id}`, about
  2.5 KB: 3 lines, a Romanian address; `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the body with the channel's
  secret, unique delivery id and order id each, all signed before the clock starts) sent **open loop** at
  200 requests/s: request k is due at start + k / 200 s and leaves then whatever earlier answers are doing, on
  a keep-alive connection that is free (one is opened if none is), and its latency runs from that due time, not
  from the moment it left, so a stall is charged to every request it delays (no coordinated omission). The
  no-op baseline is `GET /healthz` (no dependency, no database, a constant JSON body) on the same server at the
  same rate: what uvicorn, the event loop, the middleware and the load generator cost, so the ratio is what
  acknowledging a webhook adds (signature check, JSON parse, channel read, the inbox insert). The two alternate
  in rounds after a warm-up of each; every answer must be 200 `stored`, and the inbox must end with exactly one
  pending row per webhook sent. How late the load generator itself sent (its timer and scheduling) is reported
  beside; it is part of both sides. Targets: webhook p99 <= 3 x `/healthz` p99, and <= 50 ms.
- **normalise**: the inbox is filled with 3 x 2,000 such webhooks through the real endpoint (so the rows have
  exactly its shape; every 4th order is a guest whose email is unknown, so the import creates the customer; the
  others match one of 2,000 seeded customers by email; COD and paid card orders), then the API is stopped.
  The worker side: the inbox relay (`relay_inbox_batch`, as the relay tick runs it) enqueues 2,000 rows, then an
  arq burst worker built by `workers.settings.build_worker` with the production settings (arq's `max_jobs` 10,
  the worker's asyncpg pool of 5, arq's default `poll_delay` 0.5 s), in the benchmark process, runs the
  `import_inbox_event` jobs until the queue is empty. Throughput = jobs / (last job finish - first job start)
  from the results arq records. A second worker run on the next 2,000 rows differs only in `poll_delay`
  (0.05 s). The baseline calls `process_inbox_event` (what the job calls) directly, 10 at a time on a pool of 5,
  no Redis, on the first 2,000 rows. Every event must end `processed` with one order each and no sync log entry.
  PostgreSQL and Redis are in the loop for all sides; there is no target in the issue.

The load generator is a minimal HTTP/1.1 keep-alive client on asyncio streams (`tests/perf/common.py`),
because it shares the two cores with the server and PostgreSQL: measured on this machine it spent about
0.1 ms of CPU per request against about 0.9 ms for httpx (`--client httpx` runs the intake with httpx for
comparison). Server CPU is read from `/proc/<pid>/stat` around the measured phase; "machine busy" is the share
of all CPUs in use during the phase, other processes included.

### Peers

The "vs <peer>" rows divide this run's create + confirm throughput by a peer's **published** figure for the
same kind of work on this kind of machine, through the peer's own API (a 3-line order created and confirmed,
8 at a time), as quoted in the project brief:

""" + "\n".join(f"- {name}: about {value} orders/s" for name, value in PEERS) + """

Those figures were **not measured in this run** or by this project; they come from other software, other
setups and other days, so the multiples are indicative only, unlike the raw asyncpg ratios above, which
compare like with like in one run.
"""

REPRODUCE = """## How to reproduce

```
make bench                                   # all benchmarks; rewrites this file
.venv/bin/python -m tests.perf.run confirm   # one benchmark (intake, confirm, queue, memory, webhook or
                                             # normalise); prints only
.venv/bin/python -m tests.perf.run --help    # counts, concurrency, rounds, client, --write
.venv/bin/python -m tests.perf.run intake --profile /tmp/oms   # + py-spy of the server (pip install py-spy)
.venv/bin/python -m tests.perf.breakdown     # intake CPU per order by layer: raw SQL, use case, ASGI, HTTP
```

PostgreSQL and Redis come from `OMS_TEST_DATABASE_URL` / `OMS_TEST_REDIS_URL`; when unset, the servers on
127.0.0.1:5432 and 127.0.0.1:6379 are used if they answer, else embedded ones (as in the tests). Other
`OMS_*` variables in the environment reach the API server (for example `OMS_DB_POOL_SIZE`).
"""


def write(r: Report) -> Path:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(markdown(r))
    return DOC
