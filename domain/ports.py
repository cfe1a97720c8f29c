"""Ports: what the use cases need from the outside world, as typing.Protocol nouns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

from domain.catalog.model import ChannelInfo, CustomerPrices, NewCustomer, ProductInfo
from domain.fulfilment.ports import FulfilmentRepository
from domain.orders.model import CustomerRef, Order
from domain.receipts.model import ReceiptNote
from domain.stock import StockLevel


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None:
        """Insert; assigns id and number. Raises ConflictError on a duplicate (channel, external_ref)."""

    async def get(self, order_id: int, *, for_update: bool = False) -> Order:
        """Raises NotFoundError."""

    async def save(self, order: Order) -> None:
        """Write changes; bumps the version."""


class StockRepository(Protocol):
    async def lock_levels(self, warehouse_id: int, product_ids: Iterable[int]) -> dict[int, StockLevel]:
        """Levels for these products, locked for this transaction, in a deadlock-free order."""

    async def save(self, levels: Iterable[StockLevel]) -> None: ...

    async def ensure(self, warehouse_id: int, product_id: int) -> StockLevel:
        """The level of one product in one warehouse, created when absent, locked for this transaction."""


class Catalog(Protocol):
    async def channel(self, channel_id: int) -> ChannelInfo | None: ...

    async def products_by_sku(self, skus: Sequence[str]) -> dict[str, ProductInfo]: ...

    async def default_warehouse_id(self) -> int | None: ...

    async def products_by_id(self, ids: Sequence[int]) -> dict[int, ProductInfo]: ...

    async def warehouse_exists(self, warehouse_id: int) -> bool: ...

    async def customer_prices(self, customer_id: int, product_ids: Sequence[int]) -> CustomerPrices | None:
        """The customer's price list (prices of these products only), or None when it has none."""


class CustomerDirectory(Protocol):
    async def by_id(self, customer_id: int) -> CustomerRef | None: ...

    async def by_email(self, email: str) -> CustomerRef | None: ...

    async def add(self, customer: NewCustomer) -> CustomerRef: ...


@dataclass(frozen=True)
class IdempotencyRecord:
    request_hash: str
    order_id: int


class IdempotencyStore(Protocol):
    async def get(self, scope: str, key: str) -> IdempotencyRecord | None: ...

    async def add(self, scope: str, key: str, record: IdempotencyRecord) -> None:
        """Raises ConflictError when a concurrent request stored the same key first."""


class ReceiptRepository(Protocol):
    async def add(self, note: ReceiptNote) -> None:
        """Insert the note and its lines; assigns the id."""


class UnitOfWork(Protocol):
    @property
    def orders(self) -> OrderRepository: ...

    @property
    def stock(self) -> StockRepository: ...

    @property
    def catalog(self) -> Catalog: ...

    @property
    def customers(self) -> CustomerDirectory: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def receipts(self) -> ReceiptRepository: ...

    @property
    def fulfilment(self) -> FulfilmentRepository: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Leaving without commit rolls back."""

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A part of the unit of work that fails alone: leaving it by an exception undoes its writes and drops
        the events of the orders it touched; the rest of the unit of work is kept."""

    async def commit(self) -> None:
        """Write the recorded events of every touched order to the outbox, then commit."""


class Clock(Protocol):
    def __call__(self) -> datetime: ...
