"""Use case: the daily pre-order run. Stock is reserved when the promised date comes near; what cannot be
reserved is flagged for the operator (a history row and an event), once per shortage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from domain.actors import SYSTEM, Actor
from domain.errors import NotFoundError
from domain.orders.actions import reserve_order
from domain.ports import Clock, UnitOfWork

DEFAULT_RESERVE_DAYS = 3  # channel setting preorder_reserve_days overrides it


class DuePreorders(Protocol):
    async def due_preorders(self, today: date, default_days: int) -> list[int]:
        """Ids of confirmed, unreserved pre-orders whose promised date is within their channel's window."""


@dataclass
class PreorderRun:
    reserved: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    still_short: list[int] = field(default_factory=list)  # flagged on an earlier run; flagged once only
    skipped: list[int] = field(default_factory=list)  # changed since they were found


async def reserve_due_preorders(today: date, *, finder: DuePreorders, uow_factory: Callable[[], UnitOfWork],
                                clock: Clock, actor: Actor = SYSTEM) -> PreorderRun:
    """Reserve stock for confirmed pre-orders due within N days; flag those short. Safe to run again."""
    run = PreorderRun()
    for order_id in await finder.due_preorders(today, DEFAULT_RESERVE_DAYS):
        # One unit of work per order: one order short of stock must not hold back the others.
        async with uow_factory() as uow:
            try:
                order = await uow.orders.get(order_id, for_update=True)
            except NotFoundError:
                run.skipped.append(order_id)
                continue
            if not order.awaits_preorder_stock:
                run.skipped.append(order_id)
                continue
            reservations, missing = await reserve_order(order, uow)
            if missing is None:
                order.reserve_preorder(by=actor, at=clock(), reservations=reservations)
                run.reserved.append(order_id)
            elif order.preorder_flagged_at is None:
                order.flag_preorder_short(by=actor, at=clock(), missing=missing)
                run.flagged.append(order_id)
            else:
                run.still_short.append(order_id)
                continue
            await uow.orders.save(order)
            await uow.commit()
    return run
