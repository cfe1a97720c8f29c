"""Use cases: status actions on one order, each in one unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.actors import Actor
from domain.errors import ConflictError, PermissionDeniedError, StaleVersionError
from domain.fulfilment.notes import make_delivery_note
from domain.orders.commands import OrderAction, ReplaceLines
from domain.orders.create import _lines
from domain.orders.model import Order, Reservation
from domain.orders.permissions import ACTION_ROLES, role_allows
from domain.orders.pricing import check_list_prices
from domain.ports import Clock, UnitOfWork
from domain.stock import describe_shortages, needed_per_product, reserve_lines

Handler = Callable[[Order, OrderAction, Actor, UnitOfWork, Clock], Awaitable[None]]


async def run_action(cmd: OrderAction, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> Order:
    """Apply one action under a row lock; a stale If-Match version is refused before anything changes."""
    handler = HANDLERS[cmd.action]
    if not role_allows(actor, cmd.action):
        raise PermissionDeniedError(
            f"{cmd.action} needs one of the roles {sorted(ACTION_ROLES[cmd.action])}"
        )
    async with uow:
        order = await uow.orders.get(cmd.order_id, for_update=True)
        _check_version(order, cmd.expected_version)
        await handler(order, cmd, actor, uow, clock)
        await uow.orders.save(order)
        await uow.commit()
    return order


def _check_version(order: Order, expected: int | None) -> None:
    if expected is not None and expected != order.version:
        raise StaleVersionError(expected, order.version)


async def reserve_order(order: Order, uow: UnitOfWork) -> tuple[list[Reservation], str | None]:
    """Reserve all lines atomically or report what is missing."""
    needed = needed_per_product(order.lines)
    levels = await uow.stock.lock_levels(order.warehouse_id, needed)
    sku_of = {line.product_id: line.sku for line in order.lines}
    reservations, shortages = reserve_lines(order.lines, levels, order.warehouse_id, sku_of)
    if shortages:
        return [], describe_shortages(shortages)
    await uow.stock.save(levels.values())
    return reservations, None


async def _release(reservations: list[Reservation], uow: UnitOfWork) -> None:
    if not reservations:
        return
    by_warehouse: dict[int, list[Reservation]] = {}
    for r in reservations:
        by_warehouse.setdefault(r.warehouse_id, []).append(r)
    for warehouse_id, items in by_warehouse.items():
        levels = await uow.stock.lock_levels(warehouse_id, [r.product_id for r in items])
        for r in items:
            if r.product_id in levels:
                levels[r.product_id].release(r.quantity)
        await uow.stock.save(levels.values())


async def _confirm(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    """Confirm reserves every line or turns the order into a back-order; pre-orders skip the check."""
    now = clock()
    order.check_can_confirm()
    if order.skips_stock_check(now.date()):
        order.confirm(by=actor, at=now, reservations=[])
        return
    reservations, missing = await reserve_order(order, uow)
    if missing is not None:
        order.mark_stock_unavailable(by=actor, at=now, missing=missing)
        return
    order.confirm(by=actor, at=now, reservations=reservations)
    channel = await uow.catalog.channel(order.channel_id)
    if channel is not None and channel.auto_delivery_note:
        # The channel hands confirmed orders straight to the warehouse: the note in the same transaction.
        await make_delivery_note(order, uow, actor=actor, now=now, on_short=None)


async def _restore(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    """A back-order is promoted only by hand, and only when stock can be reserved now."""
    order.check_can_restore()
    reservations, missing = await reserve_order(order, uow)
    if missing is not None:
        raise ConflictError(f"stock is still short, the order stays a back-order: {missing}")
    order.restore(by=actor, at=clock(), reservations=reservations)


async def _cancel(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    await _release(order.cancel(by=actor, at=clock(), reason=cmd.reason), uow)
    await _void_open_note(order, uow)


async def _reject(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    await _release(order.reject(by=actor, at=clock(), reason=cmd.reason), uow)
    await _void_open_note(order, uow)


async def _void_open_note(order: Order, uow: UnitOfWork) -> None:
    """A cancelled order's delivery note in preparation goes with it, out of the "packages without AWB" list."""
    assert order.id is not None
    note = await uow.fulfilment.open_note(order.id)
    if note is not None:
        note.cancel()
        await uow.fulfilment.save_note(note)


async def _approve(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    order.approve(by=actor, at=clock())


async def _process(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    order.process(by=actor, at=clock())


async def _request_payment(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    order.request_payment(by=actor, at=clock())


async def _mark_paid(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    order.mark_paid(by=actor, at=clock(), reference=cmd.reason)


async def _hold(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    order.hold(by=actor, at=clock(), reason=cmd.reason)


async def _resume(order: Order, cmd: OrderAction, actor: Actor, uow: UnitOfWork, clock: Clock) -> None:
    order.resume(by=actor, at=clock())


HANDLERS: dict[str, Handler] = {
    "process": _process,
    "request-payment": _request_payment,
    "mark-paid": _mark_paid,
    "confirm": _confirm,
    "hold": _hold,
    "resume": _resume,
    "cancel": _cancel,
    "approve": _approve,
    "reject": _reject,
    "restore": _restore,
}


async def replace_lines(cmd: ReplaceLines, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> Order:
    """Edit lines while draft, processing or on hold; approval rules are evaluated again."""
    if not role_allows(actor, "edit-lines"):
        raise PermissionDeniedError(f"editing lines needs one of the roles {sorted(ACTION_ROLES['edit-lines'])}")
    async with uow:
        order = await uow.orders.get(cmd.order_id, for_update=True)
        _check_version(order, cmd.expected_version)
        channel = await uow.catalog.channel(order.channel_id)
        assert channel is not None
        products = await uow.catalog.products_by_sku([line.sku for line in cmd.lines])
        lines = await check_list_prices(_lines(cmd.lines, products, channel), customer_id=order.customer.id,
                                        currency=order.currency, channel=channel, uow=uow)
        order.replace_lines(lines, by=actor, at=clock(), rules=channel.approval_rules)
        await uow.orders.save(order)
        await uow.commit()
    return order
