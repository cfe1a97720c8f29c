"""What the courier simulators share: a shipment book whose tracking advances with time, and fault injection
beyond the shop simulators' plain error counts (random error rates, timeouts, answering late after creating,
fixed latency for the benchmark)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# The journey every simulated parcel makes: (normalised status, Romanian courier wording). Delivery can be
# replaced by a failure for tests ("fail" outcome) or a return to sender ("return").
JOURNEY = (
    ("created", "AWB emis"),
    ("picked_up", "Preluat de curier"),
    ("in_transit", "In tranzit spre depozitul de destinatie"),
    ("out_for_delivery", "In livrare"),
    ("delivered", "Livrat"),
)
FAILED = ("failed_delivery", "Destinatar absent, livrare nereusita")
RETURNED = ("returned", "Returnat la expeditor")


@dataclass
class SimShipment:
    awb: str
    external_id: str
    created_at: datetime
    data: dict[str, Any]
    outcome: str = "deliver"  # "deliver", "fail" or "return"
    cancelled: bool = False

    def events(self, now: datetime, step_s: float) -> list[tuple[str, str, datetime]]:
        """The tracking events reached by `now`: one journey step every `step_s` seconds after creation."""
        steps = list(JOURNEY)
        if self.outcome == "fail":
            steps[-1] = FAILED
        elif self.outcome == "return":
            steps[-1] = FAILED
            steps.append(RETURNED)
        reached = []
        for i, (status, text) in enumerate(steps):
            at = self.created_at + timedelta(seconds=step_s * i)
            if at > now:
                break
            reached.append((status, text, at))
        if self.cancelled:
            reached = [*reached[:1], ("cancelled", "AWB anulat", now)]
        return reached


@dataclass
class ShipmentBook:
    """Every AWB a simulator created, by AWB number and by the client's external id."""

    prefix: str
    step_s: float = 10.0  # seconds per tracking step; demo mode makes delivery take about a minute
    next_number: int = 1
    by_awb: dict[str, SimShipment] = field(default_factory=dict)
    by_external: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # external id or "*" -> outcome for the next AWBs

    def add(self, external_id: str, data: dict[str, Any]) -> SimShipment:
        awb = f"{self.prefix}{self.next_number:09d}"
        self.next_number += 1
        outcome = self.outcomes.get(external_id) or self.outcomes.get("*", "deliver")
        shipment = SimShipment(awb, external_id, datetime.now(UTC), data, outcome)
        self.by_awb[awb] = shipment
        if external_id:
            self.by_external[external_id] = awb
        return shipment

    def find_external(self, external_id: str) -> SimShipment | None:
        awb = self.by_external.get(external_id)
        return self.by_awb.get(awb) if awb else None


@dataclass
class CourierFaults:
    """Armed through each simulator's /_sim/faults endpoint.

    - count + status: the next `count` calls answer `status` (429 carries Retry-After)
    - error_rate + status: each call fails with that probability (e.g. 0.3 with 503 or 429)
    - timeout_count: the next calls hang for `hang_s` before answering (the client times out first)
    - late_count: the next AWB creations are made, then answered only after `hang_s` (the client times out,
      but the AWB exists: what reconciliation through the external id is for)
    - latency_ms: every call waits this long first (the benchmark's simulated courier latency)
    """

    remaining: int = 0
    http_status: int = 503
    retry_after: int = 1
    error_rate: float = 0.0
    timeout_count: int = 0
    late_count: int = 0
    hang_s: float = 30.0
    latency_ms: float = 0.0
    served: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def arm(self, data: Mapping[str, Any]) -> dict[str, Any]:
        self.remaining = int(data.get("count", 0))
        self.http_status = int(data.get("status", 503))
        self.retry_after = int(data.get("retry_after", 1))
        self.error_rate = float(data.get("error_rate", 0.0))
        self.timeout_count = int(data.get("timeout_count", 0))
        self.late_count = int(data.get("late_count", 0))
        self.hang_s = float(data.get("hang_s", 30.0))
        self.latency_ms = float(data.get("latency_ms", self.latency_ms))
        if "seed" in data:
            self.rng = random.Random(int(data["seed"]))
        return self.describe()

    def describe(self) -> dict[str, Any]:
        return {"remaining": self.remaining, "status": self.http_status, "retry_after": self.retry_after,
                "error_rate": self.error_rate, "timeout_count": self.timeout_count, "late_count": self.late_count,
                "hang_s": self.hang_s, "latency_ms": self.latency_ms, "served": self.served}

    async def before_call(self) -> tuple[int, int] | None:
        """Apply latency and hangs; return (status, retry_after) when this call must fail, else None."""
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000)
        if self.timeout_count > 0:
            self.timeout_count -= 1
            self.served += 1
            await asyncio.sleep(self.hang_s)
        if self.remaining > 0:
            self.remaining -= 1
            self.served += 1
            return self.http_status, self.retry_after
        if self.error_rate and self.rng.random() < self.error_rate:
            self.served += 1
            return self.http_status, self.retry_after
        return None

    async def after_create(self) -> None:
        """Called once an AWB is stored, before answering: 'late' creations answer after the client gave up."""
        if self.late_count > 0:
            self.late_count -= 1
            self.served += 1
            await asyncio.sleep(self.hang_s)
