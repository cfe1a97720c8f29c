"""Status back to the shops: an outbox event of an order imported from WooCommerce or Shopify becomes the
shop's status change (adapters/shops/status_map.py). Every push is idempotent: it sets a state, so sending it
twice changes nothing the second time. A push that keeps failing becomes an export entry in the sync log,
which the operator retries from there (retry_export)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from adapters.db.channel_sync import ShopOrder, resolve_remote_errors, shop_order
from adapters.db.sync_log import SqlIntakeStore, get_entry
from adapters.shops.http import DEFAULT_POLICY, RemoteError, RetryPolicy
from adapters.shops.shopify.client import ShopifyClient
from adapters.shops.status_map import SHOP_TYPES, STATUS_PUSH, StatusPush, tracking_note
from adapters.shops.woocommerce.client import WooCommerceClient
from domain.errors import ConflictError
from domain.intake.import_order import CANCEL_REASON
from domain.intake.model import ImportOutcome, SyncProblem
from domain.orders.status import OrderStatus

PUSHED_BY = "system:status-push"


@dataclass(frozen=True)
class PushOutcome:
    """pushed: the shop now shows it; unchanged: nothing to send (or the shop already showed it);
    skipped: not a shop order we can reach; superseded: the order moved on; failed: see detail."""

    result: str
    detail: str | None = None
    transient: bool = False
    target: ShopOrder | None = None


async def push_status(pool: asyncpg.Pool, order_id: int, event_type: str, payload: dict[str, Any], *,
                      policy: RetryPolicy = DEFAULT_POLICY) -> PushOutcome:
    rule = STATUS_PUSH.get(event_type)
    if rule is None:
        return PushOutcome("skipped", f"{event_type} changes nothing in a shop")
    target = await shop_order(pool, order_id)
    if target is None or target.channel_type not in SHOP_TYPES or not target.external_ref:
        return PushOutcome("skipped", "not an order imported from a shop", target=target)
    if target.credentials is None:
        return PushOutcome("skipped", "the channel has no api_credentials", target=target)
    if OrderStatus(target.status) in rule.superseded_in:
        return PushOutcome("superseded", f"the order is {OrderStatus(target.status).label} now", target=target)
    if event_type == "order.cancel" and payload.get("reason") == CANCEL_REASON:
        return PushOutcome("unchanged", "cancelled in the shop; nothing to send back", target=target)
    try:
        changed = await _send(target, rule, payload, policy)
    except RemoteError as exc:
        return PushOutcome("failed", str(exc), transient=exc.transient, target=target)
    await resolve_remote_errors(pool, target.channel_id, "export", target.external_ref, PUSHED_BY, order_id)
    return PushOutcome("pushed" if changed else "unchanged", target=target)


async def _send(target: ShopOrder, rule: StatusPush, payload: dict[str, Any], policy: RetryPolicy) -> bool:
    assert target.credentials is not None and target.external_ref is not None
    ref = target.external_ref
    if target.channel_type == "woocommerce":
        if rule.woocommerce_status is None:
            return False
        async with WooCommerceClient.from_credentials(target.credentials, policy=policy) as woo:
            order = await woo.set_status(ref, rule.woocommerce_status)
            awb = _text(payload.get("awb"))
            if rule.tracking_note and awb:
                await woo.add_note_once(ref, tracking_note(awb, _text(payload.get("courier")),
                                                           _text(payload.get("tracking_url"))))
        return order.get("status") == rule.woocommerce_status
    if rule.shopify is None:
        return False
    async with ShopifyClient.from_credentials(target.credentials, policy=policy) as shopify:
        if rule.shopify == "cancel":
            return await shopify.cancel(ref, reason=rule.shopify_cancel_reason,
                                        staff_note=_text(payload.get("reason")))
        return await shopify.fulfil(ref, company=_text(payload.get("courier")), number=_text(payload.get("awb")),
                                    url=_text(payload.get("tracking_url")))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip()[:500] or None


async def record_push_failure(pool: asyncpg.Pool, outcome: PushOutcome, order_id: int, event_type: str,
                              payload: dict[str, Any]) -> int | None:
    """The export entry of this shop order (one per order; a later failure updates it with its event)."""
    target = outcome.target
    if target is None or target.external_ref is None:
        return None
    stored = {"order_id": order_id, "event_type": event_type, "payload": payload}
    store = SqlIntakeStore(pool, payload=stored)
    entry = await store.record_problem(SyncProblem(
        target.channel_id, target.external_ref, "remote_error",
        f"{event_type} could not be sent to {target.channel_type}: {outcome.detail}", direction="export"))
    await pool.execute("UPDATE sync_log SET order_id = $2 WHERE id = $1", entry, order_id)
    return entry


async def retry_export(pool: asyncpg.Pool, entry_id: int, *, by: str,
                       policy: RetryPolicy = DEFAULT_POLICY) -> tuple[ImportOutcome, dict[str, Any]]:
    """Send the entry's status push again now; success (or a push the order has outgrown) resolves it."""
    entry = await get_entry(pool, entry_id)
    stored = entry["payload"]
    if not isinstance(stored, dict) or not isinstance(stored.get("order_id"), int):
        raise ConflictError("this export entry has no stored status push to send again")
    order_id, event_type = stored["order_id"], str(stored.get("event_type"))
    given = stored.get("payload")
    payload: dict[str, Any] = given if isinstance(given, dict) else {}
    outcome = await push_status(pool, order_id, event_type, payload, policy=policy)
    if outcome.result == "failed":
        await record_push_failure(pool, outcome, order_id, event_type, payload)
        result = ImportOutcome("failed", order_id=order_id, detail=outcome.detail, error_type="remote_error",
                               sync_entry_id=entry_id)
    else:
        await pool.execute("UPDATE sync_log SET status = 'resolved', resolved_at = now(), resolved_by = $2 "
                           "WHERE id = $1 AND status <> 'resolved'", entry_id, by[:200])
        result = ImportOutcome("updated" if outcome.result == "pushed" else "unchanged", order_id=order_id,
                               detail=outcome.detail)
    return result, await get_entry(pool, entry_id)
