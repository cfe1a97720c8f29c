"""Shop order payloads in the documented shapes, for the intake tests.

WooCommerce: REST API v3 order (what the order.created / order.updated webhooks send): totals as strings, the
line `price` a float net of tax, `date_modified_gmt` without offset (UTC), a guest has customer_id 0.
Shopify: the Admin API order resource (what orders/* webhooks send): money as strings, `taxes_included`,
`payment_gateway_names`, province_code for the county.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from typing import Any

import orjson

from adapters.shops.common import sign


def wc_order(order_id: int = 5821, *, sku: str = "TSHIRT-RED-M", gateway: str = "cod",
             modified: str = "2026-11-26T09:15:02", paid: bool = False, status: str = "processing",
             email: str = "ioana.stanescu@example.ro") -> dict[str, Any]:
    """A guest checkout (customer_id 0) from Cluj, with Romanian diacritics, shipping 15 RON + VAT."""
    return {
        "id": order_id, "parent_id": 0, "number": str(order_id), "order_key": f"wc_order_{order_id}abc",
        "created_via": "checkout", "version": "8.3.1", "status": status, "currency": "RON",
        "date_created": "2026-11-26T11:14:40", "date_created_gmt": "2026-11-26T09:14:40",
        "date_modified": "2026-11-26T11:15:02", "date_modified_gmt": modified,
        "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": "15.00", "shipping_tax": "2.85",
        "cart_tax": "15.94", "total": "117.74", "total_tax": "18.79", "prices_include_tax": True,
        "customer_id": 0, "customer_ip_address": "188.24.10.7", "customer_user_agent": "Mozilla/5.0",
        "customer_note": "Vă rog sunați înainte de livrare.",
        "billing": {"first_name": "Ioana", "last_name": "Stănescu", "company": "",
                    "address_1": "Str. Memorandumului 28", "address_2": "ap. 4", "city": "Cluj-Napoca",
                    "state": "CJ", "postcode": "400114", "country": "RO",
                    "email": email, "phone": "0744123456"},
        "shipping": {"first_name": "Ioana", "last_name": "Stănescu", "company": "",
                     "address_1": "Str. Memorandumului 28", "address_2": "ap. 4", "city": "Cluj-Napoca",
                     "state": "CJ", "postcode": "400114", "country": "RO", "phone": ""},
        "payment_method": gateway,
        "payment_method_title": {"cod": "Plata la livrare", "stripe": "Card de credit (Stripe)"}.get(gateway, gateway),
        "transaction_id": "ch_3PZ" if paid else "", "date_paid": "2026-11-26T11:15:00" if paid else None,
        "date_paid_gmt": "2026-11-26T09:15:00" if paid else None, "date_completed": None,
        "date_completed_gmt": None, "cart_hash": "5b3c1", "meta_data": [{"id": 9120, "key": "is_vat_exempt",
                                                                          "value": "no"}],
        "line_items": [{"id": 311, "name": "Tricou roșu mărimea M", "product_id": 93, "variation_id": 0,
                        "quantity": 2, "tax_class": "", "subtotal": "83.87", "subtotal_tax": "15.94",
                        "total": "83.87", "total_tax": "15.94", "taxes": [{"id": 1, "total": "15.94",
                                                                           "subtotal": "15.94"}],
                        "meta_data": [], "sku": sku, "price": 41.935}],
        "tax_lines": [{"id": 313, "rate_code": "RO-TVA-1", "rate_id": 1, "label": "TVA", "compound": False,
                       "tax_total": "15.94", "shipping_tax_total": "2.85"}],
        "shipping_lines": [{"id": 312, "method_title": "Curier rapid", "method_id": "flat_rate", "instance_id": "1",
                            "total": "15.00", "total_tax": "2.85", "taxes": [], "meta_data": []}],
        "fee_lines": [], "coupon_lines": [], "refunds": [],
    }


def shopify_order(order_id: int = 820982911946154508, *, sku: str = "TSHIRT-RED-M",
                  gateway: str = "shopify_payments", financial_status: str = "paid",
                  updated_at: str = "2026-11-26T12:05:00+02:00", cancelled: bool = False) -> dict[str, Any]:
    """A logged-in customer from Bucharest (province_code B), taxes included."""
    return {
        "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}", "name": "#1057",
        "order_number": 1057, "email": "radu.georgescu@example.ro", "contact_email": "radu.georgescu@example.ro",
        "created_at": "2026-11-26T12:00:00+02:00", "updated_at": updated_at,
        "cancelled_at": "2026-11-26T12:30:00+02:00" if cancelled else None,
        "cancel_reason": "customer" if cancelled else None, "closed_at": None, "currency": "RON",
        "presentment_currency": "RON", "financial_status": financial_status, "fulfillment_status": None,
        "taxes_included": True, "total_price": "119.80", "subtotal_price": "99.80", "total_tax": "19.13",
        "note": None, "note_attributes": [], "payment_gateway_names": [gateway], "phone": None,
        "customer": {"id": 115310627314723954, "email": "radu.georgescu@example.ro", "first_name": "Radu",
                     "last_name": "Georgescu", "phone": "+40722111222", "state": "enabled"},
        "billing_address": {"first_name": "Radu", "last_name": "Georgescu", "name": "Radu Georgescu",
                            "company": None, "address1": "Bd. Unirii 12", "address2": "bl. A2, sc. 1",
                            "city": "București", "province": "București", "province_code": "B", "zip": "030833",
                            "country": "Romania", "country_code": "RO", "phone": "+40722111222"},
        "shipping_address": {"first_name": "Radu", "last_name": "Georgescu", "name": "Radu Georgescu",
                             "company": None, "address1": "Bd. Unirii 12", "address2": "bl. A2, sc. 1",
                             "city": "București", "province": "București", "province_code": "B", "zip": "030833",
                             "country": "Romania", "country_code": "RO", "phone": "+40722111222"},
        "line_items": [{"id": 466157049, "title": "Tricou roșu", "name": "Tricou roșu - M", "variant_title": "M",
                        "sku": sku, "quantity": 2, "price": "49.90", "total_discount": "0.00",
                        "discount_allocations": [], "taxable": True, "requires_shipping": True,
                        "tax_lines": [{"title": "TVA", "price": "15.93", "rate": 0.19}],
                        "product_id": 632910392, "variant_id": 39072856}],
        "shipping_lines": [{"id": 369256396, "title": "Livrare standard", "code": "Standard", "price": "20.00",
                            "discounted_price": "20.00", "tax_lines": [{"title": "TVA", "price": "3.19",
                                                                        "rate": 0.19}]}],
    }


def body(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload)


def wc_headers(secret: str, raw: bytes, *, topic: str = "order.created", webhook_id: str = "12",
               delivery_id: str | None = None) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-WC-Webhook-Source": "https://magazin.example.ro/",
            "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": "order", "X-WC-Webhook-Event": topic.split(".")[-1],
            "X-WC-Webhook-Signature": sign(secret, raw), "X-WC-Webhook-ID": webhook_id,
            "X-WC-Webhook-Delivery-ID": delivery_id or hashlib.md5(raw).hexdigest()[:8]}


def shopify_headers(secret: str, raw: bytes, *, topic: str = "orders/create",
                    webhook_id: str | None = None) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": sign(secret, raw),
            "X-Shopify-Shop-Domain": "magazin-demo.myshopify.com", "X-Shopify-API-Version": "2024-10",
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": "2026-11-26T10:05:00.000000Z"}


def changed(payload: dict[str, Any], **fields: Any) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    out.update(fields)
    return out
