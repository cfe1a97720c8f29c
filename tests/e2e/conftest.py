"""Browser tests: Debian's chromium driven by Playwright against the real server, database and built console.

Never downloads a browser: the tests launch /usr/bin/chromium. Without it (or without the built console, or
the playwright package) they are skipped with one line outside CI and fail in CI (CI=true).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.db import migrate
from adapters.db.engine import make_engine
from tests.db import ROOT, create_database, drop_database, redis_url
from tests.factories import World, order_body

CHROMIUM = Path(os.environ.get("OMS_E2E_CHROMIUM", "/usr/bin/chromium"))  # Debian's package
DIST_INDEX = ROOT / "frontend" / "dist" / "index.html"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}  # the console must be usable on the team's laptops
PASSWORD = "demo"  # tests.factories hashes every user's password from it

try:
    from playwright.async_api import Browser, Page, async_playwright
except ImportError:  # pragma: no cover - reported below
    async_playwright = None  # type: ignore[assignment]


def _missing() -> str | None:
    if async_playwright is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    if not DIST_INDEX.exists():
        return "the console is not built (make frontend)"
    return None


MISSING = _missing()
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if MISSING is None or IN_CI:
        return  # in CI the fixtures fail loudly instead
    skip = pytest.mark.skip(reason=f"browser tests skipped: {MISSING}")
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if MISSING is not None and not IN_CI:
        terminalreporter.write_line(f"e2e: browser tests skipped: {MISSING}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Console:
    """The running server, its seeded master data, and helpers to make orders the way partners do."""

    base_url: str
    world: World
    users: dict[str, str] = field(default_factory=dict)  # role -> email

    def url(self, path: str) -> str:
        return f"{self.base_url}/admin{path}"

    def token(self, role: str = "admin") -> str:
        return self.world.tokens[self.users[role]]

    async def api(self, method: str, path: str, *, role: str = "admin", **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(role)}", **kw.pop("headers", {})}
        async with httpx.AsyncClient(base_url=self.base_url, timeout=20) as c:
            return await c.request(method, path, headers=headers, **kw)

    async def order(
        self,
        ref: str,
        *,
        channel: str = "api",
        lines: list[tuple[str, str, str]] | None = None,
        customer: str = "Ana Pop",
    ) -> dict[str, Any]:
        body = order_body(self.world.channels[channel], ref=ref, lines=lines, email=f"{ref.lower()}@example.ro")
        body["customer"]["name"] = customer
        r = await self.api("POST", "/api/omni_sales/orders", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def get(self, order_id: int) -> dict[str, Any]:
        r = await self.api("GET", f"/api/omni_sales/orders/{order_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())


async def _seed(world: World) -> dict[str, str]:
    await world.warehouse()
    await world.channel("api")
    # The guide's rule, with a smaller threshold so a test order crosses it.
    await world.channel(
        "b2b",
        "b2b_portal",
        settings={
            "approval_rules": [
                {
                    "name": "B2B orders over 1,000 RON need sales_manager",
                    "required_role": "sales_manager",
                    "min_total": "1000",
                    "currency": "RON",
                    "customer_type": None,
                }
            ]
        },
    )
    await world.product("TSHIRT-RED-M", on_hand="10000")
    await world.product("LAPTOP-14", on_hand="500", price="3499.00")
    users = {"operator": "operator@e2e.local", "sales_manager": "manager@e2e.local", "admin": "admin@e2e.local"}
    names = {"operator": "Andreea Pop", "sales_manager": "Mihai Dobre", "admin": "Admin"}
    for role, email in users.items():
        await world.user(email, [role], name=names[role])
    return users


@contextlib.contextmanager
def _server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    log = open(ARTIFACTS / "server.log", "wb")  # noqa: SIM115 - closed below, after the process
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {ARTIFACTS / 'server.log'}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /healthz within {timeout_s}s")


@pytest.fixture(scope="session")
async def console() -> AsyncIterator[Console]:
    if MISSING is not None:
        pytest.fail(f"browser tests cannot run: {MISSING}")  # only reached in CI; skipped otherwise
    ARTIFACTS.mkdir(exist_ok=True)
    url, admin = await create_database("oms_e2e")
    engine = make_engine(url, pool_size=2)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        secret = secrets.token_urlsafe(32)
        world = World(engine=engine, secret=secret)
        users = await _seed(world)
        port = _free_port()
        env = {
            **os.environ,
            "OMS_DATABASE_URL": url,
            "OMS_REDIS_URL": redis_url(),
            "OMS_JWT_SECRET": secret,
            "OMS_ENV": "development",
            "OMS_DEMO": "0",
            "OMS_ACCESS_LOG": "false",
            "OMS_LOG_LEVEL": "warning",
        }
        base = f"http://127.0.0.1:{port}"
        with _server(env, port) as proc:
            await asyncio.to_thread(_wait_ready, base, proc)
            yield Console(base_url=base, world=world, users=users)
    finally:
        await engine.dispose()
        await drop_database(url, admin)


@pytest.fixture(scope="session")
async def browser(console: Console) -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest.fixture
async def page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/Bucharest")
    context.set_default_timeout(15_000)
    pg = await context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        await pg.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"))
    await context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


async def login(page: Page, console: Console, role: str, path: str = "/omni_sales/order_list") -> None:
    await page.goto(console.url(path))
    await page.get_by_label("Email").fill(console.users[role])
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_test_id("current-user").wait_for()
