"""Shopify Admin GraphQL client: the orders a pull needs (as the REST-shaped order translate.py reads) and the
status pushes back (orderCancel, fulfillmentCreate).

Credentials (the channel's write-only `api_credentials`): `shop_domain` (magazin.myshopify.com; the API is
then https://<shop_domain>) or `base_url` (any origin, e.g. the simulator's), `access_token` (an Admin API
token, sent as X-Shopify-Access-Token) and optionally `api_version` (default DEFAULT_API_VERSION).

Rate limits: every answer reports the leaky bucket in extensions.cost.throttleStatus; when the bucket holds
less than the next query needs, the client waits for it to refill, and a THROTTLED answer is waited out the
same way. HTTP 429 follows Retry-After (adapters/shops/http.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx

from adapters.shops.common import PULL_OVERLAP, parse_time
from adapters.shops.http import DEFAULT_POLICY, PulledOrder, RemoteError, RetryPolicy, send

log = logging.getLogger("oms.shops")

DEFAULT_API_VERSION = "2025-07"
PAGE = 8  # with LINES line items an order costs ~110 points: a page stays under the 1,000-point query maximum
LINES = 30
TRUNCATED = "oms_lines_truncated"  # set on a pulled order whose line items did not all fit in the query
MAX_PAGES = 200
_VERSION = re.compile(r"\d{4}-\d{2}|unstable")

_ADDRESS = "firstName lastName name company address1 address2 city province provinceCode zip countryCodeV2 phone"
ORDERS_QUERY = f"""
query PullOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      legacyResourceId name email phone note updatedAt cancelledAt currencyCode taxesIncluded
      displayFinancialStatus paymentGatewayNames
      customer {{ email firstName lastName phone }}
      billingAddress {{ {_ADDRESS} }}
      shippingAddress {{ {_ADDRESS} }}
      lineItems(first: {LINES}) {{ pageInfo {{ hasNextPage }} nodes {{ sku name title quantity
        discountedUnitPriceSet {{ shopMoney {{ amount }} }} }} }}
      shippingLines(first: 3) {{ nodes {{ title originalPriceSet {{ shopMoney {{ amount }} }}
        discountedPriceSet {{ shopMoney {{ amount }} }} }} }}
    }}
  }}
}}
"""
CANCEL_MUTATION = """
mutation Cancel($orderId: ID!, $reason: OrderCancelReason!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refund: false, restock: true, notifyCustomer: false,
              staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""
FULFILLMENT_ORDERS_QUERY = """
query OpenWork($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: 5) {
      nodes { id status lineItems(first: 50) { nodes { id remainingQuantity } } }
    }
  }
}
"""
FULFIL_MUTATION = """
mutation Fulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""
OPEN_FULFILLMENT_STATUSES = frozenset({"OPEN", "IN_PROGRESS", "SCHEDULED"})


def order_gid(external_ref: str) -> str:
    return f"gid://shopify/Order/{external_ref}"


class ShopifyClient:
    def __init__(self, base_url: str, access_token: str, api_version: str = DEFAULT_API_VERSION, *,
                 policy: RetryPolicy = DEFAULT_POLICY, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self.path = f"/admin/api/{api_version}/graphql.json"
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=policy.timeout(), transport=transport,
                                       headers={"X-Shopify-Access-Token": access_token, "User-Agent": "oms-sync/1"})
        self._available: float | None = None
        self._restore_rate: float = 50.0

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any], *, policy: RetryPolicy = DEFAULT_POLICY,
                         transport: httpx.AsyncBaseTransport | None = None) -> ShopifyClient:
        base = str(credentials.get("base_url") or "").strip()
        domain = str(credentials.get("shop_domain") or "").strip()
        token = str(credentials.get("access_token") or "").strip()
        version = str(credentials.get("api_version") or DEFAULT_API_VERSION).strip()
        missing = [k for k, v in (("shop_domain or base_url", base or domain), ("access_token", token)) if not v]
        if missing:
            raise RemoteError(f"the channel's api_credentials lack {', '.join(missing)}", transient=False)
        if not _VERSION.fullmatch(version):
            raise RemoteError(f"api_version {version!r} is not a Shopify API version (YYYY-MM)", transient=False)
        return cls(base or f"https://{domain}", token, version, policy=policy, transport=transport)

    async def __aenter__(self) -> ShopifyClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._http.aclose()

    async def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of one GraphQL call, after waiting out throttling; GraphQL errors are RemoteErrors."""
        for _ in range(self.policy.max_throttle_waits + 1):
            resp = await send(self._http, "POST", self.path, policy=self.policy,
                              json={"query": query, "variables": variables or {}})
            try:
                body = resp.json()
            except ValueError as exc:
                raise RemoteError(f"Shopify answered HTTP {resp.status_code} without JSON", transient=True) from exc
            cost = (body.get("extensions") or {}).get("cost") or {}
            wait = self._note_cost(cost)
            errors = body.get("errors")
            if errors and _throttled(errors):
                if wait > self.policy.max_wait_s:
                    raise RemoteError("Shopify throttled the query for longer than we wait", transient=True)
                log.info("Shopify THROTTLED, waiting %.1f s for the bucket to refill", wait)
                await asyncio.sleep(wait)
                continue
            if errors:
                raise RemoteError(f"Shopify GraphQL errors: {_messages(errors)}", transient=False)
            data = body.get("data")
            if not isinstance(data, dict):
                raise RemoteError("Shopify answered without data", transient=False)
            if 0 < wait <= self.policy.max_wait_s:
                await asyncio.sleep(wait)  # the next call of this size would be throttled: pace ourselves
            return data
        raise RemoteError("Shopify kept throttling the query", transient=True)

    def _note_cost(self, cost: dict[str, Any]) -> float:
        """Seconds until the bucket holds another query of this cost (0 when it already does)."""
        status = cost.get("throttleStatus") or {}
        try:
            available = float(status["currentlyAvailable"])
            rate = float(status.get("restoreRate") or self._restore_rate)
            needed = float(cost.get("requestedQueryCost") or 0)
        except (KeyError, TypeError, ValueError):
            return 0.0
        self._available, self._restore_rate = available, max(rate, 1.0)
        return max(0.0, (needed - available) / self._restore_rate) + (0.05 if needed > available else 0.0)

    async def orders_updated_since(self, since: datetime) -> AsyncIterator[list[PulledOrder]]:
        """Pages of orders updated at or after `since`, oldest update first, in the REST shape of the webhooks."""
        start = since.astimezone(UTC) - PULL_OVERLAP  # see PULL_OVERLAP
        search = f"updated_at:>='{start.strftime('%Y-%m-%dT%H:%M:%SZ')}'"
        after: str | None = None
        for _ in range(MAX_PAGES):
            data = await self.graphql(ORDERS_QUERY, {"first": PAGE, "after": after, "query": search})
            orders = data.get("orders") or {}
            yield [o for o in (rest_order(n) for n in orders.get("nodes") or []) if o is not None]
            info = orders.get("pageInfo") or {}
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not after:
                return

    async def cancel(self, external_ref: str, *, reason: str, staff_note: str | None) -> bool:
        """True when cancelled now, False when Shopify says it already is."""
        data = await self.graphql(CANCEL_MUTATION, {"orderId": order_gid(external_ref), "reason": reason,
                                                    "staffNote": staff_note})
        errors = (data.get("orderCancel") or {}).get("orderCancelUserErrors") or []
        if not errors:
            return True
        text = _messages(errors)
        if "already" in text.lower() and "cancel" in text.lower():
            return False
        raise RemoteError(f"orderCancel refused: {text}", transient=False)

    async def fulfil(self, external_ref: str, *, company: str | None, number: str | None,
                     url: str | None) -> bool:
        """Fulfils every open fulfillment order with the tracking info; False when nothing was left open."""
        data = await self.graphql(FULFILLMENT_ORDERS_QUERY, {"id": order_gid(external_ref)})
        order = data.get("order")
        if order is None:
            raise RemoteError(f"Shopify has no order {external_ref}", transient=False)
        groups = []
        for fo in (order.get("fulfillmentOrders") or {}).get("nodes") or []:
            lines = [{"id": li["id"], "quantity": li["remainingQuantity"]}
                     for li in (fo.get("lineItems") or {}).get("nodes") or [] if li.get("remainingQuantity")]
            if fo.get("status") in OPEN_FULFILLMENT_STATUSES and lines:
                groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": lines})
        if not groups:
            return False
        tracking = {k: v for k, v in (("company", company), ("number", number), ("url", url)) if v}
        result = await self.graphql(FULFIL_MUTATION, {"fulfillment": {
            "lineItemsByFulfillmentOrder": groups, "trackingInfo": tracking, "notifyCustomer": True}})
        errors = (result.get("fulfillmentCreate") or {}).get("userErrors") or []
        if errors:
            raise RemoteError(f"fulfillmentCreate refused: {_messages(errors)}", transient=False)
        return True


def _throttled(errors: Any) -> bool:
    return isinstance(errors, list) and any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors)


