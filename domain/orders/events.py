"""Facts the order aggregate records; the unit of work writes each one to the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class OrderEvent:
    at: datetime

    @property
    def name(self) -> str:
        raise NotImplementedError

    def payload(self) -> dict[str, object]:
        return {}


@dataclass(frozen=True)
class OrderCreated(OrderEvent):
    channel_id: int
    external_ref: str | None
    status: int

    @property
    def name(self) -> str:
        return "order.created"

    def payload(self) -> dict[str, object]:
        return {"channel_id": self.channel_id, "external_ref": self.external_ref, "status": self.status}


@dataclass(frozen=True)
class OrderStatusChanged(OrderEvent):
    action: str
    from_status: int
    to_status: int
    reason: str | None = None

    @property
    def name(self) -> str:
        return f"order.{self.action}"

    def payload(self) -> dict[str, object]:
        return {"from": self.from_status, "to": self.to_status, "reason": self.reason}


@dataclass(frozen=True)
class OrderApproved(OrderEvent):
    by: str

    @property
    def name(self) -> str:
        return "order.approved"

    def payload(self) -> dict[str, object]:
        return {"by": self.by}


@dataclass(frozen=True)
class OrderLinesChanged(OrderEvent):
    approve_status: int | None

    @property
    def name(self) -> str:
        return "order.lines_changed"

    def payload(self) -> dict[str, object]:
        return {"approve_status": self.approve_status}


@dataclass(frozen=True)
class CustomerNotificationRequested(OrderEvent):
    template: str
    data: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return "customer.notification_requested"

    def payload(self) -> dict[str, object]:
        return {"template": self.template, **self.data}


@dataclass(frozen=True)
class PreorderStockReserved(OrderEvent):
    promised_date: date | None

    @property
    def name(self) -> str:
        return "order.preorder_reserved"

    def payload(self) -> dict[str, object]:
        return {"promised_date": None if self.promised_date is None else self.promised_date.isoformat()}


@dataclass(frozen=True)
class PreorderStockShort(OrderEvent):
    promised_date: date | None
    missing: str

    @property
    def name(self) -> str:
        return "order.preorder_stock_short"

    def payload(self) -> dict[str, object]:
        return {"promised_date": None if self.promised_date is None else self.promised_date.isoformat(),
                "missing": self.missing}


@dataclass(frozen=True)
class OrderShipped(OrderEvent):
    """The AWB exists and the parcel is the courier's: what the shops are told (status_map "order.shipped")."""

    from_status: int
    awb: str
    courier: str
    tracking_url: str | None

    @property
    def name(self) -> str:
        return "order.shipped"

    def payload(self) -> dict[str, object]:
        return {"from": self.from_status, "to": 4, "awb": self.awb, "courier": self.courier,
                "tracking_url": self.tracking_url}
