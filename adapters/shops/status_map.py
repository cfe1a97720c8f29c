"""Which of our order events change what in the shop: the one table of the status push.

| our event (outbox)          | WooCommerce (PUT /orders/{id})        | Shopify (Admin GraphQL)                     |
|-----------------------------|---------------------------------------|---------------------------------------------|
| order.confirm, order.restore| status "processing"                   | nothing (Shopify has no "confirmed" state)  |
| order.cancel                | status "cancelled"                    | orderCancel(reason: OTHER)                  |
| order.reject                | status "cancelled"                    | orderCancel(reason: DECLINED)               |
| order.shipped (future)      | status "completed" + note with the AWB| fulfillmentCreate with trackingInfo         |

A push that arrives after the order has moved past it is not sent (a late confirm must not reopen an order the
shop already shows completed or cancelled). A cancel that came from the shop itself is not sent back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.orders.status import OrderStatus

S = OrderStatus
SHOP_TYPES = ("woocommerce", "shopify")
_PAST_CONFIRM = frozenset({S.SHIPPING, S.DELIVERED, S.RETURN_PENDING, S.RETURN, S.PARTIAL_RETURN, S.CANCELLED})


@dataclass(frozen=True)
class StatusPush:
    woocommerce_status: str | None
    shopify: Literal["cancel", "fulfil"] | None
    shopify_cancel_reason: str = "OTHER"
    tracking_note: bool = False  # WooCommerce: add an order note with the AWB
    superseded_in: frozenset[OrderStatus] = frozenset()


STATUS_PUSH: dict[str, StatusPush] = {
    "order.confirm": StatusPush("processing", None, superseded_in=_PAST_CONFIRM),
    "order.restore": StatusPush("processing", None, superseded_in=_PAST_CONFIRM),
    "order.cancel": StatusPush("cancelled", "cancel", "OTHER"),
    "order.reject": StatusPush("cancelled", "cancel", "DECLINED"),
    "order.shipped": StatusPush("completed", "fulfil", tracking_note=True),
}


def tracking_note(awb: str, company: str | None, url: str | None) -> str:
    text = f"AWB {awb}" + (f" ({company})" if company else "")
    return f"{text}: {url}" if url else text
