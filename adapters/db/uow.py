"""Unit of work: one asyncpg connection, one transaction; events go to the outbox in that transaction."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from adapters.db.fulfilment import SqlFulfilmentRepository
from adapters.db.orders import SqlOrderRepository
from adapters.db.repositories import (
    ChannelCache,
    SqlCatalog,
    SqlCustomerDirectory,
    SqlIdempotencyStore,
    SqlReceiptRepository,
    SqlStockRepository,
)
from domain.orders.model import Order

_OUTBOX = """
INSERT INTO outbox (event_type, aggregate_type, aggregate_id, payload, created_at)
SELECT x.t, 'order', x.a, x.p, x.c FROM unnest($1::text[], $2::bigint[], $3::jsonb[], $4::timestamptz[])
     AS x(t, a, p, c)
"""


class SqlUnitOfWork:
    orders: SqlOrderRepository
    stock: SqlStockRepository
    catalog: SqlCatalog
    customers: SqlCustomerDirectory
    idempotency: SqlIdempotencyStore
    receipts: SqlReceiptRepository
    fulfilment: SqlFulfilmentRepository

    def __init__(self, pool: asyncpg.Pool, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 channels: ChannelCache | None = None) -> None:
        self._pool = pool
        self._clock = clock
        self._channels = channels
        self._conn: PoolConnectionProxy[Any] | None = None
        self._tx: Transaction | None = None
        self._committed = False
        self._seen: list[Order] = []

    async def __aenter__(self) -> SqlUnitOfWork:
        self._conn = await self._pool.acquire()
        try:
            self._tx = self._conn.transaction()
            await self._tx.start()
        except BaseException:
            await self._pool.release(self._conn)
            self._conn = None
            raise
        self._committed = False
        self._seen = []
        conn: Any = self._conn
        self.orders = SqlOrderRepository(conn, self._seen)
        self.stock = SqlStockRepository(conn)
        self.catalog = SqlCatalog(conn, self._channels)
        self.customers = SqlCustomerDirectory(conn)
        self.idempotency = SqlIdempotencyStore(conn)
        self.receipts = SqlReceiptRepository(conn)
        self.fulfilment = SqlFulfilmentRepository(conn)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._tx is not None and not self._committed:
                await self._tx.rollback()
        finally:
            if self._conn is not None:
                await self._pool.release(self._conn)
            self._conn = self._tx = None

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Part of the transaction that can fail alone: its writes and the events of orders it touched are
        undone, the rest of the unit of work goes on (grouped AWB steps, domain/fulfilment/grouping.py)."""
        assert self._conn is not None
        seen = len(self._seen)
        try:
            async with self._conn.transaction():
                yield
        except BaseException:
            del self._seen[seen:]
            raise

    async def commit(self) -> None:
        assert self._tx is not None and self._conn is not None
        types: list[str] = []
        ids: list[int | None] = []
        payloads: list[dict[str, object]] = []
        times: list[datetime] = []
        for order in self._seen:
            for event in order.events:
                types.append(event.name)
                ids.append(order.id)
                # source (the channel type) lets the relay route shop-only consumers (the status push).
                payloads.append({"order_id": order.id, "number": order.number, "source": order.source,
                                 **event.payload()})
                times.append(event.at)
            order.events.clear()
        if types:
            await self._conn.execute(_OUTBOX, types, ids, payloads, times)
        await self._tx.commit()
        self._committed = True
