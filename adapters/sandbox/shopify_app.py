"""HTTP surface of the Shopify simulator: POST /admin/api/{version}/graphql.json and the /_sandbox control API."""

from __future__ import annotations

import hmac
import re
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sandbox.common import (
    UNKNOWN_PRODUCT,
    check_loopback,
    demo_mistake,
    fault_response,
    json_body,
    money,
    off_catalog,
    random_person,
    trickle_lifespan,
)
from adapters.sandbox.shopify import GATEWAYS, ShopifyShop
from adapters.sandbox.shopify_graphql import execute

VERSION = re.compile(r"\d{4}-(01|04|07|10)|unstable")


# A real Shopify gateway that the demo channel deliberately leaves unmapped.
UNMAPPED_GATEWAY = "gift_card"


def build_app(shop: ShopifyShop, trickle_seconds: float | None = None, *, trickle_jitter: float = 0.0,
              error_rate: float = 0.0) -> Starlette:
    """`error_rate`: the share of random orders with a demo mistake (an unknown SKU or an unmapped gateway)."""

    async def graphql(request: Request) -> Response:
        version = request.path_params["version"]
        if not VERSION.fullmatch(version):
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        fault = shop.faults.take()
        if fault:
            status, retry_after = fault
            message = ("Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted "
                       "service." if status == 429 else "Internal Server Error")
            return fault_response(status, retry_after, {"errors": message})
        token = request.headers.get("x-shopify-access-token", "")
        if not hmac.compare_digest(token, shop.access_token):
            return JSONResponse(
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
                status_code=401)
        query: Any
        variables: Any = {}
        operation: Any = None
        if request.headers.get("content-type", "").startswith("application/graphql"):
            query = (await request.body()).decode()
        else:
            data = await json_body(request)
            query, variables, operation = data.get("query"), data.get("variables"), data.get("operationName")
        if not isinstance(query, str) or not query.strip():
            return JSONResponse({"errors": {"query": "Required parameter missing or invalid"}}, status_code=400)
        result = await execute(shop, query, variables if isinstance(variables, dict) else {}, operation)
        return JSONResponse(result, headers={"X-Shopify-API-Version": version})

    def find(request: Request) -> dict[str, Any] | None:
        try:
            return shop.orders.get(int(request.path_params["order_id"]))
        except ValueError:
            return None

    def describe() -> dict[str, Any]:
        return {"shop": "shopify", "domain": shop.domain, "api_version": shop.api_version,
                "webhook_url": shop.webhook_url, "topics": sorted(shop.topics),
                "drop_webhooks": shop.sender.drop_all, "drop_next": shop.sender.drop_next,
                "echo_api_changes": shop.echo_api_changes, "faults": shop.faults.describe(),
                "throttle": shop.bucket.status(), "orders": len(shop.orders), "products": sorted(shop.products)}

    async def ctl_state(request: Request) -> Response:
        return JSONResponse(describe())

    async def ctl_config(request: Request) -> Response:
        data = await json_body(request)
        try:
            if "webhook_url" in data:
                shop.webhook_url = check_loopback(data["webhook_url"]) if data["webhook_url"] else None
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        shop.secret = data.get("secret", shop.secret)
        shop.api_version = data.get("api_version", shop.api_version)
        shop.echo_api_changes = bool(data.get("echo_api_changes", shop.echo_api_changes))
        shop.sender.drop_all = bool(data.get("drop_webhooks", shop.sender.drop_all))
        shop.sender.drop_next = int(data.get("drop_next", shop.sender.drop_next))
        if isinstance(data.get("topics"), list):
            shop.topics = set(data["topics"])
        return JSONResponse(describe())

    async def ctl_throttle(request: Request) -> Response:
        data = await json_body(request)
        bucket = shop.bucket
        bucket.maximum = float(data.get("maximum_available", bucket.maximum))
        bucket.restore_rate = float(data.get("restore_rate", bucket.restore_rate))
        bucket.available = float(data.get("currently_available", bucket.available))
        bucket.at = 0.0
        return JSONResponse(bucket.status())

    async def ctl_products(request: Request) -> Response:
        data = await json_body(request)
        if not data.get("sku"):
            return JSONResponse({"error": "sku is required"}, status_code=400)
        p = shop.add_product(data["sku"], data.get("name", data["sku"]), str(data.get("price", "10.00")),
                             str(data.get("vat_rate", "21")))
        return JSONResponse({"sku": p.sku, "product_id": p.product_id, "variant_id": p.variation_id,
                             "price": money(p.price)}, status_code=201)

    async def ctl_create_order(request: Request) -> Response:
        spec = await json_body(request)
        order = shop.create_order(spec)
        topics = ["orders/create"] + (["orders/paid"] if order["financial_status"] == "paid" else [])
        deliveries = await shop.emit(topics, order) if spec.get("deliver", True) else []
        return JSONResponse({"order": order, "deliveries": deliveries}, status_code=201)

    async def random_order() -> dict[str, Any]:
        mistake = demo_mistake(shop.rng, error_rate)
        skus = shop.rng.sample(sorted(shop.products), k=shop.rng.randint(1, min(3, len(shop.products))))
        spec: dict[str, Any] = {
            "gateway": shop.rng.choice(GATEWAYS), "customer": random_person(shop.rng),
            "lines": [{"sku": s, "quantity": shop.rng.randint(1, 3)} for s in skus]}
        if mistake == "gateway":
            spec["gateway"] = UNMAPPED_GATEWAY
        elif mistake == "sku":
            sku, name, price = UNKNOWN_PRODUCT
            spec["lines"].append({"sku": sku, "name": name, "price": price, "quantity": 1})
        with off_catalog(shop.products, UNKNOWN_PRODUCT[0]):
            order = shop.create_order(spec)
        await shop.emit(["orders/create"] + (["orders/paid"] if order["financial_status"] == "paid" else []), order)
        return order

    async def ctl_random_orders(request: Request) -> Response:
        data = await json_body(request)
        out = [await random_order() for _ in range(int(data.get("count", 1)))]
        return JSONResponse({"orders": [o["id"] for o in out]}, status_code=201)

    async def ctl_event(request: Request) -> Response:
        """Something happens in the Shopify admin: pay, cancel or edit an order (fires the matching webhooks)."""
        order = find(request)
        if order is None:
            return JSONResponse({"error": "no such order"}, status_code=404)
        data = await json_body(request)
        action = data.get("action", "update")
        if action == "pay":
            shop.mark_paid(order)
            topics = ["orders/paid", "orders/updated"]
        elif action == "cancel":
            shop.cancel(order, str(data.get("reason", "customer")), refund=bool(data.get("refund")))
            topics = ["orders/cancelled", "orders/updated"]
        elif action == "update":
            for key in ("note", "tags", "email", "phone"):
                if key in data:
                    order[key] = data[key]
            shop.touch(order)
            topics = ["orders/updated"]
        else:
            return JSONResponse({"error": f"unknown action {action!r}"}, status_code=400)
        deliveries = await shop.emit(topics, order) if data.get("deliver", True) else []
        return JSONResponse({"order": order, "deliveries": deliveries})

    async def ctl_order(request: Request) -> Response:
        order = find(request)
        if order is None:
            return JSONResponse({"error": "no such order"}, status_code=404)
        return JSONResponse({"order": order, "fulfillment_orders": shop.fulfillment_orders[order["id"]]})

    async def ctl_redeliver(request: Request) -> Response:
        key = request.path_params["delivery"]
        if key not in shop.sender.deliveries:
            return JSONResponse({"error": "no such delivery"}, status_code=404)
        q = request.query_params
        results = await shop.sender.resend(key, int(q.get("times", "1")), q.get("concurrent") == "true")
        return JSONResponse({"delivery": shop.sender.deliveries[key].describe(), "results": results})

    async def ctl_deliveries(request: Request) -> Response:
        return JSONResponse(shop.sender.listing(int(request.query_params.get("limit", "100"))))

    async def ctl_faults(request: Request) -> Response:
        return JSONResponse(shop.faults.arm(await json_body(request)))

    routes = [
        Route("/admin/api/{version}/graphql.json", graphql, methods=["POST"]),
        Route("/_sandbox/state", ctl_state, methods=["GET"]),
        Route("/_sandbox/config", ctl_config, methods=["POST"]),
        Route("/_sandbox/throttle", ctl_throttle, methods=["POST"]),
        Route("/_sandbox/products", ctl_products, methods=["POST"]),
        Route("/_sandbox/orders", ctl_create_order, methods=["POST"]),
        Route("/_sandbox/orders/random", ctl_random_orders, methods=["POST"]),
        Route("/_sandbox/orders/{order_id}", ctl_order, methods=["GET"]),
        Route("/_sandbox/orders/{order_id}/events", ctl_event, methods=["POST"]),
        Route("/_sandbox/webhooks/redeliver/{delivery}", ctl_redeliver, methods=["POST"]),
        Route("/_sandbox/deliveries", ctl_deliveries, methods=["GET"]),
        Route("/_sandbox/faults", ctl_faults, methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=trickle_lifespan(random_order, trickle_seconds, trickle_jitter))
