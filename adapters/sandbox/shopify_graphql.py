"""The Shopify simulator's Admin GraphQL API: orders/order/job/shop queries, fulfillmentCreate, orderCancel and
orderMarkAsPaid, with Shopify's calculated query cost and leaky-bucket throttling (extensions.cost)."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from adapters.sandbox import graphql_lite as gql
from adapters.sandbox.shopify import ShopifyShop

CONNECTIONS = {"orders", "lineItems", "shippingLines", "fulfillmentOrders"}
MAX_QUERY_COST = 1000
CANCEL_REASONS = {"CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"}


class ArgumentError(Exception):
    pass


def gql_time(stamp: str | None) -> str | None:
    """GraphQL DateTime: UTC with a Z, whatever offset the REST payload carries."""
    if stamp is None:
        return None
    return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bag(rest_set: dict[str, Any]) -> dict[str, Any]:
    def m(v: dict[str, Any]) -> dict[str, Any]:
        return {"__typename": "MoneyV2", "amount": v["amount"], "currencyCode": v["currency_code"]}

    return {"__typename": "MoneyBag", "shopMoney": m(rest_set["shop_money"]),
            "presentmentMoney": m(rest_set["presentment_money"])}


def encode_cursor(data: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.b64decode(cursor))
    except ValueError as exc:
        raise ArgumentError(f"Invalid cursor for current pagination sort: {cursor}") from exc
    if not isinstance(data, dict):
        raise ArgumentError(f"Invalid cursor for current pagination sort: {cursor}")
    return data


def connection(items: list[dict[str, Any]], args: dict[str, Any], typename: str,
               cursor_of: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """Relay connection over already-sorted nodes; cursors carry the last id so pages stay stable."""
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise ArgumentError("you must provide one of first or last")
    if (first or 0) > 250 or (last or 0) > 250:
        raise ArgumentError("The maximum number of items that can be requested is 250")
    pairs = [(encode_cursor(cursor_of(n)), n) for n in items]
    ids = [cursor_of(n)["last_id"] for n in items]
    start, end = 0, len(pairs)
    if args.get("after"):
        after_id = decode_cursor(args["after"]).get("last_id")
        start = ids.index(after_id) + 1 if after_id in ids else len(ids)
    if args.get("before"):
        before_id = decode_cursor(args["before"]).get("last_id")
        end = ids.index(before_id) if before_id in ids else end
    window = pairs[start:end]
    has_next = has_prev = False
    if first is not None:
        has_next = len(window) > first or end < len(pairs)
        window = window[:first]
        has_prev = start > 0
    if last is not None:
        has_prev = len(window) > last or start > 0
        window = window[-last:] if last else []
    page_info = {"__typename": "PageInfo", "hasNextPage": has_next, "hasPreviousPage": has_prev,
                 "startCursor": window[0][0] if window else None, "endCursor": window[-1][0] if window else None}
    edge_type = typename.removesuffix("Connection") + "Edge"
    return {"__typename": typename, "pageInfo": page_info,
            "edges": [{"__typename": edge_type, "cursor": c, "node": n} for c, n in window],
            "nodes": [n for _, n in window]}


def address_view(a: dict[str, Any] | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"__typename": "MailingAddress", "firstName": a["first_name"], "lastName": a["last_name"],
            "name": a["name"], "company": a["company"], "address1": a["address1"], "address2": a["address2"],
            "city": a["city"], "province": a["province"], "provinceCode": a["province_code"], "zip": a["zip"],
            "country": a["country"], "countryCodeV2": a["country_code"], "phone": a["phone"]}


class OrderViews:
    """GraphQL objects built on demand from the REST-shaped shop state."""

    def __init__(self, shop: ShopifyShop) -> None:
        self.shop = shop

    def line_item(self, li: dict[str, Any]) -> dict[str, Any]:
        unit = bag(li["price_set"])
        variant_gid = f"gid://shopify/ProductVariant/{li['variant_id']}"
        return {
            "__typename": "LineItem", "id": li["admin_graphql_api_id"], "sku": li["sku"], "name": li["name"],
            "title": li["title"], "quantity": li["quantity"], "currentQuantity": li["current_quantity"],
            "unfulfilledQuantity": li["fulfillable_quantity"], "variantTitle": li["variant_title"],
            "vendor": li["vendor"], "requiresShipping": li["requires_shipping"], "taxable": li["taxable"],
            "originalUnitPriceSet": unit, "discountedUnitPriceSet": unit,
            "variant": {"__typename": "ProductVariant", "id": variant_gid, "sku": li["sku"],
                        "legacyResourceId": str(li["variant_id"])},
            "product": {"__typename": "Product", "id": f"gid://shopify/Product/{li['product_id']}",
                        "title": li["title"]},
        }

    def shipping_line(self, sl: dict[str, Any]) -> dict[str, Any]:
        return {"__typename": "ShippingLine", "id": f"gid://shopify/ShippingLine/{sl['id']}", "title": sl["title"],
                "code": sl["code"], "source": sl["source"], "carrierIdentifier": sl["carrier_identifier"],
                "originalPriceSet": bag(sl["price_set"]), "discountedPriceSet": bag(sl["discounted_price_set"])}

    def fulfillment_order(self, order: dict[str, Any], fo: dict[str, Any]) -> dict[str, Any]:
        by_line = {li["id"]: li for li in order["line_items"]}

        def fo_line(x: dict[str, Any]) -> dict[str, Any]:
            item = by_line[x["line_item_id"]]
            return {"__typename": "FulfillmentOrderLineItem",
                    "id": f"gid://shopify/FulfillmentOrderLineItem/{x['id']}", "totalQuantity": x["total"],
                    "remainingQuantity": x["remaining"], "sku": item["sku"], "lineItem": self.line_item(item)}

        return {"__typename": "FulfillmentOrder", "id": f"gid://shopify/FulfillmentOrder/{fo['id']}",
                "status": fo["status"], "orderId": order["admin_graphql_api_id"],
                "lineItems": lambda a: connection([fo_line(x) for x in fo["line_items"]], a,
                                                  "FulfillmentOrderLineItemConnection", lambda n: {"last_id": n["id"]})}

    def fulfillment(self, f: dict[str, Any]) -> dict[str, Any]:
        infos = [{"__typename": "FulfillmentTrackingInfo", "company": f["tracking_company"], "number": n,
                  "url": f["tracking_urls"][i] if i < len(f["tracking_urls"]) else None}
                 for i, n in enumerate(f["tracking_numbers"] or [None])]
        return {"__typename": "Fulfillment", "id": f["admin_graphql_api_id"], "legacyResourceId": str(f["id"]),
                "name": f["name"], "status": f["status"].upper(), "displayStatus": "FULFILLED",
                "createdAt": gql_time(f["created_at"]), "updatedAt": gql_time(f["updated_at"]),
                "trackingInfo": lambda a: infos[: a.get("first") or None]}

    def order(self, o: dict[str, Any]) -> dict[str, Any]:
        customer = o.get("customer")
        status = {None: "UNFULFILLED", "partial": "PARTIALLY_FULFILLED", "fulfilled": "FULFILLED"}
        fos = self.shop.fulfillment_orders[o["id"]]
        return {
            "__typename": "Order", "id": o["admin_graphql_api_id"], "legacyResourceId": str(o["id"]),
            "name": o["name"], "email": o["email"] or None, "phone": o["phone"], "note": o["note"],
            "tags": [t.strip() for t in o["tags"].split(",") if t.strip()],
            "createdAt": gql_time(o["created_at"]), "updatedAt": gql_time(o["updated_at"]),
            "processedAt": gql_time(o["processed_at"]), "cancelledAt": gql_time(o["cancelled_at"]),
            "cancelReason": o["cancel_reason"].upper() if o["cancel_reason"] else None,
            "closed": o["closed_at"] is not None, "closedAt": gql_time(o["closed_at"]), "confirmed": o["confirmed"],
            "test": o["test"], "sourceName": o["source_name"], "currencyCode": o["currency"],
            "presentmentCurrencyCode": o["presentment_currency"], "taxesIncluded": o["taxes_included"],
            "displayFinancialStatus": o["financial_status"].upper(),
            "displayFulfillmentStatus": status.get(o["fulfillment_status"], "UNFULFILLED"),
            "fullyPaid": o["financial_status"] == "paid", "paymentGatewayNames": o["payment_gateway_names"],
            "totalPriceSet": bag(o["total_price_set"]), "subtotalPriceSet": bag(o["subtotal_price_set"]),
            "currentTotalPriceSet": bag(o["current_total_price_set"]),
            "totalShippingPriceSet": bag(o["total_shipping_price_set"]), "totalTaxSet": bag(o["total_tax_set"]),
            "totalDiscountsSet": bag(o["total_discounts_set"]), "statusPageUrl": o["order_status_url"],
            "customer": None if customer is None else {
                "__typename": "Customer", "id": customer["admin_graphql_api_id"],
                "legacyResourceId": str(customer["id"]), "email": customer["email"],
                "firstName": customer["first_name"], "lastName": customer["last_name"], "phone": customer["phone"],
                "displayName": f"{customer['first_name']} {customer['last_name']}"},
            "billingAddress": address_view(o["billing_address"]),
            "shippingAddress": address_view(o["shipping_address"]),
            "lineItems": lambda a: connection([self.line_item(li) for li in o["line_items"]], a, "LineItemConnection",
                                              lambda n: {"last_id": int(n["id"].rsplit("/", 1)[1])}),
            "shippingLines": lambda a: connection([self.shipping_line(s) for s in o["shipping_lines"]], a,
                                                  "ShippingLineConnection",
                                                  lambda n: {"last_id": int(n["id"].rsplit("/", 1)[1])}),
            "fulfillmentOrders": lambda a: connection([self.fulfillment_order(o, fo) for fo in fos], a,
                                                      "FulfillmentOrderConnection",
                                                      lambda n: {"last_id": int(n["id"].rsplit("/", 1)[1])}),
            "fulfillments": lambda a: [self.fulfillment(f) for f in o["fulfillments"]][: a.get("first") or None],
        }


# --- the orders search syntax ------------------------------------------------------------------------------------

_TERM = re.compile(r"""(\w+):(>=|<=|>|<)?(?:'([^']*)'|"([^"]*)"|(\S+))""")
_SEARCH_FIELDS = {"updated_at": "updated_at", "created_at": "created_at", "processed_at": "processed_at"}


