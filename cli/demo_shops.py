"""Demo mode's shops: `oms run` starts the WooCommerce and Shopify simulators (adapters/sandbox) as child
processes, points their webhooks at the demo channels and the channels' API credentials at them, and registers
the demo catalog in them, so that new orders trickle in through the real intake (webhooks, pull, status push).
About one trickled order in ten carries a deliberate mistake (an SKU the OMS does not know, or a gateway the
channel does not map) so the sync log has something to show."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx
from sqlalchemy import BigInteger, cast, func, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.engine import make_engine
from adapters.db.tables import channel, inbox_event, sales_order
from adapters.settings import Settings
from cli.demo_data import CHANNELS, DEMO_WEBHOOK_SECRET, PRODUCTS, SIMULATOR_CREDENTIALS

log = logging.getLogger("oms.demo_shops")
TRICKLE_JITTER = 1 / 3  # the mean trickle of 45 s becomes a new order every 30-60 s
ERROR_RATE = 0.1
READY_TIMEOUT_S = 20
NUMERIC_REF = r"^[0-9]{1,18}$"


@dataclass(frozen=True)
class DemoShop:
    type: str  # "woocommerce" or "shopify"
    channel_id: int
    port: int
    webhook_url: str
    orders_after: int  # the highest numeric order id the OMS already knows from this channel

    @property
    def name(self) -> str:
        return f"{self.type} simulator"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def credentials(self) -> dict[str, str]:
        return {**SIMULATOR_CREDENTIALS[self.type], "base_url": self.base_url}

    def argv(self, trickle_s: float) -> list[str]:
        creds = SIMULATOR_CREDENTIALS[self.type]
        argv = [sys.executable, "-m", "adapters.sandbox", self.type, "--port", str(self.port),
                "--secret", DEMO_WEBHOOK_SECRET, "--webhook-url", self.webhook_url, "--no-default-products",
                "--orders-after", str(self.orders_after), "--error-rate", str(ERROR_RATE)]
        if trickle_s > 0:
            argv += ["--trickle", str(trickle_s), "--trickle-jitter", f"{TRICKLE_JITTER:.3f}"]
        if self.type == "woocommerce":
            return [*argv, "--consumer-key", creds["consumer_key"], "--consumer-secret", creds["consumer_secret"]]
        return [*argv, "--access-token", creds["access_token"], "--api-version", creds["api_version"]]


def callback_host(api_host: str) -> str | None:
    """Where the simulators reach the API; they only ever call loopback addresses."""
    if api_host in ("127.0.0.1", "localhost", "0.0.0.0", ""):
        return "127.0.0.1"
    if api_host in ("::1", "::"):
        return "[::1]"
    return None


def _port(fixed: int | None, what: str) -> int | None:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", fixed or 0))
        except OSError as exc:
            log.warning("not starting the %s: 127.0.0.1:%s is in use (%s)", what, fixed, exc.strerror)
            return None
        return int(sock.getsockname()[1])


async def _highest_ref(conn: AsyncConnection, channel_id: int) -> int:
    refs = union_all(
        select(sales_order.c.external_ref.label("ref")).where(sales_order.c.channel_id == channel_id),
        select(inbox_event.c.external_ref.label("ref")).where(inbox_event.c.channel_id == channel_id),
    ).subquery()
    value = (await conn.execute(select(func.max(cast(refs.c.ref, BigInteger)))
                                .where(refs.c.ref.op("~")(NUMERIC_REF)))).scalar_one()
    return int(value or 0)


async def _wire(database_url: str, plans: list[tuple[str, int]], api_base: str) -> list[DemoShop]:
    """Find each demo shop channel, and point its secret and credentials at the simulator that will serve it."""
    engine = make_engine(database_url, pool_size=1)
    shops = []
    try:
        async with engine.begin() as conn:
            for type_, port in plans:
                channel_id = (await conn.execute(select(channel.c.id).where(
                    channel.c.type == type_, channel.c.name == CHANNELS[type_][0]).order_by(channel.c.id).limit(1)
                )).scalar_one_or_none()
                if channel_id is None:
                    log.warning("not starting the %s simulator: the demo channel %r is gone", type_, CHANNELS[type_][0])
                    continue
                shop = DemoShop(type_, channel_id, port, f"{api_base}/api/webhooks/{type_}/{channel_id}",
                                await _highest_ref(conn, channel_id))
                await conn.execute(update(channel).where(channel.c.id == channel_id).values(
                    webhook_secret=DEMO_WEBHOOK_SECRET, api_credentials=shop.credentials()))
                shops.append(shop)
    finally:
        await engine.dispose()
    return shops


def prepare(settings: Settings, database_url: str) -> list[DemoShop]:
    """Ports, and the channels rewired to them; runs before the worker starts, so its first pull already uses
    the simulators' addresses."""
    host = callback_host(settings.host)
    if host is None:
        log.warning("not starting the shop simulators: they only call loopback addresses and the API listens on %s",
                    settings.host)
        return []
    fixed = {"woocommerce": settings.sandbox_woo_port, "shopify": settings.sandbox_shopify_port}
    plans = [(type_, port) for type_ in ("woocommerce", "shopify")
             if (port := _port(fixed[type_], f"{type_} simulator")) is not None]
    return asyncio.run(_wire(database_url, plans, f"http://{host}:{settings.port}")) if plans else []


def _wait_ready(shop: DemoShop, proc: subprocess.Popen[bytes], client: httpx.Client) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if client.get(f"{shop.base_url}/_sandbox/state").status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def register_catalog(shop: DemoShop, proc: subprocess.Popen[bytes]) -> bool:
    """The demo products, at the demo's consumer prices, become the simulator's catalog."""
    with httpx.Client(timeout=5) as client:
        if not _wait_ready(shop, proc, client):
            log.error("the %s did not answer in %s s; it places no orders", shop.name, READY_TIMEOUT_S)
            return False
        try:
            for p in PRODUCTS:
                client.post(f"{shop.base_url}/_sandbox/products", json={
                    "sku": p.sku, "name": p.name, "price": p.price, "vat_rate": p.vat}).raise_for_status()
        except httpx.HTTPError as exc:
            log.error("could not register the demo products in the %s: %s", shop.name, exc)
            return False
    log.info("%s on %s: webhooks to %s", shop.name, shop.base_url, shop.webhook_url)
    return True
