"""Order use cases (create_order, run_action, replace_lines) against in-memory fakes of the ports."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.actors import Actor
from domain.catalog.model import ChannelInfo, ProductInfo
from domain.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
    ValidationError,
)
from domain.orders.actions import replace_lines, run_action
from domain.orders.approval import ApprovalRule
from domain.orders.commands import CreateOrder, CustomerInput, LineInput, OrderAction, ReplaceLines
from domain.orders.create import create_order
from domain.orders.model import CustomerRef, Order
from domain.orders.status import ApproveStatus, OrderStatus
from domain.receipts.receive import ReceiptLineInput, ReceiveStock, receive_stock
from domain.stock import StockLevel
from tests.unit.builders import ADDRESS, MANAGER, OPERATOR, WAREHOUSE
from tests.unit.fakes import FakeClock, FakeDatabase, FakeUnitOfWork

S = OrderStatus
D = Decimal
API, B2B_PORTAL, NET_PRICES = 1, 2, 3
TSHIRT, MUG, BOOK, OLD = 10, 11, 12, 13
BIG_B2B = ApprovalRule(name="B2B over 10,000 RON", required_role="sales_manager", min_total=D("10000"),
                       currency="RON", customer_type="b2b")
KEY = Actor(kind="api_key", id=5, name="erp", channel_id=API, scopes=frozenset({"orders:write", "orders:read"}))


def seeded() -> FakeDatabase:
    db = FakeDatabase(warehouses=[1])
    db.channels = {
        API: ChannelInfo(API, "ERP", "api", True, 1),
        B2B_PORTAL: ChannelInfo(B2B_PORTAL, "Portal", "b2b_portal", True, 1, approval_rules=(BIG_B2B,)),
        NET_PRICES: ChannelInfo(NET_PRICES, "Wholesale", "sales", True, 1, prices_include_vat=False),
        4: ChannelInfo(4, "Closed shop", "woocommerce", False, 1),
    }
    db.products = {
        TSHIRT: ProductInfo(TSHIRT, "TSHIRT-RED-M", "T-shirt red M", D("19"), True),
        MUG: ProductInfo(MUG, "MUG-1", "Mug", D("9"), True),
        BOOK: ProductInfo(BOOK, "BOOK-1", "Book", D("0"), True),
        OLD: ProductInfo(OLD, "OLD-1", "Discontinued", D("19"), False),
    }
    for product, on_hand in ((TSHIRT, "100"), (MUG, "5"), (BOOK, "0"), (OLD, "0")):
        db.levels[(1, product)] = StockLevel(product, 1, on_hand=D(on_hand))
    db.customers = {12: CustomerRef(12, "Firma SRL", "office@firma.ro", "b2b")}
    return db


def order_cmd(channel_id: int = API, *, ref: str | None = "ERP-1",
              lines: tuple[tuple[str, str, str], ...] = (("TSHIRT-RED-M", "2", "49.90"),),
              customer: CustomerInput | None = None, key: str | None = None, body_hash: str = "h1",
              promised_date: date | None = None) -> CreateOrder:
    return CreateOrder(
        channel_id=channel_id, currency="RON", payment_method="cod",
        customer=customer or CustomerInput(email="ana@example.ro", name="Ana Pop", phone="0722000000"),
        shipping_address=ADDRESS, lines=[LineInput(s, D(q), D(p)) for s, q, p in lines], external_ref=ref,
        idempotency_key=key, request_hash=body_hash, promised_date=promised_date,
    )


async def create(db: FakeDatabase, cmd: CreateOrder | None = None, by: Actor = OPERATOR) -> Order:
    result = await create_order(cmd or order_cmd(), actor=by, uow=FakeUnitOfWork(db), clock=FakeClock())
    return result.order


async def act(db: FakeDatabase, order_id: int, action: str, by: Actor = OPERATOR, *, reason: str | None = None,
              version: int | None = None, clock: FakeClock | None = None) -> Order:
    cmd = OrderAction(order_id=order_id, action=action, expected_version=version, reason=reason)
    return await run_action(cmd, actor=by, uow=FakeUnitOfWork(db), clock=clock or FakeClock())


def stored(db: FakeDatabase, order_id: int | None) -> Order:
    assert order_id is not None
    return db.orders[order_id]


# ----- create_order ------------------------------------------------------------------------------

async def test_create_stores_a_draft_with_product_vat_a_history_row_and_one_outbox_event() -> None:
    db = seeded()
    uow = FakeUnitOfWork(db)
    result = await create_order(order_cmd(lines=(("TSHIRT-RED-M", "2", "49.90"), ("MUG-1", "1", "20.00"))),
                                actor=OPERATOR, uow=uow, clock=FakeClock())
    assert uow.committed and not result.replayed
    order = stored(db, result.order.id)
    assert order.status is S.DRAFT and order.number == "SO-0000001" and order.source == "api"
    assert [(ln.sku, ln.vat_rate, ln.prices_include_vat) for ln in order.lines] == [
        ("TSHIRT-RED-M", D("19"), True), ("MUG-1", D("9"), True)
    ]
    assert order.totals.gross == D("119.80")
    assert [(h.action, h.to_status, h.actor) for h in db.history[1]] == [("create", 0, "user:op")]
    assert db.events() == ["order.created"]
    assert order.warehouse_id == 1 and order.approve_status is None


async def test_channel_prices_without_vat_are_applied_to_the_lines() -> None:
    db = seeded()
    order = await create(db, order_cmd(NET_PRICES, lines=(("TSHIRT-RED-M", "3", "33.33"),)))
    assert order.lines[0].prices_include_vat is False
    assert order.totals.gross == D("118.99")


async def test_the_channels_approval_rules_are_applied_at_creation() -> None:
    db = seeded()
    order = await create(db, order_cmd(B2B_PORTAL, customer=CustomerInput(id=12),
                                       lines=(("TSHIRT-RED-M", "300", "49.90"),)))
    assert order.approve_status == ApproveStatus.PENDING and order.approval_role == "sales_manager"


async def test_the_same_idempotency_key_and_body_replays_the_first_order() -> None:
    db = seeded()
    first = await create(db, order_cmd(key="k-1"))
    uow = FakeUnitOfWork(db)
    again = await create_order(order_cmd(key="k-1"), actor=OPERATOR, uow=uow, clock=FakeClock())
    assert again.replayed and again.order.id == first.id
    assert not uow.committed
    assert len(db.orders) == 1 and db.events() == ["order.created"]


async def test_the_same_idempotency_key_with_another_body_is_a_conflict() -> None:
    db = seeded()
    first = await create(db, order_cmd(key="k-1"))
    with pytest.raises(ConflictError) as info:
        await create(db, order_cmd(key="k-1", ref="ERP-2", body_hash="h2"))
    assert info.value.existing_id == first.id
    assert len(db.orders) == 1


async def test_idempotency_keys_belong_to_one_caller() -> None:
    db = seeded()
    mine = await create(db, order_cmd(key="k-1"))
    theirs = await create(db, order_cmd(key="k-1", ref="ERP-2"), by=MANAGER)
    assert mine.id != theirs.id and len(db.orders) == 2


async def test_two_api_keys_with_the_same_name_never_share_idempotency_keys() -> None:
    db = seeded()
    twin = Actor(kind="api_key", id=6, name=KEY.name, channel_id=NET_PRICES, scopes=KEY.scopes)
    mine = await create(db, order_cmd(API, key="k-1", body_hash="same"), by=KEY)
    result = await create_order(order_cmd(NET_PRICES, key="k-1", body_hash="same"), actor=twin,
                                uow=FakeUnitOfWork(db), clock=FakeClock())
    assert not result.replayed
    assert result.order.channel_id == NET_PRICES and result.order.id != mine.id


async def test_a_second_order_for_the_same_channel_and_external_ref_names_the_first() -> None:
    db = seeded()
    first = await create(db)
    before = copy.deepcopy(db)
    with pytest.raises(ConflictError) as info:
        await create(db, order_cmd(lines=(("MUG-1", "1", "20.00"),)))
    assert info.value.existing_id == first.id
    assert db == before
    other_channel = await create(db, order_cmd(NET_PRICES))
    assert other_channel.id != first.id


async def test_unknown_and_inactive_skus_are_named_per_line() -> None:
    db = seeded()
    before = copy.deepcopy(db)
    with pytest.raises(ValidationError) as info:
        await create(db, order_cmd(lines=(("TSHIRT-RED-M", "1", "49.90"), ("NOPE-9", "1", "1.00"),
                                          ("OLD-1", "1", "5.00"))))
    assert [e.field for e in info.value.errors] == ["lines[1].sku", "lines[2].sku"]
    assert "NOPE-9" in info.value.errors[0].message
    assert db == before


async def test_an_unknown_customer_id_is_refused() -> None:
    db = seeded()
    with pytest.raises(ValidationError) as info:
        await create(db, order_cmd(customer=CustomerInput(id=999)))
    assert [e.field for e in info.value.errors] == ["customer.id"]
    assert db.orders == {}


async def test_a_customer_given_by_id_is_associated() -> None:
    db = seeded()
    order = await create(db, order_cmd(customer=CustomerInput(id=12)))
    assert order.customer == db.customers[12]


async def test_an_unknown_email_creates_the_customer_and_a_known_one_is_reused() -> None:
    db = seeded()
    first = await create(db, order_cmd(customer=CustomerInput(email="Ion@Example.ro", name="Ion Ionescu")))
    assert first.customer.email == "ion@example.ro" and first.customer.id not in (None, 12)
    assert db.customers[first.customer.id].name == "Ion Ionescu"
    again = await create(db, order_cmd(ref="ERP-2", customer=CustomerInput(email="ION@example.ro")))
    assert again.customer.id == first.customer.id
    existing = await create(db, order_cmd(ref="ERP-3", customer=CustomerInput(email="office@firma.ro")))
    assert existing.customer.id == 12
    assert len(db.customers) == 2


async def test_a_customer_needs_an_id_or_an_email_and_a_new_one_a_name() -> None:
    db = seeded()
    with pytest.raises(ValidationError) as no_email:
        await create(db, order_cmd(customer=CustomerInput(name="Nobody")))
    assert [e.field for e in no_email.value.errors] == ["customer.email"]
    with pytest.raises(ValidationError) as no_name:
        await create(db, order_cmd(customer=CustomerInput(email="new@example.ro")))
    assert [e.field for e in no_name.value.errors] == ["customer.name"]
    assert len(db.customers) == 1


async def test_an_api_key_creates_orders_only_for_its_own_channel() -> None:
    db = seeded()
    with pytest.raises(PermissionDeniedError):
        await create(db, order_cmd(NET_PRICES), by=KEY)
    assert db.orders == {} and db.commits == 0
    order = await create(db, order_cmd(API), by=KEY)
    assert order.channel_id == API
    assert db.history[order.id or 0][0].actor == "api_key:erp"


async def test_unknown_and_inactive_channels_are_refused() -> None:
    db = seeded()
    for channel_id in (4, 99):
        with pytest.raises(ValidationError) as info:
            await create(db, order_cmd(channel_id))
        assert [e.field for e in info.value.errors] == ["channel_id"]


# ----- run_action: confirm, restore, cancel, reject ----------------------------------------------

async def test_confirm_reserves_every_line() -> None:
    db = seeded()
    order = await create(db, order_cmd(lines=(("TSHIRT-RED-M", "2", "49.90"), ("MUG-1", "5", "20.00"),
                                              ("TSHIRT-RED-M", "1", "49.90"))))
    confirmed = await act(db, order.id or 0, "confirm")
    assert confirmed.status is S.CONFIRMED
    assert (db.level(TSHIRT).reserved, db.level(MUG).reserved) == (D("3"), D("5"))
    assert {(r.product_id, r.quantity) for r in stored(db, order.id).reservations} == {(TSHIRT, D("3")),
                                                                                      (MUG, D("5"))}
    assert db.events(order.id) == ["order.created", "order.confirm"]
    assert [h.action for h in db.history[order.id or 0]] == ["create", "confirm"]


async def test_confirm_with_short_stock_makes_a_back_order_and_reserves_nothing() -> None:
    db = seeded()
    order = await create(db, order_cmd(lines=(("TSHIRT-RED-M", "2", "49.90"), ("MUG-1", "6", "20.00"))))
    result = await act(db, order.id or 0, "confirm")
    assert result.status is S.STOCK_UNAVAILABLE
    assert db.level(TSHIRT).reserved == 0 and db.level(MUG).reserved == 0
    assert stored(db, order.id).reservations == []
    entry = db.history[order.id or 0][-1]
    assert (entry.action, entry.to_status) == ("stock_unavailable", 16)
    assert entry.reason is not None and "MUG-1" in entry.reason and "TSHIRT" not in entry.reason
    assert db.events(order.id)[-1] == "order.stock_unavailable"


async def test_a_pre_order_is_confirmed_without_stock_before_its_promised_date() -> None:
    db = seeded()
    clock = FakeClock()
    promised = clock.now.date() + timedelta(days=14)
    early = await create(db, order_cmd(ref="PRE-1", lines=(("BOOK-1", "3", "30.00"),), promised_date=promised))
    assert (await act(db, early.id or 0, "confirm", clock=clock)).status is S.CONFIRMED
    assert db.level(BOOK).reserved == 0
    due = await create(db, order_cmd(ref="PRE-2", lines=(("BOOK-1", "3", "30.00"),),
                                     promised_date=clock.now.date()))
    assert (await act(db, due.id or 0, "confirm", clock=clock)).status is S.STOCK_UNAVAILABLE


async def test_restore_is_refused_while_stock_is_short_and_works_after_a_receipt() -> None:
    db = seeded()
    order = await create(db, order_cmd(lines=(("MUG-1", "8", "20.00"),)))
    await act(db, order.id or 0, "confirm")
    before = copy.deepcopy(db)
    with pytest.raises(ConflictError) as info:
        await act(db, order.id or 0, "restore")
    assert "MUG-1" in info.value.detail
    assert db == before and stored(db, order.id).status is S.STOCK_UNAVAILABLE

    await receive_stock(ReceiveStock(warehouse_id=1, lines=[ReceiptLineInput(D("3"), sku="MUG-1")]),
                        actor=WAREHOUSE, uow=FakeUnitOfWork(db), clock=FakeClock())
    restored = await act(db, order.id or 0, "restore")
    assert restored.status is S.CONFIRMED
    assert (db.level(MUG).on_hand, db.level(MUG).reserved) == (D("8"), D("8"))
    assert [h.action for h in db.history[order.id or 0]] == ["create", "stock_unavailable", "restore"]


async def test_a_back_order_is_not_confirmed_by_confirm_again() -> None:
    db = seeded()
    order = await create(db, order_cmd(lines=(("MUG-1", "8", "20.00"),)))
    await act(db, order.id or 0, "confirm")
    db.level(MUG).on_hand = D("50")
    with pytest.raises(InvalidTransitionError):
        await act(db, order.id or 0, "confirm")
    assert db.level(MUG).reserved == 0


async def test_cancel_releases_the_reservations() -> None:
    db = seeded()
    order = await create(db, order_cmd(lines=(("TSHIRT-RED-M", "2", "49.90"), ("MUG-1", "5", "20.00"))))
    await act(db, order.id or 0, "confirm")
    cancelled = await act(db, order.id or 0, "cancel", reason="customer changed their mind")
    assert cancelled.status is S.CANCELLED
    assert stored(db, order.id).reservations == []
    assert (db.level(TSHIRT).reserved, db.level(MUG).reserved) == (0, 0)
    assert (db.level(TSHIRT).on_hand, db.level(MUG).on_hand) == (D("100"), D("5"))
    assert db.events(order.id)[-1] == "order.cancel"
    assert db.history[order.id or 0][-1].reason == "customer changed their mind"


async def test_cancel_while_on_hold_from_confirmed_releases_the_reservations() -> None:
    db = seeded()
    order = await create(db, order_cmd(lines=(("MUG-1", "2", "20.00"),)))
    await act(db, order.id or 0, "confirm")
    await act(db, order.id or 0, "hold", WAREHOUSE, reason="box damaged")
    assert db.level(MUG).reserved == 2
    await act(db, order.id or 0, "cancel", reason="cannot be fixed")
    assert db.level(MUG).reserved == 0


async def test_hold_and_cancel_without_a_reason_change_nothing() -> None:
    db = seeded()
    order = await create(db)
    before = copy.deepcopy(db)
    for action in ("hold", "cancel"):
        with pytest.raises(ValidationError):
            await act(db, order.id or 0, action, reason="  ")
    assert db == before


async def test_reject_cancels_and_queues_a_customer_notification() -> None:
    db = seeded()
    order = await create(db, order_cmd(B2B_PORTAL, customer=CustomerInput(id=12),
                                       lines=(("TSHIRT-RED-M", "300", "49.90"),)))
    with pytest.raises(PermissionDeniedError):
        await act(db, order.id or 0, "reject", OPERATOR, reason="too big")
    rejected = await act(db, order.id or 0, "reject", MANAGER, reason="credit limit exceeded")
    assert rejected.status is S.CANCELLED and rejected.approve_status == ApproveStatus.REJECTED
    assert db.events(order.id) == ["order.created", "order.reject", "customer.notification_requested"]
    notification = db.outbox[-1]
    assert notification.payload == {"order_id": order.id, "template": "order_rejected",
                                    "reason": "credit limit exceeded"}
    assert [h.action for h in db.history[order.id or 0]] == ["create", "reject"]


async def test_approve_then_confirm() -> None:
    db = seeded()
    order = await create(db, order_cmd(B2B_PORTAL, customer=CustomerInput(id=12),
                                       lines=(("TSHIRT-RED-M", "90", "149.90"),)))
    with pytest.raises(InvalidTransitionError):
        await act(db, order.id or 0, "confirm", MANAGER)
    await act(db, order.id or 0, "approve", MANAGER)
    assert (await act(db, order.id or 0, "confirm", OPERATOR)).status is S.CONFIRMED
    assert db.level(TSHIRT).reserved == 90
    assert db.events(order.id) == ["order.created", "order.approved", "order.confirm"]
    assert [h.action for h in db.history[order.id or 0]] == ["create", "approve", "confirm"]


async def test_a_stale_expected_version_is_refused_and_nothing_is_committed() -> None:
    db = seeded()
    order = await create(db)
    assert stored(db, order.id).version == 1
    await act(db, order.id or 0, "process", version=1)
    assert stored(db, order.id).version == 2
    before = copy.deepcopy(db)
    uow = FakeUnitOfWork(db)
    with pytest.raises(StaleVersionError) as info:
        await run_action(OrderAction(order.id or 0, "confirm", expected_version=1), actor=OPERATOR, uow=uow,
                         clock=FakeClock())
    assert (info.value.expected, info.value.actual) == (1, 2)
    assert not uow.committed
    assert db == before and db.level(TSHIRT).reserved == 0


async def test_a_role_without_the_right_is_refused_before_anything_happens() -> None:
    db = seeded()
    order = await create(db)
    before = copy.deepcopy(db)
    for action in ("confirm", "cancel", "process", "restore"):
        with pytest.raises(PermissionDeniedError):
            await act(db, order.id or 0, action, WAREHOUSE, reason="x")
    assert db == before


async def test_an_unknown_order_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        await act(seeded(), 404, "confirm")


async def test_a_refused_transition_commits_nothing() -> None:
    db = seeded()
    order = await create(db)
    await act(db, order.id or 0, "cancel", reason="duplicate")
    before = copy.deepcopy(db)
    for action in ("confirm", "process", "resume", "restore", "request-payment"):
        with pytest.raises(InvalidTransitionError):
            await act(db, order.id or 0, action, reason="x")
    assert db == before


# ----- replace_lines -----------------------------------------------------------------------------

async def edit(db: FakeDatabase, order_id: int, *lines: tuple[str, str, str], by: Actor = OPERATOR,
               version: int | None = None) -> Order:
    cmd = ReplaceLines(order_id, [LineInput(s, D(q), D(p)) for s, q, p in lines], expected_version=version)
    return await replace_lines(cmd, actor=by, uow=FakeUnitOfWork(db), clock=FakeClock())


async def test_editing_lines_re_evaluates_the_approval() -> None:
    db = seeded()
    order = await create(db, order_cmd(B2B_PORTAL, customer=CustomerInput(id=12)))
    assert order.approve_status is None
    edited = await edit(db, order.id or 0, ("TSHIRT-RED-M", "300", "49.90"), ("MUG-1", "1", "20.00"))
    assert edited.approve_status == ApproveStatus.PENDING
    kept = stored(db, order.id)
    assert kept.approve_status == ApproveStatus.PENDING and [ln.sku for ln in kept.lines] == ["TSHIRT-RED-M",
                                                                                              "MUG-1"]
    assert kept.totals.gross == D("14990.00")
    assert db.events(order.id)[-1] == "order.lines_changed"
    await edit(db, order.id or 0, ("TSHIRT-RED-M", "1", "49.90"))
    assert stored(db, order.id).approve_status is None


async def test_editing_lines_checks_skus_role_status_and_version() -> None:
    db = seeded()
    order = await create(db)
    before = copy.deepcopy(db)
    with pytest.raises(ValidationError) as info:
        await edit(db, order.id or 0, ("TSHIRT-RED-M", "1", "49.90"), ("NOPE", "1", "1.00"))
    assert [e.field for e in info.value.errors] == ["lines[1].sku"]
    with pytest.raises(PermissionDeniedError):
        await edit(db, order.id or 0, ("TSHIRT-RED-M", "1", "49.90"), by=WAREHOUSE)
    with pytest.raises(StaleVersionError):
        await edit(db, order.id or 0, ("TSHIRT-RED-M", "1", "49.90"), version=7)
    assert db == before
    await act(db, order.id or 0, "confirm")
    with pytest.raises(InvalidTransitionError):
        await edit(db, order.id or 0, ("TSHIRT-RED-M", "1", "49.90"))


async def test_leaving_the_fake_unit_of_work_without_commit_rolls_back() -> None:
    db = seeded()
    uow = FakeUnitOfWork(db)
    async with uow:
        levels = await uow.stock.lock_levels(1, [MUG])
        levels[MUG].reserve(D("1"))
    assert db.level(MUG) == StockLevel(MUG, 1, on_hand=D("5")) and not uow.committed
