"""Stock levels and the reservation rule: never reserve more than is available, never go negative."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import StockShortage, ValidationError
from domain.money import fmt
from domain.orders.model import OrderLine, Reservation


@dataclass
class StockLevel:
    product_id: int
    warehouse_id: int
    on_hand: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)
    quarantine: Decimal = Decimal(0)
    changed: bool = False

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved - self.quarantine

    def reserve(self, quantity: Decimal) -> None:
        if quantity <= 0 or quantity > self.available:
            raise ValidationError(f"cannot reserve {quantity} of product {self.product_id}")
        self.reserved += quantity
        self.changed = True

    def release(self, quantity: Decimal) -> None:
        self.reserved = max(Decimal(0), self.reserved - quantity)
        self.changed = True

    def dispatch(self, quantity: Decimal) -> None:
        """Reserved goods leave the warehouse with the courier: on hand and reserved both go down."""
        if quantity <= 0 or quantity > self.reserved or quantity > self.on_hand:
            raise ValidationError(f"cannot dispatch {quantity} of product {self.product_id}: "
                                  f"{self.reserved} reserved, {self.on_hand} on hand")
        self.on_hand -= quantity
        self.reserved -= quantity
        self.changed = True

    def reserve_up_to(self, quantity: Decimal) -> Decimal:
        """Reserve as much of `quantity` as is available (a partial delivery); returns what was reserved."""
        take = min(quantity, max(self.available, Decimal(0)))
        if take > 0:
            self.reserve(take)
        return take

    def receive(self, quantity: Decimal, *, quarantine: bool = False) -> None:
        if quantity <= 0:
            raise ValidationError("a receipt adds a positive quantity")
        self.on_hand += quantity
        if quarantine:
            self.quarantine += quantity
        self.changed = True


def needed_per_product(lines: Iterable[OrderLine]) -> dict[int, Decimal]:
    needed: dict[int, Decimal] = {}
    for line in lines:
        needed[line.product_id] = needed.get(line.product_id, Decimal(0)) + line.quantity
    return needed


def reserve_lines(
    lines: Iterable[OrderLine],
    levels: Mapping[int, StockLevel],
    warehouse_id: int,
    sku_of: Mapping[int, str],
) -> tuple[list[Reservation], list[StockShortage]]:
    """Reserve every product of the order or nothing: all-or-nothing keeps back-orders whole."""
    needed = needed_per_product(lines)
    shortages = []
    for product_id, quantity in sorted(needed.items()):
        level = levels.get(product_id)
        available = level.available if level else Decimal(0)
        if available < quantity:
            shortages.append(StockShortage(sku_of.get(product_id, str(product_id)), fmt(quantity, 3),
                                           fmt(max(available, Decimal(0)), 3)))
    if shortages:
        return [], shortages
    reservations = []
    for product_id, quantity in sorted(needed.items()):
        levels[product_id].reserve(quantity)
        reservations.append(Reservation(product_id, warehouse_id, quantity))
    return reservations, []


def describe_shortages(shortages: Iterable[StockShortage]) -> str:
    return "missing stock: " + ", ".join(f"{s.sku} need {s.requested} have {s.available}" for s in shortages)
