"""Courier accounts -> gateways. Gateways are kept per account (their login tokens and HTTP connections live
in them) and rebuilt when the account changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg
import httpx

from adapters.couriers.account import CourierAccount
from domain.fulfilment.couriers import CourierGateway, LabelFormat, Party
from domain.fulfilment.ports import CourierSetup


def build_gateway(account: CourierAccount, client: httpx.AsyncClient) -> CourierGateway:
    """The adapter of one courier; imported lazily so a broken adapter cannot stop the others loading."""
    if account.courier == "innoship":
        from adapters.couriers.innoship import InnoshipGateway
        return InnoshipGateway(account, client)
    if account.courier == "cargus":
        from adapters.couriers.cargus import CargusGateway
        return CargusGateway(account, client)
    if account.courier == "fancourier":
        from adapters.couriers.fancourier import FanCourierGateway
        return FanCourierGateway(account, client)
    if account.courier == "palex":
        from adapters.couriers.palex import PalexGateway
        return PalexGateway(account)
    raise ValueError(f"unknown courier {account.courier!r}")


def sender_party(data: Mapping[str, Any]) -> Party:
    return Party(name=str(data.get("name") or ""), phone=str(data.get("phone") or ""),
                 street=str(data.get("street") or ""), city=str(data.get("city") or ""),
                 county=str(data.get("county") or ""), postcode=str(data.get("postcode") or ""),
                 country=str(data.get("country") or "RO"), email=data.get("email"), company=data.get("company"),
                 contact=data.get("contact"))


def account_from_row(row: Mapping[str, Any]) -> CourierAccount:
    settings = dict(row["settings"] or {})
    return CourierAccount(courier=row["courier"], base_url=row["base_url"], credentials=dict(row["credentials"] or {}),
                          default_service=row["default_service"], settings=settings,
                          timeout_s=float(settings.get("timeout_s", 10.0)), id=row["id"], name=row["name"])


class SqlCourierDirectory:
    """Reads courier_account outside any unit of work (no transaction is held while couriers are called)."""

    def __init__(self, pool: asyncpg.Pool, client: httpx.AsyncClient | None = None) -> None:
        self._pool = pool
        self._shared = client  # tests may inject one; otherwise each account gets a client of its own size
        self._clients: list[httpx.AsyncClient] = []
        self._cache: dict[str, tuple[Any, CourierSetup | None]] = {}

    def _client_for(self, concurrency: int) -> httpx.AsyncClient:
        if self._shared is not None:
            return self._shared
        # As many connections as the account may use at once, over aiohttp (transport.py says why).
        from adapters.couriers.transport import AiohttpTransport  # aiohttp only where couriers are called

        client = httpx.AsyncClient(transport=AiohttpTransport(concurrency + 2))
        self._clients.append(client)
        return client

    async def get(self, courier: str) -> CourierSetup | None:
        # One indexed row per call (a batch calls once): an edited account takes effect at once, while the
        # gateway, with its login token and connections, is kept as long as the row is unchanged.
        cached = self._cache.get(courier)
        row = await self._pool.fetchrow("SELECT * FROM courier_account WHERE courier = $1 AND active", courier)
        stamp = None if row is None else (row["id"], row["updated_at"], row["base_url"])
        if cached is not None and cached[0] == stamp:
            return cached[1]
        setup = None
        if row is not None:
            gateway = build_gateway(account_from_row(row), self._client_for(row["concurrency"]))
            setup = CourierSetup(courier=courier, gateway=gateway, sender=sender_party(row["sender"] or {}),
                                 default_service=row["default_service"], label_format=LabelFormat(row["label_format"]),
                                 concurrency=row["concurrency"], manual=bool(getattr(gateway, "manual", False)))
        self._cache[courier] = (stamp, setup)
        return setup

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
        self._clients.clear()
