"""The other sources of the guide against in-memory fakes: B2B price-list flags, POS, pre-orders, estimates."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.catalog.model import ChannelInfo, CustomerPrices
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.orders.actions import replace_lines
from domain.orders.commands import CustomerInput, LineInput, ReplaceLines
from domain.orders.preorders import reserve_due_preorders
from domain.orders.pricing import list_price_on_basis
from domain.orders.status import OrderStatus
from domain.ports import UnitOfWork
from domain.sales.estimates import Estimate, NewEstimate, convert_estimate, create_estimate
from tests.unit.builders import ADDRESS, NOW, OPERATOR
from tests.unit.fakes import FakeClock, FakeDatabase, FakeUnitOfWork
from tests.unit.test_use_cases import B2B_PORTAL, MUG, TSHIRT, act, create, order_cmd, seeded

S = OrderStatus
D = Decimal
POS, PREORDER, SALES = 20, 21, 22
TODAY = NOW.date()


def world() -> FakeDatabase:
    db = seeded()
    db.channels[POS] = ChannelInfo(POS, "Shop counter", "pos", True, 1)
    db.channels[PREORDER] = ChannelInfo(PREORDER, "Pre-orders", "preorder", True, 1)
    db.channels[SALES] = ChannelInfo(SALES, "Agents", "sales", True, 1)
    db.price_lists[12] = CustomerPrices(1, "RON", True, {TSHIRT: D("45.00"), MUG: D("20.00")})
    return db


# ----- B2B portal: prices checked against the customer's price list ---------------------------------

async def test_portal_lines_priced_off_the_list_are_flagged_with_the_list_price() -> None:
    db = world()
    order = await create(db, order_cmd(B2B_PORTAL, customer=CustomerInput(id=12), lines=(
        ("TSHIRT-RED-M", "2", "49.90"), ("MUG-1", "1", "20.00"), ("BOOK-1", "1", "5.00"))))
    lines = db.orders[order.id or 0].lines
    assert [(ln.sku, ln.list_price, ln.price_mismatch) for ln in lines] == [
        ("TSHIRT-RED-M", D("45.00"), True), ("MUG-1", D("20.00"), False), ("BOOK-1", None, True)]
    assert db.orders[order.id or 0].price_mismatch and order.status is S.DRAFT  # flagged, not refused


async def test_a_customer_without_a_price_list_or_another_channel_is_not_checked() -> None:
    db = world()
    api_order = await create(db, order_cmd(customer=CustomerInput(id=12)))
    assert not api_order.price_mismatch and api_order.lines[0].list_price is None
    db.price_lists.clear()
    portal = await create(db, order_cmd(B2B_PORTAL, ref="P-2", customer=CustomerInput(id=12)))
    assert not portal.price_mismatch


async def test_editing_portal_lines_checks_the_new_prices_again() -> None:
    db = world()
    order = await create(db, order_cmd(B2B_PORTAL, customer=CustomerInput(id=12),
                                       lines=(("TSHIRT-RED-M", "2", "49.90"),)))
    assert order.id is not None
    edited = await replace_lines(ReplaceLines(order.id, [LineInput("TSHIRT-RED-M", D("2"), D("45.00"))]),
                                 actor=OPERATOR, uow=FakeUnitOfWork(db), clock=FakeClock())
    assert not edited.price_mismatch and edited.lines[0].list_price == D("45.00")


def test_a_list_price_is_compared_on_the_channels_vat_basis() -> None:
    assert list_price_on_basis(D("119.00"), D("19"), list_gross=True, channel_gross=False) == D("100.00")
    assert list_price_on_basis(D("100.00"), D("19"), list_gross=False, channel_gross=True) == D("119.00")
    assert list_price_on_basis(D("100.00"), D("19"), list_gross=True, channel_gross=True) == D("100.00")


# ----- POS: paid at once, with a cash receipt ---------------------------------------------------------

async def test_a_pos_sale_is_paid_in_the_same_use_case_and_gets_a_receipt() -> None:
    db = world()
    order = await create(db, dataclasses.replace(order_cmd(POS), payment_method="cash"))
    stored = db.orders[order.id or 0]
    assert stored.status is S.PAID and db.commits == 1
    assert [(h.action, h.from_status, h.to_status) for h in db.history[order.id or 0]] == [
        ("create", None, 0), ("request_payment", 0, 2), ("mark_paid", 2, 14)]
    assert stored.cash_receipt is not None
    assert (stored.cash_receipt.amount, stored.cash_receipt.method) == (D("99.80"), "cash")
    assert db.events() == ["order.created", "order.request_payment", "order.mark_paid"]


# ----- pre-orders: the daily run ----------------------------------------------------------------------

async def confirmed_preorder(db: FakeDatabase, promised: date, ref: str = "PRE-1",
                             lines: tuple[tuple[str, str, str], ...] = (("MUG-1", "2", "20.00"),)) -> int:
    order = await create(db, order_cmd(PREORDER, ref=ref, promised_date=promised, lines=lines))
    assert order.id is not None
    confirmed = await act(db, order.id, "confirm")
    assert confirmed.status is S.CONFIRMED and not confirmed.reservations  # stock not checked yet
    return order.id


class Finder:
    def __init__(self, db: FakeDatabase, days: int | None = None) -> None:
        self.db, self.days = db, days

    async def due_preorders(self, today: date, default_days: int) -> list[int]:
        window = today + timedelta(days=self.days if self.days is not None else default_days)
        return [o.id for o in self.db.orders.values() if o.id is not None and o.promised_date is not None
                and o.status is S.CONFIRMED and not o.reservations and o.promised_date <= window]


async def run(db: FakeDatabase, today: date = TODAY) -> tuple[list[int], list[int], list[int]]:
    def uow() -> UnitOfWork:
        return FakeUnitOfWork(db)

    result = await reserve_due_preorders(today, finder=Finder(db), uow_factory=uow, clock=FakeClock())
    return result.reserved, result.flagged, result.still_short


async def test_a_preorder_channel_needs_a_promised_date() -> None:
    with pytest.raises(ValidationError) as err:
        await create(world(), order_cmd(PREORDER))
    assert err.value.errors[0].field == "promised_date"


async def test_the_daily_run_reserves_due_preorders_once_and_leaves_later_ones() -> None:
    db = world()
    due = await confirmed_preorder(db, TODAY + timedelta(days=3))
    later = await confirmed_preorder(db, TODAY + timedelta(days=10), ref="PRE-2")
    assert await run(db) == ([due], [], [])
    assert db.level(MUG).reserved == D("2") and db.orders[due].reservations
    assert not db.orders[later].reservations
    assert db.history[due][-1].action == "reserve_preorder"
    assert await run(db) == ([], [], [])  # idempotent
    assert db.level(MUG).reserved == D("2")


async def test_a_preorder_short_of_stock_is_flagged_once_then_reserved_when_stock_arrives() -> None:
    db = world()
    short = await confirmed_preorder(db, TODAY + timedelta(days=1), lines=(("MUG-1", "9", "20.00"),))
    assert await run(db) == ([], [short], [])
    flag = db.history[short][-1]
    assert flag.action == "preorder_stock_short" and flag.reason and "MUG-1" in flag.reason
    assert db.events(short)[-1] == "order.preorder_stock_short"
    assert db.orders[short].preorder_flagged_at == NOW and db.level(MUG).reserved == 0
    history_len = len(db.history[short])
    assert await run(db) == ([], [], [short])  # no second flag for the same shortage
    assert len(db.history[short]) == history_len
    db.level(MUG).on_hand = D("10")
    assert await run(db) == ([short], [], [])
    assert db.orders[short].preorder_flagged_at is None and db.level(MUG).reserved == D("9")


# ----- estimates -> sales orders -----------------------------------------------------------------------

class Store:
    def __init__(self) -> None:
        self.items: dict[int, Estimate] = {}

    async def add(self, estimate: Estimate) -> None:
        estimate.id = len(self.items) + 1
        estimate.number = f"EST-{estimate.id:07d}"
        estimate.created_at = NOW
        self.items[estimate.id] = estimate

    async def get(self, estimate_id: int) -> Estimate:
        if estimate_id not in self.items:
            raise NotFoundError("estimate", estimate_id)
        return dataclasses.replace(self.items[estimate_id])

    async def link_order(self, estimate_id: int, order_id: int) -> None:
        if self.items[estimate_id].order_id is None:
            self.items[estimate_id].order_id = order_id

    async def first_sales_channel(self) -> int | None:
        return SALES


def new_estimate(valid_until: date = TODAY + timedelta(days=7), **changes: object) -> NewEstimate:
    base = NewEstimate(customer=CustomerInput(id=12), shipping_address=ADDRESS, valid_until=valid_until,
                       lines=[LineInput("TSHIRT-RED-M", D("10"), D("44.00"))])
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


async def test_an_estimate_is_converted_into_a_sales_order_once() -> None:
    db, store = world(), Store()
    estimate = await create_estimate(new_estimate(), actor=OPERATOR, store=store, uow=FakeUnitOfWork(db),
                                     clock=FakeClock())
    assert estimate.channel_id == SALES and estimate.status(TODAY) == "open"
    assert estimate.id is not None
    first = await convert_estimate(estimate.id, actor=OPERATOR, store=store, uow_factory=lambda: FakeUnitOfWork(db),
                                   clock=FakeClock())
    order = db.orders[first.order_id]
    assert first.created and order.source == "sales" and order.external_ref == estimate.number
    assert order.totals.gross == D("440.00")
    again = await convert_estimate(estimate.id, actor=OPERATOR, store=store,
                                   uow_factory=lambda: FakeUnitOfWork(db), clock=FakeClock())
    assert again.order_id == first.order_id and not again.created and len(db.orders) == 1


async def test_a_conversion_interrupted_before_the_link_finds_its_order_again() -> None:
    db, store = world(), Store()
    estimate = await create_estimate(new_estimate(), actor=OPERATOR, store=store, uow=FakeUnitOfWork(db),
                                     clock=FakeClock())
    assert estimate.id is not None
    first = await convert_estimate(estimate.id, actor=OPERATOR, store=store, uow_factory=lambda: FakeUnitOfWork(db),
                                   clock=FakeClock())
    store.items[estimate.id].order_id = None  # as if the process died between the order and the link
    again = await convert_estimate(estimate.id, actor=OPERATOR, store=store,
                                   uow_factory=lambda: FakeUnitOfWork(db), clock=FakeClock())
    assert again.order_id == first.order_id and len(db.orders) == 1


async def test_an_expired_estimate_is_not_converted() -> None:
    db, store = world(), Store()
    estimate = await create_estimate(new_estimate(valid_until=TODAY), actor=OPERATOR, store=store,
                                     uow=FakeUnitOfWork(db), clock=FakeClock())
    assert estimate.id is not None
    later = FakeClock(NOW + timedelta(days=1))
    with pytest.raises(ConflictError):
        await convert_estimate(estimate.id, actor=OPERATOR, store=store, uow_factory=lambda: FakeUnitOfWork(db),
                               clock=later)
    assert not db.orders


async def test_an_estimate_needs_a_sales_channel_known_skus_and_a_future_date() -> None:
    db, store = world(), Store()
    bad = new_estimate(valid_until=TODAY - timedelta(days=1), channel_id=B2B_PORTAL,
                       lines=[LineInput("NOPE", D("1"), D("1"))])
    with pytest.raises(ValidationError) as err:
        await create_estimate(bad, actor=OPERATOR, store=store, uow=FakeUnitOfWork(db), clock=FakeClock())
    assert {e.field for e in err.value.errors} == {"channel_id", "lines[0].sku", "valid_until"}
    assert not store.items
