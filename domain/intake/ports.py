"""What the intake use case needs besides the order unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.intake.model import ExistingOrder, IntakeChannel, SyncProblem


class IntakeStore(Protocol):
    async def channel(self, channel_id: int) -> IntakeChannel | None: ...

    async def existing_order(self, channel_id: int, external_ref: str) -> ExistingOrder | None: ...

    async def last_processed_at(self, channel_id: int, external_ref: str) -> datetime | None:
        """The newest shop modification time of this shop order that was already applied here."""

    async def unusable_skus(self, skus: Sequence[str]) -> list[str]:
        """SKUs with no product, or an inactive one, in the order given."""

    async def customer_id_by_email(self, email: str) -> int | None: ...

    async def customer_id_by_vat(self, vat_code: str) -> int | None: ...

    async def record_problem(self, problem: SyncProblem) -> int:
        """Open (or reopen and count) the one entry of (channel, direction, external_ref, error_type)."""

    async def resolve_problems(self, channel_id: int, external_ref: str, order_id: int) -> int:
        """The order is in: every open import entry of this shop order is resolved."""
