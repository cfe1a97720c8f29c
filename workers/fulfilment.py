"""Fulfilment jobs: AWB batches started from the console, labels fetched after AWBs are made, and the tracking
poll (a cron tick; each AWB's own next_track_at decides whether it is asked this time)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.couriers.directory import SqlCourierDirectory
from adapters.db.awb_batches import BatchProgress, finish_batch, shipments_missing_label, start_batch
from adapters.db.uow import SqlUnitOfWork
from domain.actors import Actor
from domain.fulfilment.awb import GenerateAwb, generate_awbs
from domain.fulfilment.couriers import CourierError, LabelFormat
from domain.fulfilment.labels import shipment_label
from domain.fulfilment.tracking import TrackingRun, poll_tracking
from domain.ports import UnitOfWork

log = logging.getLogger("oms.fulfilment")


def _uow_factory(ctx: dict[str, Any]) -> Any:
    def make() -> UnitOfWork:
        return SqlUnitOfWork(ctx["pool"])
    return make


def _couriers(ctx: dict[str, Any]) -> SqlCourierDirectory:
    if "couriers" not in ctx:
        ctx["couriers"] = SqlCourierDirectory(ctx["pool"])
    directory: SqlCourierDirectory = ctx["couriers"]
    return directory


async def run_awb_batch(ctx: dict[str, Any], *, outbox_id: int, event_type: str, aggregate_type: str,
                        aggregate_id: int, payload: dict[str, Any]) -> str:
    """awb_batch.requested -> AWBs for every packing list of the batch, progress written as results arrive.
    Run again (a retry, a second delivery of the event) it skips what is done: lists that got their AWB answer
    `already`, and a finished batch is left alone."""
    pool = ctx["pool"]
    batch = await start_batch(pool, aggregate_id)
    if batch is None:
        return "nothing to do"
    actor = Actor(kind="system", id=None, name=f"awb batch {aggregate_id} ({batch['created_by']})",
                  roles=frozenset({"warehouse"}))
    progress = BatchProgress(pool, aggregate_id)
    cmd = GenerateAwb(list(batch["packing_list_ids"]), batch["courier"], batch["service"])
    results = await generate_awbs(cmd, actor=actor, uow_factory=_uow_factory(ctx), couriers=_couriers(ctx),
                                  clock=ctx.get("clock") or _now, progress=progress.add)
    await progress.flush()
    await finish_batch(pool, aggregate_id)
    ok = sum(r.ok for r in results)
    return f"{ok}/{len(results)} AWBs"


async def fetch_labels(ctx: dict[str, Any], *, outbox_id: int, event_type: str, aggregate_type: str,
                       aggregate_id: int, payload: dict[str, Any]) -> str:
    """order.shipped -> store the label of the order's new AWB in its courier account's format, so printing
    needs no courier call. Stored labels are not fetched again; a courier failure retries the job."""
    stored = 0
    for shipment_id, label_format in await shipments_missing_label(ctx["pool"], aggregate_id):
        try:
            await shipment_label(shipment_id, LabelFormat(label_format), uow_factory=_uow_factory(ctx),
                                 couriers=_couriers(ctx))
            stored += 1
        except CourierError as exc:
            if exc.retryable:
                raise
            log.warning("label of shipment %s not fetched: %s", shipment_id, exc.message)
    return f"{stored} labels"


def _now() -> datetime:
    return datetime.now(UTC)


async def track_shipments(ctx: dict[str, Any]) -> TrackingRun | None:
    """Cron tick: poll the AWBs whose next poll is due (batched per courier, backing off on errors)."""
    poll_every = timedelta(seconds=ctx["settings"].tracking_poll_s)
    run = await poll_tracking(uow_factory=_uow_factory(ctx), couriers=_couriers(ctx), clock=ctx.get("clock") or _now,
                              poll_every=poll_every)
    return run if run.polled else None
