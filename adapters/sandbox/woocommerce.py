"""WooCommerce simulator: the REST API v3 orders endpoints and order webhooks, as a real HTTP server.

Follows woocommerce/woocommerce-rest-api-docs (wp-api-v3 orders, order notes, webhooks) and WC_Webhook::deliver():
the webhook body is the v3 order object, JSON-encoded the way PHP's wp_json_encode does it (\\uXXXX escapes and
"\\/"), signed with base64(HMAC-SHA256(body, secret)); the delivery id is wp_hash(webhook id . unix seconds), so two
deliveries of one webhook within the same second share it. Prices are strings, as in the API. See
docs/integrations.md for what is and is not implemented.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import JSONResponse

from adapters.sandbox.common import (
    DEFAULT_PRODUCTS,
    Delivery,
    Faults,
    Product,
    WebhookSender,
    check_loopback,
    money,
    random_person,
    sign,
    split_vat,
    utcnow,
)

API = "/wp-json/wc/v3"
WC_VERSION = "9.4.2"
STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash")
PAID_STATUSES = ("processing", "completed")
ORDERBY = ("date", "id", "include", "title", "slug", "modified")
# code -> (title shown at checkout, status a new order gets, paid at checkout)
GATEWAYS: dict[str, tuple[str, str, bool]] = {
    "cod": ("Plată ramburs (numerar la livrare)", "processing", False),
    "bacs": ("Transfer bancar direct", "on-hold", False),
    "cheque": ("Plată cu filă CEC", "on-hold", False),
    "stripe": ("Card de credit/debit", "processing", True),
    "paypal": ("PayPal", "processing", True),
}
SHIPPING = {"method_id": "flat_rate", "instance_id": "1", "method_title": "Curier rapid (livrare 24-48h)",
            "total": "19.99"}


def php_json(payload: Any) -> bytes:
    """Bytes as WordPress sends them: ASCII-only with \\uXXXX escapes and escaped slashes."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()


def wc_date(moment: datetime, tz: ZoneInfo | None = None) -> str:
    local = moment.astimezone(tz) if tz else moment.astimezone(UTC)
    return local.replace(tzinfo=None).isoformat(timespec="seconds")


def wc_error(code: str, message: str, status: int, **extra: Any) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": {"status": status, **extra}}, status_code=status)


