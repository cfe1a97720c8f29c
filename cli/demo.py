"""Demo data for `make run`: master data through SQL, orders through the real use cases so that their
history and outbox events are the ones production would write. Seeding happens once per database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import asyncpg
from sqlalchemy import func, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.db import accounts
from adapters.db.engine import make_engine
from adapters.db.pg import create_pool
from adapters.db.tables import (
    channel,
    customer,
    outbox,
    price_list,
    price_list_item,
    product,
    stock_level,
    warehouse,
)
from adapters.db.uow import SqlUnitOfWork
from adapters.shops.status_map import SHOP_TYPES, STATUS_PUSH
from api.security import hash_password
from cli.demo_data import (
    ACTION_BY,
    ADMIN_EMAIL,
    B2B_CUSTOMERS,
    CHANNELS,
    CUSTOMERS,
    DEFAULT_ACTOR,
    DEMO_WEBHOOK_SECRET,
    ORDERS,
    PASSWORD,
    PRICE_LIST,
    PRODUCTS,
    SIMULATOR_CREDENTIALS,
    USERS,
    WAREHOUSE,
    DemoOrder,
    ean13,
)
from domain.actors import Actor
from domain.money import round_money
from domain.orders.actions import run_action
from domain.orders.commands import CreateOrder, CustomerInput, LineInput, OrderAction
from domain.orders.create import create_order
from domain.orders.model import Address


class DemoSeedError(RuntimeError):
    pass


@dataclass
class StepClock:
    """Back-dates an order's story so the queue shows realistic ages; each action happens a little later."""

    now: datetime
    step: timedelta = timedelta(minutes=20)

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> None:
        self.now += self.step


@dataclass
class Seeded:
    actors: dict[str, Actor] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    customers: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)


def net_price(gross: Decimal, vat: Decimal, factor: Decimal = PRICE_LIST[1]) -> Decimal:
    return round_money(gross / (1 + vat / 100) * factor)


async def _users(conn: AsyncConnection, emails: set[str], seeded: Seeded) -> None:
    for email, name, roles in USERS:
        if email not in emails:
            continue
        password_hash = await asyncio.to_thread(hash_password, PASSWORD)
        user = await accounts.add_user(conn, email=email, name=name, roles=roles, password_hash=password_hash)
        seeded.actors[email] = Actor(kind="user", id=user["id"], name=email, roles=frozenset(roles))


async def _catalog(conn: AsyncConnection, seeded: Seeded) -> None:
    warehouse_id = (await conn.execute(insert(warehouse).values(
        code=WAREHOUSE[0], name=WAREHOUSE[1], is_default=True).returning(warehouse.c.id))).scalar_one()
    for type_, (name, settings) in CHANNELS.items():
        shop = type_ in SIMULATOR_CREDENTIALS
        seeded.channels[type_] = (await conn.execute(insert(channel).values(
            name=name, type=type_, settings={**settings, "default_warehouse_id": warehouse_id},
            webhook_secret=DEMO_WEBHOOK_SECRET if shop else None,
            api_credentials=SIMULATOR_CREDENTIALS[type_] if shop else None,
        ).returning(channel.c.id))).scalar_one()
    list_name, factor = PRICE_LIST
    list_id = (await conn.execute(insert(price_list).values(
        name=list_name, currency="RON", prices_include_vat=False).returning(price_list.c.id))).scalar_one()
    for i, p in enumerate(PRODUCTS, start=1):
        product_id = (await conn.execute(insert(product).values(
            sku=p.sku, ean=ean13(f"59412340{i:04d}"), name=p.name, vat_rate=Decimal(p.vat), price=Decimal(p.price),
            weight_kg=Decimal(p.weight_kg), active=True,
        ).returning(product.c.id))).scalar_one()
        await conn.execute(insert(stock_level).values(product_id=product_id, warehouse_id=warehouse_id,
                                                      on_hand=Decimal(p.on_hand)))
        await conn.execute(insert(price_list_item).values(
            price_list_id=list_id, product_id=product_id, price=net_price(Decimal(p.price), Decimal(p.vat), factor)))
    for c in CUSTOMERS:
        customer_id = (await conn.execute(insert(customer).values(
            type=c.type, email=c.email, name=c.name, phone=c.phone, company=c.name if c.type == "b2b" else None,
            vat_code=c.vat_code, edi_id=c.edi_id, addresses=[c.address()],
            price_list_id=list_id if c.key in B2B_CUSTOMERS else None,
        ).returning(customer.c.id))).scalar_one()
        seeded.customers[c.key] = (customer_id, c.address())