def _compare(op: str, a: datetime, b: datetime) -> bool:
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}.get(op, a == b)


def _term(shop: ShopifyShop, name: str, op: str, value: str) -> Callable[[dict[str, Any]], bool]:
    if name in _SEARCH_FIELDS:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        limit = moment if moment.tzinfo else moment.replace(tzinfo=shop.tz)
        key = _SEARCH_FIELDS[name]
        return lambda o: _compare(op, datetime.fromisoformat(o[key]), limit)
    if name == "financial_status":
        return lambda o: bool(o["financial_status"] == value)
    if name == "fulfillment_status":
        return lambda o: (o["fulfillment_status"] or "unfulfilled") == value
    if name == "status" and value == "open":
        return lambda o: o["closed_at"] is None
    if name == "status" and value == "closed":
        return lambda o: o["closed_at"] is not None
    if name == "status" and value == "cancelled":
        return lambda o: o["cancelled_at"] is not None
    if name == "name":
        return lambda o: o["name"] in (value, f"#{value}")
    # Shopify ignores filters it does not know (and says so in extensions.search); so does the simulator.
    return lambda o: True


def search(shop: ShopifyShop, query: str | None) -> Callable[[dict[str, Any]], bool]:
    """The subset of Shopify's search syntax a sync needs: date comparisons, status, financial/fulfillment."""
    try:
        checks = [_term(shop, name, op, q1 or q2 or bare) for name, op, q1, q2, bare in _TERM.findall(query or "")]
    except ValueError as exc:
        raise ArgumentError(f"Invalid search query {query!r}: {exc}") from exc
    return lambda o: all(check(o) for check in checks)


SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "ID": lambda o: (o["id"],),
    "CREATED_AT": lambda o: (datetime.fromisoformat(o["created_at"]), o["id"]),
    "UPDATED_AT": lambda o: (datetime.fromisoformat(o["updated_at"]), o["id"]),
    "PROCESSED_AT": lambda o: (datetime.fromisoformat(o["processed_at"]), o["id"]),
}


# --- root fields and mutations -----------------------------------------------------------------------------------


def legacy_id(gid: Any, kind: str) -> int | None:
    match = re.fullmatch(rf"gid://shopify/{kind}/(\d+)", str(gid or ""))
    return int(match.group(1)) if match else None


class Root:
    def __init__(self, shop: ShopifyShop) -> None:
        self.shop = shop
        self.views = OrderViews(shop)
        self.events: list[tuple[list[str], dict[str, Any]]] = []  # webhooks to send once the response is built

    def query(self) -> dict[str, Any]:
        return {"__typename": "QueryRoot", "orders": self.orders, "order": self.order_by_id, "job": self.job,
                "shop": {"__typename": "Shop", "name": "Magazin Sandbox", "myshopifyDomain": self.shop.domain,
                         "currencyCode": "RON", "ianaTimezone": self.shop.timezone}}

    def mutation(self) -> dict[str, Any]:
        return {"__typename": "Mutation", "fulfillmentCreate": self.fulfillment_create,
                "fulfillmentCreateV2": self.fulfillment_create, "orderCancel": self.order_cancel,
                "orderMarkAsPaid": self.order_mark_as_paid}

    def orders(self, args: dict[str, Any]) -> dict[str, Any]:
        sort_key = args.get("sortKey") or "ID"
        if sort_key not in SORT_KEYS:
            raise ArgumentError(f"Argument 'sortKey' on Field 'orders' has an invalid value ({sort_key}).")
        match = search(self.shop, args.get("query"))
        found = sorted((o for o in self.shop.orders.values() if match(o)), key=SORT_KEYS[sort_key],
                       reverse=bool(args.get("reverse")))
        views = [self.views.order(o) for o in found]
        by_gid = {o["admin_graphql_api_id"]: o for o in found}

        def cursor(view: dict[str, Any]) -> dict[str, Any]:
            rest = by_gid[view["id"]]
            value = SORT_KEYS[sort_key](rest)[0]
            return {"last_id": rest["id"], "last_value": value.isoformat() if isinstance(value, datetime) else value}

        return connection(views, args, "OrderConnection", cursor)

    def order_by_id(self, args: dict[str, Any]) -> dict[str, Any] | None:
        order = self.shop.orders.get(legacy_id(args.get("id"), "Order") or -1)
        return self.views.order(order) if order else None

    def job(self, args: dict[str, Any]) -> dict[str, Any] | None:
        job = self.shop.jobs.get(str(args.get("id")))
        return {"__typename": "Job", **job} if job else None

    def fulfillment_create(self, args: dict[str, Any]) -> dict[str, Any]:
        data = args.get("fulfillment") or {}
        groups = data.get("lineItemsByFulfillmentOrder") or []

        def fail(message: str) -> dict[str, Any]:
            return {"__typename": "FulfillmentCreatePayload", "fulfillment": None,
                    "userErrors": [{"__typename": "UserError", "field": ["fulfillment"], "message": message}]}

        if not groups:
            return fail("lineItemsByFulfillmentOrder must not be empty.")
        picks, order = [], None
        for group in groups:
            fo_id = legacy_id(group.get("fulfillmentOrderId"), "FulfillmentOrder")
            owner = next((oid for oid, fos in self.shop.fulfillment_orders.items()
                          if any(fo["id"] == fo_id for fo in fos)), None)
            if owner is None:
                return fail("Fulfillment order does not exist.")
            if order is not None and order["id"] != owner:
                return fail("All fulfillment orders must belong to the same order.")
            order = self.shop.orders[owner]
            fo = next(fo for fo in self.shop.fulfillment_orders[owner] if fo["id"] == fo_id)
            if fo["status"] == "CLOSED":
                return fail(f"Fulfillment order {fo_id} has an unfulfillable status= closed.")
            quantities = {legacy_id(x.get("id"), "FulfillmentOrderLineItem") or -1: int(x.get("quantity", 0))
                          for x in group.get("fulfillmentOrderLineItems") or []}
            picks.append((fo, quantities))
        assert order is not None
        fulfillment = self.shop.fulfill(order, picks, data.get("trackingInfo") or {})
        self.events.append((["orders/fulfilled", "orders/updated"], order))
        return {"__typename": "FulfillmentCreatePayload", "fulfillment": self.views.fulfillment(fulfillment),
                "userErrors": []}

    def order_cancel(self, args: dict[str, Any]) -> dict[str, Any]:
        def fail(code: str, message: str, field: str) -> dict[str, Any]:
            error = {"__typename": "OrderCancelUserError", "code": code, "field": [field], "message": message}
            return {"__typename": "OrderCancelPayload", "job": None, "orderCancelUserErrors": [error],
                    "userErrors": [{"__typename": "UserError", "field": [field], "message": message}]}

        order = self.shop.orders.get(legacy_id(args.get("orderId"), "Order") or -1)
        if order is None:
            return fail("NOT_FOUND", "Order does not exist", "orderId")
        reason = args.get("reason")
        if reason not in CANCEL_REASONS:
            return fail("INVALID", f"Reason must be one of {', '.join(sorted(CANCEL_REASONS))}", "reason")
        if order["cancelled_at"]:
            return fail("INVALID", "Order has already been cancelled", "orderId")
        if order["fulfillments"]:
            return fail("INVALID", "Cannot cancel an order with fulfillments", "orderId")
        refund = bool(args.get("refund")) or bool(args.get("refundMethod"))
        self.shop.cancel(order, reason, refund=refund)
        job_id = f"gid://shopify/Job/{uuid.uuid4()}"
        self.shop.jobs[job_id] = {"id": job_id, "done": True}
        self.events.append((["orders/cancelled", "orders/updated"], order))
        # The cancel runs as a job; the payload reports it queued, `job(id:)` then reports it done.
        return {"__typename": "OrderCancelPayload", "job": {"__typename": "Job", "id": job_id, "done": False},
                "orderCancelUserErrors": [], "userErrors": []}

    def order_mark_as_paid(self, args: dict[str, Any]) -> dict[str, Any]:
        order = self.shop.orders.get(legacy_id((args.get("input") or {}).get("id"), "Order") or -1)
        if order is None:
            return {"__typename": "OrderMarkAsPaidPayload", "order": None,
                    "userErrors": [{"__typename": "UserError", "field": ["id"], "message": "Order does not exist"}]}
        self.shop.mark_paid(order)
        self.events.append((["orders/paid", "orders/updated"], order))
        return {"__typename": "OrderMarkAsPaidPayload", "order": self.views.order(order), "userErrors": []}