@dataclass
class WooShop:
    secret: str = "woo-sandbox-secret"
    webhook_url: str | None = None
    consumer_key: str = "ck_sandbox"
    consumer_secret: str = "cs_sandbox"
    source: str = "https://magazin-woo.sandbox.ro/"
    timezone: str = "Europe/Bucharest"
    echo_api_changes: bool = True
    seed: int | None = None
    webhook_ids: dict[str, int] = field(default_factory=lambda: {"order.created": 11, "order.updated": 12})
    products: dict[str, Product] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    webhook_failures: dict[int, int] = field(default_factory=dict)
    disabled_webhooks: set[int] = field(default_factory=set)
    clock_offset: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.webhook_url:
            check_loopback(self.webhook_url)
        self.tz = ZoneInfo(self.timezone)
        self.rng = random.Random(self.seed)
        self.sender = WebhookSender(timeout=60)
        self.delivery_seq = 0
        self.ids = {"order": 1000, "item": 500, "note": 9000, "product": 100, "customer": 40, "meta": 7000}
        for sku, name, price in DEFAULT_PRODUCTS:
            self.add_product(sku, name, price)

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def now(self) -> datetime:
        return utcnow() + self.clock_offset

    def add_product(self, sku: str, name: str, price: str, vat_rate: str = "21") -> Product:
        product = Product(sku, name, Decimal(price), self.next_id("product"), vat_rate=Decimal(vat_rate))
        self.products[sku] = product
        return product

    # --- orders -------------------------------------------------------------------------------------------------

    def _address(self, person: dict[str, Any], with_contact: bool) -> dict[str, Any]:
        address = {
            "first_name": person.get("first_name", ""), "last_name": person.get("last_name", ""),
            "company": person.get("company", ""), "address_1": person.get("address_1", ""),
            "address_2": person.get("address_2", ""), "city": person.get("city", ""),
            "state": person.get("state", ""), "postcode": person.get("postcode", ""),
            "country": person.get("country", "RO"),
        }
        if with_contact:
            address |= {"email": person.get("email", ""), "phone": person.get("phone", "")}
        else:
            address["phone"] = person.get("phone", "")
        return address

    def _taxed(self, gross: Decimal, rate: Decimal, rate_id: int) -> dict[str, Any]:
        net, tax = split_vat(gross, rate)
        return {"total": money(net), "total_tax": money(tax),
                "taxes": [{"id": rate_id, "total": money(tax), "subtotal": money(tax)}]}

    def create_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Place an order the way checkout would, from a simple spec (see docs/integrations.md)."""
        person = spec.get("customer") or random_person(self.rng)
        method = spec.get("payment_method", "cod")
        title, status, paid = GATEWAYS.get(method, (spec.get("payment_method_title", method), "processing", False))
        now = self.now()
        order_id = self.next_id("order")
        rates: dict[Decimal, int] = {}
        tax_by_rate: dict[Decimal, dict[str, Decimal]] = {}

        def rate_id(rate: Decimal) -> int:
            rates.setdefault(rate, len(rates) + 1)
            tax_by_rate.setdefault(rate, {"cart": Decimal(0), "shipping": Decimal(0)})
            return rates[rate]

        line_items = []
        gross_total = Decimal(0)
        for line in spec.get("lines") or [{"sku": next(iter(self.products)), "quantity": 1}]:
            product = self.products.get(line["sku"]) or self.add_product(
                line["sku"], line.get("name", line["sku"]), str(line.get("price", "10.00")))
            qty = int(line.get("quantity", 1))
            unit = Decimal(str(line.get("price", product.price)))
            gross = unit * qty
            gross_total += gross
            taxed = self._taxed(gross, product.vat_rate, rate_id(product.vat_rate))
            tax_by_rate[product.vat_rate]["cart"] += Decimal(taxed["total_tax"])
            line_items.append({
                "id": self.next_id("item"), "name": line.get("name", product.name), "product_id": product.product_id,
                "variation_id": product.variation_id, "quantity": qty, "tax_class": "",
                "subtotal": taxed["total"], "subtotal_tax": taxed["total_tax"], **taxed, "meta_data": [],
                "sku": product.sku, "price": float(Decimal(taxed["total"]) / qty),
                "image": {"id": "", "src": ""}, "parent_name": None,
            })
        standard = Decimal("21")
        shipping_lines, fee_lines = [], []
        for ship in spec.get("shipping_lines") or [SHIPPING]:
            gross = Decimal(str(ship.get("total", "0")))
            gross_total += gross
            taxed = self._taxed(gross, standard, rate_id(standard))
            tax_by_rate[standard]["shipping"] += Decimal(taxed["total_tax"])
            shipping_lines.append({"id": self.next_id("item"), "method_title": ship.get("method_title", "Livrare"),
                                   "method_id": ship.get("method_id", "flat_rate"),
                                   "instance_id": str(ship.get("instance_id", "1")), **taxed, "meta_data": []})
        for fee in spec.get("fee_lines") or []:
            gross = Decimal(str(fee.get("total", "0")))
            gross_total += gross
            taxed = self._taxed(gross, standard, rate_id(standard))
            tax_by_rate[standard]["cart"] += Decimal(taxed["total_tax"])
            fee_lines.append({"id": self.next_id("item"), "name": fee.get("name", "Taxă"), "tax_class": "",
                              "tax_status": "taxable", "amount": money(gross), **taxed, "meta_data": []})
        tax_lines = [{"id": self.next_id("item"), "rate_code": f"RO-TVA {rate.normalize()}%-{rid}", "rate_id": rid,
                      "label": "TVA", "compound": False, "tax_total": money(tax_by_rate[rate]["cart"]),
                      "shipping_tax_total": money(tax_by_rate[rate]["shipping"]), "rate_percent": float(rate),
                      "meta_data": []} for rate, rid in rates.items()]
        cart_tax = sum((t["cart"] for t in tax_by_rate.values()), Decimal(0))
        shipping_tax = sum((t["shipping"] for t in tax_by_rate.values()), Decimal(0))
        status = spec.get("status", status)
        customer_id = 0
        if not person.get("guest") and person.get("email"):
            customer_id = self.customers.setdefault(person["email"], self.next_id("customer"))
        meta = [{"id": self.next_id("meta"), "key": "is_vat_exempt", "value": "no"}]
        if person.get("vat_code"):
            # The common Romanian invoicing plugins keep the company's CUI in billing meta.
            meta.append({"id": self.next_id("meta"), "key": "_billing_cui", "value": person["vat_code"]})
        order = {
            "id": order_id, "parent_id": 0, "status": status, "currency": "RON", "version": WC_VERSION,
            "prices_include_tax": True,
            "date_created": wc_date(now, self.tz), "date_modified": wc_date(now, self.tz),
            "discount_total": "0.00", "discount_tax": "0.00",
            "shipping_total": money(sum((Decimal(s["total"]) for s in shipping_lines), Decimal(0))),
            "shipping_tax": money(shipping_tax), "cart_tax": money(cart_tax), "total": money(gross_total),
            "total_tax": money(cart_tax + shipping_tax), "customer_id": customer_id,
            "order_key": "wc_order_" + "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789", k=13)),
            "billing": self._address(person, with_contact=True),
            "shipping": self._address(spec.get("shipping") or person, with_contact=False),
            "payment_method": method, "payment_method_title": title,
            "transaction_id": (f"pi_{secrets.token_hex(12)}" if paid and method == "stripe"
                               else secrets.token_hex(8).upper() if paid else ""),
            "customer_ip_address": f"86.124.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
            "customer_user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0",
            "created_via": "checkout", "customer_note": spec.get("customer_note", ""),
            "date_completed": None, "date_paid": wc_date(now, self.tz) if paid else None,
            "cart_hash": hashlib.md5(str(order_id).encode()).hexdigest(),
            "number": str(order_id), "meta_data": meta, "line_items": line_items, "tax_lines": tax_lines,
            "shipping_lines": shipping_lines, "fee_lines": fee_lines, "coupon_lines": [], "refunds": [],
            "payment_url": f"{self.source}checkout/order-pay/{order_id}/", "is_editable": status == "pending",
            "needs_payment": not paid and status == "pending", "needs_processing": True,
            "date_created_gmt": wc_date(now), "date_modified_gmt": wc_date(now),
            "date_completed_gmt": None, "date_paid_gmt": wc_date(now) if paid else None, "currency_symbol": "lei",
        }
        self.orders[order_id] = order
        self.notes[order_id] = []
        return order

    def touch(self, order: dict[str, Any]) -> None:
        now = self.now()
        order["date_modified"], order["date_modified_gmt"] = wc_date(now, self.tz), wc_date(now)

    def add_note(self, order_id: int, text: str, customer_note: bool = False, by_user: bool = False) -> dict[str, Any]:
        now = self.now()
        note = {"id": self.next_id("note"), "author": "admin" if by_user else "WooCommerce",
                "date_created": wc_date(now, self.tz), "date_created_gmt": wc_date(now), "note": text,
                "customer_note": customer_note}
        self.notes[order_id].insert(0, note)
        return note

    def update_order(self, order: dict[str, Any], changes: dict[str, Any]) -> None:
        old = order["status"]
        new = changes.get("status", old)
        for key in ("customer_note", "transaction_id", "payment_method", "payment_method_title"):
            if key in changes:
                order[key] = changes[key]
        for key in ("billing", "shipping"):
            if isinstance(changes.get(key), dict):
                order[key] |= {k: v for k, v in changes[key].items() if k in order[key]}
        if isinstance(changes.get("meta_data"), list):
            for item in changes["meta_data"]:
                order["meta_data"].append({"id": self.next_id("meta"), "key": item.get("key"),
                                           "value": item.get("value")})
        now = self.now()
        if changes.get("set_paid") or (new in PAID_STATUSES and old in ("pending", "on-hold", "failed")):
            order["date_paid"], order["date_paid_gmt"] = order["date_paid"] or wc_date(now, self.tz), \
                order["date_paid_gmt"] or wc_date(now)
            if changes.get("set_paid") and new == old and old in ("pending", "on-hold"):
                new = "processing"
        if new == "completed" and old != "completed":
            order["date_completed"], order["date_completed_gmt"] = wc_date(now, self.tz), wc_date(now)
        order["status"] = new
        order["is_editable"] = new == "pending"
        order["needs_payment"] = new == "pending"
        if new != old:
            self.add_note(order["id"], f"Starea comenzii a fost schimbată din {old} în {new}.")
        self.touch(order)

    def rest_order(self, order: dict[str, Any], base: str) -> dict[str, Any]:
        links = {"self": [{"href": f"{base}{API}/orders/{order['id']}"}],
                 "collection": [{"href": f"{base}{API}/orders"}]}
        if order["customer_id"]:
            links["customer"] = [{"href": f"{base}{API}/customers/{order['customer_id']}"}]
        return {**order, "_links": links}

    # --- webhooks -----------------------------------------------------------------------------------------------

    def delivery_id(self, webhook_id: int) -> str:
        # wp_hash() is an HMAC-MD5 with the site's salt; the input only changes once per second.
        data = f"{webhook_id}{int(self.now().timestamp())}".encode()
        return hmac.new(b"sandbox-wp-salt", data, hashlib.md5).hexdigest()

    async def deliver(self, topic: str, order: dict[str, Any]) -> dict[str, Any] | None:
        if not self.webhook_url:
            return None
        webhook_id = self.webhook_ids[topic]
        resource, event = topic.split(".")
        self.delivery_seq += 1
        key = f"wc-{self.delivery_seq}"
        if webhook_id in self.disabled_webhooks:
            return {"key": key, "skipped": "webhook disabled after repeated delivery failures"}
        body = php_json(order)
        headers = {
            "Content-Type": "application/json", "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/6.7.1)",
            "X-WC-Webhook-Source": self.source, "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event, "X-WC-Webhook-Signature": sign(body, self.secret),
            "X-WC-Webhook-ID": str(webhook_id), "X-WC-Webhook-Delivery-ID": self.delivery_id(webhook_id),
        }
        delivery = self.sender.record(Delivery(key, topic, self.webhook_url, body, headers, self.now()))
        attempt = await self.sender.send(delivery)
        if not delivery.dropped:
            self._track_failures(webhook_id, attempt.get("status"))
        return {"key": key, **delivery.describe(), "result": attempt}

    def _track_failures(self, webhook_id: int, status: int | None) -> None:
        # WC_Webhook::log_delivery(): 2xx/301/302 resets the count; more than 5 failures in a row disable it.
        if status is not None and 200 <= status < 303:
            self.webhook_failures[webhook_id] = 0
            return
        failures = self.webhook_failures.get(webhook_id, 0)
        if failures > 5:
            self.disabled_webhooks.add(webhook_id)
        else:
            self.webhook_failures[webhook_id] = failures + 1

    async def ping(self, webhook_id: int) -> dict[str, Any]:
        if not self.webhook_url:
            raise ValueError("no webhook_url configured")
        self.delivery_seq += 1
        body = f"webhook_id={webhook_id}".encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/6.7.1)"}
        delivery = self.sender.record(Delivery(f"wc-{self.delivery_seq}", "ping", self.webhook_url, body, headers,
                                               self.now()))
        return {**delivery.describe(), "result": await self.sender.send(delivery, force=True)}
