"""Which consumer jobs each outbox event feeds. Unlisted event types are marked published and go nowhere."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ROUTES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "customer.notification_requested": ("notify_customer",),
})