def _messages(errors: Any) -> str:
    if isinstance(errors, list):
        return "; ".join(str(e.get("message") if isinstance(e, dict) else e) for e in errors)[:500]
    return str(errors)[:500]


def _amount(bag: Any) -> str | None:
    money = (bag or {}).get("shopMoney") if isinstance(bag, dict) else None
    return str(money["amount"]) if isinstance(money, dict) and money.get("amount") is not None else None


def _address(a: Any) -> dict[str, Any] | None:
    if not isinstance(a, dict):
        return None
    return {"first_name": a.get("firstName"), "last_name": a.get("lastName"), "name": a.get("name"),
            "company": a.get("company"), "address1": a.get("address1"), "address2": a.get("address2"),
            "city": a.get("city"), "province": a.get("province"), "province_code": a.get("provinceCode"),
            "zip": a.get("zip"), "country_code": a.get("countryCodeV2"), "phone": a.get("phone")}


def rest_order(node: Any) -> PulledOrder | None:
    """A GraphQL Order as the REST-shaped order of the webhooks, so one translator reads both. Line prices are
    the discounted unit prices; line tax amounts are not fetched (see docs/integrations.md)."""
    if not isinstance(node, dict) or not str(node.get("legacyResourceId") or "").isdigit():
        return None
    modified = parse_time(node.get("updatedAt"))
    if modified is None:
        return None
    customer = node.get("customer")
    payload = {
        "id": int(node["legacyResourceId"]), "name": node.get("name"), "email": node.get("email"),
        "phone": node.get("phone"), "note": node.get("note"), "currency": node.get("currencyCode") or "RON",
        "updated_at": node.get("updatedAt"), "cancelled_at": node.get("cancelledAt"),
        "financial_status": str(node.get("displayFinancialStatus") or "").lower() or None,
        "taxes_included": bool(node.get("taxesIncluded", True)),
        "payment_gateway_names": list(node.get("paymentGatewayNames") or []),
        "customer": None if not isinstance(customer, dict) else {
            "email": customer.get("email"), "first_name": customer.get("firstName"),
            "last_name": customer.get("lastName"), "phone": customer.get("phone")},
        "billing_address": _address(node.get("billingAddress")),
        "shipping_address": _address(node.get("shippingAddress")),
        "line_items": [{"sku": li.get("sku"), "name": li.get("name"), "title": li.get("title") or "",
                        "quantity": li.get("quantity"), "price": _amount(li.get("discountedUnitPriceSet")) or "0"}
                       for li in (node.get("lineItems") or {}).get("nodes") or []],
        "shipping_lines": [{"title": sl.get("title") or "", "price": _amount(sl.get("originalPriceSet")) or "0",
                            "discounted_price": _amount(sl.get("discountedPriceSet"))}
                           for sl in (node.get("shippingLines") or {}).get("nodes") or []],
        "source": "admin_graphql_pull",
        # More lines than one pull query reads: the translator refuses the order (a sync-log entry) rather
        # than import it short; its webhook carries every line.
        TRUNCATED: bool(((node.get("lineItems") or {}).get("pageInfo") or {}).get("hasNextPage")),
    }
    if customer is None:
        payload.pop("customer")
    return PulledOrder(str(payload["id"]), modified, payload)
