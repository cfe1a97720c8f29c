"""HTTP surface of the WooCommerce simulator: the REST API v3 order routes and the /_sandbox control API."""

from __future__ import annotations

import base64
import hmac
import math
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
from adapters.sandbox.woocommerce import API, GATEWAYS, ORDERBY, STATUSES, WooShop, wc_error

# --- REST API ----------------------------------------------------------------------------------------------------


def _authorised(shop: WooShop, request: Request) -> bool:
    key, secret = request.query_params.get("consumer_key"), request.query_params.get("consumer_secret")
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
    return hmac.compare_digest(f"{key}:{secret}", f"{shop.consumer_key}:{shop.consumer_secret}")


def _guard(shop: WooShop, request: Request, action: str) -> Response | None:
    fault = shop.faults.take()
    if fault:
        status, retry_after = fault
        if status == 429:
            return fault_response(429, retry_after, "<html><body><h1>429 Too Many Requests</h1></body></html>")
        return fault_response(status, retry_after, {
            "code": "internal_server_error", "data": {"status": status}, "additional_errors": [],
            "message": "<p>There has been a critical error on this website.</p>"})
    if not request.headers.get("authorization") and "consumer_key" not in request.query_params:
        return wc_error("woocommerce_rest_cannot_view", f"Sorry, you cannot {action}.", 401)
    if not _authorised(shop, request):
        return wc_error("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401)
    return None


def _parse_date(raw: str, gmt: bool, tz: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if gmt else tz)
    return moment.astimezone(UTC)


def _order_time(order: dict[str, Any], field_name: str) -> datetime:
    return datetime.fromisoformat(order[f"{field_name}_gmt"]).replace(tzinfo=UTC)


def _invalid(param: str, reason: str) -> JSONResponse:
    return wc_error("rest_invalid_param", f"Invalid parameter(s): {param}", 400, params={param: reason},
                    details={})


# A real Romanian gateway plugin that the demo channel deliberately leaves unmapped.
UNMAPPED_GATEWAY = ("netopiapayments", "NETOPIA Payments (card)")


def build_app(shop: WooShop, trickle_seconds: float | None = None, *, trickle_jitter: float = 0.0,
              error_rate: float = 0.0) -> Starlette:
    """`error_rate`: the share of random orders with a demo mistake (an unknown SKU or an unmapped gateway)."""

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    async def list_orders(request: Request) -> Response:
        if (denied := _guard(shop, request, "list resources")) is not None:
            return denied
        q = request.query_params
        try:
            page = int(q.get("page", "1"))
            per_page = int(q.get("per_page", "10"))
        except ValueError:
            return _invalid("page", "page is not of type integer.")
        if not 1 <= per_page <= 100:
            return _invalid("per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)")
        if page < 1:
            return _invalid("page", "page must be greater than or equal to 1")
        orderby, direction = q.get("orderby", "date"), q.get("order", "desc")
        if orderby not in ORDERBY:
            return _invalid("orderby", f"orderby is not one of {', '.join(ORDERBY)}.")
        if direction not in ("asc", "desc"):
            return _invalid("order", "order is not one of asc, desc.")
        gmt = q.get("dates_are_gmt", "false").lower() in ("1", "true")
        items = [o for o in shop.orders.values() if o["status"] != "trash"]
        wanted = [s for s in q.get("status", "any").split(",") if s]
        if wanted and "any" not in wanted:
            items = [o for o in items if o["status"] in wanted]
        filters = (("after", "date_created", 1), ("before", "date_created", -1),
                   ("modified_after", "date_modified", 1), ("modified_before", "date_modified", -1))
        for param, field_name, sign_ in filters:
            if param in q:
                try:
                    limit = _parse_date(q[param], gmt, shop.tz)
                except ValueError:
                    return _invalid(param, "Invalid date.")
                # WP_Query date_query 'after'/'before' are exclusive, to the second.
                items = [o for o in items if (_order_time(o, field_name) - limit).total_seconds() * sign_ > 0]
        if "include" in q:
            ids = {int(x) for x in q["include"].split(",") if x.strip().isdigit()}
            items = [o for o in items if o["id"] in ids]
        key = {"modified": lambda o: (o["date_modified_gmt"], o["id"]),
               "id": lambda o: (o["id"],)}.get(orderby, lambda o: (o["date_created_gmt"], o["id"]))
        items.sort(key=key, reverse=direction == "desc")
        total = len(items)
        pages = math.ceil(total / per_page) if total else 0
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        links = []
        url = request.url
        if page > 1:
            links.append(f'<{url.include_query_params(page=page - 1)}>; rel="prev"')
        if page < pages:
            links.append(f'<{url.include_query_params(page=page + 1)}>; rel="next"')
        if links:
            headers["Link"] = ", ".join(links)
        return JSONResponse([shop.rest_order(o, base(request)) for o in chunk], headers=headers)

    def find(request: Request) -> dict[str, Any] | None:
        try:
            return shop.orders.get(int(request.path_params["order_id"]))
        except ValueError:
            return None

    async def get_order(request: Request) -> Response:
        if (denied := _guard(shop, request, "view this resource")) is not None:
            return denied
        order = find(request)
        if order is None:
            return wc_error("woocommerce_rest_shop_order_invalid_id", "ID nevalid.", 404)
        return JSONResponse(shop.rest_order(order, base(request)))

    async def update_order(request: Request) -> Response:
        if (denied := _guard(shop, request, "edit this resource")) is not None:
            return denied
        order = find(request)
        if order is None:
            return wc_error("woocommerce_rest_shop_order_invalid_id", "ID nevalid.", 404)
        changes = await json_body(request)
        if "status" in changes and changes["status"] not in STATUSES:
            return _invalid("status", f"status is not one of {', '.join(STATUSES)}.")
        shop.update_order(order, changes)
        if shop.echo_api_changes:
            shop.sender.background(shop.deliver("order.updated", dict(order)))
        return JSONResponse(shop.rest_order(order, base(request)))

    async def notes(request: Request) -> Response:
        if (denied := _guard(shop, request, "create resources" if request.method == "POST" else "list resources")):
            return denied
        order = find(request)
        if order is None:
            return wc_error("woocommerce_rest_order_invalid_id", "ID nevalid.", 404)
        if request.method == "GET":
            return JSONResponse(shop.notes[order["id"]])
        data = await json_body(request)
        if not data.get("note"):
            return wc_error("rest_missing_callback_param", "Missing parameter(s): note", 400, params=["note"])
        note = shop.add_note(order["id"], str(data["note"]), bool(data.get("customer_note", False)),
                             bool(data.get("added_by_user", False)))
        link = f"{base(request)}{API}/orders/{order['id']}/notes/{note['id']}"
        return JSONResponse({**note, "_links": {"self": [{"href": link}]}}, status_code=201)

    # --- control API for tests and demo mode ---------------------------------------------------------------------

    async def ctl_config(request: Request) -> Response:
        data = await json_body(request)
        try:
            if "webhook_url" in data:
                shop.webhook_url = check_loopback(data["webhook_url"]) if data["webhook_url"] else None
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        shop.secret = data.get("secret", shop.secret)
        shop.echo_api_changes = bool(data.get("echo_api_changes", shop.echo_api_changes))
        shop.sender.drop_all = bool(data.get("drop_webhooks", shop.sender.drop_all))
        shop.sender.drop_next = int(data.get("drop_next", shop.sender.drop_next))
        if data.get("reactivate_webhooks"):
            shop.disabled_webhooks.clear()
            shop.webhook_failures.clear()
        if "clock_offset_seconds" in data:
            shop.clock_offset = timedelta(seconds=float(data["clock_offset_seconds"]))
        return JSONResponse(describe())

    def describe() -> dict[str, Any]:
        return {"shop": "woocommerce", "webhook_url": shop.webhook_url, "source": shop.source,
                "webhook_ids": shop.webhook_ids, "disabled_webhooks": sorted(shop.disabled_webhooks),
                "drop_webhooks": shop.sender.drop_all, "drop_next": shop.sender.drop_next,
                "echo_api_changes": shop.echo_api_changes, "faults": shop.faults.describe(),
                "orders": len(shop.orders), "products": sorted(shop.products)}

    async def ctl_state(request: Request) -> Response:
        return JSONResponse(describe())

    async def ctl_products(request: Request) -> Response:
        data = await json_body(request)
        if not data.get("sku"):
            return JSONResponse({"error": "sku is required"}, status_code=400)
        p = shop.add_product(data["sku"], data.get("name", data["sku"]), str(data.get("price", "10.00")),
                             str(data.get("vat_rate", "21")))
        return JSONResponse({"sku": p.sku, "product_id": p.product_id, "price": money(p.price)}, status_code=201)

    async def ctl_create_order(request: Request) -> Response:
        spec = await json_body(request)
        order = shop.create_order(spec)
        delivery = await shop.deliver("order.created", order) if spec.get("deliver", True) else None
        return JSONResponse({"order": order, "delivery": delivery}, status_code=201)

    async def ctl_random_orders(request: Request) -> Response:
        data = await json_body(request)
        out = [await random_order() for _ in range(int(data.get("count", 1)))]
        return JSONResponse({"orders": [o["id"] for o in out]}, status_code=201)

    async def random_order() -> dict[str, Any]:
        mistake = demo_mistake(shop.rng, error_rate)
        skus = shop.rng.sample(sorted(shop.products), k=shop.rng.randint(1, min(3, len(shop.products))))
        spec: dict[str, Any] = {
            "payment_method": shop.rng.choice(sorted(GATEWAYS)), "customer": random_person(shop.rng),
            "lines": [{"sku": s, "quantity": shop.rng.randint(1, 3)} for s in skus]}
        if mistake == "gateway":
            spec |= {"payment_method": UNMAPPED_GATEWAY[0], "payment_method_title": UNMAPPED_GATEWAY[1]}
        elif mistake == "sku":
            sku, name, price = UNKNOWN_PRODUCT
            spec["lines"].append({"sku": sku, "name": name, "price": price, "quantity": 1})
        with off_catalog(shop.products, UNKNOWN_PRODUCT[0]):
            order = shop.create_order(spec)
        await shop.deliver("order.created", order)
        return order

    async def ctl_shop_update(request: Request) -> Response:
        order = find(request)
        if order is None:
            return JSONResponse({"error": "no such order"}, status_code=404)
        data = await json_body(request)
        shop.update_order(order, data)
        delivery = await shop.deliver("order.updated", order) if data.get("deliver", True) else None
        return JSONResponse({"order": order, "delivery": delivery})

    async def ctl_redeliver(request: Request) -> Response:
        ref = request.path_params["delivery"]
        matches = [k for k in shop.sender.order if k == ref
                   or shop.sender.deliveries[k].headers.get("X-WC-Webhook-Delivery-ID") == ref]
        if not matches:
            return JSONResponse({"error": "no such delivery"}, status_code=404)
        q = request.query_params
        results = await shop.sender.resend(matches[-1], int(q.get("times", "1")), q.get("concurrent") == "true")
        return JSONResponse({"delivery": shop.sender.deliveries[matches[-1]].describe(), "results": results})

    async def ctl_deliveries(request: Request) -> Response:
        return JSONResponse(shop.sender.listing(int(request.query_params.get("limit", "100"))))

    async def ctl_ping(request: Request) -> Response:
        data = await json_body(request)
        try:
            return JSONResponse(await shop.ping(int(data.get("webhook_id", shop.webhook_ids["order.created"]))))
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    async def ctl_faults(request: Request) -> Response:
        return JSONResponse(shop.faults.arm(await json_body(request)))

    routes = [
        Route(f"{API}/orders", list_orders, methods=["GET"]),
        Route(f"{API}/orders/{{order_id}}", get_order, methods=["GET"]),
        Route(f"{API}/orders/{{order_id}}", update_order, methods=["PUT", "POST", "PATCH"]),
        Route(f"{API}/orders/{{order_id}}/notes", notes, methods=["GET", "POST"]),
        Route("/_sandbox/state", ctl_state, methods=["GET"]),
        Route("/_sandbox/config", ctl_config, methods=["POST"]),
        Route("/_sandbox/products", ctl_products, methods=["POST"]),
        Route("/_sandbox/orders", ctl_create_order, methods=["POST"]),
        Route("/_sandbox/orders/random", ctl_random_orders, methods=["POST"]),
        Route("/_sandbox/orders/{order_id}/update", ctl_shop_update, methods=["POST"]),
        Route("/_sandbox/webhooks/redeliver/{delivery}", ctl_redeliver, methods=["POST"]),
        Route("/_sandbox/webhooks/ping", ctl_ping, methods=["POST"]),
        Route("/_sandbox/deliveries", ctl_deliveries, methods=["GET"]),
        Route("/_sandbox/faults", ctl_faults, methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=trickle_lifespan(random_order, trickle_seconds, trickle_jitter))

