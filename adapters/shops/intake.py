"""Intake wiring shared by the worker job and the sync log's retry: a stored shop payload -> translate ->
the import use case -> the inbox row's status. Runs on the asyncpg pool of the order core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import asyncpg

from adapters.db.inbox import finish_event, get_event
from adapters.db.sync_log import SqlIntakeStore, get_entry, set_status
from adapters.db.uow import SqlUnitOfWork
from adapters.shops.common import TranslationError
from adapters.shops.shopify import translate as shopify_translate
from adapters.shops.woocommerce import translate as woocommerce_translate
from domain.errors import ConflictError
from domain.intake.import_order import import_order
from domain.intake.model import ImportOutcome, IncomingOrder, SyncProblem


class Translator(Protocol):
    def __call__(self, payload: Any, *, channel_id: int, prices_include_vat: bool = True,
                 topic: str | None = None) -> IncomingOrder: ...


TRANSLATORS: dict[str, Translator] = {
    "woocommerce": woocommerce_translate.translate,
    "shopify": shopify_translate.translate,
}
# Topics whose payload is a whole order; anything else a shop sends is stored as ignored.
TOPICS: dict[str, tuple[str, ...]] = {
    "woocommerce": woocommerce_translate.TOPICS,
    "shopify": shopify_translate.TOPICS,
}

INBOX_STATUS = {"created": "processed", "updated": "processed", "unchanged": "processed", "stale": "ignored",
                "ignored": "ignored", "failed": "failed"}


async def _prices_include_vat(pool: asyncpg.Pool, channel_id: int) -> bool:
    value = await pool.fetchval("SELECT settings->'prices_include_vat' FROM channel WHERE id = $1", channel_id)
    return value is not False


async def import_payload(pool: asyncpg.Pool, *, channel_id: int, source: str, payload: Any,
                         clock: Callable[[], datetime], inbox_event_id: int | None = None, topic: str | None = None,
                         check_stale: bool = True) -> ImportOutcome:
    store = SqlIntakeStore(pool, payload=payload, inbox_event_id=inbox_event_id)
    translator = TRANSLATORS.get(source)
    try:
        if translator is None:
            raise TranslationError(f"no shop adapter for channel type {source!r}")
        incoming = translator(payload, channel_id=channel_id, topic=topic,
                              prices_include_vat=await _prices_include_vat(pool, channel_id))
    except TranslationError as exc:
        # Without the shop's order id (a body we cannot read at all) the entry is named after the inbox row, so
        # the failure is still in the sync log, with its payload.
        ref = exc.external_ref or (f"inbox-{inbox_event_id}" if inbox_event_id is not None else None)
        entry = None
        if ref:
            entry = await store.record_problem(SyncProblem(channel_id, ref, "other", str(exc)))
        return ImportOutcome("failed", detail=str(exc), error_type="other", sync_entry_id=entry)
    try:
        return await import_order(incoming, store=store, new_uow=lambda: SqlUnitOfWork(pool, clock), clock=clock,
                                  check_stale=check_stale)
    except asyncpg.DataError as exc:
        # The shop sent a value the database cannot hold (a 60-character phone, a quantity out of range): the
        # transaction rolled back, and without an entry here the order would only be a failed inbox row.
        message = f"the shop order cannot be stored as it is ({type(exc).__name__}: {exc})"
        entry = await store.record_problem(SyncProblem(channel_id, incoming.external_ref, "other", message))
        return ImportOutcome("failed", detail=message, error_type="other", sync_entry_id=entry)


async def process_inbox_event(pool: asyncpg.Pool, event_id: int, *, clock: Callable[[], datetime]) -> str:
    """The normalisation job's work; a row that is no longer pending was handled by an earlier run."""
    event = await get_event(pool, event_id)
    if event is None:
        return "missing"
    if event.status != "pending":
        return f"already {event.status}"
    outcome = await import_payload(pool, channel_id=event.channel_id, source=event.source, payload=event.payload,
                                   clock=clock, inbox_event_id=event.id, topic=event.topic)
    await finish_event(pool, event.id, INBOX_STATUS[outcome.result], None if outcome.ok else outcome.detail)
    return outcome.result


async def fail_event(pool: asyncpg.Pool, event_id: int, message: str) -> None:
    """An import that crashed (a bug, or input nothing above foresaw): the inbox row is failed and the sync log
    gets an "other" entry with the stored payload, so the operator sees it and can retry once it is fixed."""
    await finish_event(pool, event_id, "failed", message)
    event = await get_event(pool, event_id)
    if event is None:
        return
    store = SqlIntakeStore(pool, payload=event.payload, inbox_event_id=event.id)
    ref = event.external_ref or f"inbox-{event.id}"
    await store.record_problem(SyncProblem(event.channel_id, ref, "other", f"the import failed: {message}"))


@dataclass(frozen=True)
class Retried:
    entry_id: int
    outcome: ImportOutcome
    entry: dict[str, Any]  # the retried entry as it is now


async def retry_entry(pool: asyncpg.Pool, entry_id: int, *, by: str, clock: Callable[[], datetime]) -> Retried:
    """Run the import again from the entry's stored payload, now. Success resolves the entry (and every open
    import entry of that shop order); the same failure counts one more attempt on it; a different failure
    means this cause is gone: the entry is resolved and the new cause gets (or updates) its own entry."""
    entry = await get_entry(pool, entry_id)
    if entry["direction"] != "import":
        raise ConflictError("only import entries can be retried from the sync log")
    if entry["payload"] is None:
        raise ConflictError("this entry has no stored payload to import again")
    outcome = await import_payload(pool, channel_id=entry["channel_id"], source=entry["channel_type"],
                                   payload=entry["payload"], clock=clock, inbox_event_id=entry["inbox_event_id"],
                                   check_stale=False)
    if outcome.ok:
        if entry["inbox_event_id"] is not None:
            await pool.execute("UPDATE inbox_event SET status = 'processed', last_error = NULL, processed_at = now() "
                               "WHERE id = $1 AND status <> 'processed'", entry["inbox_event_id"])
        await pool.execute("UPDATE sync_log SET status = 'resolved', resolved_at = coalesce(resolved_at, now()), "
                           "resolved_by = $2, order_id = $3 WHERE id = $1", entry_id, by[:200], outcome.order_id)
    elif outcome.result == "failed" and outcome.error_type != entry["error_type"]:
        await set_status(pool, entry_id, "resolved", f"{by} (retry now fails as {outcome.error_type})")
    return Retried(entry_id, outcome, await get_entry(pool, entry_id))
