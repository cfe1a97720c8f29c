"""Use case: receive goods into a warehouse with a receipt note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.actors import Actor
from domain.catalog.model import ProductInfo
from domain.errors import FieldError, ValidationError
from domain.ports import Clock, UnitOfWork
from domain.receipts.model import ReceiptLine, ReceiptNote
from domain.stock import StockLevel


@dataclass(frozen=True)
class ReceiptLineInput:
    quantity: Decimal
    sku: str | None = None
    product_id: int | None = None
    quarantine: bool = False


@dataclass(frozen=True)
class ReceiveStock:
    warehouse_id: int
    lines: Sequence[ReceiptLineInput]
    reference: str | None = None


async def receive_stock(cmd: ReceiveStock, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> ReceiptNote:
    """Every line of a receipt note adds to on-hand stock (quarantined lines also to quarantine), all or none."""
    async with uow:
        if not await uow.catalog.warehouse_exists(cmd.warehouse_id):
            raise ValidationError("unknown warehouse", [FieldError("warehouse_id", "no such warehouse")])
        lines = await _resolve(cmd.lines, uow)
        levels: list[StockLevel] = []
        # Ascending product id is the lock order reservations use too, so the two never deadlock.
        for product_id in sorted({line.product_id for line in lines}):
            level = await uow.stock.ensure(cmd.warehouse_id, product_id)
            for line in lines:
                if line.product_id == product_id:
                    level.receive(line.quantity, quarantine=line.quarantine)
            levels.append(level)
        await uow.stock.save(levels)
        note = ReceiptNote(warehouse_id=cmd.warehouse_id, reference=cmd.reference, created_by=actor.label,
                           created_at=clock(), lines=lines)
        await uow.receipts.add(note)
        await uow.commit()
    return note


async def _resolve(given: Sequence[ReceiptLineInput], uow: UnitOfWork) -> list[ReceiptLine]:
    """Each line names its product by SKU or by id; every unknown one is reported, not just the first."""
    if not given:
        raise ValidationError("a receipt note needs lines", [FieldError("lines", "at least one line")])
    by_sku = await uow.catalog.products_by_sku([x.sku for x in given if x.product_id is None and x.sku])
    by_id = await uow.catalog.products_by_id([x.product_id for x in given if x.product_id is not None])
    errors: list[FieldError] = []
    lines: list[ReceiptLine] = []
    for i, x in enumerate(given):
        where = f"lines[{i}]"
        product: ProductInfo | None = None
        if x.product_id is not None:
            product = by_id.get(x.product_id)
            if product is None:
                errors.append(FieldError(f"{where}.product_id", "no such product"))
        elif x.sku:
            product = by_sku.get(x.sku)
            if product is None:
                errors.append(FieldError(f"{where}.sku", "no product has this SKU"))
        else:
            errors.append(FieldError(where, "give the product's sku or product_id"))
        if x.quantity <= 0:
            errors.append(FieldError(f"{where}.quantity", "must be greater than 0"))
        if product is not None and x.quantity > 0:
            lines.append(ReceiptLine(product.id, product.sku, x.quantity, x.quarantine))
    if errors:
        raise ValidationError("the receipt note has invalid lines", errors)
    return lines
