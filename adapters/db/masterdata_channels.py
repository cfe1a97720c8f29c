"""Sales channels: configuration rows. Secrets are written here and never read back out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, null, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.masterdata import Page, page
from adapters.db.tables import channel, warehouse
from domain.errors import FieldError, NotFoundError, ValidationError

# Keys of channel.settings; channel_from_row (repositories.py) reads the order-relevant ones.
SETTINGS_DEFAULTS: dict[str, Any] = {
    "invoice_mode": "on_confirm",
    "approval_rules": [],
    "payment_methods": {},
    "auto_delivery_note": False,
    "return_window_days": 14,
    "default_warehouse_id": None,
    "prices_include_vat": True,
    "pull_interval_s": 300,  # adapters/shops/pull.py: seconds between scheduled pulls of a shop channel
    "preorder_reserve_days": 3,  # read by the daily pre-order run (adapters/db/preorders.py)
    "shipping_sku": None,  # imported shop orders: shipping as a line of this product, else in the notes
}

# The secrets themselves are never selected: only whether they are set.
_COLUMNS = (
    channel.c.id, channel.c.name, channel.c.type, channel.c.active, channel.c.settings,
    channel.c.webhook_secret.is_not(None).label("webhook_secret_set"),
    (func.coalesce(func.jsonb_typeof(channel.c.api_credentials), "null") != "null").label("api_credentials_set"),
    channel.c.created_at, channel.c.updated_at,
)


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    # SQL NULL, not the JSON null the JSONB type would store for None: "no credentials" must read as absent.
    if "api_credentials" in values and values["api_credentials"] is None:
        return {**values, "api_credentials": null()}
    return values


def _present(r: Any) -> dict[str, Any]:
    stored = r.settings or {}
    settings = {key: stored.get(key, default) for key, default in SETTINGS_DEFAULTS.items()}
    return {"id": r.id, "name": r.name, "type": r.type, "active": r.active, "settings": settings,
            "webhook_secret_set": r.webhook_secret_set, "api_credentials_set": r.api_credentials_set,
            "created_at": r.created_at, "updated_at": r.updated_at}


class Channels:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, *, type_: str | None, active: bool | None, after_id: int | None, limit: int) -> Page:
        stmt = select(*_COLUMNS).where(channel.c.id > (after_id or 0)).order_by(channel.c.id).limit(limit + 1)
        if type_ is not None:
            stmt = stmt.where(channel.c.type == type_)
        if active is not None:
            stmt = stmt.where(channel.c.active == active)
        return page((await self._conn.execute(stmt)).all(), limit, _present)

    async def get(self, channel_id: int) -> dict[str, Any]:
        row = (await self._conn.execute(select(*_COLUMNS).where(channel.c.id == channel_id))).first()
        if row is None:
            raise NotFoundError("channel", channel_id)
        return _present(row)

    async def create(self, values: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
        """values: name, type, active, webhook_secret, api_credentials; settings: complete, already validated."""
        merged = {**SETTINGS_DEFAULTS, **settings}
        await self._check_warehouse(merged)
        row = (await self._conn.execute(
            insert(channel).values(**_columns(values), settings=merged).returning(*_COLUMNS)
        )).one()
        return _present(row)

    async def update(self, channel_id: int, changes: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
        """Changes the given columns; settings keys given replace the stored ones, the others stay."""
        stored = (await self._conn.execute(
            select(channel.c.settings).where(channel.c.id == channel_id).with_for_update()
        )).first()
        if stored is None:
            raise NotFoundError("channel", channel_id)
        merged = {**SETTINGS_DEFAULTS, **(stored.settings or {}), **settings}
        if "default_warehouse_id" in settings:
            await self._check_warehouse(merged)
        row = (await self._conn.execute(
            update(channel).where(channel.c.id == channel_id)
            .values(**_columns(changes), settings=merged, updated_at=text("now()")).returning(*_COLUMNS)
        )).one()
        return _present(row)

    async def _check_warehouse(self, settings: dict[str, Any]) -> None:
        wid = settings.get("default_warehouse_id")
        if wid is None:
            return
        if (await self._conn.execute(select(warehouse.c.id).where(warehouse.c.id == wid))).first() is None:
            raise ValidationError("unknown warehouse",
                                  [FieldError("settings.default_warehouse_id", f"warehouse {wid} does not exist")])
