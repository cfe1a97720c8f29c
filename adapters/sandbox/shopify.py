"""Shopify simulator: order webhooks (REST-shaped payloads) and the Admin GraphQL endpoint, as a real HTTP server.

The shop state is kept in the shape of the webhook payload (the REST Order resource: string money fields, `*_set`
money bags, province_code/country_code/zip addresses); shopify_graphql.py presents the same orders through the
GraphQL Admin API. Webhooks carry X-Shopify-Topic, X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body with the
app secret), X-Shopify-Shop-Domain, X-Shopify-API-Version, X-Shopify-Webhook-Id (kept on redelivery),
X-Shopify-Triggered-At and X-Shopify-Event-Id (shared by the topics one event fires). See docs/integrations.md.
"""

from __future__ import annotations

import json
import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from adapters.sandbox.common import (
    DEFAULT_PRODUCTS,
    Delivery,
    Faults,
    Product,
    WebhookSender,
    check_loopback,
    county_name,
    money,
    random_person,
    sign,
    split_vat,
    utcnow,
)

DEFAULT_TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled")
# Gateway codes the control API takes, and how payment_gateway_names shows them: a manual payment method
# appears under its display name, so COD arrives as "Cash on Delivery (COD)". Other names pass through verbatim.
PAID_GATEWAYS = frozenset({"shopify_payments", "paypal"})
GATEWAYS = ("shopify_payments", "manual", "cash_on_delivery", "paypal")
GATEWAY_NAMES = {"cash_on_delivery": "Cash on Delivery (COD)"}
SHIPPING = {"title": "Curier rapid (Sameday)", "code": "Curier rapid", "price": "19.99"}


def money_set(amount: Decimal | str, currency: str = "RON") -> dict[str, Any]:
    value = {"amount": money(amount), "currency_code": currency}
    return {"shop_money": value, "presentment_money": dict(value)}


@dataclass
class Bucket:
    """The GraphQL leaky bucket: points restore continuously up to the maximum."""

    maximum: float = 2000.0
    restore_rate: float = 100.0
    available: float = 2000.0
    at: float = 0.0

    def refill(self, now: float) -> float:
        if self.at:
            self.available = min(self.maximum, self.available + (now - self.at) * self.restore_rate)
        self.at = now
        return self.available

    def status(self) -> dict[str, float]:
        return {"maximumAvailable": self.maximum, "currentlyAvailable": round(self.available, 1),
                "restoreRate": self.restore_rate}


