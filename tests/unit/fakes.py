"""In-memory fakes of every port in domain/ports.py, with transaction semantics.

A FakeUnitOfWork works on a private copy of the FakeDatabase: commit() writes the copy back (and the
recorded events to the outbox), leaving without commit throws it away, as a rolled-back transaction would.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from types import TracebackType

from domain.catalog.model import ChannelInfo, CustomerPrices, NewCustomer, ProductInfo
from domain.errors import ConflictError, NotFoundError, StaleVersionError
from domain.fulfilment.model import DeliveryNote
from domain.orders.model import CustomerRef, HistoryEntry, Order
from domain.ports import IdempotencyRecord
from domain.receipts.model import ReceiptNote
from domain.stock import StockLevel


@dataclass(frozen=True)
class OutboxRow:
    event_type: str
    order_id: int
    payload: dict[str, object]


@dataclass
class FakeDatabase:
    """Committed state. Tests seed it directly and read it to check what a use case left behind."""

    channels: dict[int, ChannelInfo] = field(default_factory=dict)
    products: dict[int, ProductInfo] = field(default_factory=dict)
    warehouses: list[int] = field(default_factory=list)
    customers: dict[int, CustomerRef] = field(default_factory=dict)
    price_lists: dict[int, CustomerPrices] = field(default_factory=dict)  # customer id -> price list
    levels: dict[tuple[int, int], StockLevel] = field(default_factory=dict)  # (warehouse, product)
    orders: dict[int, Order] = field(default_factory=dict)
    history: dict[int, list[HistoryEntry]] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], IdempotencyRecord] = field(default_factory=dict)
    receipts: list[ReceiptNote] = field(default_factory=list)
    outbox: list[OutboxRow] = field(default_factory=list)
    notes: dict[int, DeliveryNote] = field(default_factory=dict)  # delivery notes by id
    commits: int = 0

    def level(self, product_id: int, warehouse_id: int = 1) -> StockLevel:
        return self.levels[(warehouse_id, product_id)]

    def events(self, order_id: int | None = None) -> list[str]:
        return [r.event_type for r in self.outbox if order_id is None or r.order_id == order_id]


class FakeOrderRepository:
    def __init__(self, db: FakeDatabase, seen: list[Order]) -> None:
        self._db = db
        self._seen = seen

    async def add(self, order: Order) -> None:
        for existing in self._db.orders.values():
            if order.external_ref is not None and (existing.channel_id, existing.external_ref) == (
                order.channel_id, order.external_ref
            ):
                raise ConflictError(f"duplicate external_ref {order.external_ref}", existing.id)
        order.id = max(self._db.orders, default=0) + 1
        order.number = f"SO-{order.id:07d}"
        self._store(order)
        self._seen.append(order)

    async def get(self, order_id: int, *, for_update: bool = False) -> Order:
        stored = self._db.orders.get(order_id)
        if stored is None:
            raise NotFoundError("order", order_id)
        order = copy.deepcopy(stored)
        self._seen.append(order)
        return order

    async def save(self, order: Order) -> None:
        assert order.id is not None
        stored = self._db.orders[order.id]
        if stored.version != order.version:
            raise StaleVersionError(order.version, stored.version)
        order.version += 1
        self._store(order)

    def _store(self, order: Order) -> None:
        assert order.id is not None
        self._db.history.setdefault(order.id, []).extend(order.new_history)
        order.new_history.clear()
        order.lines_changed = order.reservations_changed = False
        kept = copy.deepcopy(order)
        kept.events = []
        self._db.orders[order.id] = kept


class FakeStockRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def lock_levels(self, warehouse_id: int, product_ids: Iterable[int]) -> dict[int, StockLevel]:
        return {p: self._db.levels[(warehouse_id, p)] for p in sorted(set(product_ids))
                if (warehouse_id, p) in self._db.levels}

    async def save(self, levels: Iterable[StockLevel]) -> None:
        for level in levels:
            assert Decimal(0) <= level.reserved and level.reserved + level.quarantine <= level.on_hand, level
            level.changed = False

    async def ensure(self, warehouse_id: int, product_id: int) -> StockLevel:
        return self._db.levels.setdefault((warehouse_id, product_id), StockLevel(product_id, warehouse_id))


class FakeCatalog:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def channel(self, channel_id: int) -> ChannelInfo | None:
        return self._db.channels.get(channel_id)

    async def products_by_sku(self, skus: Sequence[str]) -> dict[str, ProductInfo]:
        return {p.sku: p for p in self._db.products.values() if p.sku in skus}

    async def products_by_id(self, ids: Sequence[int]) -> dict[int, ProductInfo]:
        return {i: self._db.products[i] for i in ids if i in self._db.products}

    async def default_warehouse_id(self) -> int | None:
        return self._db.warehouses[0] if self._db.warehouses else None

    async def warehouse_exists(self, warehouse_id: int) -> bool:
        return warehouse_id in self._db.warehouses

    async def customer_prices(self, customer_id: int, product_ids: Sequence[int]) -> CustomerPrices | None:
        found = self._db.price_lists.get(customer_id)
        if found is None:
            return None
        return CustomerPrices(found.price_list_id, found.currency, found.prices_include_vat,
                              {p: v for p, v in found.prices.items() if p in product_ids})


class FakeCustomerDirectory:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def by_id(self, customer_id: int) -> CustomerRef | None:
        return self._db.customers.get(customer_id)

    async def by_email(self, email: str) -> CustomerRef | None:
        for c in self._db.customers.values():
            if c.email is not None and c.email.lower() == email.lower():
                return c
        return None

    async def add(self, customer: NewCustomer) -> CustomerRef:
        ref = CustomerRef(max(self._db.customers, default=0) + 1, customer.name, customer.email, customer.type)
        self._db.customers[ref.id] = ref
        return ref


class FakeIdempotencyStore:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        return self._db.idempotency.get((scope, key))

    async def add(self, scope: str, key: str, record: IdempotencyRecord) -> None:
        if (scope, key) in self._db.idempotency:
            raise ConflictError("a concurrent request used the same Idempotency-Key")
        self._db.idempotency[(scope, key)] = record


class FakeReceiptRepository:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, note: ReceiptNote) -> None:
        note.id = len(self._db.receipts) + 1
        self._db.receipts.append(note)


class FakeFulfilmentRepository:
    """Only what order use cases touch (a cancelled order's open delivery note); fulfilment's own use cases are
    tested against PostgreSQL (tests/integration/test_fulfilment_flow.py)."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def open_note(self, order_id: int) -> DeliveryNote | None:
        return next((n for n in self.db.notes.values() if n.order_id == order_id and n.status == "open"), None)

    async def save_note(self, note: DeliveryNote) -> None:
        assert note.id is not None
        self.db.notes[note.id] = note


class FakeUnitOfWork:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.committed = False
        self._work: FakeDatabase | None = None
        self._seen: list[Order] = []

    def _open(self) -> FakeDatabase:
        assert self._work is not None, "use the unit of work inside 'async with'"
        return self._work

    @property
    def orders(self) -> FakeOrderRepository:
        return FakeOrderRepository(self._open(), self._seen)

    @property
    def stock(self) -> FakeStockRepository:
        return FakeStockRepository(self._open())

    @property
    def catalog(self) -> FakeCatalog:
        return FakeCatalog(self._open())

    @property
    def customers(self) -> FakeCustomerDirectory:
        return FakeCustomerDirectory(self._open())

    @property
    def idempotency(self) -> FakeIdempotencyStore:
        return FakeIdempotencyStore(self._open())

    @property
    def receipts(self) -> FakeReceiptRepository:
        return FakeReceiptRepository(self._open())

    @property
    def fulfilment(self) -> FakeFulfilmentRepository:
        return FakeFulfilmentRepository(self._open())

    async def __aenter__(self) -> FakeUnitOfWork:
        self._work = copy.deepcopy(self.db)
        self._seen = []
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._work = None

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        before, seen = copy.deepcopy(self._open()), len(self._seen)
        try:
            yield
        except BaseException:
            self._work = before
            del self._seen[seen:]
            raise

    async def commit(self) -> None:
        work = self._open()
        for order in self._seen:
            assert order.id is not None
            for event in order.events:
                work.outbox.append(OutboxRow(event.name, order.id, {"order_id": order.id, **event.payload()}))
            order.events.clear()
        work.commits += 1
        self.db.__dict__.update(work.__dict__)
        self._work = copy.deepcopy(self.db)
        self.committed = True


class FakeClock:
    def __init__(self, now: datetime = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
