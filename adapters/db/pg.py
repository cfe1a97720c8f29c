"""The asyncpg pool behind the unit of work.

The order use cases (intake above all) run on asyncpg directly: SQLAlchemy Core defines the schema for
Alembic and serves the master-data screens, but on the hot path its per-statement work cost more than the
statements themselves (see docs/benchmarks.md).
"""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson


def plain_dsn(url: str) -> str:
    """A SQLAlchemy-style URL as asyncpg takes it."""
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


async def _init(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=_dumps, decoder=orjson.loads, schema="pg_catalog")


async def _no_reset(conn: asyncpg.Connection) -> None:
    """Skip asyncpg's reset query on release (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL): nothing on this
    pool takes session locks, opens cursors, listens or SETs, and the query is a round trip per request.
    An unfinished transaction is still rolled back by the pool."""


async def create_pool(url: str, *, size: int = 20) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(plain_dsn(url), min_size=min(4, size), max_size=size, init=_init,
                                     reset=_no_reset, max_inactive_connection_lifetime=300)
    assert pool is not None
    return pool
