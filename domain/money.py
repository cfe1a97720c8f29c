"""Money and quantity arithmetic: Decimal everywhere, rounding only at the documented points."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
QTY_STEP = Decimal("0.001")


def round_money(value: Decimal) -> Decimal:
    """Round to cents, half away from zero, as Romanian invoices do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_qty(value: Decimal) -> Decimal:
    return value.quantize(QTY_STEP, rounding=ROUND_HALF_UP)


def parse_decimal(raw: object) -> Decimal | None:
    """A finite Decimal from a string or number, or None when it is not one."""
    if isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def fmt(value: Decimal, places: int = 2) -> str:
    """Decimal string as the API writes it ("1249.90")."""
    return f"{value:.{places}f}"
