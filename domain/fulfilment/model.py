"""Delivery notes, packing lists and shipments: what happens to a confirmed order in the warehouse.

A delivery note lists what leaves the warehouse for one order; its packing list holds the packages with their
dimensions and weight; a shipment is one AWB for one packing list (a multi-parcel AWB covers every package of
the list). The rule the whole fulfilment module exists for: a packing list has at most one live shipment
(pending or created), whatever happens — double clicks, retries, a worker killed after the courier answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.errors import ConflictError, FieldError, ValidationError
from domain.fulfilment.couriers import CreatedAwb, TrackingEvent, TrackingStatus

DIMENSIONS = ("length_cm", "width_cm", "height_cm", "weight_kg")
MAX_DIMENSION_CM = Decimal(400)
MAX_WEIGHT_KG = Decimal(1000)


@dataclass(frozen=True)
class DeliveryNoteLine:
    product_id: int
    sku: str
    name: str
    quantity: Decimal  # what leaves now
    backordered: Decimal = Decimal(0)  # what the operator left for later (partial delivery)


@dataclass
class DeliveryNote:
    order_id: int
    warehouse_id: int
    lines: list[DeliveryNoteLine]
    created_by: str
    created_at: datetime
    status: str = "open"  # open -> dispatched (AWB generated) | cancelled
    id: int | None = None
    number: str | None = None
    dispatched_at: datetime | None = None

    @property
    def partial(self) -> bool:
        return any(line.backordered > 0 for line in self.lines)

    def cancel(self) -> None:
        """The order was cancelled before anything left: the note is void (no stock moved with it)."""
        if self.status == "open":
            self.status = "cancelled"

    def dispatch(self, at: datetime) -> None:
        if self.status != "open":
            raise ConflictError(f"delivery note {self.number} is {self.status}")
        self.status = "dispatched"
        self.dispatched_at = at


@dataclass
class Package:
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None

    def missing(self) -> list[str]:
        return [name for name in DIMENSIONS if getattr(self, name) is None]


@dataclass
class PackingList:
    delivery_note_id: int
    order_id: int
    packages: list[Package] = field(default_factory=lambda: [Package()])
    id: int | None = None
    number: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def set_packages(self, packages: Sequence[Package], *, at: datetime, locked: bool) -> None:
        """Replace the packages. Once an AWB is live the parcels are the courier's: no more changes."""
        if locked:
            raise ConflictError(f"packing list {self.number} already has an AWB; cancel it to change packages")
        errors: list[FieldError] = []
        if not packages:
            errors.append(FieldError("packages", "at least one package"))
        if len(packages) > 99:
            errors.append(FieldError("packages", "at most 99 packages per AWB"))
        for i, package in enumerate(packages):
            for name in DIMENSIONS:
                value = getattr(package, name)
                limit = MAX_WEIGHT_KG if name == "weight_kg" else MAX_DIMENSION_CM
                if value is not None and not Decimal(0) < value <= limit:
                    errors.append(FieldError(f"packages[{i}].{name}", f"must be greater than 0 and at most {limit}"))
        if errors:
            raise ValidationError("invalid packages", errors)
        self.packages = list(packages)
        self.updated_at = at

    def check_ready_for_awb(self) -> None:
        """Without L x W x H and weight of every package no AWB comes out: name each missing field."""
        errors = [FieldError(f"packages[{i}].{name}", "required before an AWB can be generated")
                  for i, package in enumerate(self.packages) for name in package.missing()]
        if errors:
            raise ValidationError(f"packing list {self.number} is missing dimensions or weight", errors)

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((p.weight_kg or Decimal(0) for p in self.packages), Decimal(0))

    @property
    def complete(self) -> bool:
        return all(not p.missing() for p in self.packages)


class ShipmentStatus(StrEnum):
    PENDING = "pending"  # we asked (or are about to ask) the courier; the AWB may exist there already
    CREATED = "created"  # the AWB exists and is ours
    FAILED = "failed"  # the courier refused it: nothing exists there, a new attempt is a new shipment
    CANCELLED = "cancelled"

    @property
    def live(self) -> bool:
        return self in (ShipmentStatus.PENDING, ShipmentStatus.CREATED)


# A courier call with its retries (4 x a 10 s timeout + backoff) ends well inside this; after it another attempt
# may take over (and reconciles first). Long enough never to race a live call, short enough after a crash.
CLAIM_SECONDS = 120
TRACK_BACKOFF_MAX = timedelta(hours=1)


