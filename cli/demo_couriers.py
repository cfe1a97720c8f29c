"""Demo mode's couriers: `oms run` starts the Innoship, Cargus and FAN Courier simulators (adapters/sandbox) as
child processes and points the demo courier accounts at them (Palex is configured as the manual courier it is).
Parcels take a tracking step every 12 s, and the worker polls every 5 s, so an AWB made in the console reaches
delivered within about a minute."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from dataclasses import dataclass

import orjson
from sqlalchemy import text

from adapters.db.engine import make_engine
from adapters.sandbox.couriers import API_PREFIX, DEMO_CREDENTIALS

log = logging.getLogger("oms.demo_couriers")
STEP_S = 12.0
DEMO_POLL_S = 5.0
SENDER = {"name": "OMS Demo SRL — Depozit", "phone": "0268555123", "street": "Str. Zizinului 110",
          "city": "Brașov", "county": "BV", "postcode": "500407", "country": "RO", "email": "depozit@oms.local",
          "contact": "Ioana Pop"}
DEFAULT_SERVICE = {"innoship": None, "cargus": "Standard", "fancourier": "Standard"}
NAMES = {"innoship": "Innoship (sandbox)", "cargus": "Cargus (sandbox)", "fancourier": "FAN Courier (sandbox)"}


@dataclass(frozen=True)
class DemoCourier:
    courier: str
    port: int

    @property
    def name(self) -> str:
        return f"{self.courier} simulator"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX[self.courier]}"

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "adapters.sandbox.couriers", self.courier, "--port", str(self.port),
                "--step-s", str(STEP_S)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_UPSERT = text("""
INSERT INTO courier_account (courier, name, base_url, credentials, default_service, sender, settings, concurrency)
VALUES (:courier, :name, :base_url, CAST(:credentials AS jsonb), :service, CAST(:sender AS jsonb),
        CAST(:settings AS jsonb), 8)
ON CONFLICT (courier) DO UPDATE SET base_url = excluded.base_url, credentials = excluded.credentials,
    updated_at = now()
""")


async def _wire(database_url: str, couriers: list[DemoCourier]) -> None:
    """Accounts point at this run's simulator ports; what an operator changed otherwise is kept."""
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            for c in couriers:
                await conn.execute(_UPSERT, {
                    "courier": c.courier, "name": NAMES[c.courier], "base_url": c.base_url,
                    "credentials": orjson.dumps(DEMO_CREDENTIALS[c.courier]).decode(),
                    "service": DEFAULT_SERVICE[c.courier], "sender": orjson.dumps(SENDER).decode(),
                    "settings": orjson.dumps({"timeout_s": 10}).decode()})
            await conn.execute(text(
                "INSERT INTO courier_account (courier, name, base_url, sender) VALUES ('palex', 'Palex (manual)', "
                "'https://www.palex.ro', CAST(:sender AS jsonb)) ON CONFLICT (courier) DO NOTHING"),
                {"sender": orjson.dumps(SENDER).decode()})
    finally:
        await engine.dispose()


def prepare(database_url: str) -> list[DemoCourier]:
    couriers = [DemoCourier(courier, _free_port()) for courier in DEMO_CREDENTIALS]
    asyncio.run(_wire(database_url, couriers))
    log.info("courier simulators: %s", ", ".join(f"{c.courier} on {c.port}" for c in couriers))
    return couriers
