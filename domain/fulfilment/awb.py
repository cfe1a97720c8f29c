"""Use case: generate AWBs for packing lists — one, or a batch with per-item results and progress.

Three steps per packing list, none of them holding a transaction while the courier is called:
1. prepare (one transaction): check the list and its order, find or create the live shipment and claim it;
2. call the courier (no transaction): after an earlier attempt, first look for the AWB by our external id
   (reconcile), and only create when the courier has none; retryable failures are retried with backoff,
   looking again before each retry when the failed call may have reached the courier;
3. record (one transaction): the AWB on the shipment, the order to shipping (its stock leaves the warehouse,
   the shops are told through the outbox), the delivery note dispatched.
A crash between 2 and 3 leaves a pending shipment whose claim expires; the next attempt reconciles and finds
the AWB the courier made. The unique index "one live shipment per packing list" backs all of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from domain.actors import Actor
from domain.errors import ConflictError, DomainError, FieldError, NotFoundError, ValidationError
from domain.fulfilment.couriers import (
    CourierError,
    CreatedAwb,
    Parcel,
    Party,
    ShipmentRequest,
)
from domain.fulfilment.grouping import GroupRunner
from domain.fulfilment.model import PackingList, Shipment, ShipmentStatus
from domain.fulfilment.notes import check_warehouse_role
from domain.fulfilment.ports import CourierDirectory, CourierSetup, configured
from domain.orders.model import Order, Reservation
from domain.orders.status import OrderStatus
from domain.ports import Clock, UnitOfWork

S = OrderStatus
COD_METHODS = frozenset({"cod", "cash_on_delivery", "ramburs"})
SHIPPABLE = frozenset({S.CONFIRMED, S.READY})


@dataclass(frozen=True)
class GenerateAwb:
    packing_list_ids: Sequence[int]
    courier: str
    service: str | None = None
    carrier_id: int | None = None  # Innoship: the courier of the chosen offer


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    first_delay_s: float = 0.2
    max_delay_s: float = 5.0


@dataclass
class AwbResult:
    packing_list_id: int
    ok: bool
    shipment_id: int | None = None
    awb_number: str | None = None
    already: bool = False  # the list had its AWB before this request (a double click, a retried batch)
    error: str | None = None
    kind: str | None = None  # "validation", "conflict", "not_found", "courier"
    errors: list[FieldError] = field(default_factory=list)
    courier_error: CourierError | None = None


@dataclass(frozen=True)
class _Work:
    shipment: Shipment
    request: ShipmentRequest


UowFactory = Callable[[], UnitOfWork]
Progress = Callable[[AwbResult], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


async def generate_awbs(cmd: GenerateAwb, *, actor: Actor, uow_factory: UowFactory, couriers: CourierDirectory,
                        clock: Clock, progress: Progress | None = None, policy: RetryPolicy = RetryPolicy(),
                        sleep: Sleep = asyncio.sleep) -> list[AwbResult]:
    """Every packing list gets a result; at most `concurrency` (the courier account's) calls run at once."""
    check_warehouse_role(actor, "AWB generation")
    setup = await configured(couriers, cmd.courier)
    if setup.manual:
        raise ValidationError(f"{cmd.courier} has no API: record the AWB from its portal instead",
                              [FieldError("awb_number", "required for a manual courier")])
    # Courier calls are limited to the account's concurrency; the database steps of many items share units of
    # work (grouping.py). Items enter a few at a time per courier slot, so a claim is taken shortly before its call.
    calls = asyncio.Semaphore(setup.concurrency)
    items = asyncio.Semaphore(setup.concurrency * 4)
    preparer: GroupRunner[int, _Work | AwbResult] = GroupRunner(
        uow_factory, lambda uow, pid: _prepare(uow, pid, cmd, setup, clock))
    recorder: GroupRunner[tuple[int, CreatedAwb], AwbResult] = GroupRunner(
        uow_factory, lambda uow, item: _record(uow, item[0], item[1], actor, clock))
    failures: GroupRunner[tuple[int, CourierError], None] = GroupRunner(
        uow_factory, lambda uow, item: _record_failure(uow, item[0], item[1]))

    async def one(packing_list_id: int) -> AwbResult:
        async with items:
            result = await _generate_one(packing_list_id, setup, preparer, recorder, failures, calls, policy, sleep)
        if progress is not None:
            await progress(result)
        return result

    return list(await asyncio.gather(*(one(pid) for pid in dict.fromkeys(cmd.packing_list_ids))))


async def _generate_one(packing_list_id: int, setup: CourierSetup,
                        preparer: GroupRunner[int, _Work | AwbResult],
                        recorder: GroupRunner[tuple[int, CreatedAwb], AwbResult],
                        failures: GroupRunner[tuple[int, CourierError], None],
                        calls: asyncio.Semaphore, policy: RetryPolicy, sleep: Sleep) -> AwbResult:
    try:
        work = await preparer.submit(packing_list_id)
    except DomainError as exc:
        return _failed(packing_list_id, exc)
    if isinstance(work, AwbResult):
        return work
    assert work.shipment.id is not None
    try:
        async with calls:
            created = await _call_courier(work, setup, policy, sleep)
    except CourierError as exc:
        await failures.submit((work.shipment.id, exc))
        detail = exc.message + (": " + "; ".join(exc.errors) if exc.errors else "")
        return AwbResult(packing_list_id, False, work.shipment.id, error=detail, kind="courier", courier_error=exc)
    try:
        return await recorder.submit((work.shipment.id, created))
    except DomainError as exc:
        return _failed(packing_list_id, exc)


def _failed(packing_list_id: int, exc: DomainError) -> AwbResult:
    kind = ("validation" if isinstance(exc, ValidationError) else "not_found" if isinstance(exc, NotFoundError)
            else "conflict")
    errors = exc.errors if isinstance(exc, ValidationError) else []
    return AwbResult(packing_list_id, False, error=exc.detail, kind=kind, errors=list(errors))


async def _prepare(uow: UnitOfWork, packing_list_id: int, cmd: GenerateAwb, setup: CourierSetup,
                   clock: Clock) -> _Work | AwbResult:
    """Step 1, inside a (shared) unit of work: check, then find or create the live shipment and claim it."""
    now = clock()
    packing_list = await uow.fulfilment.get_packing_list(packing_list_id, for_update=True)
    shipment = await uow.fulfilment.live_shipment(packing_list_id, for_update=True)
    if shipment is not None and shipment.status is ShipmentStatus.CREATED:
        return AwbResult(packing_list_id, True, shipment.id, shipment.awb_number, already=True)
    order = await uow.orders.get(packing_list.order_id)
    if order.status not in SHIPPABLE:
        raise ConflictError(f"order {order.number} is {order.status.label}: an AWB needs it confirmed or ready")
    packing_list.check_ready_for_awb()
    if shipment is None:
        attempt = await uow.fulfilment.count_shipments(packing_list_id) + 1
        shipment = Shipment(packing_list_id=packing_list_id, order_id=packing_list.order_id,
                            courier=setup.courier, service=cmd.service or setup.default_service,
                            carrier_id=cmd.carrier_id, external_id=f"OMS-{packing_list.number}-{attempt}",
                            created_at=now)
        shipment.claim(now)
        await uow.fulfilment.add_shipment(shipment)
    elif shipment.courier != setup.courier:
        raise ConflictError(f"an AWB for packing list {packing_list.number} is pending with "
                            f"{shipment.courier}; finish or cancel that one first")
    else:
        shipment.claim(now)
        await uow.fulfilment.save_shipment(shipment)
    return _Work(shipment, shipment_request(shipment.external_id, shipment.service, shipment.carrier_id,
                                            packing_list, order, setup.sender))


def shipment_request(external_id: str, service: str | None, carrier_id: int | None, packing_list: PackingList,
                     order: Order, sender: Party) -> ShipmentRequest:
    """What the courier is asked for: the order's address and payment, the packing list's parcels."""
    address = order.shipping_address
    recipient = Party(name=address.name, phone=address.phone or "", street=address.street, city=address.city,
                      county=address.county, postcode=address.postcode, country=address.country,
                      email=order.customer.email, company=address.company)
    parcels = tuple(
        Parcel(f"{packing_list.number}-{i + 1}", p.length_cm or Decimal(0), p.width_cm or Decimal(0),
               p.height_cm or Decimal(0), p.weight_kg or Decimal(0))
        for i, p in enumerate(packing_list.packages))
    gross = order.totals.gross
    cod = gross if order.payment_method.lower() in COD_METHODS and order.status is not S.PAID else None
    return ShipmentRequest(external_order_id=external_id, sender=sender, recipient=recipient,
                           parcels=parcels, declared_value=gross, currency=order.currency, cod_amount=cod,
                           service=service, carrier_id=carrier_id,
                           reference=order.number or "", contents=_contents(order))


def _contents(order: Order) -> str:
    names = ", ".join(line.name for line in order.lines[:3])
    return names[:100] + ("..." if len(order.lines) > 3 else "")


async def _call_courier(work: _Work, setup: CourierSetup, policy: RetryPolicy, sleep: Sleep) -> CreatedAwb:
    """Find-or-create with retries. Each retry after a call that may have reached the courier looks first."""
    look_first = work.shipment.must_reconcile
    delay = policy.first_delay_s
    for attempt in range(1, policy.attempts + 1):
        try:
            if look_first:
                found = await setup.gateway.find(work.request)
                if found is not None:
                    return found
            return await setup.gateway.create(work.request)
        except CourierError as exc:
            if not exc.retryable or attempt == policy.attempts:
                raise
            look_first = look_first or exc.maybe_created
            wait = min(max(delay, exc.retry_after_s or 0.0), policy.max_delay_s)
            await sleep(wait)
            delay *= 2
    raise AssertionError("unreachable")


async def _record_failure(uow: UnitOfWork, shipment_id: int, exc: CourierError) -> None:
    """A refusal (nothing exists at the courier) frees the packing list; anything else leaves the shipment
    pending, to be reconciled by the next attempt."""
    stored = await uow.fulfilment.get_shipment(shipment_id, for_update=True)
    if stored.status is ShipmentStatus.PENDING:
        stored.record_failure(exc.message, final=not exc.retryable and not exc.maybe_created)
        await uow.fulfilment.save_shipment(stored)


async def _record(uow: UnitOfWork, shipment_id: int, created: CreatedAwb, actor: Actor, clock: Clock) -> AwbResult:
    """Step 3, inside a (shared) unit of work: the AWB is ours; the order ships and its stock leaves."""
    now = clock()
    shipment = await uow.fulfilment.get_shipment(shipment_id, for_update=True)
    shipment.record_created(created, now)
    await uow.fulfilment.save_shipment(shipment)
    note = await uow.fulfilment.note_of_packing_list(shipment.packing_list_id, for_update=True)
    order = await uow.orders.get(shipment.order_id, for_update=True)
    if order.status not in SHIPPABLE:
        # Cancelled or held while the courier was working: the AWB exists and is kept on record (so it is never
        # made twice), but the order does not move; the operator cancels the AWB or resumes the order.
        return AwbResult(shipment.packing_list_id, False, shipment.id, shipment.awb_number, kind="conflict",
                         error=f"AWB {shipment.awb_number} was created, but order {order.number} is now "
                               f"{order.status.label}; cancel the AWB or resume the order")
    consumed = [Reservation(line.product_id, note.warehouse_id, line.quantity) for line in note.lines
                if line.quantity > 0]
    await _dispatch_stock(consumed, note.warehouse_id, uow)
    note.dispatch(now)
    await uow.fulfilment.save_note(note)
    order.ship(by=actor, at=now, awb=created.awb_number, courier=created.carrier_name,
               tracking_url=created.tracking_url, consumed=consumed)
    await uow.orders.save(order)
    return AwbResult(shipment.packing_list_id, True, shipment.id, shipment.awb_number)


async def _dispatch_stock(consumed: Sequence[Reservation], warehouse_id: int, uow: UnitOfWork) -> None:
    if not consumed:
        return
    levels = await uow.stock.lock_levels(warehouse_id, [r.product_id for r in consumed])
    for r in consumed:
        level = levels.get(r.product_id)
        if level is None:
            raise ConflictError(f"no stock record of product {r.product_id} in warehouse {warehouse_id}")
        level.dispatch(r.quantity)
    await uow.stock.save(levels.values())


async def record_manual_awb(packing_list_id: int, courier: str, awb_number: str, *, actor: Actor,
                            uow_factory: UowFactory, couriers: CourierDirectory, clock: Clock) -> AwbResult:
    """An AWB made in the courier's own portal (Palex has no API): recorded like a generated one."""
    check_warehouse_role(actor, "AWB entry")
    number = awb_number.strip()
    if not number or len(number) > 64:
        raise ValidationError("invalid AWB number", [FieldError("awb_number", "1 to 64 characters")])
    setup = await configured(couriers, courier)
    async with uow_factory() as uow:  # one unit of work: no courier call in between
        work = await _prepare(uow, packing_list_id, GenerateAwb([packing_list_id], courier), setup, clock)
        if isinstance(work, AwbResult):
            raise ConflictError(f"packing list {packing_list_id} already has AWB {work.awb_number}",
                                existing_id=work.shipment_id)
        assert work.shipment.id is not None
        result = await _record(uow, work.shipment.id, CreatedAwb(number, carrier_name=courier.capitalize()), actor,
                               clock)
        await uow.commit()
    return result
