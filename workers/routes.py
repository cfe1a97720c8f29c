"""Which consumer jobs each outbox event feeds, by event type or by "event type@order source". Unlisted events
are marked published and go nowhere."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from adapters.shops.status_map import SHOP_TYPES, STATUS_PUSH

ROUTES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "customer.notification_requested": ("notify_customer",),
    # The daily pre-order run (workers/preorders.py): the customer hears the order is being prepared; a shortage
    # is a notice for the operator desk (templates in workers/jobs.py).
    "order.preorder_reserved": ("notify_customer",),
    "order.preorder_stock_short": ("notify_operator",),
    # Fulfilment: a batch of AWBs started from the console; the label of a new AWB kept for printing.
    "awb_batch.requested": ("run_awb_batch",),
    "order.shipped": ("fetch_labels",),
    # Status back to the shops (adapters/shops/status_map.py), for orders imported from them only.
    **{f"{event}@{shop}": ("push_shop_status",) for event in STATUS_PUSH for shop in SHOP_TYPES},
})