@dataclass
class Shipment:
    packing_list_id: int
    order_id: int
    courier: str
    service: str | None
    external_id: str
    created_at: datetime
    carrier_id: int | None = None
    status: ShipmentStatus = ShipmentStatus.PENDING
    awb_number: str | None = None
    carrier_name: str | None = None
    tracking_url: str | None = None
    price: Decimal | None = None
    attempts: int = 0
    claimed_until: datetime | None = None
    last_error: str | None = None
    awb_at: datetime | None = None
    tracking_status: TrackingStatus | None = None
    tracking_text: str | None = None
    tracking_at: datetime | None = None
    next_track_at: datetime | None = None
    track_failures: int = 0
    id: int | None = None
    new_events: list[TrackingEvent] = field(default_factory=list)

    @property
    def awb_ref(self) -> str:
        """How the gateway names this AWB: an aggregator (Innoship) needs the underlying courier with it."""
        assert self.awb_number is not None
        return self.awb_number if self.carrier_id is None else f"{self.carrier_id}:{self.awb_number}"

    # ----- creation at the courier ------------------------------------------------------------------
    def claim(self, now: datetime) -> None:
        """Take the right to call the courier for this shipment; one caller at a time (double clicks, a batch
        and a click...). An expired claim (a worker killed mid-call) can be taken over."""
        if self.status is not ShipmentStatus.PENDING:
            raise ConflictError(f"shipment {self.id} is {self.status}")
        if self.claimed_until is not None and self.claimed_until > now:
            raise ConflictError("an AWB for this packing list is being generated right now; try again shortly")
        self.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        self.attempts += 1

    @property
    def must_reconcile(self) -> bool:
        """After the first attempt, the courier may hold an AWB we never heard about: look before creating."""
        return self.attempts > 1

    def record_created(self, awb: CreatedAwb, at: datetime) -> None:
        if self.status is ShipmentStatus.CREATED:
            if awb.awb_number != self.awb_number:
                raise ConflictError(f"shipment {self.id} already has AWB {self.awb_number}")
            return
        self.status = ShipmentStatus.CREATED
        self.awb_number = awb.awb_number
        self.carrier_name = awb.carrier_name
        self.carrier_id = awb.carrier_id if awb.carrier_id is not None else self.carrier_id
        self.tracking_url = awb.tracking_url
        self.price = awb.price
        self.awb_at = at
        self.claimed_until = None
        self.last_error = None
        self.tracking_status = TrackingStatus.CREATED
        self.next_track_at = at

    def record_failure(self, message: str, *, final: bool) -> None:
        """A refused request (final) frees the packing list for a new attempt; anything else keeps the shipment
        pending, to be reconciled by the next attempt."""
        self.last_error = message
        self.claimed_until = None
        if final:
            self.status = ShipmentStatus.FAILED

    def cancel(self) -> None:
        if self.status is not ShipmentStatus.CREATED:
            raise ConflictError(f"only a created AWB can be cancelled (shipment {self.id} is {self.status})")
        if self.tracking_status not in (None, TrackingStatus.CREATED):
            raise ConflictError(f"AWB {self.awb_number} is already with the courier ({self.tracking_status})")
        self.status = ShipmentStatus.CANCELLED

    # ----- tracking ---------------------------------------------------------------------------------
    def apply_tracking(self, events: Sequence[TrackingEvent], now: datetime, poll_every: timedelta) -> bool:
        """Record events newer than what we know; returns True when the latest status changed."""
        known = self.tracking_at
        fresh = [e for e in events if known is None or e.at > known]
        fresh.sort(key=lambda e: e.at)
        self.track_failures = 0
        self.next_track_at = None if self._final_after(fresh) else now + poll_every
        if not fresh:
            return False
        self.new_events.extend(fresh)
        latest = fresh[-1]
        changed = latest.status is not self.tracking_status
        self.tracking_status, self.tracking_text, self.tracking_at = latest.status, latest.text, latest.at
        return changed

    def _final_after(self, fresh: Sequence[TrackingEvent]) -> bool:
        status = fresh[-1].status if fresh else self.tracking_status
        return status is not None and status.final

    def tracking_failed(self, now: datetime, poll_every: timedelta, retry_after_s: float | None) -> None:
        """Back off: twice the interval per consecutive failure, capped; the courier's own hint wins."""
        self.track_failures += 1
        delay = min(poll_every * (2 ** self.track_failures), TRACK_BACKOFF_MAX)
        if retry_after_s is not None:
            delay = max(delay, timedelta(seconds=retry_after_s))
        self.next_track_at = now + delay
