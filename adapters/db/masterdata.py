"""Shared pieces of the master-data adapters: keyset pages, text search patterns, unique-key collisions."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from adapters.db.queries import decode_cursor, encode_cursor
from domain.money import fmt

Page = tuple[list[dict[str, Any]], str | None]

__all__ = ["Page", "decode_cursor", "decode_pair", "encode_pair", "like_contains", "like_prefix", "page",
           "price_str", "unique_violation"]


def page(rows: Sequence[Any], limit: int, present: Callable[[Any], dict[str, Any]],
         key: Callable[[Any], str] | None = None) -> Page:
    """Rows were fetched with LIMIT limit + 1: the extra row only tells that another page exists."""
    more = len(rows) > limit
    shown = rows[:limit]
    cursor = None
    if more and shown:
        cursor = key(shown[-1]) if key else encode_cursor(shown[-1].id)
    return [present(r) for r in shown], cursor


def encode_pair(first: int, second: int) -> str:
    return base64.urlsafe_b64encode(f"pw:{first}:{second}".encode()).decode().rstrip("=")


def decode_pair(cursor: str) -> tuple[int, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, rest = raw.partition(":")
    first, _, second = rest.partition(":")
    if kind != "pw" or not (first.isdigit() and second.isdigit()):
        return None
    return int(first), int(second)


def _escape(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def like_prefix(q: str) -> str:
    return _escape(q) + "%"


def like_contains(q: str) -> str:
    return "%" + _escape(q) + "%"


def unique_violation(exc: IntegrityError) -> str | None:
    """The name of the unique constraint or index a failed write collided with, else None."""
    if getattr(exc.orig, "sqlstate", None) != "23505":
        return None
    cause = getattr(exc.orig, "__cause__", None)
    return getattr(cause, "constraint_name", None) or ""


def price_str(value: Decimal) -> str:
    """Prices keep up to four decimals (unit prices of bulk goods) but always show at least the cents."""
    text = fmt(value, 4)
    while text.endswith("0") and len(text) - text.index(".") > 3:
        text = text[:-1]
    return text
