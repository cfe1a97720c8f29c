"""Plain builders of domain objects for the unit tests (no fixtures, no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from domain.actors import Actor
from domain.orders.approval import ApprovalRule
from domain.orders.model import Address, CustomerRef, Order, OrderLine
from domain.orders.status import OrderStatus

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ADDRESS = Address(name="Ana Pop", street="Str. Lunga 5", city="Brasov", county="BV", postcode="500035", country="RO")
B2C = CustomerRef(id=1, name="Ana Pop", email="ana@example.ro", type="b2c")
B2B = CustomerRef(id=2, name="Firma SRL", email="office@firma.ro", type="b2b")


def actor(*roles: str, name: str = "someone", user_id: int = 1) -> Actor:
    return Actor(kind="user", id=user_id, name=name, roles=frozenset(roles))


OPERATOR = actor("operator", name="op", user_id=1)
MANAGER = actor("sales_manager", name="boss", user_id=2)
WAREHOUSE = actor("warehouse", name="wh", user_id=3)
FINANCE = actor("finance", name="fin", user_id=4)
ADMIN = actor("admin", name="root", user_id=5)


def line(product_id: int = 1, quantity: str = "1", price: str = "10.00", vat: str = "19",
         *, gross_prices: bool = True, sku: str | None = None) -> OrderLine:
    return OrderLine(product_id=product_id, sku=sku or f"SKU-{product_id}", name=f"Product {product_id}",
                     quantity=Decimal(quantity), unit_price=Decimal(price), vat_rate=Decimal(vat),
                     prices_include_vat=gross_prices)


def new_order(*lines: OrderLine, customer: CustomerRef = B2C, currency: str = "RON",
              rules: tuple[ApprovalRule, ...] = (), promised_date: date | None = None,
              external_ref: str | None = "ERP-1") -> Order:
    """An order as create_order builds it: draft, one 'create' history entry, one OrderCreated event."""
    return Order.create(
        by=OPERATOR, at=NOW, rules=rules, channel_id=1, source="api", currency=currency, customer=customer,
        shipping_address=ADDRESS, lines=list(lines or (line(),)), payment_method="cod", warehouse_id=1,
        external_ref=external_ref, promised_date=promised_date,
    )


def stored_order(status: OrderStatus, *, held_from: OrderStatus | None = None,
                 approve_status: int | None = None, lines: list[OrderLine] | None = None) -> Order:
    """An order as the repository loads it in any status (for statuses later issues' actions reach)."""
    return Order(
        channel_id=1, source="api", currency="RON", customer=B2C, shipping_address=ADDRESS,
        lines=lines or [line()], payment_method="cod", warehouse_id=1, status=status, held_from=held_from,
        approve_status=approve_status, approval_rule="big" if approve_status is not None else None,
        approval_role="sales_manager" if approve_status is not None else None, id=7, number="SO-0000007",
        created_at=NOW, updated_at=NOW,
    )
