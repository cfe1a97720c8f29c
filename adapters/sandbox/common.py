"""What both shop simulators share: signing, webhook delivery, fault injection, sample data, running a server."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
CENT = Decimal("0.01")


def sign(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(raw body, secret)): the signature both WooCommerce and Shopify send."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def money(value: Decimal | str | int | float) -> str:
    return str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))


def utcnow() -> datetime:
    return datetime.now(UTC)


def check_loopback(url: str) -> str:
    """Simulators only ever call back into this machine, so a misconfigured URL can never reach the internet."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in LOOPBACK_HOSTS | {"::1"}:
        raise ValueError(f"webhook target must be http(s)://127.0.0.1 (or localhost), got {url!r}")
    return url


async def json_body(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# --- fault injection -------------------------------------------------------------------------------------------


@dataclass
class Faults:
    """The next `remaining` partner-API calls fail with `status` (429 carries Retry-After)."""

    remaining: int = 0
    http_status: int = 503
    retry_after: int = 2
    served: int = 0

    def arm(self, data: Mapping[str, Any]) -> dict[str, Any]:
        self.remaining = int(data.get("count", 1))
        self.http_status = int(data.get("status", 503))
        self.retry_after = int(data.get("retry_after", 2))
        return self.describe()

    def describe(self) -> dict[str, Any]:
        return {"remaining": self.remaining, "status": self.http_status, "retry_after": self.retry_after,
                "served": self.served}

    def take(self) -> tuple[int, int] | None:
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        self.served += 1
        return self.http_status, self.retry_after


def fault_response(status: int, retry_after: int, body: dict[str, Any] | str) -> Response:
    headers = {"Retry-After": str(retry_after)} if status == 429 else {}
    if isinstance(body, str):
        return Response(body, status_code=status, headers=headers, media_type="text/html")
    return JSONResponse(body, status_code=status, headers=headers)


# --- webhook delivery ------------------------------------------------------------------------------------------


@dataclass
class Delivery:
    """One webhook request as sent: resending it sends these exact bytes and headers again."""

    key: str
    topic: str
    url: str
    body: bytes
    headers: dict[str, str]
    created_at: datetime
    dropped: bool = False
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {"key": self.key, "topic": self.topic, "url": self.url, "headers": self.headers,
                "dropped": self.dropped, "created_at": self.created_at.isoformat(), "attempts": self.attempts}


class WebhookSender:
    """Posts deliveries to the configured target; keeps every delivery so tests can resend one."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.deliveries: dict[str, Delivery] = {}
        self.order: list[str] = []
        self.drop_next = 0
        self.drop_all = False
        self.pending: set[asyncio.Task[Any]] = set()

    def background(self, work: Awaitable[Any]) -> None:
        """Deliver after the API response, as the shops do (Action Scheduler / Shopify's queue)."""

        async def run() -> Any:
            return await work

        task = asyncio.create_task(run())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    def record(self, delivery: Delivery) -> Delivery:
        if delivery.key not in self.deliveries:
            self.order.append(delivery.key)
        self.deliveries[delivery.key] = delivery
        return delivery

    async def send(self, delivery: Delivery, *, force: bool = False) -> dict[str, Any]:
        if not force and (self.drop_all or self.drop_next > 0):
            self.drop_next = max(0, self.drop_next - 1)
            delivery.dropped = True
            attempt: dict[str, Any] = {"at": utcnow().isoformat(), "status": None, "error": "dropped by sandbox"}
            delivery.attempts.append(attempt)
            return attempt
        check_loopback(delivery.url)
        started = time.perf_counter()
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                resp = await client.post(delivery.url, content=delivery.body, headers=delivery.headers)
            attempt = {"at": utcnow().isoformat(), "status": resp.status_code, "error": None}
        except httpx.HTTPError as exc:
            attempt = {"at": utcnow().isoformat(), "status": None, "error": f"{type(exc).__name__}: {exc}"}
        attempt["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        delivery.attempts.append(attempt)
        return attempt

    async def resend(self, key: str, times: int = 1, concurrent: bool = False) -> list[dict[str, Any]]:
        delivery = self.deliveries[key]
        if concurrent:
            return list(await asyncio.gather(*(self.send(delivery, force=True) for _ in range(times))))
        return [await self.send(delivery, force=True) for _ in range(times)]

    def listing(self, limit: int = 100) -> list[dict[str, Any]]:
        return [self.deliveries[k].describe() for k in self.order[-limit:]][::-1]


# --- Romanian sample data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    street: str
    city: str
    county_code: str
    county: str
    postcode: str


FIRST_NAMES = ("Ștefan", "Ioana", "Mihai", "Ana", "Răzvan", "Elena", "Andrei", "Oana", "Cătălin", "Simona",
               "Bogdan", "Alexandra", "Tudor", "Mădălina", "Florin")
LAST_NAMES = ("Mureșan", "Popescu", "Țurcanu", "Ionescu", "Dumitrașcu", "Stănescu", "Bălan", "Rădulescu",
              "Neagu", "Câmpeanu", "Șerban", "Pîrvu")
PLACES = (
    Place("Str. Mărășești 12", "Brașov", "BV", "Brașov", "500086"),
    Place("Calea Dorobanților 101, bl. A2, ap. 14", "Cluj-Napoca", "CJ", "Cluj", "400609"),
    Place("Bd. Unirii 45, sc. 2, et. 3", "București", "B", "București", "030823"),
    Place("Str. Ștefan cel Mare 7", "Iași", "IS", "Iași", "700063"),
    Place("Aleea Trandafirilor 3", "Timișoara", "TM", "Timiș", "300254"),
    Place("Str. Bălcescu 22", "Sibiu", "SB", "Sibiu", "550159"),
    Place("Str. Țesătorilor 5", "Constanța", "CT", "Constanța", "900178"),
)
COMPANIES = (("SC Tâmplăria Bucovineană SRL", "RO14399840"), ("Atelierul Mărțișor SRL", "RO31254780"))


def random_phone(rng: random.Random) -> str:
    return f"07{rng.choice('2345678')}{rng.randint(0, 9_999_999):07d}"


def ascii_email(first: str, last: str, rng: random.Random) -> str:
    table = str.maketrans("ăâîșşțţĂÂÎȘŞȚŢ", "aaisstt" + "AAISSTT")
    local = f"{first}.{last}".translate(table).lower()
    return f"{local}{rng.randint(1, 99)}@example.ro"


def random_person(rng: random.Random) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    place = rng.choice(PLACES)
    person: dict[str, Any] = {
        "first_name": first, "last_name": last, "email": ascii_email(first, last, rng), "phone": random_phone(rng),
        "address_1": place.street, "city": place.city, "state": place.county_code, "postcode": place.postcode,
        "country": "RO", "guest": rng.random() < 0.3,
    }
    if rng.random() < 0.15:
        person["company"], person["vat_code"] = rng.choice(COMPANIES)
    return person


def county_name(code: str) -> str:
    for place in PLACES:
        if place.county_code == code:
            return place.county
    return code


@dataclass
class Product:
    sku: str
    name: str
    price: Decimal  # gross, VAT included, like Romanian shops display it
    product_id: int
    variation_id: int = 0
    vat_rate: Decimal = Decimal("21")
    grams: int = 500


DEFAULT_PRODUCTS = (
    ("TRICOU-ROSU-M", "Tricou roșu, mărimea M", "59.90"),
    ("CANA-CERAMICA", "Cană ceramică „Dor de casă”", "34.50"),
    ("SAL-LANA", "Șal din lână țesut manual", "149.00"),
    ("MIERE-SALCAM-500", "Miere de salcâm 500 g", "42.00"),
    ("CAIET-A5", "Caiet A5 cu copertă din piele", "79.99"),
)


def split_vat(gross: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(net, tax) of a VAT-inclusive amount, rounded to bani."""
    net = (gross / (1 + rate / 100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, gross - net


# --- running a simulator ---------------------------------------------------------------------------------------


@dataclass
class RunningServer:
    base_url: str
    port: int
    server: uvicorn.Server
    task: asyncio.Task[None]


@contextlib.asynccontextmanager
async def serve_in_process(app: ASGIApp, port: int = 0, host: str = "127.0.0.1") -> AsyncIterator[RunningServer]:
    """Run an ASGI app on a real socket inside the current event loop (port 0 picks a free one)."""
    # A request a test left hanging (a simulated late answer) must not hold the shutdown for long.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on", access_log=False,
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(500):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if not server.started:
            if task.done():
                task.result()
            raise RuntimeError("sandbox server did not start")
        sock_port = server.servers[0].sockets[0].getsockname()[1]
        yield RunningServer(f"http://{host}:{sock_port}", sock_port, server, task)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)


# Demo mode's deliberate mistakes: a product the shop sells but the OMS does not know, and a gateway no channel maps.
UNKNOWN_PRODUCT = ("GHID-TURISTIC-BV", "Ghid turistic: Brașov și împrejurimi", "45.00")


def demo_mistake(rng: random.Random, rate: float) -> str | None:
    """"sku", "gateway" or (mostly) None; draws nothing when `rate` is 0, so seeded runs stay reproducible."""
    if rate <= 0 or rng.random() >= rate:
        return None
    return rng.choice(("sku", "gateway"))


@contextlib.contextmanager
def off_catalog(products: dict[str, Product], sku: str) -> Iterator[None]:
    """An order line for `sku` creates the product in the shop; forget it afterwards so later random orders
    do not pick it and the mistake stays as rare as asked."""
    known = sku in products
    try:
        yield
    finally:
        if not known:
            products.pop(sku, None)


def trickle_lifespan(
    make_order: Callable[[], Awaitable[object]], every: float | None, jitter: float = 0.0
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """Demo mode: a new random order (and its webhook) every `every` seconds (± `jitter` of it) while the
    server runs."""
    pace = random.Random()  # not the shop's rng: waiting must not change which orders a seeded shop places

    async def trickle(period: float) -> None:
        while True:
            await asyncio.sleep(period * (1 + jitter * (2 * pace.random() - 1)))
            try:
                await make_order()
            except Exception:
                continue

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(trickle(every)) if every else None
        yield
        if task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan
