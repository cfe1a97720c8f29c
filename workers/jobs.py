"""arq jobs. Each is thin: turn the job's arguments into a command, call one function, decide on retry."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import asyncpg
from arq import Retry
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from adapters.db.channel_sync import claim_due_channels
from adapters.db.inbox import SqlInbox
from adapters.db.notifications import (
    CustomerNotification,
    OperatorNotice,
    Recorded,
    record_customer_notification,
    record_operator_notice,
)
from adapters.queue.inbox_relay import InboxRelayReport, relay_inbox
from adapters.queue.jobs import QueueUnavailableError
from adapters.queue.relay import RelayReport, relay_pending
from adapters.shops.http import DEFAULT_POLICY
from adapters.shops.intake import fail_event, process_inbox_event
from adapters.shops.pull import DEFAULT_PULL_INTERVAL_S, pull_channel, report_dict
from adapters.shops.push import push_status, record_push_failure
from adapters.shops.status_map import SHOP_TYPES
from adapters.shops.sync_retry import retry_remote_entry
from domain.errors import ConflictError, NotFoundError
from workers.routes import ROUTES

log = logging.getLogger("oms.worker")

MAX_RETRY_DELAY_S = 60


def is_transient(exc: BaseException) -> bool:
    """A lost or refused connection is worth a retry; a constraint violation or a bug is not."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.InterfaceError
                  | asyncpg.exceptions.SerializationError | asyncpg.exceptions.DeadlockDetectedError):
        return True
    return isinstance(exc, OSError | TimeoutError)


def retry_later(ctx: dict[str, Any], exc: BaseException) -> Retry:
    delay = min(2 ** int(ctx.get("job_try", 1)), MAX_RETRY_DELAY_S)
    log.warning("job %s failed (%s: %s); retrying in %ss", ctx.get("job_id"), type(exc).__name__, exc, delay)
    return Retry(defer=delay)


async def relay_outbox(ctx: dict[str, Any]) -> RelayReport | None:
    """Cron tick: hand committed outbox events to the queue."""
    report = await relay_pending(ctx["outbox"], ctx["queue"], ROUTES)
    return report if report.claimed else None


# Events that carry no template of their own, and the notification each one stands for (workers/routes.py).
CUSTOMER_TEMPLATES = {"order.preorder_reserved": "preorder_in_preparation"}
OPERATOR_TEMPLATES = {"order.preorder_stock_short": "preorder_stock_short"}


async def notify_customer(ctx: dict[str, Any], *, outbox_id: int, event_type: str, aggregate_type: str,
                          aggregate_id: int, payload: dict[str, Any]) -> str:
    """customer.notification_requested (template in the payload) or an event of CUSTOMER_TEMPLATES -> one
    notification row for the order's customer, once per event."""
    template = str(payload.get("template") or CUSTOMER_TEMPLATES[event_type])
    data = {k: v for k, v in payload.items() if k not in ("template", "order_id")}
    note = CustomerNotification(outbox_id=outbox_id, order_id=aggregate_id, template=template, data=data)
    try:
        outcome = await record_customer_notification(ctx["engine"], note)
    except Exception as exc:
        if is_transient(exc):
            raise retry_later(ctx, exc) from exc
        raise
    if outcome is Recorded.NO_ORDER:
        log.warning("notification for outbox event %s dropped: order %s no longer exists", outbox_id, aggregate_id)
    return str(outcome)


async def notify_operator(ctx: dict[str, Any], *, outbox_id: int, event_type: str, aggregate_type: str,
                          aggregate_id: int, payload: dict[str, Any]) -> str:
    """An event of OPERATOR_TEMPLATES -> one notice row for the operator desk (channel "operator"), once per
    event. The payload (order number, what is missing, the promised date) is the notice's data."""
    data = {k: v for k, v in payload.items() if k != "order_id"}
    notice = OperatorNotice(outbox_id=outbox_id, order_id=aggregate_id, template=OPERATOR_TEMPLATES[event_type],
                            data=data)
    try:
        outcome = await record_operator_notice(ctx["engine"], notice)
    except Exception as exc:
        if is_transient(exc):
            raise retry_later(ctx, exc) from exc
        raise
    if outcome is Recorded.NO_ORDER:
        log.warning("operator notice for outbox event %s dropped: order %s no longer exists", outbox_id,
                    aggregate_id)
    return str(outcome)


