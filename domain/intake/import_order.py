"""Use case: import one shop order. New orders go through create_order; known ones only follow the shop's
status (paid, cancelled). A failing import creates nothing and leaves one sync log entry per cause."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

from domain.actors import Actor
from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.intake.model import ExistingOrder, ImportOutcome, IncomingOrder, IntakeChannel, ShopCharge, SyncProblem
from domain.intake.ports import IntakeStore
from domain.orders.actions import run_action
from domain.orders.commands import CreateOrder, CustomerInput, LineInput, OrderAction
from domain.orders.create import create_order
from domain.orders.status import OrderStatus
from domain.ports import Clock, UnitOfWork

S = OrderStatus
INTAKE = Actor(kind="system", id=None, name="intake")
CANCEL_REASON = "cancelled in shop"
# Past these the goods have left (or the order is closed): a cancellation in the shop is not applied here.
_TOO_LATE_TO_CANCEL = frozenset({S.SHIPPING, S.DELIVERED, S.RETURN_PENDING, S.RETURN, S.PARTIAL_RETURN})


class _Problem(Exception):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


async def import_order(incoming: IncomingOrder, *, store: IntakeStore, new_uow: Callable[[], UnitOfWork],
                       clock: Clock, check_stale: bool = True) -> ImportOutcome:
    """`check_stale=False` for an operator's retry: the stored payload is run as it is."""
    channel = await store.channel(incoming.channel_id)
    if channel is None or not channel.active:
        return ImportOutcome("ignored", detail="the channel does not exist or is disabled")
    if check_stale and incoming.modified_at is not None:
        last = await store.last_processed_at(incoming.channel_id, incoming.external_ref)
        if last is not None and incoming.modified_at < last:
            return ImportOutcome("stale", detail=f"shop modification {incoming.modified_at.isoformat()} is older "
                                                 f"than the one already applied ({last.isoformat()})")
    existing = await store.existing_order(incoming.channel_id, incoming.external_ref)
    if existing is not None:
        return await _follow_shop(existing, incoming, store, new_uow, clock)
    if incoming.cancelled:
        return ImportOutcome("ignored", detail="cancelled in the shop before it was imported")
    try:
        cmd = await _command(incoming, channel, store)
    except _Problem as problem:
        return await _failed(incoming, store, problem.error_type, problem.message)
    try:
        created = await create_order(cmd, actor=INTAKE, uow=new_uow(), clock=clock)
    except ConflictError:
        # A concurrent import of the same shop order (another delivery, another topic) created it first.
        existing = await store.existing_order(incoming.channel_id, incoming.external_ref)
        if existing is None:
            raise
        return await _follow_shop(existing, incoming, store, new_uow, clock)
    except ValidationError as exc:
        return await _failed(incoming, store, _classify(exc), _describe(exc))
    order_id = created.order.id
    assert order_id is not None
    await store.resolve_problems(incoming.channel_id, incoming.external_ref, order_id)
    return ImportOutcome("created", order_id=order_id)


async def _failed(incoming: IncomingOrder, store: IntakeStore, error_type: str, message: str) -> ImportOutcome:
    entry = await store.record_problem(SyncProblem(incoming.channel_id, incoming.external_ref, error_type, message))
    return ImportOutcome("failed", detail=message, error_type=error_type, sync_entry_id=entry)


