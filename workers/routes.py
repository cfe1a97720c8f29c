"""Which consumer jobs each outbox event feeds, by event type or by "event type@order source". Unlisted events
are marked published and go nowhere."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from adapters.shops.status_map import SHOP_TYPES, STATUS_PUSH

ROUTES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "customer.notification_requested": ("notify_customer",),
    # Status back to the shops (adapters/shops/status_map.py), for orders imported from them only.
    **{f"{event}@{shop}": ("push_shop_status",) for event in STATUS_PUSH for shop in SHOP_TYPES},
})
