"""Receipt notes: the document by which goods enter a warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ReceiptLine:
    product_id: int
    sku: str
    quantity: Decimal
    quarantine: bool = False  # received but not sellable (damaged, awaiting inspection)


@dataclass
class ReceiptNote:
    warehouse_id: int
    reference: str | None
    created_by: str
    created_at: datetime
    lines: list[ReceiptLine] = field(default_factory=list)
    id: int | None = None
