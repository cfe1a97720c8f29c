"""Estimates: an agent's offer to a customer, converted into an order on a sales channel once accepted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.actors import Actor
from domain.errors import ConflictError, FieldError, ValidationError
from domain.orders.commands import CreateOrder, CustomerInput, LineInput
from domain.orders.create import create_order
from domain.orders.model import Address
from domain.ports import Clock, UnitOfWork

SALES_CHANNEL_TYPE = "sales"


@dataclass
class Estimate:
    channel_id: int
    customer: CustomerInput
    shipping_address: Address
    lines: list[LineInput]
    valid_until: date
    currency: str
    payment_method: str
    created_by: str
    notes: str | None = None
    id: int | None = None
    number: str | None = None
    order_id: int | None = None
    created_at: datetime | None = None

    def status(self, today: date) -> str:
        if self.order_id is not None:
            return "converted"
        return "expired" if self.valid_until < today else "open"

    @property
    def total(self) -> Decimal:
        return sum((line.quantity * line.unit_price for line in self.lines), Decimal(0))

    def order_command(self) -> CreateOrder:
        # The estimate number is the order's external ref: (channel, external_ref) is unique, so a second
        # conversion (a retry, a double click, a crash between the two steps) finds the first order.
        return CreateOrder(channel_id=self.channel_id, currency=self.currency, payment_method=self.payment_method,
                           customer=self.customer, shipping_address=self.shipping_address, lines=self.lines,
                           external_ref=self.number, notes=self.notes)


@dataclass(frozen=True)
class NewEstimate:
    customer: CustomerInput
    shipping_address: Address
    lines: list[LineInput]
    valid_until: date
    currency: str = "RON"
    payment_method: str = "op"
    channel_id: int | None = None
    notes: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


class EstimateStore(Protocol):
    async def add(self, estimate: Estimate) -> None:
        """Insert; assigns id, number and created_at."""

    async def get(self, estimate_id: int) -> Estimate:
        """Raises NotFoundError."""

    async def link_order(self, estimate_id: int, order_id: int) -> None: ...

    async def first_sales_channel(self) -> int | None:
        """The first active channel of type sales, for estimates that name none."""


@dataclass(frozen=True)
class Converted:
    order_id: int
    created: bool  # False when the estimate had already been converted


async def create_estimate(cmd: NewEstimate, *, actor: Actor, store: EstimateStore, uow: UnitOfWork,
                          clock: Clock) -> Estimate:
    """An estimate names a sales channel, known active products and a validity date not in the past."""
    channel_id = cmd.channel_id or await store.first_sales_channel()
    if channel_id is None:
        raise ValidationError("no sales channel is configured", [FieldError("channel_id", "required")])
    errors = []
    async with uow:  # read only: leaving without commit rolls back
        channel = await uow.catalog.channel(channel_id)
        products = await uow.catalog.products_by_sku([line.sku for line in cmd.lines])
    if channel is None or not channel.active or channel.type != SALES_CHANNEL_TYPE:
        errors.append(FieldError("channel_id", "an active channel of type sales"))
    for i, line in enumerate(cmd.lines):
        product = products.get(line.sku)
        if product is None or not product.active:
            errors.append(FieldError(f"lines[{i}].sku", f"unknown or inactive SKU {line.sku}"))
    if cmd.valid_until < clock().date():
        errors.append(FieldError("valid_until", "must not be in the past"))
    if cmd.customer.id is None and not cmd.customer.email:
        errors.append(FieldError("customer", "an id or an email"))
    if errors:
        raise ValidationError("the estimate cannot be accepted", errors)
    estimate = Estimate(channel_id=channel_id, customer=cmd.customer, shipping_address=cmd.shipping_address,
                        lines=cmd.lines, valid_until=cmd.valid_until, currency=cmd.currency,
                        payment_method=cmd.payment_method, created_by=actor.label, notes=cmd.notes)
    await store.add(estimate)
    return estimate


async def convert_estimate(estimate_id: int, *, actor: Actor, store: EstimateStore,
                           uow_factory: Callable[[], UnitOfWork], clock: Clock) -> Converted:
    """An open estimate becomes an order through create_order; converting again answers the same order."""
    estimate = await store.get(estimate_id)
    if estimate.order_id is not None:
        return Converted(estimate.order_id, created=False)
    if estimate.status(clock().date()) == "expired":
        raise ConflictError(f"estimate {estimate.number} expired on {estimate.valid_until.isoformat()}")
    try:
        result = await create_order(estimate.order_command(), actor=actor, uow=uow_factory(), clock=clock)
        assert result.order.id is not None
        order_id, created = result.order.id, True
    except ConflictError as exc:
        if exc.existing_id is None:
            raise
        order_id, created = exc.existing_id, False
    await store.link_order(estimate_id, order_id)
    return Converted(order_id, created)