@dataclass
class ShopifyShop:
    secret: str = "shpss_sandbox_secret"
    webhook_url: str | None = None
    access_token: str = "shpat_sandbox"
    domain: str = "magazin-sandbox.myshopify.com"
    api_version: str = "2025-07"
    timezone: str = "Europe/Bucharest"
    echo_api_changes: bool = True
    seed: int | None = None
    topics: set[str] = field(default_factory=lambda: set(DEFAULT_TOPICS))
    products: dict[str, Product] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Order id -> its fulfillment orders, each {"id", "status", "line_items": [{"id", "line_item_id", "remaining"}]}.
    fulfillment_orders: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    bucket: Bucket = field(default_factory=Bucket)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    clock_offset: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.webhook_url:
            check_loopback(self.webhook_url)
        self.tz = ZoneInfo(self.timezone)
        self.rng = random.Random(self.seed)
        self.sender = WebhookSender(timeout=5)  # Shopify gives up on a delivery after 5 s
        self.ids = {"order": 6_021_000_000_000, "number": 1000, "item": 15_800_000_000_000,
                    "customer": 7_400_000_000_000, "product": 8_900_000_000_000, "fo": 7_100_000_000_000,
                    "fulfillment": 5_300_000_000_000}
        for sku, name, price in DEFAULT_PRODUCTS:
            self.add_product(sku, name, price)

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1 if kind == "number" else self.rng.randint(1, 999)
        return self.ids[kind]

    def now(self) -> datetime:
        return utcnow() + self.clock_offset

    def stamp(self, moment: datetime | None = None) -> str:
        """REST/webhook timestamps: the shop's local time with its offset, to the second."""
        return (moment or self.now()).astimezone(self.tz).isoformat(timespec="seconds")

    def add_product(self, sku: str, name: str, price: str, vat_rate: str = "21") -> Product:
        product_id = self.next_id("product")
        product = Product(sku, name, Decimal(price), product_id, variation_id=product_id + 1_000_000,
                          vat_rate=Decimal(vat_rate))
        self.products[sku] = product
        return product

    # --- orders -------------------------------------------------------------------------------------------------

    def _address(self, person: dict[str, Any]) -> dict[str, Any]:
        first, last = person.get("first_name", ""), person.get("last_name", "")
        code = person.get("state", "")
        return {"first_name": first, "address1": person.get("address_1", ""), "phone": person.get("phone"),
                "city": person.get("city", ""), "zip": person.get("postcode", ""),
                "province": county_name(code) if code else None, "country": "Romania",
                "last_name": last, "address2": person.get("address_2") or None,
                "company": person.get("company") or None, "latitude": None, "longitude": None,
                "name": f"{first} {last}".strip(), "country_code": person.get("country", "RO"),
                "province_code": code or None}

    def _customer(self, person: dict[str, Any], address: dict[str, Any]) -> dict[str, Any]:
        existing = self.customers.get(person["email"])
        if existing:
            return existing
        customer_id = self.next_id("customer")
        stamp = self.stamp()
        customer = {
            "id": customer_id, "email": person["email"], "created_at": stamp, "updated_at": stamp,
            "first_name": person.get("first_name"), "last_name": person.get("last_name"), "state": "enabled",
            "note": None, "verified_email": True, "multipass_identifier": None, "tax_exempt": False,
            "phone": person.get("phone"), "currency": "RON", "tags": "", "tax_exemptions": [],
            "email_marketing_consent": {"state": "not_subscribed", "opt_in_level": "single_opt_in",
                                        "consent_updated_at": None},
            "sms_marketing_consent": None, "admin_graphql_api_id": f"gid://shopify/Customer/{customer_id}",
            "default_address": {"id": customer_id + 1, "customer_id": customer_id, **address, "default": True},
        }
        self.customers[person["email"]] = customer
        return customer

    def _tax_line(self, tax: Decimal, rate: Decimal) -> dict[str, Any]:
        return {"channel_liable": False, "price": money(tax), "price_set": money_set(tax),
                "rate": float(rate / 100), "title": "TVA"}

    def create_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Place an order the way the online store checkout would, from a simple spec (docs/integrations.md)."""
        person = spec.get("customer") or random_person(self.rng)
        gateway = spec.get("gateway", "shopify_payments")
        paid = gateway in PAID_GATEWAYS if "paid" not in spec else bool(spec["paid"])
        order_id, number = self.next_id("order"), self.next_id("number")
        stamp = self.stamp()
        line_items, taxes = [], Decimal(0)
        lines_total = Decimal(0)
        for line in spec.get("lines") or [{"sku": next(iter(self.products)), "quantity": 1}]:
            product = self.products.get(line["sku"]) or self.add_product(
                line["sku"], line.get("name", line["sku"]), str(line.get("price", "10.00")))
            qty = int(line.get("quantity", 1))
            unit = Decimal(str(line.get("price", product.price)))
            _, tax = split_vat(unit * qty, product.vat_rate)
            taxes += tax
            lines_total += unit * qty
            item_id = self.next_id("item")
            line_items.append({
                "id": item_id, "admin_graphql_api_id": f"gid://shopify/LineItem/{item_id}",
                "current_quantity": qty, "fulfillable_quantity": qty, "fulfillment_service": "manual",
                "fulfillment_status": None, "gift_card": False, "grams": product.grams,
                "name": line.get("name", product.name), "price": money(unit), "price_set": money_set(unit),
                "product_exists": True, "product_id": product.product_id, "properties": [], "quantity": qty,
                "requires_shipping": True, "sku": product.sku, "taxable": True,
                "title": line.get("name", product.name), "total_discount": "0.00",
                "total_discount_set": money_set("0"), "variant_id": product.variation_id,
                "variant_inventory_management": "shopify", "variant_title": None, "vendor": "Atelier Sandbox",
                "tax_lines": [self._tax_line(tax, product.vat_rate)], "duties": [], "discount_allocations": [],
            })
        shipping_lines, shipping_total = [], Decimal(0)
        for ship in spec.get("shipping_lines") or [SHIPPING]:
            price = Decimal(str(ship.get("price", "0")))
            _, tax = split_vat(price, Decimal(21))
            taxes += tax
            shipping_total += price
            line_id = self.next_id("item")
            shipping_lines.append({
                "id": line_id, "carrier_identifier": None, "code": ship.get("code", ship.get("title", "Livrare")),
                "discounted_price": money(price), "discounted_price_set": money_set(price), "is_removed": False,
                "phone": None, "price": money(price), "price_set": money_set(price),
                "requested_fulfillment_service_id": None, "source": "shopify",
                "title": ship.get("title", "Livrare"), "tax_lines": [self._tax_line(tax, Decimal(21))],
                "discount_allocations": [],
            })
        total = lines_total + shipping_total
        billing = self._address(person)
        shipping = self._address(spec["shipping"]) if spec.get("shipping") else dict(billing)
        order: dict[str, Any] = {
            "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}", "app_id": 580111,
            "browser_ip": f"5.13.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
            "buyer_accepts_marketing": False, "cancel_reason": None, "cancelled_at": None,
            "cart_token": secrets.token_hex(16), "checkout_id": order_id + 7, "checkout_token": secrets.token_hex(16),
            "client_details": {"accept_language": "ro-RO", "browser_height": None, "browser_ip": None,
                               "browser_width": None, "session_hash": None, "user_agent": "Mozilla/5.0"},
            "closed_at": None, "confirmation_number": secrets.token_hex(5).upper()[:9], "confirmed": True,
            "contact_email": person.get("email"), "created_at": stamp, "currency": "RON",
            "current_subtotal_price": money(lines_total), "current_subtotal_price_set": money_set(lines_total),
            "current_total_discounts": "0.00", "current_total_price": money(total),
            "current_total_price_set": money_set(total), "current_total_tax": money(taxes),
            "current_total_tax_set": money_set(taxes), "customer_locale": "ro-RO", "email": person.get("email", ""),
            "estimated_taxes": False, "financial_status": "paid" if paid else "pending",
            "fulfillment_status": None, "gateway": GATEWAY_NAMES.get(gateway, gateway), "landing_site": "/",
            "name": f"#{number}",
            "note": spec.get("note"), "note_attributes": [], "number": number - 1000, "order_number": number,
            "order_status_url": f"https://{self.domain}/{order_id}/orders/{secrets.token_hex(16)}/authenticate",
            "payment_gateway_names": [GATEWAY_NAMES.get(gateway, gateway)], "phone": person.get("phone"),
            "presentment_currency": "RON",
            "processed_at": stamp, "reference": None, "referring_site": "", "source_name": "web",
            "subtotal_price": money(lines_total), "subtotal_price_set": money_set(lines_total),
            "tags": spec.get("tags", ""), "tax_lines": [self._tax_line(taxes, Decimal(21))], "taxes_included": True,
            "test": False, "token": secrets.token_hex(16), "total_discounts": "0.00",
            "total_discounts_set": money_set("0"), "total_line_items_price": money(lines_total),
            "total_line_items_price_set": money_set(lines_total),
            "total_outstanding": "0.00" if paid else money(total), "total_price": money(total),
            "total_price_set": money_set(total), "total_shipping_price_set": money_set(shipping_total),
            "total_tax": money(taxes), "total_tax_set": money_set(taxes), "total_tip_received": "0.00",
            "total_weight": sum(li["grams"] * li["quantity"] for li in line_items), "updated_at": stamp,
            "user_id": None, "billing_address": billing, "discount_applications": [], "discount_codes": [],
            "fulfillments": [], "line_items": line_items, "payment_terms": None, "refunds": [],
            "shipping_address": shipping, "shipping_lines": shipping_lines,
        }
        if not person.get("guest") and person.get("email"):
            order["customer"] = self._customer(person, billing)
        self.orders[order_id] = order
        fo_id = self.next_id("fo")
        self.fulfillment_orders[order_id] = [{
            "id": fo_id, "status": "OPEN",
            "line_items": [{"id": fo_id * 10 + i, "line_item_id": li["id"], "total": li["quantity"],
                            "remaining": li["quantity"]} for i, li in enumerate(line_items, 1)],
        }]
        return order

    def touch(self, order: dict[str, Any]) -> None:
        order["updated_at"] = self.stamp()

    def mark_paid(self, order: dict[str, Any]) -> None:
        order["financial_status"] = "paid"
        order["total_outstanding"] = "0.00"
        self.touch(order)

    def cancel(self, order: dict[str, Any], reason: str = "other", refund: bool = False) -> None:
        order["cancelled_at"] = order["closed_at"] = self.stamp()
        order["cancel_reason"] = reason.lower()
        if order["financial_status"] == "paid" and refund:
            order["financial_status"] = "refunded"
        elif order["financial_status"] in ("pending", "authorized"):
            order["financial_status"] = "voided"
        for fo in self.fulfillment_orders[order["id"]]:
            if fo["status"] == "OPEN":
                fo["status"] = "CLOSED"
        self.touch(order)

    def fulfill(self, order: dict[str, Any], picks: list[tuple[dict[str, Any], dict[int, int]]],
                tracking: dict[str, Any]) -> dict[str, Any]:
        """Fulfil the chosen fulfillment-order lines (an empty dict means all remaining ones)."""
        fulfilled_items: list[dict[str, Any]] = []
        by_line = {li["id"]: li for li in order["line_items"]}
        for fo, quantities in picks:
            for fo_line in fo["line_items"]:
                qty = quantities.get(fo_line["id"], fo_line["remaining"]) if quantities else fo_line["remaining"]
                qty = min(qty, fo_line["remaining"])
                if qty <= 0:
                    continue
                fo_line["remaining"] -= qty
                item = by_line[fo_line["line_item_id"]]
                item["fulfillable_quantity"] -= qty
                item["fulfillment_status"] = "fulfilled" if item["fulfillable_quantity"] == 0 else "partial"
                fulfilled_items.append({**item, "quantity": qty})
            fo["status"] = "CLOSED" if all(x["remaining"] == 0 for x in fo["line_items"]) else "IN_PROGRESS"
        fulfillment_id = self.next_id("fulfillment")
        numbers = tracking.get("numbers") or ([tracking["number"]] if tracking.get("number") else [])
        urls = tracking.get("urls") or ([tracking["url"]] if tracking.get("url") else [])
        stamp = self.stamp()
        fulfillment = {
            "id": fulfillment_id, "admin_graphql_api_id": f"gid://shopify/Fulfillment/{fulfillment_id}",
            "created_at": stamp, "location_id": 61_000_000_001,
            "name": f"{order['name']}.{len(order['fulfillments']) + 1}",
            "order_id": order["id"], "origin_address": {}, "receipt": {}, "service": "manual",
            "shipment_status": None, "status": "success", "tracking_company": tracking.get("company"),
            "tracking_number": numbers[0] if numbers else None, "tracking_numbers": numbers,
            "tracking_url": urls[0] if urls else None, "tracking_urls": urls, "updated_at": stamp,
            "line_items": fulfilled_items,
        }
        order["fulfillments"].append(fulfillment)
        remaining = sum(li["fulfillable_quantity"] for li in order["line_items"])
        order["fulfillment_status"] = "fulfilled" if remaining == 0 else "partial"
        self.touch(order)
        return fulfillment

    # --- webhooks -----------------------------------------------------------------------------------------------

    async def emit(self, topics: list[str], order: dict[str, Any]) -> list[dict[str, Any]]:
        """Deliver one event under each subscribed topic; the deliveries share X-Shopify-Event-Id."""
        if not self.webhook_url:
            return []
        event_id = str(uuid.uuid4())
        body = json.dumps(order, ensure_ascii=False, separators=(",", ":")).encode()
        triggered = self.now().strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
        results = []
        for topic in topics:
            if topic not in self.topics:
                continue
            webhook_id = str(uuid.uuid4())
            headers = {
                "Content-Type": "application/json", "User-Agent": "Shopify-Captain-Hook",
                "X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": sign(body, self.secret),
                "X-Shopify-Shop-Domain": self.domain, "X-Shopify-API-Version": self.api_version,
                "X-Shopify-Webhook-Id": webhook_id, "X-Shopify-Triggered-At": triggered,
                "X-Shopify-Event-Id": event_id,
            }
            delivery = self.sender.record(Delivery(webhook_id, topic, self.webhook_url, body, headers, self.now()))
            attempt = await self.sender.send(delivery)
            results.append({**delivery.describe(), "result": attempt})
        return results
