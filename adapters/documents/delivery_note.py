"""Delivery note ("Aviz de însoțire a mărfii") as an A4 PDF, in Romanian or English.

Content follows the usual Romanian aviz: supplier (name, VAT code / CIF, trade register number, address),
customer (name, VAT code when a company), delivery address, number and date, the goods (no., SKU, product,
unit, quantity) with quantity totals, and the expedition/reception signatures. No prices: the aviz here goes
with the goods, the invoice is a separate document. Back-ordered quantities get their own column only when a
line has one, so ordinary notes keep the plain layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from adapters.documents._render import render_pdf

# Labels live here rather than in the template so both languages are checked in one place and a missing key
# fails on the first render (StrictUndefined) instead of printing an empty heading.
_TEXT: dict[str, dict[str, str]] = {
    "ro": {
        "title": "Aviz de însoțire a mărfii",
        "number": "Nr.",
        "date": "Data",
        "order": "Comanda",
        "supplier": "Furnizor",
        "customer": "Cumpărător",
        "delivery_address": "Adresa de livrare",
        "vat_code": "CIF",
        "registration": "Reg. Com.",
        "no": "Nr. crt.",
        "sku": "Cod produs",
        "product": "Denumire produs",
        "unit": "U.M.",
        "quantity": "Cantitate",
        "back_ordered": "Rămas de livrat",
        "back_ordered_note": "Cantitățile din coloana „Rămas de livrat” nu sunt incluse în acest aviz "
        "și vor fi livrate ulterior.",
        "total": "Total cantități",
        "issued_by": "Întocmit de (furnizor)",
        "received_by": "Primit de (cumpărător)",
        "name": "Nume și prenume",
        "signature": "Semnătura",
        "page": "Pagina",
        "of": "din",
    },
    "en": {
        "title": "Delivery note",
        "number": "No.",
        "date": "Date",
        "order": "Order",
        "supplier": "Supplier",
        "customer": "Customer",
        "delivery_address": "Delivery address",
        "vat_code": "VAT code",
        "registration": "Reg. no.",
        "no": "No.",
        "sku": "SKU",
        "product": "Product",
        "unit": "Unit",
        "quantity": "Quantity",
        "back_ordered": "Back-ordered",
        "back_ordered_note": "Back-ordered quantities are not part of this delivery and will be shipped later.",
        "total": "Total quantities",
        "issued_by": "Issued by (supplier)",
        "received_by": "Received by (customer)",
        "name": "Name",
        "signature": "Signature",
        "page": "Page",
        "of": "of",
    },
}


@dataclass(frozen=True)
class DeliveryNoteLine:
    sku: str
    name: str
    quantity: Decimal
    unit: str = "buc"
    back_ordered: Decimal | None = None  # ordered but not in this delivery; None or 0 when nothing is missing


@dataclass(frozen=True)
class DeliveryNoteDocument:
    number: str
    issued_at: datetime
    order_number: str
    supplier_name: str
    supplier_address: tuple[str, ...]
    supplier_vat_code: str
    customer_name: str
    delivery_address: tuple[str, ...]
    lines: tuple[DeliveryNoteLine, ...]
    customer_vat_code: str | None = None  # companies only
    supplier_registration_number: str | None = None  # e.g. "J08/1234/2015"


def _quantity(value: Decimal, lang: str) -> str:
    # normalize() drops trailing zeros (2.000 -> 2); the "f" format keeps 1E+1 from showing up as exponent.
    text = f"{value.normalize():f}"
    return text.replace(".", ",") if lang == "ro" else text


def _totals(lines: Iterable[DeliveryNoteLine], lang: str) -> list[str]:
    # Quantities are summed per unit: adding pieces to kilograms would print a meaningless number.
    per_unit: dict[str, Decimal] = {}
    for line in lines:
        per_unit[line.unit] = per_unit.get(line.unit, Decimal(0)) + line.quantity
    return [f"{_quantity(total, lang)} {unit}" for unit, total in per_unit.items()]


def render_delivery_note(note: DeliveryNoteDocument, lang: str = "ro") -> bytes:
    text = _TEXT.get(lang)
    if text is None:
        raise ValueError(f"unsupported language {lang!r}; expected one of {sorted(_TEXT)}")
    if not note.lines:
        raise ValueError("a delivery note needs at least one line")
    has_back_orders = any(line.back_ordered for line in note.lines)
    rows = [
        {
            "no": index,
            "sku": line.sku,
            "name": line.name,
            "unit": line.unit,
            "quantity": _quantity(line.quantity, lang),
            "back_ordered": _quantity(line.back_ordered, lang) if line.back_ordered else "",
        }
        for index, line in enumerate(note.lines, start=1)
    ]
    return render_pdf(
        "delivery_note.html",
        lang=lang,
        t=text,
        n=note,
        date=note.issued_at.strftime("%d.%m.%Y") if lang == "ro" else note.issued_at.strftime("%Y-%m-%d"),
        rows=rows,
        totals=_totals(note.lines, lang),
        has_back_orders=has_back_orders,
    )
