"""WooCommerce order JSON (REST v3 / the order.created and order.updated webhooks) -> IncomingOrder.

Totals are strings, the line `price` is a float and excludes tax; amounts here come from the line's
`total` (after discounts) plus `total_tax`, so coupons are already in. `date_modified_gmt` has no offset
and is UTC. A guest checkout has customer_id 0 and the customer lives in `billing` only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from adapters.shops.common import TranslationError, decimal, describe, join, order_id_of, parse_time, unit_price
from domain.intake.model import IncomingOrder, ShopCharge
from domain.orders.commands import CreateOrder, CustomerInput, LineInput
from domain.orders.model import Address

TOPICS = ("order.created", "order.updated")
# Where Romanian WooCommerce plugins keep the company's fiscal code (CUI/CIF).
VAT_META_KEYS = ("_billing_cui", "billing_cui", "_billing_cif", "billing_cif", "cui", "cif", "_vat_number",
                 "vat_number", "_billing_vat", "billing_vat")


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WcAddress(_Model):
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""
    email: str | None = None
    phone: str | None = None


class WcMeta(_Model):
    key: str = ""
    value: Any = None


class WcLine(_Model):
    name: str = ""
    sku: str | None = ""
    quantity: Decimal
    total: Any = "0"
    total_tax: Any = "0"


class WcCharge(_Model):
    method_title: str = ""
    name: str = ""
    total: Any = "0"
    total_tax: Any = "0"


class WcOrder(_Model):
    id: int
    number: str | None = None
    status: str = "pending"
    currency: str = "RON"
    date_modified_gmt: str | None = None
    date_paid_gmt: str | None = None
    customer_note: str = ""
    billing: WcAddress = Field(default_factory=WcAddress)
    shipping: WcAddress = Field(default_factory=WcAddress)
    payment_method: str = ""
    payment_method_title: str = ""
    meta_data: list[WcMeta] = Field(default_factory=list)
    line_items: list[WcLine] = Field(default_factory=list)
    shipping_lines: list[WcCharge] = Field(default_factory=list)
    fee_lines: list[WcCharge] = Field(default_factory=list)


def parse(payload: Any) -> WcOrder:
    try:
        return WcOrder.model_validate(payload)
    except PydanticValidationError as exc:
        raise TranslationError(f"not a WooCommerce order: {describe(exc)}", order_id_of(payload)) from exc


def _address(a: WcAddress, phone: str | None) -> Address:
    return Address(name=join(a.first_name, a.last_name) or a.company, street=join(a.address_1, a.address_2, sep=", "),
                   city=a.city.strip(), county=a.state.strip(), postcode=a.postcode.strip(),
                   country=(a.country.strip() or "RO").upper(), phone=(a.phone or phone or None),
                   company=a.company.strip() or None)


def _vat_code(order: WcOrder) -> str | None:
    for meta in order.meta_data:
        if meta.key.lower() in VAT_META_KEYS and isinstance(meta.value, str) and meta.value.strip():
            return meta.value.strip().upper()
    return None


def _charge(c: WcCharge, gross: bool, title: str) -> ShopCharge:
    amount = decimal(c.total) + (decimal(c.total_tax) if gross else Decimal(0))
    return ShopCharge(title=c.method_title or c.name or title, amount=amount)


def translate(payload: Any, *, channel_id: int, prices_include_vat: bool = True,
              topic: str | None = None) -> IncomingOrder:
    order = parse(payload)
    ref = str(order.id)
    try:
        return _translate(order, ref, channel_id, prices_include_vat)
    except ValueError as exc:
        raise TranslationError(f"WooCommerce order {ref}: {exc}", ref) from exc


def _translate(order: WcOrder, ref: str, channel_id: int, gross: bool) -> IncomingOrder:
    lines, without_sku = [], []
    for item in order.line_items:
        if item.quantity <= 0:
            continue  # fully refunded lines stay in the shop's JSON with quantity 0
        if not (item.sku or "").strip():
            without_sku.append(item.name or "(unnamed line)")
            continue
        amount = decimal(item.total) + (decimal(item.total_tax) if gross else Decimal(0))
        lines.append(LineInput(sku=(item.sku or "").strip(), quantity=item.quantity,
                               unit_price=unit_price(amount, item.quantity), name=item.name or None))
    billing = order.billing
    ship_to = order.shipping if order.shipping.address_1.strip() else billing
    vat_code = _vat_code(order)
    customer = CustomerInput(email=(billing.email or "").strip().lower() or None,
                             name=join(billing.first_name, billing.last_name) or billing.company.strip() or None,
                             phone=billing.phone or None, type="b2b" if vat_code else "b2c", vat_code=vat_code)
    notes = join(f"WooCommerce order #{order.number or ref}", order.customer_note, sep="\n")
    cmd = CreateOrder(
        channel_id=channel_id, currency=(order.currency or "RON").upper(), payment_method=order.payment_method,
        customer=customer, shipping_address=_address(ship_to, billing.phone), billing_address=_address(billing, None),
        lines=lines, external_ref=ref, notes=notes,
    )
    return IncomingOrder(
        channel_id=channel_id, external_ref=ref, order=cmd,
        modified_at=parse_time(order.date_modified_gmt, assume_utc=True),
        paid=bool(order.date_paid_gmt), cancelled=order.status == "cancelled",
        payment_title=order.payment_method_title or None,
        shipping=[_charge(c, gross, "Shipping") for c in order.shipping_lines],
        fees=[_charge(c, gross, "Fee") for c in order.fee_lines],
        lines_without_sku=without_sku,
    )
