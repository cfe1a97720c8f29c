"""Unit of work: one connection, one transaction; events go to the outbox in that transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from adapters.db.masterdata_stock import SqlReceiptRepository
from adapters.db.orders import SqlOrderRepository
from adapters.db.repositories import (
    ChannelCache,
    SqlCatalog,
    SqlCustomerDirectory,
    SqlIdempotencyStore,
    SqlStockRepository,
)
from adapters.db.tables import outbox
from domain.orders.model import Order


class SqlUnitOfWork:
    orders: SqlOrderRepository
    stock: SqlStockRepository
    catalog: SqlCatalog
    customers: SqlCustomerDirectory
    idempotency: SqlIdempotencyStore
    receipts: SqlReceiptRepository

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 channels: ChannelCache | None = None) -> None:
        self._engine = engine
        self._clock = clock
        self._channels = channels
        self._conn: AsyncConnection | None = None
        self._tx: AsyncTransaction | None = None
        self._seen: list[Order] = []

    @property
    def connection(self) -> AsyncConnection:
        assert self._conn is not None, "use the unit of work inside 'async with'"
        return self._conn

    async def __aenter__(self) -> SqlUnitOfWork:
        self._conn = await self._engine.connect()
        self._tx = await self._conn.begin()
        self._seen = []
        self.orders = SqlOrderRepository(self._conn, self._seen)
        self.stock = SqlStockRepository(self._conn)
        self.catalog = SqlCatalog(self._conn, self._channels)
        self.customers = SqlCustomerDirectory(self._conn)
        self.idempotency = SqlIdempotencyStore(self._conn)
        self.receipts = SqlReceiptRepository(self._conn)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._tx is not None and self._tx.is_active:
                await self._tx.rollback()
        finally:
            if self._conn is not None:
                await self._conn.close()
            self._conn = self._tx = None

    async def commit(self) -> None:
        assert self._tx is not None and self._conn is not None
        rows = []
        for order in self._seen:
            for event in order.events:
                rows.append({"event_type": event.name, "aggregate_type": "order", "aggregate_id": order.id,
                             "payload": {"order_id": order.id, "number": order.number, **event.payload()},
                             "created_at": event.at})
            order.events.clear()
        if rows:
            await self._conn.execute(insert(outbox), rows)
        await self._tx.commit()