def _error(message: str, code: str | None = None, **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message}
    if code:
        error["extensions"] = {"code": code, **extra}
    return error


async def execute(shop: ShopifyShop, query: str, variables: dict[str, Any] | None,
                  operation_name: str | None) -> dict[str, Any]:
    """Run one GraphQL request the way Shopify answers it (always HTTP 200 from here; 429 is the caller's)."""
    try:
        doc = gql.parse(query)
        op = gql.pick_operation(doc, operation_name)
    except gql.GraphQLSyntaxError as exc:
        return {"errors": [_error(str(exc))]}
    values = {**op.variable_defaults, **(variables or {})}
    requested = gql.requested_cost(op.selections, doc, values, connections=CONNECTIONS,
                                   mutation=op.kind == "mutation")
    shop.bucket.refill(time.monotonic())
    cost: dict[str, Any] = {"requestedQueryCost": requested, "actualQueryCost": None}
    if requested > MAX_QUERY_COST:
        cost["throttleStatus"] = shop.bucket.status()
        message = f"Query cost is {requested}, which exceeds the single query max cost limit ({MAX_QUERY_COST})."
        return {"errors": [_error(message, "MAX_COST_EXCEEDED", cost=requested, maxCost=MAX_QUERY_COST)],
                "extensions": {"cost": cost}}
    if requested > shop.bucket.available:
        cost["throttleStatus"] = shop.bucket.status()
        return {"errors": [_error("Throttled", "THROTTLED", documentation="https://shopify.dev/api/usage/rate-limits")],
                "extensions": {"cost": cost}}
    root = Root(shop)
    run = gql.Execution(doc, values)
    try:
        data = run.select(root.mutation() if op.kind == "mutation" else root.query(), op.selections)
    except gql.GraphQLFieldError as exc:
        error = _error(str(exc), "undefinedField", typeName=exc.type_name, fieldName=exc.field_name)
        error["locations"] = [{"line": exc.line, "column": exc.column}]
        return {"errors": [error]}
    except ArgumentError as exc:
        return {"errors": [_error(str(exc), "BAD_USER_INPUT")]}
    actual = requested if op.kind == "mutation" else min(requested, run.objects)
    shop.bucket.available -= actual
    cost |= {"actualQueryCost": actual, "throttleStatus": shop.bucket.status()}
    for topics, order in root.events if shop.echo_api_changes else []:
        shop.sender.background(shop.emit(topics, order))
    return {"data": data, "extensions": {"cost": cost}}
