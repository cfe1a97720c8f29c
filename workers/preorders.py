"""The daily pre-order run as an arq cron job: thin, idempotent, retried by the next day's run."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from adapters.db.preorders import SqlDuePreorders
from adapters.db.uow import SqlUnitOfWork
from domain.orders.preorders import reserve_due_preorders

log = logging.getLogger("oms.worker")

RUN_AT_HOUR_UTC = 4  # before the morning triage (guide: "Morning — triage")
TIMEOUT_S = 300


async def reserve_preorders(ctx: dict[str, Any]) -> dict[str, list[int]]:
    """Reserve stock for confirmed pre-orders near their promised date; flag those short of stock."""
    pool = ctx["pool"]

    def now() -> datetime:
        return datetime.now(UTC)

    run = await reserve_due_preorders(now().date(), finder=SqlDuePreorders(pool),
                                      uow_factory=lambda: SqlUnitOfWork(pool, now), clock=now)
    if run.flagged:
        log.warning("pre-orders short of stock: %s", run.flagged)
    return {"reserved": run.reserved, "flagged": run.flagged, "still_short": run.still_short}
