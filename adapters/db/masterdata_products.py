"""Products: the catalogue every order line is matched against by SKU."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.masterdata import Page, like_contains, like_prefix, page, price_str, unique_violation
from adapters.db.tables import product
from domain.errors import ConflictError, NotFoundError
from domain.money import fmt

_COLUMNS = tuple(product.c)


def _opt(value: Any, places: int) -> str | None:
    return None if value is None else fmt(value, places)


def _present(r: Any) -> dict[str, Any]:
    return {"id": r.id, "sku": r.sku, "ean": r.ean, "name": r.name, "vat_rate": fmt(r.vat_rate, 2),
            "price": None if r.price is None else price_str(r.price), "weight_kg": _opt(r.weight_kg, 3),
            "length_cm": _opt(r.length_cm, 1), "width_cm": _opt(r.width_cm, 1), "height_cm": _opt(r.height_cm, 1),
            "active": r.active, "created_at": r.created_at, "updated_at": r.updated_at}


class Products:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, *, q: str | None, active: bool | None, after_id: int | None, limit: int) -> Page:
        stmt = select(*_COLUMNS).where(product.c.id > (after_id or 0)).order_by(product.c.id).limit(limit + 1)
        if active is not None:
            stmt = stmt.where(product.c.active == active)
        if q:
            stmt = stmt.where(text("(product.sku ILIKE :prefix OR product.name ILIKE :contains OR product.ean = :q)")
                              .bindparams(prefix=like_prefix(q), contains=like_contains(q), q=q))
        return page((await self._conn.execute(stmt)).all(), limit, _present)

    async def get(self, product_id: int) -> dict[str, Any]:
        row = (await self._conn.execute(select(*_COLUMNS).where(product.c.id == product_id))).first()
        if row is None:
            raise NotFoundError("product", product_id)
        return _present(row)

    async def create(self, values: dict[str, Any]) -> dict[str, Any]:
        await self._check_sku(values["sku"], None)
        try:
            row = (await self._conn.execute(insert(product).values(**values).returning(*_COLUMNS))).one()
        except IntegrityError as exc:
            raise _conflict(exc, values["sku"]) from exc
        return _present(row)

    async def update(self, product_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        if "sku" in changes:
            await self._check_sku(changes["sku"], product_id)
        try:
            row = (await self._conn.execute(
                update(product).where(product.c.id == product_id)
                .values(**changes, updated_at=text("now()")).returning(*_COLUMNS)
            )).first()
        except IntegrityError as exc:
            raise _conflict(exc, changes.get("sku", "")) from exc
        if row is None:
            raise NotFoundError("product", product_id)
        return _present(row)

    async def _check_sku(self, sku: str, own_id: int | None) -> None:
        stmt = select(product.c.id).where(product.c.sku == sku)
        if own_id is not None:
            stmt = stmt.where(product.c.id != own_id)
        other = (await self._conn.execute(stmt)).scalar()
        if other is not None:
            raise ConflictError(f"product {other} already has the SKU {sku}", other)


def _conflict(exc: IntegrityError, sku: str) -> Exception:
    """A concurrent write took the SKU between our check and our write."""
    return ConflictError(f"another product already has the SKU {sku}") if unique_violation(exc) is not None else exc
