"""Shipping labels (AWB) as PDF: A4 (label in the top part of the page) or 100 x 150 mm for thermal printers.

The Code128 barcode comes from python-barcode's SVG writer and is embedded as a data: URI, so WeasyPrint draws
it as vector rectangles (sharp on 203 dpi thermal heads, no raster scaling). Content mirrors what Romanian
couriers print on their own AWBs (sender, recipient, COD "ramburs", parcels/weight, service, reference, date);
the exact layout of each courier's label is not reproduced: this is our own label for couriers/simulators that
do not hand back a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from adapters.documents._render import render_pdf, svg_data_uri
from domain.fulfilment.couriers import LabelFormat, Party


@dataclass(frozen=True)
class LabelContent:
    courier: str  # printed courier name, e.g. "Cargus"
    awb_number: str
    sender: Party
    recipient: Party
    parcels: int
    weight_kg: Decimal
    cod_amount: Decimal | None
    currency: str
    reference: str  # our order number
    service: str
    created_at: datetime


@lru_cache(maxsize=256)
def _barcode_svg(code: str) -> bytes:
    from barcode import Code128
    from barcode.errors import BarcodeError
    from barcode.writer import SVGWriter

    # quiet_zone is in mm: Code128 needs at least 10 modules of blank margin either side to scan reliably.
    options = {"module_width": 0.33, "module_height": 18.0, "quiet_zone": 4.0, "write_text": False, "compress": False}
    try:
        svg: bytes = Code128(code, writer=SVGWriter()).render(options)  # imported on first use, see _render.py
    except BarcodeError as exc:  # Code128 is ASCII only; couriers' AWB numbers are digits or ASCII letters
        raise ValueError(f"AWB number {code!r} cannot be encoded as Code128: {exc}") from exc
    return svg


def _money(amount: Decimal) -> str:
    # No thousands separator: "1,249.90" reads as 1.24990 to a Romanian courier, "1249.90" is unambiguous.
    return f"{amount.quantize(Decimal('0.01')):.2f}"


def render_label(content: LabelContent, fmt: LabelFormat) -> bytes:
    if not content.awb_number:
        raise ValueError("a label needs an AWB number")
    cod = content.cod_amount if content.cod_amount is not None and content.cod_amount > 0 else None
    return render_pdf(
        "label.html",
        c=content,
        thermal=LabelFormat(fmt) == LabelFormat.THERMAL,  # LabelFormat() also rejects an unknown plain string
        barcode=svg_data_uri(_barcode_svg(content.awb_number)),
        cod=_money(cod) if cod is not None else None,
        weight=f"{content.weight_kg.normalize():f}",
        created=content.created_at.strftime("%d.%m.%Y %H:%M"),
    )