async def _follow_shop(existing: ExistingOrder, incoming: IncomingOrder, store: IntakeStore,
                       new_uow: Callable[[], UnitOfWork], clock: Clock) -> ImportOutcome:
    """An order already imported takes over the shop's status changes, nothing else (lines stay ours)."""
    status = S(existing.status)
    held_from = None if existing.held_from is None else S(existing.held_from)
    actions: list[OrderAction] = []
    if incoming.cancelled and status is not S.CANCELLED:
        if status in _TOO_LATE_TO_CANCEL or (status is S.ON_HOLD and held_from in _TOO_LATE_TO_CANCEL):
            return await _failed(incoming, store, "other",
                                 f"the order was cancelled in the shop but is already {status.label} here; "
                                 "stop it with the courier or handle it as a return")
        actions = [OrderAction(existing.id, "cancel", reason=CANCEL_REASON)]
    elif incoming.paid and not incoming.cancelled and status in (S.DRAFT, S.PROCESSING, S.PENDING_PAYMENT):
        # Paid in the shop (a bank transfer received, a card captured after checkout) while ours still waits,
        # or was not yet asked for payment: the shop will not say it again, so the payment is taken now.
        if status is not S.PENDING_PAYMENT:
            actions.append(OrderAction(existing.id, "request-payment"))
        actions.append(OrderAction(existing.id, "mark-paid", reason=f"paid in shop ({_payment(incoming)})"))
    result = "unchanged"
    for action in actions:
        try:
            await run_action(action, actor=INTAKE, uow=new_uow(), clock=clock)
            result = "updated"
        except InvalidTransitionError:
            break  # the order moved on meanwhile; the shop's change no longer applies
    await store.resolve_problems(incoming.channel_id, incoming.external_ref, existing.id)
    return ImportOutcome(result, order_id=existing.id)


def _payment(incoming: IncomingOrder) -> str:
    code = incoming.order.payment_method
    title = incoming.payment_title
    return f"{code!r} ({title})" if title and title != code else repr(code)


async def _command(incoming: IncomingOrder, channel: IntakeChannel, store: IntakeStore) -> CreateOrder:
    given = incoming.order
    if incoming.lines_without_sku:
        raise _Problem("missing_sku", "shop lines without a SKU: " + ", ".join(incoming.lines_without_sku))
    if not given.lines:
        raise _Problem("other", "the shop order has no product lines")
    notes = [given.notes] if given.notes else []
    lines = list(given.lines)
    for charge in incoming.shipping:
        if channel.shipping_sku and charge.amount > 0:
            lines.append(LineInput(sku=channel.shipping_sku, quantity=Decimal(1), unit_price=charge.amount,
                                   name=charge.title or "Shipping"))
        else:
            notes.append(_note("Shipping", charge, given.currency))
    notes.extend(_note("Fee", fee, given.currency) for fee in incoming.fees)
    missing = await store.unusable_skus([line.sku for line in lines])
    if missing:
        raise _Problem("missing_sku", "unknown or inactive SKU: " + ", ".join(missing))
    method = channel.payment_methods.get(given.payment_method)
    if not method:
        raise _Problem("payment_not_recognised",
                       f"payment method {_payment(incoming)} is not mapped for this channel "
                       "(channel settings: payment_methods)")
    paid_reference = None
    if incoming.paid:
        paid_reference = f"paid in shop ({_payment(incoming)})"
        notes.append(f"Paid in shop: {_payment(incoming)}")
    return dataclasses.replace(given, payment_method=method, lines=lines, customer=await _customer(given, store),
                               notes="\n".join(notes) or None, paid_reference=paid_reference)


def _note(kind: str, charge: ShopCharge, currency: str) -> str:
    return f"{kind}: {charge.title or '-'} {charge.amount} {currency}"


async def _customer(given: CreateOrder, store: IntakeStore) -> CustomerInput:
    """By email, then by VAT code; created from the shop's data when neither is known."""
    c = given.customer
    if not c.name or not c.name.strip():
        raise _Problem("customer_not_created", "the shop order names no customer")
    if c.email and await store.customer_id_by_email(c.email) is not None:
        return c
    if c.vat_code:
        found = await store.customer_id_by_vat(c.vat_code)
        if found is not None:
            return dataclasses.replace(c, id=found)
    if not c.email:
        raise _Problem("customer_not_created", "the shop order has no customer email and no known VAT code")
    return c


def _classify(exc: ValidationError) -> str:
    fields = [e.field for e in exc.errors]
    if any(f.startswith("customer") for f in fields):
        return "customer_not_created"
    if any(f.startswith("lines") and f.endswith(".sku") for f in fields):
        return "missing_sku"
    return "other"


def _describe(exc: ValidationError) -> str:
    details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
    return f"{exc.detail} ({details})" if details else exc.detail