def _command(spec: DemoOrder, seeded: Seeded, today: date) -> CreateOrder:
    prices = {p.sku: (Decimal(p.price), Decimal(p.vat)) for p in PRODUCTS}
    gross_prices = bool(CHANNELS[spec.channel][1]["prices_include_vat"])
    lines = []
    for sku, qty in spec.lines:
        gross, vat = prices[sku]
        lines.append(LineInput(sku=sku, quantity=Decimal(qty),
                               unit_price=gross if gross_prices else net_price(gross, vat)))
    customer_id, address = seeded.customers[spec.customer]
    promised = today + timedelta(days=spec.promised_in_days) if spec.promised_in_days else None
    return CreateOrder(channel_id=seeded.channels[spec.channel], currency="RON", payment_method=spec.payment,
                       customer=CustomerInput(id=customer_id), shipping_address=Address(**address), lines=lines,
                       external_ref=spec.ref, promised_date=promised)


async def _order(pool: asyncpg.Pool, spec: DemoOrder, seeded: Seeded, now: datetime) -> None:
    start = now - timedelta(hours=spec.age_h)
    clock = StepClock(start, min(timedelta(minutes=20), (now - start) / (len(spec.steps) + 1)))
    cmd = _command(spec, seeded, now.date())
    created = await create_order(cmd, actor=seeded.actors[DEFAULT_ACTOR], uow=SqlUnitOfWork(pool, clock),
                                 clock=clock)
    assert created.order.id is not None
    for step in spec.steps:
        action, _, reason = step.partition(":")
        clock.tick()
        actor = seeded.actors[ACTION_BY.get(action, DEFAULT_ACTOR)]
        await run_action(OrderAction(order_id=created.order.id, action=action, reason=reason or None),
                         actor=actor, uow=SqlUnitOfWork(pool, clock), clock=clock)


async def seed_demo(engine: AsyncEngine, *, now: datetime | None = None) -> bool:
    """Seed the demo shop unless the admin user exists (then nothing changes and the answer is False).

    The admin is written last, so an interrupted seed is detected instead of being taken for a finished one.
    """
    now = now or datetime.now(UTC)
    async with engine.connect() as conn:
        if await accounts.user_id_by_email(conn, ADMIN_EMAIL) is not None:
            return False
        if await accounts.user_id_by_email(conn, DEFAULT_ACTOR) is not None:
            raise DemoSeedError("an earlier demo seed did not finish; start again from an empty database "
                                "(for the embedded one: stop `oms run` and remove the data directory)")
    seeded = Seeded()
    others = {email for email, _, _ in USERS if email != ADMIN_EMAIL}
    async with engine.begin() as conn:
        await _users(conn, others, seeded)
        await _catalog(conn, seeded)
    # Orders go through the use cases, on the same kind of unit of work the API uses.
    pool = await create_pool(engine.url.render_as_string(hide_password=False), size=2)
    try:
        for spec in ORDERS:
            await _order(pool, spec, seeded, now)
    finally:
        await pool.close()
    async with engine.begin() as conn:
        # The seeded shop orders never existed in the simulators: pushing their story there would only fill the
        # sync log with "no such order" export errors.
        await conn.execute(update(outbox).where(
            outbox.c.published_at.is_(None), outbox.c.event_type.in_(STATUS_PUSH),
            outbox.c.payload["source"].astext.in_(SHOP_TYPES)).values(published_at=func.now()))
        await _users(conn, {ADMIN_EMAIL}, seeded)
    return True


async def seed_demo_at(database_url: str) -> bool:
    engine = make_engine(database_url, pool_size=2)
    try:
        return await seed_demo(engine)
    finally:
        await engine.dispose()

