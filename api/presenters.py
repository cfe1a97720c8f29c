"""Domain objects -> JSON-ready dicts, in the shapes the response schemas document."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.actors import Actor
from domain.money import fmt
from domain.orders.model import Address, CashReceipt, HistoryEntry, Order
from domain.orders.permissions import allowed_actions
from domain.orders.status import OrderStatus, approve_label


def _label(code: int | None) -> str | None:
    return None if code is None else OrderStatus(code).label


def _address(a: Address | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"name": a.name, "street": a.street, "city": a.city, "county": a.county, "postcode": a.postcode,
            "country": a.country, "phone": a.phone, "company": a.company}


def _receipt(r: CashReceipt | None) -> dict[str, Any] | None:
    if r is None or r.id is None:
        return None
    return {"id": r.id, "number": r.number, "amount": fmt(r.amount), "currency": r.currency, "method": r.method,
            "created_at": r.created_at}


def history_item(action: str, from_status: int | None, to_status: int, actor: str, reason: str | None,
                 at: datetime) -> dict[str, Any]:
    return {"action": action, "from_status": from_status, "from_status_label": _label(from_status),
            "to_status": to_status, "to_status_label": _label(to_status), "actor": actor, "reason": reason,
            "at": at}


def order_out(order: Order, actor: Actor, history: Iterable[HistoryEntry]) -> dict[str, Any]:
    totals = order.totals
    return {
        "id": order.id,
        "number": order.number,
        "status": int(order.status),
        "status_label": order.status.label,
        "approve_status": order.approve_status,
        "approve_status_label": approve_label(order.approve_status),
        "approval": {"rule": order.approval_rule, "required_role": order.approval_role},
        "held_from": None if order.held_from is None else int(order.held_from),
        "held_from_label": None if order.held_from is None else order.held_from.label,
        "channel_id": order.channel_id,
        "source": order.source,
        "external_ref": order.external_ref,
        "currency": order.currency,
        "payment_method": order.payment_method,
        "customer": {"id": order.customer.id, "name": order.customer.name, "email": order.customer.email,
                     "type": order.customer.type},
        "shipping_address": _address(order.shipping_address),
        "billing_address": _address(order.billing_address),
        "warehouse_id": order.warehouse_id,
        "promised_date": order.promised_date,
        "notes": order.notes,
        "lines": [
            {"line_no": i + 1, "product_id": line.product_id, "sku": line.sku, "name": line.name,
             "quantity": fmt(line.quantity, 3), "unit_price": fmt(line.unit_price, 2), "vat_rate": fmt(line.vat_rate),
             "net": fmt(line.net), "vat": fmt(line.vat), "gross": fmt(line.gross),
             "list_price": None if line.list_price is None else fmt(line.list_price, 2),
             "price_mismatch": line.price_mismatch}
            for i, line in enumerate(order.lines)
        ],
        "totals": {"net": fmt(totals.net), "vat": fmt(totals.vat), "gross": fmt(totals.gross),
                   "currency": order.currency,
                   "vat_breakdown": [{"rate": fmt(rate), "vat": fmt(vat)}
                                     for rate, vat in sorted(totals.vat_by_rate.items())]},
        "reserved": bool(order.reservations),
        "price_mismatch": order.price_mismatch,
        "cash_receipt": _receipt(order.cash_receipt),
        "preorder_flagged_at": order.preorder_flagged_at,
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "history": [history_item(h.action, h.from_status, h.to_status, h.actor, h.reason, h.at) for h in history],
        "allowed_actions": allowed_actions(order, actor),
    }


def etag(order: Order) -> str:
    return f'"{order.id}-{order.version}"'


def parse_if_match(value: str | None, order_id: int) -> int | None:
    """The version an If-Match names; a value that names no version of this order matches nothing (-1)."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    oid, _, version = tag.partition("-")
    if oid != str(order_id) or not version.isdigit():
        return -1
    return int(version)
