"""Customers: the customer file operators search and correct, with its uniqueness rules."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.masterdata import Page, like_contains, like_prefix, page, unique_violation
from adapters.db.tables import customer, price_list
from domain.errors import ConflictError, FieldError, NotFoundError, ValidationError

_COLUMNS = (
    customer.c.id, customer.c.type, customer.c.email, customer.c.name, customer.c.phone, customer.c.company,
    customer.c.vat_code, customer.c.edi_id, customer.c.addresses, customer.c.price_list_id,
    customer.c.loyalty_points, customer.c.created_at, customer.c.updated_at,
)


_NAMES = tuple(str(c.name) for c in _COLUMNS)  # plain str: orjson refuses str subclasses as keys


def _present(r: Any) -> dict[str, Any]:
    return {name: getattr(r, name) for name in _NAMES}


@dataclass(frozen=True)
class CustomerFilter:
    q: str | None = None
    type: str | None = None
    price_list_id: int | None = None


class Customers:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, f: CustomerFilter, after_id: int | None, limit: int) -> Page:
        stmt = select(*_COLUMNS).where(customer.c.id > (after_id or 0)).order_by(customer.c.id).limit(limit + 1)
        if f.type:
            stmt = stmt.where(customer.c.type == f.type)
        if f.price_list_id is not None:
            stmt = stmt.where(customer.c.price_list_id == f.price_list_id)
        if f.q:
            stmt = stmt.where(text(
                "(customer.name ILIKE :contains OR customer.company ILIKE :contains"
                " OR lower(customer.email) LIKE lower(:prefix) OR customer.phone = :q OR customer.edi_id = :q"
                " OR customer.vat_code IN (upper(:q), 'RO' || upper(:q)))"
            ).bindparams(contains=like_contains(f.q), prefix=like_prefix(f.q), q=f.q))
        return page((await self._conn.execute(stmt)).all(), limit, _present)

    async def get(self, customer_id: int) -> dict[str, Any]:
        row = (await self._conn.execute(select(*_COLUMNS).where(customer.c.id == customer_id))).first()
        if row is None:
            raise NotFoundError("customer", customer_id)
        return _present(row)

    async def create(self, values: dict[str, Any]) -> dict[str, Any]:
        """values: the customer columns, already validated and normalised (VAT code compacted)."""
        await self._check(values, own_id=None)
        try:
            row = (await self._conn.execute(insert(customer).values(**values).returning(*_COLUMNS))).one()
        except IntegrityError as exc:
            raise self._conflict(exc, values) from exc
        return _present(row)

    async def update(self, customer_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        stored = (await self._conn.execute(
            select(*_COLUMNS).where(customer.c.id == customer_id).with_for_update()
        )).first()
        if stored is None:
            raise NotFoundError("customer", customer_id)
        merged = {**_present(stored), **changes}
        await self._check(merged, own_id=customer_id, changed=changes.keys())
        try:
            row = (await self._conn.execute(
                update(customer).where(customer.c.id == customer_id)
                .values(**changes, updated_at=text("now()")).returning(*_COLUMNS)
            )).one()
        except IntegrityError as exc:
            raise self._conflict(exc, merged) from exc
        return _present(row)

    async def assign_price_list(self, price_list_id: int, customer_ids: list[int]) -> None:
        known = set((await self._conn.execute(
            select(customer.c.id).where(customer.c.id.in_(customer_ids)).with_for_update()
        )).scalars())
        missing = [FieldError(f"customer_ids[{i}]", f"customer {cid} does not exist")
                   for i, cid in enumerate(customer_ids) if cid not in known]
        if missing:
            raise ValidationError("unknown customers", missing)
        await self._conn.execute(update(customer).where(customer.c.id.in_(customer_ids))
                                 .values(price_list_id=price_list_id, updated_at=text("now()")))

    async def _check(self, values: dict[str, Any], own_id: int | None,
                     changed: Collection[str] | None = None) -> None:
        """The rules that span fields or rows; `changed` limits the row checks to what a PATCH touches."""
        def touched(key: str) -> bool:
            return changed is None or key in changed

        if values.get("type") == "b2b" and not values.get("vat_code") and (touched("type") or touched("vat_code")):
            raise ValidationError("a B2B customer needs a VAT code",
                                  [FieldError("vat_code", "required for B2B customers (CUI/CIF or EU VAT number)")])
        if values.get("email") and touched("email"):
            other = await self._other(func.lower(customer.c.email) == values["email"].lower(), own_id)
            if other is not None:
                raise ConflictError(f"customer {other} already uses the email {values['email']}", other)
        if values.get("edi_id") and touched("edi_id"):
            other = await self._other(customer.c.edi_id == values["edi_id"], own_id)
            if other is not None:
                raise ConflictError(f"customer {other} already has the EDI id {values['edi_id']}", other)
        pl = values.get("price_list_id")
        if pl is not None and touched("price_list_id"):
            exists = (await self._conn.execute(select(price_list.c.id).where(price_list.c.id == pl))).first()
            if exists is None:
                raise ValidationError("unknown price list",
                                      [FieldError("price_list_id", f"price list {pl} does not exist")])

    async def _other(self, condition: Any, own_id: int | None) -> int | None:
        stmt = select(customer.c.id).where(condition).order_by(customer.c.id).limit(1)
        if own_id is not None:
            stmt = stmt.where(customer.c.id != own_id)
        found: int | None = (await self._conn.execute(stmt)).scalar()
        return found

    @staticmethod
    def _conflict(exc: IntegrityError, values: dict[str, Any]) -> Exception:
        """A concurrent write took the email between our check and our insert."""
        if unique_violation(exc) is None or not values.get("email"):
            return exc
        # The failed statement aborted the transaction: the caller's rollback follows, we only name the winner.
        return ConflictError(f"another customer already uses the email {values['email']}")
