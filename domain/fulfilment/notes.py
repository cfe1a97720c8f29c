"""Use cases: the delivery note (and its packing list) of an order, and the packages' dimensions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from domain.actors import Actor
from domain.errors import ConflictError, PermissionDeniedError, StaleVersionError
from domain.fulfilment.model import DeliveryNote, DeliveryNoteLine, Package, PackingList
from domain.money import fmt
from domain.orders.model import Order, Reservation
from domain.orders.status import OrderStatus
from domain.ports import Clock, UnitOfWork
from domain.stock import describe_shortages, needed_per_product, reserve_lines

S = OrderStatus
WAREHOUSE_ROLES = frozenset({"operator", "warehouse", "admin"})  # = api.deps.WarehouseDesk
OnShort = Literal["partial", "backorder"]


class StockShortError(ConflictError):
    """The order's stock is short and the operator has not said what to do: deliver what is there now, or
    make the whole order a back-order."""

    def __init__(self, missing: str) -> None:
        super().__init__(f"{missing}; choose on_short=partial (deliver what is in stock, the rest stays a "
                         "back-order) or on_short=backorder (the whole order goes to stock_unavailable)")
        self.missing = missing


@dataclass(frozen=True)
class CreateDeliveryNote:
    order_id: int
    on_short: OnShort | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class NoteOutcome:
    order: Order
    note: DeliveryNote | None  # None when the order became a back-order instead
    packing_list: PackingList | None


def check_warehouse_role(actor: Actor, what: str) -> None:
    if actor.kind != "system" and not actor.roles & WAREHOUSE_ROLES:
        raise PermissionDeniedError(f"{what} needs one of the roles {sorted(WAREHOUSE_ROLES)}")


async def create_delivery_note(cmd: CreateDeliveryNote, *, actor: Actor, uow: UnitOfWork,
                               clock: Clock) -> NoteOutcome:
    check_warehouse_role(actor, "a delivery note")
    async with uow:
        order = await uow.orders.get(cmd.order_id, for_update=True)
        if cmd.expected_version is not None and cmd.expected_version != order.version:
            raise StaleVersionError(cmd.expected_version, order.version)
        outcome = await make_delivery_note(order, uow, actor=actor, now=clock(), on_short=cmd.on_short)
        await uow.orders.save(order)
        await uow.commit()
    return outcome


async def make_delivery_note(order: Order, uow: UnitOfWork, *, actor: Actor, now: datetime,
                             on_short: OnShort | None) -> NoteOutcome:
    """Inside the caller's unit of work (also used by confirm when the channel makes notes automatically)."""
    order.check_can_deliver_note()
    assert order.id is not None
    existing = await uow.fulfilment.open_note(order.id)
    if existing is not None:
        raise ConflictError(f"order {order.number} already has delivery note {existing.number} in preparation",
                            existing_id=existing.id)
    if order.status is S.PAID or not order.reservations:
        backordered = await _reserve_for_note(order, uow, actor=actor, now=now, on_short=on_short)
        if order.status is S.STOCK_UNAVAILABLE:
            return NoteOutcome(order, None, None)
    else:
        backordered = {}
    note = DeliveryNote(order_id=order.id, warehouse_id=order.warehouse_id, created_by=actor.label, created_at=now,
                        lines=_note_lines(order, order.reservations, backordered))
    await uow.fulfilment.add_note(note)
    assert note.id is not None
    packing_list = PackingList(delivery_note_id=note.id, order_id=order.id, created_at=now, updated_at=now)
    await uow.fulfilment.add_packing_list(packing_list)
    return NoteOutcome(order, note, packing_list)


async def _reserve_for_note(order: Order, uow: UnitOfWork, *, actor: Actor, now: datetime,
                            on_short: OnShort | None) -> dict[int, Decimal]:
    """Reserve stock for an order that holds none (paid, or a pre-order confirmed before its date). Returns
    what stays a back-order per product when the operator chose a partial delivery."""
    needed = needed_per_product(order.lines)
    levels = await uow.stock.lock_levels(order.warehouse_id, needed)
    sku_of = {line.product_id: line.sku for line in order.lines}
    reservations, shortages = reserve_lines(order.lines, levels, order.warehouse_id, sku_of)
    backordered: dict[int, Decimal] = {}
    if shortages:
        missing = describe_shortages(shortages)
        if on_short is None:
            raise StockShortError(missing)
        if on_short == "backorder":
            if order.status is S.PAID:
                order.mark_stock_unavailable(by=actor, at=now, missing=missing)
            else:
                order.hold(by=actor, at=now, reason=missing)
            return {}
        reservations = []
        for product_id, quantity in sorted(needed.items()):
            level = levels.get(product_id)
            taken = level.reserve_up_to(quantity) if level is not None else Decimal(0)
            if taken > 0:
                reservations.append(Reservation(product_id, order.warehouse_id, taken))
            if taken < quantity:
                backordered[product_id] = quantity - taken
        if not reservations:
            raise ConflictError(f"nothing of order {order.number} is in stock: {missing}")
    await uow.stock.save(levels.values())
    partial_note = None
    if backordered:
        partial_note = "partial delivery; back-ordered: " + ", ".join(
            f"{sku_of[p]} {fmt(q, 3)}" for p, q in sorted(backordered.items()))
    if order.status is S.PAID:
        order.confirm_for_delivery(by=actor, at=now, reservations=reservations, partial=partial_note)
    else:
        order.add_reservations(reservations)
    return backordered


def _note_lines(order: Order, reservations: Sequence[Reservation],
                backordered: dict[int, Decimal]) -> list[DeliveryNoteLine]:
    """One note line per order line, in order; reserved quantities are shared out over lines of the same
    product in line order, so a partial delivery ships the first lines first."""
    left = {r.product_id: r.quantity for r in reservations}
    lines = []
    for line in order.lines:
        take = min(line.quantity, left.get(line.product_id, Decimal(0)))
        left[line.product_id] = left.get(line.product_id, Decimal(0)) - take
        lines.append(DeliveryNoteLine(line.product_id, line.sku, line.name, take, line.quantity - take))
    if not backordered:
        return [line for line in lines if line.quantity > 0]
    return lines


@dataclass(frozen=True)
class UpdatePackages:
    packing_list_id: int
    packages: Sequence[Package]
    expected_version: int | None = None


async def update_packages(cmd: UpdatePackages, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> PackingList:
    check_warehouse_role(actor, "packing")
    async with uow:
        packing_list = await uow.fulfilment.get_packing_list(cmd.packing_list_id, for_update=True)
        if cmd.expected_version is not None and cmd.expected_version != packing_list.version:
            raise StaleVersionError(cmd.expected_version, packing_list.version)
        live = await uow.fulfilment.live_shipment(cmd.packing_list_id)
        packing_list.set_packages(cmd.packages, at=clock(), locked=live is not None)
        await uow.fulfilment.save_packing_list(packing_list)
        await uow.commit()
    return packing_list
