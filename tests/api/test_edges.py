"""The edges every request crosses: body limit, request id, health, readiness, metrics and JSON logs."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator

import httpx
import orjson
from asgi_lifespan import LifespanManager

from adapters.settings import Settings
from api.app import create_app
from api.middleware import JsonLogFormatter
from tests.factories import World, order_body

ORDERS = "/api/omni_sales/orders"


def auth(w: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens['admin@test.local']}"}


def assert_too_large(r: httpx.Response, limit: int) -> None:
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 413 and body["title"] == "Request body too large"
    assert str(limit) in body["detail"]


async def test_body_over_the_limit_by_content_length_is_413(client: httpx.AsyncClient, world: World,
                                                            settings: Settings) -> None:
    limit = settings.max_body_bytes
    headers = {**auth(world), "Content-Type": "application/json", "X-Request-ID": "edge-413-a"}
    r = await client.post(ORDERS, content=b" " * (limit + 1), headers=headers)
    assert_too_large(r, limit)
    assert r.headers["x-request-id"] == "edge-413-a"


async def test_chunked_body_over_the_limit_without_content_length_is_413(client: httpx.AsyncClient, world: World,
                                                                         settings: Settings) -> None:
    limit = settings.max_body_bytes
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        chunk = b" " * 65_536
        while sent <= limit:
            sent += len(chunk)
            yield chunk

    request = client.build_request("POST", ORDERS, content=chunks(),
                                   headers={**auth(world), "Content-Type": "application/json",
                                            "X-Request-ID": "edge-413-b"})
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    r = await client.send(request)
    assert_too_large(r, limit)
    assert r.headers["x-request-id"] == "edge-413-b"
    assert await world.sql("SELECT id FROM sales_order") == []


async def test_body_under_the_limit_is_served(client: httpx.AsyncClient, world: World) -> None:
    body = order_body(world.channels["api"], notes="x" * 3000)
    r = await client.post(ORDERS, json=body, headers=auth(world))
    assert r.status_code == 201, r.text


async def test_request_id_is_echoed_or_made_up(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz", headers={"X-Request-ID": "edge-req-42"})
    assert r.headers["x-request-id"] == "edge-req-42"
    made_up = (await client.get("/healthz")).headers["x-request-id"]
    other = (await client.get("/healthz")).headers["x-request-id"]
    assert made_up and other and made_up != other


async def test_problem_responses_carry_the_request_id(client: httpx.AsyncClient) -> None:
    r = await client.get(ORDERS, headers={"X-Request-ID": "edge-req-401"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-request-id"] == "edge-req-401"


async def test_healthz(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readyz_reports_database_and_redis(client: httpx.AsyncClient) -> None:
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


async def test_metrics_expose_requests_and_orders_per_status(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(ORDERS, json=order_body(world.channels["api"]), headers=auth(world))
    assert r.status_code == 201, r.text
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert any(line.startswith("oms_http_requests_total{") and 'route="/api/omni_sales/orders"' in line
               and 'status="201"' in line for line in lines), r.text
    assert 'oms_orders{status="draft"} 1.0' in lines
    assert 'oms_orders{status="cancelled"} 0.0' in lines


async def test_json_log_lines_carry_the_request_id(settings: Settings) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    access = logging.getLogger("oms.access")
    access.addHandler(handler)
    previous_level = access.level
    access.setLevel(logging.INFO)
    try:
        app = create_app(settings.model_copy(update={"access_log": True}))
        async with LifespanManager(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                r = await c.get("/healthz", headers={"X-Request-ID": "edge-log-7"})
        assert r.status_code == 200
    finally:
        access.removeHandler(handler)
        access.setLevel(previous_level)
    records = [orjson.loads(line) for line in stream.getvalue().splitlines()]
    mine = [rec for rec in records if rec["request_id"] == "edge-log-7"]
    assert len(mine) == 1, records
    assert mine[0]["path"] == "/healthz" and mine[0]["status"] == 200 and mine[0]["level"] == "info"
    assert "duration_ms" in mine[0]


async def test_text_the_database_cannot_store_is_422_not_500(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post("/api/auth/login", json={"email": "ana\u0000@example.ro", "password": "x"})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "NUL" in r.json()["detail"]
