"""Palex: no public API is known (see docs/integrations.md). The gateway keeps the courier port so Palex can
be chosen like any courier, but every call that would need the courier's systems says so: the operator types
the AWB number from Palex's portal and uploads its label (POST /api/warehouse/packing_lists/{id}/awb with
awb_number, then POST /api/shipments/{id}/label)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.couriers.account import CourierAccount
from domain.fulfilment.couriers import (
    CreatedAwb,
    LabelFormat,
    ManualCourierError,
    Offer,
    ShipmentRequest,
    TrackingResult,
)


class PalexGateway:
    courier = "palex"
    manual = True

    def __init__(self, account: CourierAccount) -> None:
        self.account = account

    async def offers(self, request: ShipmentRequest) -> list[Offer]:
        return []

    async def create(self, request: ShipmentRequest) -> CreatedAwb:
        raise ManualCourierError("Palex")

    async def find(self, request: ShipmentRequest) -> CreatedAwb | None:
        return None

    async def label(self, awb_number: str, fmt: LabelFormat) -> bytes:
        raise ManualCourierError("Palex")

    async def track(self, awb_numbers: Sequence[str]) -> list[TrackingResult]:
        return []  # no tracking API: the operator marks the order delivered

    async def cancel(self, awb_number: str) -> None:
        raise ManualCourierError("Palex")
