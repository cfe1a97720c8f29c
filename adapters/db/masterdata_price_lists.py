"""Price lists: per-customer prices by SKU, assigned to customers through customer.price_list_id."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.masterdata import Page, page, price_str, unique_violation
from adapters.db.tables import price_list, price_list_item, product
from domain.errors import ConflictError, FieldError, NotFoundError, ValidationError

_LIST = """
SELECT pl.id, pl.name, pl.currency, pl.prices_include_vat, pl.created_at,
       (SELECT count(*) FROM price_list_item i WHERE i.price_list_id = pl.id) AS item_count,
       (SELECT count(*) FROM customer c WHERE c.price_list_id = pl.id) AS customer_count
FROM price_list pl WHERE {where} ORDER BY pl.id LIMIT :n
"""
_ITEMS = """
SELECT i.product_id, p.sku, p.name, i.price FROM price_list_item i JOIN product p ON p.id = i.product_id
WHERE i.price_list_id = :id ORDER BY p.sku
"""


def _present(r: Any) -> dict[str, Any]:
    return {"id": r.id, "name": r.name, "currency": r.currency, "prices_include_vat": r.prices_include_vat,
            "item_count": r.item_count, "customer_count": r.customer_count, "created_at": r.created_at}


class PriceLists:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, after_id: int | None, limit: int) -> Page:
        rows = (await self._conn.execute(text(_LIST.format(where="pl.id > :after")),
                                         {"after": after_id or 0, "n": limit + 1})).all()
        return page(rows, limit, _present)

    async def get(self, price_list_id: int) -> dict[str, Any]:
        row = (await self._conn.execute(text(_LIST.format(where="pl.id = :id")), {"id": price_list_id, "n": 1})).first()
        if row is None:
            raise NotFoundError("price list", price_list_id)
        items = await self._conn.execute(text(_ITEMS), {"id": price_list_id})
        return {**_present(row), "items": [
            {"product_id": r.product_id, "sku": r.sku, "name": r.name, "price": price_str(r.price)} for r in items
        ]}

    async def create(self, values: dict[str, Any]) -> int:
        await self._check_name(values["name"], None)
        try:
            new_id: int = (await self._conn.execute(
                insert(price_list).values(**values).returning(price_list.c.id)
            )).scalar_one()
        except IntegrityError as exc:
            raise _conflict(exc, values["name"]) from exc
        return new_id

    async def update(self, price_list_id: int, changes: dict[str, Any]) -> None:
        await self.lock(price_list_id)
        if "name" in changes:
            await self._check_name(changes["name"], price_list_id)
        if not changes:
            return
        try:
            await self._conn.execute(update(price_list).where(price_list.c.id == price_list_id).values(**changes))
        except IntegrityError as exc:
            raise _conflict(exc, changes["name"]) from exc

    async def lock(self, price_list_id: int) -> None:
        """Serialises writers of one list: two concurrent item replacements would collide on the key."""
        found = (await self._conn.execute(
            select(price_list.c.id).where(price_list.c.id == price_list_id).with_for_update()
        )).first()
        if found is None:
            raise NotFoundError("price list", price_list_id)

    async def replace_items(self, price_list_id: int, items: Sequence[tuple[str, Decimal]]) -> None:
        """The list's prices become exactly `items` (sku, price); unknown or repeated SKUs are refused."""
        await self.lock(price_list_id)
        skus = [sku for sku, _ in items]
        ids = dict((await self._conn.execute(
            select(product.c.sku, product.c.id).where(product.c.sku.in_(bindparam("skus", expanding=True))),
            {"skus": list(set(skus))},
        )).tuples().all()) if skus else {}
        errors, seen = [], set()
        for i, sku in enumerate(skus):
            if sku not in ids:
                errors.append(FieldError(f"items[{i}].sku", f"no product has the SKU {sku}"))
            elif sku in seen:
                errors.append(FieldError(f"items[{i}].sku", f"{sku} is listed more than once"))
            seen.add(sku)
        if errors:
            raise ValidationError("the price list has invalid items", errors)
        await self._conn.execute(delete(price_list_item).where(price_list_item.c.price_list_id == price_list_id))
        if items:
            await self._conn.execute(insert(price_list_item), [
                {"price_list_id": price_list_id, "product_id": ids[sku], "price": price} for sku, price in items
            ])

    async def _check_name(self, name: str, own_id: int | None) -> None:
        stmt = select(price_list.c.id).where(price_list.c.name == name)
        if own_id is not None:
            stmt = stmt.where(price_list.c.id != own_id)
        other = (await self._conn.execute(stmt)).scalar()
        if other is not None:
            raise ConflictError(f"price list {other} is already named {name}", other)


def _conflict(exc: IntegrityError, name: str) -> Exception:
    return ConflictError(f"another price list is named {name}") if unique_violation(exc) is not None else exc
