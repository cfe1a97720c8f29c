"""Customer notifications: one row per outbox event, so a redelivered event never notifies twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import func, literal, select
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
            select(literal(1)).select_from(notification).where(notification.c.outbox_id == note.outbox_id)
        )).first()
    return Recorded.DUPLICATE if exists else Recorded.NO_ORDER
