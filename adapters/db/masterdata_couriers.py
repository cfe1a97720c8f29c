"""Courier accounts (one per courier). Credentials are written here and never read back out: only their keys.

adapters/couriers/directory.py reads the same rows, secrets included, for the gateways; it rebuilds a gateway
when updated_at changes, so every write here moves updated_at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, insert, literal_column, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.masterdata import Page, page, unique_violation
from adapters.db.tables import courier_account
from domain.errors import ConflictError, FieldError, NotFoundError, ValidationError

# The pickup address the couriers with an API print on the AWB. Palex has none: its AWBs are typed in by hand.
SENDER_REQUIRED = ("name", "phone", "street", "city", "county", "postcode")
SENDER_FIELDS = (*SENDER_REQUIRED, "country", "email", "company", "contact")
MANUAL_COURIERS = frozenset({"palex"})

# Keys whose value is not empty, computed in the database: the values never reach this process on a read.
_CREDENTIAL_KEYS = func.jsonb_path_query_array(courier_account.c.credentials,
                                               literal_column("""'$.keyvalue() ? (@.value != "").key'::jsonpath"""))

_COLUMNS = (
    courier_account.c.id, courier_account.c.courier, courier_account.c.name, courier_account.c.base_url,
    _CREDENTIAL_KEYS.label("credentials_set"), courier_account.c.default_service, courier_account.c.label_format,
    courier_account.c.concurrency, courier_account.c.sender, courier_account.c.settings, courier_account.c.active,
    courier_account.c.created_at, courier_account.c.updated_at,
)


def _present(r: Any) -> dict[str, Any]:
    stored = r.sender or {}
    sender: dict[str, Any] = {key: stored.get(key) for key in SENDER_FIELDS}
    sender["country"] = sender["country"] or "RO"
    return {"id": r.id, "courier": r.courier, "name": r.name, "base_url": r.base_url,
            "credentials_set": sorted(r.credentials_set or []), "default_service": r.default_service,
            "label_format": r.label_format, "concurrency": r.concurrency, "sender": sender,
            "settings": dict(r.settings or {}), "active": r.active,
            "created_at": r.created_at, "updated_at": r.updated_at}


def merge_keys(stored: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Key by key: a given value replaces the stored one; None or "" removes the key."""
    merged = dict(stored)
    for key, value in given.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def check_sender(courier: str, active: bool, sender: Mapping[str, Any]) -> None:
    """An active account of a courier with an API must have a complete pickup address; names each gap."""
    if not active or courier in MANUAL_COURIERS:
        return
    missing = [FieldError(f"sender.{key}", f"required for an active {courier} account")
               for key in SENDER_REQUIRED if not str(sender.get(key) or "").strip()]
    if missing:
        raise ValidationError("the pickup address (sender) is incomplete", missing)


class CourierAccounts:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, *, courier: str | None, active: bool | None, after_id: int | None, limit: int) -> Page:
        stmt = (select(*_COLUMNS).where(courier_account.c.id > (after_id or 0))
                .order_by(courier_account.c.id).limit(limit + 1))
        if courier is not None:
            stmt = stmt.where(courier_account.c.courier == courier)
        if active is not None:
            stmt = stmt.where(courier_account.c.active == active)
        return page((await self._conn.execute(stmt)).all(), limit, _present)

    async def get(self, account_id: int) -> dict[str, Any]:
        row = (await self._conn.execute(select(*_COLUMNS).where(courier_account.c.id == account_id))).first()
        if row is None:
            raise NotFoundError("courier account", account_id)
        return _present(row)

    async def create(self, values: dict[str, Any]) -> dict[str, Any]:
        """values: every column but the timestamps, already validated; credentials and sender without blanks."""
        check_sender(values["courier"], values["active"], values["sender"])
        existing = (await self._conn.execute(
            select(courier_account.c.id).where(courier_account.c.courier == values["courier"])
        )).scalar()
        if existing is not None:
            raise self._duplicate(values["courier"], existing)
        try:
            row = (await self._conn.execute(insert(courier_account).values(**values).returning(*_COLUMNS))).one()
        except IntegrityError as exc:
            if unique_violation(exc) is None:
                raise
            # A concurrent create won between our check and our insert; the aborted transaction is rolled back.
            raise self._duplicate(values["courier"], None) from exc
        return _present(row)

    async def update(self, account_id: int, changes: dict[str, Any], *, credentials: Mapping[str, str] | None,
                     sender: Mapping[str, Any] | None, settings: Mapping[str, Any] | None) -> dict[str, Any]:
        """changes: plain columns; credentials, sender and settings are merged key by key into the stored ones."""
        stored = (await self._conn.execute(
            select(courier_account.c.courier, courier_account.c.active, courier_account.c.credentials,
                   courier_account.c.sender, courier_account.c.settings)
            .where(courier_account.c.id == account_id).with_for_update()
        )).first()
        if stored is None:
            raise NotFoundError("courier account", account_id)
        values = dict(changes)
        if credentials is not None:
            values["credentials"] = merge_keys(stored.credentials or {}, credentials)
        if settings is not None:
            values["settings"] = merge_keys(stored.settings or {}, settings)
        merged_sender = merge_keys(stored.sender or {}, sender or {})
        if sender is not None:
            values["sender"] = merged_sender
        # Checked on the result, so that activating an account with a half-filled address is refused too.
        check_sender(stored.courier, values.get("active", stored.active), merged_sender)
        row = (await self._conn.execute(
            update(courier_account).where(courier_account.c.id == account_id)
            .values(**values, updated_at=text("now()")).returning(*_COLUMNS)
        )).one()
        return _present(row)

    @staticmethod
    def _duplicate(courier: str, existing: int | None) -> ConflictError:
        which = f" (id {existing})" if existing is not None else ""
        return ConflictError(f"there is already a {courier} account{which}: change it instead of adding another",
                             existing)
