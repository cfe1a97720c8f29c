"""Notifications: one row per outbox event, so a redelivered event never notifies twice.

Two audiences share the table: the customer (channel "email", addressed to the order's email) and the operator
desk (channel "operator", no recipient: a notice for whoever works the queue, not for one person)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.tables import customer, notification, sales_order


@dataclass(frozen=True)
class CustomerNotification:
    outbox_id: int
    order_id: int
    template: str
    data: dict[str, Any] = field(default_factory=dict)
    channel: str = "email"


OPERATOR_CHANNEL = "operator"


@dataclass(frozen=True)
class OperatorNotice:
    """Something about one order the operator must act on (e.g. a pre-order short of stock near its date)."""

    outbox_id: int
    order_id: int
    template: str
    data: dict[str, Any] = field(default_factory=dict)


class Recorded(StrEnum):
    NEW = "recorded"
    DUPLICATE = "duplicate"  # this event was delivered before
    NO_ORDER = "order_missing"


async def record_customer_notification(engine: AsyncEngine, note: CustomerNotification) -> Recorded:
    """Addressed to the email on the order, else the customer's current one; unique outbox_id makes it once."""
    recipient = func.coalesce(sales_order.c.customer_email, customer.c.email)
    source = (
        select(literal(note.outbox_id), sales_order.c.id, literal(note.channel), recipient, literal(note.template),
               literal(note.data, notification.c.payload.type))
        .select_from(sales_order.join(customer, customer.c.id == sales_order.c.customer_id))
        .where(sales_order.c.id == note.order_id)
    )
    return await _record(engine, note.outbox_id, source)


async def record_operator_notice(engine: AsyncEngine, notice: OperatorNotice) -> Recorded:
    """The operator desk's notice about an order that still exists; unique outbox_id makes it once."""
    source = (
        select(literal(notice.outbox_id), sales_order.c.id, literal(OPERATOR_CHANNEL),
               literal(None, notification.c.recipient.type), literal(notice.template),
               literal(notice.data, notification.c.payload.type))
        .where(sales_order.c.id == notice.order_id)
    )
    return await _record(engine, notice.outbox_id, source)


async def _record(engine: AsyncEngine, outbox_id: int, source: Select[Any]) -> Recorded:
    """Insert the row `source` selects (nothing when the order is gone), once per outbox event."""
    stmt = (
        insert(notification)
        .from_select(["outbox_id", "order_id", "channel", "recipient", "template", "payload"], source)
        .on_conflict_do_nothing(index_elements=[notification.c.outbox_id])
        .returning(notification.c.id)
    )
    async with engine.begin() as conn:
        if (await conn.execute(stmt)).first() is not None:
            return Recorded.NEW
        exists = (await conn.execute(
            select(literal(1)).select_from(notification).where(notification.c.outbox_id == outbox_id)
        )).first()
    return Recorded.DUPLICATE if exists else Recorded.NO_ORDER
