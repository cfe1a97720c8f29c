"""What both shop adapters share: webhook signatures, the translation error, money and timestamps."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError as PydanticValidationError

UNIT = Decimal("0.0001")


class TranslationError(Exception):
    """The payload is not a shop order we can read; external_ref is set when at least its id was found."""

    def __init__(self, message: str, external_ref: str | None = None) -> None:
        super().__init__(message)
        self.external_ref = external_ref


def signature_ok(secret: str | None, body: bytes, given: str | None) -> bool:
    """Base64 HMAC-SHA256 of the raw body, as WooCommerce and Shopify both sign; constant-time compare."""
    if not secret or not given:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, given.strip().encode("latin-1", "replace"))


def sign(secret: str, body: bytes) -> str:
    """What a shop sends in its signature header (used by tests and the simulators)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def decimal(value: Any, default: str = "0") -> Decimal:
    """Shops send money as strings, sometimes as floats (WooCommerce's line price): read the text form."""
    if value is None or value == "":
        return Decimal(default)
    try:
        result = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return result


def unit_price(amount: Decimal, quantity: Decimal) -> Decimal:
    return (amount / quantity).quantize(UNIT, rounding=ROUND_HALF_UP)


def parse_time(value: str | None, *, assume_utc: bool = False) -> datetime | None:
    """ISO 8601; WooCommerce's *_gmt fields carry no offset and are UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            if not assume_utc:
                return None
            parsed = parsed.replace(tzinfo=UTC)
        # An offset that pushes the moment outside year 1..9999 ("0001-01-01T00:00+14:00") overflows here.
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def gateway_code(name: str | None) -> str:
    """"Cash on Delivery (COD)" -> "cash_on_delivery"; codes already in that form stay as they are."""
    text = re.sub(r"\([^)]*\)", "", name or "").strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def join(*parts: str | None, sep: str = " ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def describe(exc: PydanticValidationError) -> str:
    return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()[:10])


def order_id_of(payload: Any) -> str | None:
    raw = payload.get("id") if isinstance(payload, dict) else None
    if isinstance(raw, bool) or not isinstance(raw, int | str) or str(raw).strip() == "":
        return None
    return str(raw).strip()[:100]


# Each scheduled pull re-reads this much before its watermark. An order committed late in the shop (its
# modification time earlier than one already seen), or shifted between pages while a pull paged by offset, would
# otherwise fall behind the watermark for good; what was seen before is deduplicated at the inbox, cheaply.
PULL_OVERLAP = timedelta(minutes=5)
