"""Every endpoint but the public few demands a caller: walk the app's routes, call each without credentials."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from tests.factories import World

PUBLIC = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("POST", "/api/auth/login"),
          # Shop webhooks carry no caller: the HMAC signature over the body is their proof (tests/api/test_webhooks.py).
          ("POST", "/api/webhooks/woocommerce/{channel_id}"), ("POST", "/api/webhooks/shopify/{channel_id}"),
          # Innoship's tracking push is unsigned: a token of the account's own, in the URL, is its proof.
          ("POST", "/api/webhooks/innoship")}


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every documented operation (the OpenAPI schema is what integrators see, and it lists them all)."""
    return [(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops]


async def test_every_non_public_endpoint_answers_401_without_credentials(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    routes = _routes(app)
    assert len(routes) > 30  # the walk really sees the API
    refused = []
    for method, path in routes:
        if (method, path) in PUBLIC:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        r = await client.request(method, url, json={} if method in ("POST", "PUT", "PATCH") else None)
        if r.status_code != 401 or r.headers["content-type"] != "application/problem+json":
            refused.append((method, path, r.status_code))
    assert refused == []


async def test_a_bad_api_key_is_refused_everywhere_it_is_accepted(
    app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    r = await client.get("/api/omni_sales/orders", headers={"X-API-Key": "oms_nope_nope"})
    assert r.status_code == 401
    r = await client.get("/api/customers", headers={"X-API-Key": "oms_nope_nope"})
    assert r.status_code == 401