async def relay_inbox_tick(ctx: dict[str, Any]) -> InboxRelayReport | None:
    """Cron tick: hand stored webhooks (inbox rows) to the normalisation job."""
    report = await relay_inbox(SqlInbox(ctx["pool"]), ctx["queue"])
    return report if report.claimed else None


async def import_inbox_event(ctx: dict[str, Any], *, inbox_event_id: int) -> str:
    """One stored shop webhook -> an order, a status change, or a sync log entry (adapters/shops/intake.py)."""
    try:
        return await process_inbox_event(ctx["pool"], inbox_event_id, clock=lambda: datetime.now(UTC))
    except Exception as exc:
        if is_transient(exc):
            raise retry_later(ctx, exc) from exc
        # A bug or a payload we cannot handle: visible on the row and in the sync log, not re-enqueued forever.
        await fail_event(ctx["pool"], inbox_event_id, f"{type(exc).__name__}: {exc}")
        raise


PULL_JOB = "pull_shop_orders"
PUSH_MAX_TRIES = 5  # = workers.settings.MAX_TRIES: the last try records the failure instead of retrying


async def schedule_pulls(ctx: dict[str, Any]) -> list[int] | None:
    """Cron tick: every shop channel whose pull interval has elapsed gets one pull job."""
    due = await claim_due_channels(ctx["pool"], SHOP_TYPES, DEFAULT_PULL_INTERVAL_S)
    for channel_id in due:
        try:
            await ctx["queue"].enqueue(PULL_JOB, key=f"pull:{channel_id}:{int(datetime.now(UTC).timestamp())}",
                                       kwargs={"channel_id": channel_id})
        except QueueUnavailableError as exc:
            log.warning("pull of channel %s not enqueued (next interval tries again): %s", channel_id, exc)
    return due or None


async def pull_shop_orders(ctx: dict[str, Any], *, channel_id: int) -> dict[str, Any]:
    """Orders the shop changed since the channel's watermark -> the inbox (adapters/shops/pull.py)."""
    report = await pull_channel(ctx["pool"], channel_id, clock=lambda: datetime.now(UTC),
                                policy=ctx.get("shop_policy", DEFAULT_POLICY))
    return report_dict(report)


async def push_shop_status(ctx: dict[str, Any], *, outbox_id: int, event_type: str, aggregate_type: str,
                           aggregate_id: int, payload: dict[str, Any]) -> str:
    """An order event -> the shop's status (adapters/shops/status_map.py). A transient shop failure is retried
    with backoff; the last try, or a refusal, leaves an export entry in the sync log."""
    try:
        outcome = await push_status(ctx["pool"], aggregate_id, event_type, payload,
                                    policy=ctx.get("shop_policy", DEFAULT_POLICY))
    except Exception as exc:
        if is_transient(exc):
            raise retry_later(ctx, exc) from exc
        raise
    if outcome.result != "failed":
        return outcome.result
    if outcome.transient and int(ctx.get("job_try", 1)) < PUSH_MAX_TRIES:
        raise retry_later(ctx, RuntimeError(outcome.detail or "shop push failed"))
    entry = await record_push_failure(ctx["pool"], outcome, aggregate_id, event_type, payload)
    log.warning("status push of order %s (%s) failed for good, sync log entry %s: %s", aggregate_id, event_type,
                entry, outcome.detail)
    return "failed"


async def retry_sync_remote(ctx: dict[str, Any], *, entry_id: int, by: str) -> str:
    """A sync log retry the API queued under this name (adapters/queue/sync_retry.py, RETRY_JOB): an export
    entry's status push is sent again, a channel's failed scheduled pull runs again. The outcome lands on the
    entry (resolved, or one more attempt with the shop's answer); a shop failure is not retried here (the shop
    client has its own bounded retries): the operator sees it and decides."""
    try:
        retried = await retry_remote_entry(ctx["pool"], entry_id, by=by, clock=lambda: datetime.now(UTC),
                                           policy=ctx.get("shop_policy", DEFAULT_POLICY))
    except (NotFoundError, ConflictError) as exc:
        # The entry has gone, or holds nothing to send: there is nothing a later try could do either.
        log.warning("queued retry of sync log entry %s dropped: %s", entry_id, exc)
        return "dropped"
    except Exception as exc:
        if is_transient(exc):
            raise retry_later(ctx, exc) from exc
        raise
    return retried.outcome.result
