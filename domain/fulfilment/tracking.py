"""Use case: follow AWBs until a final status. Delivered moves the order to delivered; a failed delivery or a
return to sender puts it on hold with the courier's words. Polled in batches (no transaction while the
courier answers); the Innoship tracking webhook feeds the same `apply_tracking`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from domain.actors import Actor
from domain.errors import DomainError
from domain.fulfilment.couriers import CourierError, TrackingResult, TrackingStatus
from domain.fulfilment.model import Shipment
from domain.fulfilment.ports import CourierDirectory
from domain.orders.status import OrderStatus
from domain.ports import Clock, UnitOfWork

log = logging.getLogger("oms.tracking")
TRACKER = Actor(kind="system", id=None, name="tracking")
HOLDING = frozenset({TrackingStatus.FAILED_DELIVERY, TrackingStatus.RETURNED})


@dataclass(frozen=True)
class TrackingRun:
    polled: int = 0
    changed: int = 0
    delivered: int = 0
    held: int = 0
    failed_calls: int = 0


UowFactory = Callable[[], UnitOfWork]


async def poll_tracking(*, uow_factory: UowFactory, couriers: CourierDirectory, clock: Clock,
                        poll_every: timedelta, batch: int = 200, limit: int = 1000) -> TrackingRun:
    now = clock()
    async with uow_factory() as uow:
        due = await uow.fulfilment.claim_tracking_due(now, now + timedelta(minutes=5), limit)
        await uow.commit()
    by_courier: dict[str, list[Shipment]] = {}
    for shipment in due:
        by_courier.setdefault(shipment.courier, []).append(shipment)
    totals = TrackingRun(polled=len(due))
    for courier, shipments in by_courier.items():
        setup = await couriers.get(courier)
        for start in range(0, len(shipments), batch):
            chunk = shipments[start:start + batch]
            awbs = [s.awb_ref for s in chunk if s.awb_number]
            if setup is None or setup.manual:
                await _backoff(chunk, uow_factory, clock, poll_every, None)
                continue
            try:
                results = await setup.gateway.track(awbs)
            except CourierError as exc:
                log.warning("tracking %s failed for %d AWBs: %s", courier, len(awbs), exc.message)
                await _backoff(chunk, uow_factory, clock, poll_every, exc.retry_after_s)
                totals = _add(totals, TrackingRun(failed_calls=1))
                continue
            answered = {r.awb_number: r for r in results}
            run = await apply_tracking(courier, [answered.get(a) or TrackingResult(a) for a in awbs],
                                       uow_factory=uow_factory, clock=clock, poll_every=poll_every)
            totals = _add(totals, run)
    return totals


def _add(a: TrackingRun, b: TrackingRun) -> TrackingRun:
    return TrackingRun(a.polled + b.polled, a.changed + b.changed, a.delivered + b.delivered, a.held + b.held,
                       a.failed_calls + b.failed_calls)


async def _backoff(shipments: Sequence[Shipment], uow_factory: UowFactory, clock: Clock, poll_every: timedelta,
                   retry_after_s: float | None) -> None:
    async with uow_factory() as uow:
        for shipment in shipments:
            assert shipment.id is not None
            stored = await uow.fulfilment.get_shipment(shipment.id, for_update=True)
            stored.tracking_failed(clock(), poll_every, retry_after_s)
            await uow.fulfilment.save_shipment(stored)
        await uow.commit()


async def apply_tracking(courier: str, results: Sequence[TrackingResult], *, uow_factory: UowFactory,
                         clock: Clock, poll_every: timedelta) -> TrackingRun:
    """Record each AWB's events and move its order; one transaction per AWB so one bad row stops nothing."""
    run = TrackingRun()
    for result in results:
        try:
            run = _add(run, await _apply_one(courier, result, uow_factory(), clock, poll_every))
        except DomainError as exc:
            log.warning("tracking of AWB %s not applied: %s", result.awb_number, exc.detail)
    return run


async def _apply_one(courier: str, result: TrackingResult, uow: UnitOfWork, clock: Clock,
                     poll_every: timedelta) -> TrackingRun:
    now = clock()
    async with uow:
        # A gateway may name the AWB with its carrier ("17:AWB123", Innoship); the stored number is the last part.
        found = await uow.fulfilment.shipments_by_awb(courier, [result.awb_number.rpartition(":")[2]],
                                                      for_update=True)
        if not found:
            return TrackingRun()
        shipment = found[0]
        if not shipment.apply_tracking(result.events, now, poll_every):
            await uow.fulfilment.save_shipment(shipment)
            await uow.commit()
            return TrackingRun()
        delivered = held = 0
        latest = result.latest
        assert latest is not None
        order = await uow.orders.get(shipment.order_id, for_update=True)
        if latest.status is TrackingStatus.DELIVERED and order.status in (OrderStatus.SHIPPING, OrderStatus.ON_HOLD):
            try:
                order.deliver(by=TRACKER, at=now, note=f"AWB {shipment.awb_number}: {latest.text}")
                delivered = 1
            except DomainError as exc:  # held for another reason, not from shipping: leave it to the operator
                log.info("order %s not moved to delivered: %s", order.number, exc.detail)
        elif latest.status in HOLDING:
            held = int(order.hold_for_delivery_problem(
                by=TRACKER, at=now, reason=f"courier: {latest.text} (AWB {shipment.awb_number})"))
        await uow.fulfilment.save_shipment(shipment)
        await uow.orders.save(order)
        await uow.commit()
    return TrackingRun(changed=1, delivered=delivered, held=held)
