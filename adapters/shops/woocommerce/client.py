"""WooCommerce REST API v3 client: the orders a pull needs and the status pushes back.

Credentials (the channel's write-only `api_credentials`): `base_url` (the site, e.g. https://magazin.ro),
`consumer_key`, `consumer_secret`. Sent as HTTP Basic auth, which WooCommerce accepts over HTTPS (and the
simulator over HTTP); OAuth 1.0a for plain-HTTP stores is not implemented.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

import httpx

from adapters.shops.common import PULL_OVERLAP, order_id_of, parse_time
from adapters.shops.http import DEFAULT_POLICY, PulledOrder, RemoteError, RetryPolicy, send

API = "/wp-json/wc/v3"
PER_PAGE = 100
MAX_PAGES = 50  # one pull reads at most 5,000 orders; the watermark picks up the rest next time


def _required(credentials: Mapping[str, Any], *keys: str) -> list[str]:
    return [k for k in keys if not str(credentials.get(k) or "").strip()]


class WooCommerceClient:
    def __init__(self, base_url: str, consumer_key: str, consumer_secret: str, *,
                 policy: RetryPolicy = DEFAULT_POLICY, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), auth=(consumer_key, consumer_secret),
                                       timeout=policy.timeout(), transport=transport,
                                       headers={"User-Agent": "oms-sync/1"})

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any], *, policy: RetryPolicy = DEFAULT_POLICY,
                         transport: httpx.AsyncBaseTransport | None = None) -> WooCommerceClient:
        missing = _required(credentials, "base_url", "consumer_key", "consumer_secret")
        if missing:
            raise RemoteError(f"the channel's api_credentials lack {', '.join(missing)}", transient=False)
        return cls(str(credentials["base_url"]), str(credentials["consumer_key"]),
                   str(credentials["consumer_secret"]), policy=policy, transport=transport)

    async def __aenter__(self) -> WooCommerceClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return await send(self._http, method, f"{API}{path}", policy=self.policy, **kwargs)

    async def _json(self, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, Any]:
        """The answer's JSON. A WordPress site can answer 200 with HTML (a maintenance page, a security plugin's
        challenge): that is the shop failing, a RemoteError the pull and the push record, not a crash."""
        resp = await self._call(method, path, **kwargs)
        try:
            return resp, resp.json()
        except ValueError as exc:
            raise RemoteError(f"{method} {API}{path} answered HTTP {resp.status_code} without JSON: "
                              f"{resp.text.strip()[:200]}", transient=True, http_status=resp.status_code) from exc

    async def orders_modified_since(self, since: datetime) -> AsyncIterator[list[PulledOrder]]:
        """Pages of orders modified after `since` (UTC), oldest modification first. The window starts
        PULL_OVERLAP early (WooCommerce compares exclusively, to the second; see PULL_OVERLAP for why more)."""
        after = (since - PULL_OVERLAP).strftime("%Y-%m-%dT%H:%M:%S")
        page = 1
        while page <= MAX_PAGES:
            resp, body = await self._json("GET", "/orders", params={
                "modified_after": after, "dates_are_gmt": "true", "orderby": "modified", "order": "asc",
                "per_page": PER_PAGE, "page": page, "status": "any"})
            if not isinstance(body, list):
                raise RemoteError("GET /orders did not answer a list", transient=False)
            yield [o for o in (_pulled(x) for x in body) if o is not None]
            try:
                pages = int(resp.headers.get("x-wp-totalpages", "0"))
            except ValueError:
                pages = 0
            if page >= pages or not body:
                return
            page += 1

    async def set_status(self, order_id: str, status: str) -> dict[str, Any]:
        _, body = await self._json("PUT", f"/orders/{order_id}", json={"status": status})
        if not isinstance(body, dict):
            raise RemoteError(f"PUT /orders/{order_id} did not answer an order", transient=False)
        return body

    async def add_note_once(self, order_id: str, note: str, *, customer_note: bool = True) -> bool:
        """Adds the note unless the order already has one with this text (a repeated push adds nothing)."""
        _, notes = await self._json("GET", f"/orders/{order_id}/notes")
        if isinstance(notes, list) and any(isinstance(n, dict) and n.get("note") == note for n in notes):
            return False
        await self._call("POST", f"/orders/{order_id}/notes", json={"note": note, "customer_note": customer_note})
        return True


def _pulled(order: Any) -> PulledOrder | None:
    ref = order_id_of(order)
    modified = order.get("date_modified_gmt") if isinstance(order, dict) else None
    moment = parse_time(modified if isinstance(modified, str) else None, assume_utc=True)
    if ref is None or moment is None:
        return None
    order.pop("_links", None)  # the webhook body has none; keep both shapes alike
    return PulledOrder(ref, moment, order)
