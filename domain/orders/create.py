"""Use case: create an order from any source."""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.actors import Actor
from domain.catalog.model import ChannelInfo, NewCustomer, ProductInfo
from domain.errors import ConflictError, FieldError, PermissionDeniedError, ValidationError
from domain.orders.commands import CreateOrder, CustomerInput, LineInput
from domain.orders.model import CustomerRef, Order, OrderLine
from domain.orders.pricing import check_list_prices
from domain.ports import Clock, IdempotencyRecord, UnitOfWork


@dataclass(frozen=True)
class Created:
    order: Order
    replayed: bool  # True when an Idempotency-Key matched an earlier identical request


async def create_order(cmd: CreateOrder, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> Created:
    """Create an order in draft (approval evaluated on the channel's rules; POS sales are paid at once, B2B
    portal lines checked against the customer's price list); a repeated key replays."""
    # Keyed by who the caller is, not by name: two API keys may share a name, and must never replay
    # each other's orders (from another channel).
    scope = f"{actor.kind}:{actor.id}" if actor.id is not None else actor.label
    for attempt in range(2):
        try:
            async with uow:
                if cmd.idempotency_key:
                    known = await uow.idempotency.get(scope, cmd.idempotency_key)
                    if known is not None:
                        return Created(await _replay(known, cmd, uow), replayed=True)
                order = await _build(cmd, actor, uow, clock)
                await uow.orders.add(order)
                if cmd.idempotency_key:
                    assert order.id is not None
                    await uow.idempotency.add(
                        scope, cmd.idempotency_key, IdempotencyRecord(cmd.request_hash, order.id)
                    )
                await uow.commit()
                return Created(order, replayed=False)
        except ConflictError:
            # A concurrent request with the same key won the race: the second pass replays it.
            if not cmd.idempotency_key or attempt == 1:
                raise
    raise AssertionError("unreachable")


async def _replay(known: IdempotencyRecord, cmd: CreateOrder, uow: UnitOfWork) -> Order:
    if known.request_hash != cmd.request_hash:
        raise ConflictError(
            "this Idempotency-Key was already used with a different request body", known.order_id
        )
    return await uow.orders.get(known.order_id)


async def _build(cmd: CreateOrder, actor: Actor, uow: UnitOfWork, clock: Clock) -> Order:
    channel = await uow.catalog.channel(cmd.channel_id)
    if channel is None or not channel.active:
        raise ValidationError("unknown or inactive channel", [FieldError("channel_id", "no such active channel")])
    if actor.channel_id is not None and actor.channel_id != channel.id:
        raise PermissionDeniedError("this API key may only create orders for its own channel")
    warehouse_id = channel.default_warehouse_id or await uow.catalog.default_warehouse_id()
    if warehouse_id is None:
        raise ValidationError("no warehouse is configured", [FieldError("channel_id", "channel has no warehouse")])
    products = await uow.catalog.products_by_sku([line.sku for line in cmd.lines])
    if channel.type == "preorder" and cmd.promised_date is None:
        raise ValidationError("a pre-order needs a promised delivery date",
                              [FieldError("promised_date", "required on a preorder channel")])
    customer = await _customer(cmd.customer, uow)
    lines = await check_list_prices(_lines(cmd.lines, products, channel), customer_id=customer.id,
                                    currency=cmd.currency, channel=channel, uow=uow)
    now = clock()
    order = Order.create(
        by=actor,
        at=now,
        rules=channel.approval_rules,
        channel_id=channel.id,
        source=channel.type,
        currency=cmd.currency,
        customer=customer,
        # The courier calls the phone on the shipping address; the customer's own is the usual one to call.
        shipping_address=cmd.shipping_address if cmd.shipping_address.phone or not cmd.customer.phone
        else replace(cmd.shipping_address, phone=cmd.customer.phone),
        billing_address=cmd.billing_address,
        lines=lines,
        payment_method=cmd.payment_method,
        warehouse_id=warehouse_id,
        external_ref=cmd.external_ref,
        promised_date=cmd.promised_date,
        notes=cmd.notes,
    )
    if channel.type == "pos":
        order.pay_at_counter(by=actor, at=now)
    elif cmd.paid_reference:
        order.record_prepayment(by=actor, at=now, reference=cmd.paid_reference)
    return order


def _lines(inputs: list[LineInput], products: dict[str, ProductInfo], channel: ChannelInfo) -> list[OrderLine]:
    errors = []
    lines = []
    for i, item in enumerate(inputs):
        product = products.get(item.sku)
        if product is None:
            errors.append(FieldError(f"lines[{i}].sku", f"unknown SKU {item.sku}"))
            continue
        if not product.active:
            errors.append(FieldError(f"lines[{i}].sku", f"product {item.sku} is inactive"))
            continue
        lines.append(OrderLine(product.id, product.sku, item.name or product.name, item.quantity,
                               item.unit_price, product.vat_rate, channel.prices_include_vat))
    if errors:
        raise ValidationError("some lines cannot be accepted", errors)
    return lines


async def _customer(given: CustomerInput, uow: UnitOfWork) -> CustomerRef:
    """Associate by id, else by email; an unknown email creates the customer."""
    if given.id is not None:
        found = await uow.customers.by_id(given.id)
        if found is None:
            raise ValidationError("unknown customer", [FieldError("customer.id", f"no customer {given.id}")])
        return found
    if not given.email:
        raise ValidationError("customer needs an id or an email", [FieldError("customer.email", "required")])
    found = await uow.customers.by_email(given.email.lower())
    if found is not None:
        return found
    if not given.name:
        raise ValidationError("a new customer needs a name", [FieldError("customer.name", "required")])
    return await uow.customers.add(
        NewCustomer(given.email.lower(), given.name, given.phone, given.type, given.vat_code)
    )
