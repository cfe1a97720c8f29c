"""Shopify order JSON (Admin API REST shape, as the orders/* webhooks send it) -> IncomingOrder.

Money fields are strings. `taxes_included` says whether `price` includes VAT; discounts come as
`discount_allocations` per line. The gateway is the first of `payment_gateway_names`, turned into a code
("Cash on Delivery (COD)" -> "cash_on_delivery"). Romanian provinces keep their codes (province_code "CJ").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from adapters.shops.common import (
    TranslationError,
    decimal,
    describe,
    gateway_code,
    join,
    order_id_of,
    parse_time,
    unit_price,
)
from domain.intake.model import IncomingOrder, ShopCharge
from domain.orders.commands import CreateOrder, CustomerInput, LineInput
from domain.orders.model import Address

TOPICS = ("orders/create", "orders/updated", "orders/cancelled", "orders/paid")
VAT_ATTRIBUTES = ("cui", "cif", "vat_code", "vat_number", "cod_fiscal")


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ShAddress(_Model):
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    province_code: str | None = None
    zip: str | None = None
    country_code: str | None = None
    phone: str | None = None


class ShCustomer(_Model):
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


class ShAmount(_Model):
    amount: Any = "0"


class ShTax(_Model):
    price: Any = "0"


class ShLine(_Model):
    title: str = ""
    name: str | None = None
    sku: str | None = None
    quantity: Decimal
    price: Any = "0"
    discount_allocations: list[ShAmount] = Field(default_factory=list)
    tax_lines: list[ShTax] = Field(default_factory=list)


class ShShipping(_Model):
    title: str = ""
    price: Any = "0"
    discounted_price: Any = None
    tax_lines: list[ShTax] = Field(default_factory=list)


class ShAttribute(_Model):
    name: str = ""
    value: Any = None


class ShOrder(_Model):
    id: int
    name: str | None = None
    email: str | None = None
    contact_email: str | None = None
    phone: str | None = None
    currency: str = "RON"
    updated_at: str | None = None
    cancelled_at: str | None = None
    financial_status: str | None = None
    taxes_included: bool = True
    note: str | None = None
    note_attributes: list[ShAttribute] = Field(default_factory=list)
    payment_gateway_names: list[str] = Field(default_factory=list)
    gateway: str | None = None
    customer: ShCustomer | None = None
    billing_address: ShAddress | None = None
    shipping_address: ShAddress | None = None
    line_items: list[ShLine] = Field(default_factory=list)
    shipping_lines: list[ShShipping] = Field(default_factory=list)


def parse(payload: Any) -> ShOrder:
    try:
        return ShOrder.model_validate(payload)
    except PydanticValidationError as exc:
        raise TranslationError(f"not a Shopify order: {describe(exc)}", order_id_of(payload)) from exc


def _address(a: ShAddress, phone: str | None) -> Address:
    return Address(name=a.name or join(a.first_name, a.last_name) or a.company or "",
                   street=join(a.address1, a.address2, sep=", "), city=(a.city or "").strip(),
                   county=(a.province_code or a.province or "").strip(), postcode=(a.zip or "").strip(),
                   country=(a.country_code or "RO").strip().upper(), phone=a.phone or phone or None,
                   company=(a.company or "").strip() or None)


def _amount(price: Decimal, taxes: list[ShTax], taxes_included: bool, gross: bool) -> Decimal:
    """The amount in the channel's terms: gross or net of VAT, whatever Shopify's taxes_included says."""
    tax = sum((decimal(t.price) for t in taxes), Decimal(0))
    if gross and not taxes_included:
        return price + tax
    if not gross and taxes_included:
        return price - tax
    return price


def translate(payload: Any, *, channel_id: int, prices_include_vat: bool = True,
              topic: str | None = None) -> IncomingOrder:
    order = parse(payload)
    ref = str(order.id)
    if isinstance(payload, dict) and payload.get("oms_lines_truncated"):
        raise TranslationError(f"Shopify order {ref} has more line items than the scheduled pull reads at once; "
                               "it is imported complete from its webhook (resend it from Shopify) or by hand", ref)
    try:
        return _translate(order, ref, channel_id, prices_include_vat)
    except ValueError as exc:
        raise TranslationError(f"Shopify order {ref}: {exc}", ref) from exc


def _translate(order: ShOrder, ref: str, channel_id: int, gross: bool) -> IncomingOrder:
    lines, without_sku = [], []
    for item in order.line_items:
        if item.quantity <= 0:
            continue
        if not (item.sku or "").strip():
            without_sku.append(item.name or item.title or "(unnamed line)")
            continue
        discount = sum((decimal(d.amount) for d in item.discount_allocations), Decimal(0))
        amount = _amount(decimal(item.price) * item.quantity - discount, item.tax_lines, order.taxes_included, gross)
        lines.append(LineInput(sku=(item.sku or "").strip(), quantity=item.quantity,
                               unit_price=unit_price(amount, item.quantity), name=item.name or item.title or None))
    customer = order.customer or ShCustomer()
    billing = order.billing_address or order.shipping_address or ShAddress()
    ship_to = order.shipping_address or billing
    attributes = {a.name.strip().lower(): a.value for a in order.note_attributes}
    vat = next((str(attributes[k]).strip().upper() for k in VAT_ATTRIBUTES if attributes.get(k)), None)
    email = (order.email or order.contact_email or customer.email or "").strip().lower() or None
    name = join(customer.first_name, customer.last_name) or billing.name or join(billing.first_name, billing.last_name)
    phone = order.phone or customer.phone or billing.phone
    cmd = CreateOrder(
        channel_id=channel_id, currency=(order.currency or "RON").upper(),
        payment_method=gateway_code(order.payment_gateway_names[0] if order.payment_gateway_names else order.gateway),
        customer=CustomerInput(email=email, name=name or billing.company or None, phone=phone,
                               type="b2b" if vat else "b2c", vat_code=vat),
        shipping_address=_address(ship_to, phone), billing_address=_address(billing, phone), lines=lines,
        external_ref=ref, notes=join(f"Shopify order {order.name or ref}", order.note, sep="\n"),
    )
    shipping = [
        ShopCharge(title=s.title or "Shipping",
                   amount=_amount(decimal(s.discounted_price if s.discounted_price is not None else s.price),
                                  s.tax_lines, order.taxes_included, gross))
        for s in order.shipping_lines
    ]
    return IncomingOrder(
        channel_id=channel_id, external_ref=ref, order=cmd, modified_at=parse_time(order.updated_at),
        # From the signed body only: X-Shopify-Topic is not covered by the HMAC, so a replayed body under another
        # topic must not cancel or pay an order (orders/paid and orders/cancelled bodies say so themselves).
        paid=order.financial_status == "paid",
        cancelled=order.cancelled_at is not None,
        payment_title=", ".join(order.payment_gateway_names) or order.gateway,
        shipping=shipping, lines_without_sku=without_sku,
    )
