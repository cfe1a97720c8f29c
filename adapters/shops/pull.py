"""The scheduled pull: orders a shop changed since the channel's watermark go into the same inbox as the
webhooks (topic "pull", dedupe key shop order id + modification time), so what webhooks missed is imported by
the same normalisation, with the same stale checks and sync log entries.

Pages are read from the shop with no transaction open; each page is stored in one short transaction and then
the watermark moves to the newest modification stored. A failing shop leaves the watermark where it was and
one remote_error import entry per channel in the sync log (updated on each repeat, resolved by the next
successful pull).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from adapters.db.channel_sync import (
    PULL_REF,
    ShopChannel,
    finish_pull,
    resolve_remote_errors,
    save_watermark,
    shop_channel,
    store_pulled,
)
from adapters.db.sync_log import SqlIntakeStore
from adapters.shops.http import DEFAULT_POLICY, PulledOrder, RemoteError, RetryPolicy
from adapters.shops.shopify.client import ShopifyClient
from adapters.shops.status_map import SHOP_TYPES
from adapters.shops.woocommerce.client import WooCommerceClient
from domain.intake.model import SyncProblem

log = logging.getLogger("oms.pull")

DEFAULT_PULL_INTERVAL_S = 300
# A channel pulled for the first time looks back this far (or to its creation, if later), not over the shop's
# whole history.
FIRST_PULL_LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class PullReport:
    channel_id: int
    result: str  # pulled / skipped / failed
    fetched: int = 0
    stored: int = 0
    watermark: datetime | None = None
    detail: str | None = None


async def pull_channel(pool: asyncpg.Pool, channel_id: int, *, clock: Callable[[], datetime],
                       policy: RetryPolicy = DEFAULT_POLICY) -> PullReport:
    channel = await shop_channel(pool, channel_id)
    if channel is None or not channel.active or channel.type not in SHOP_TYPES or channel.credentials is None:
        return PullReport(channel_id, "skipped", detail="not an active shop channel with api_credentials")
    since = channel.watermark or max(channel.created_at, clock() - FIRST_PULL_LOOKBACK)
    fetched = stored = 0
    watermark = channel.watermark
    try:
        async for page in _pages(channel, since, policy):
            if not page:
                continue
            fetched += len(page)
            stored += await store_pulled(pool, channel.id, channel.type,
                                         [(o.external_ref, o.modified_at, o.payload) for o in page])
            newest = max(o.modified_at for o in page)
            await save_watermark(pool, channel.id, newest)
            watermark = max(watermark, newest) if watermark else newest
    except RemoteError as exc:
        message = f"pull from {channel.type} failed: {exc}"
        log.warning("channel %s: %s", channel.id, message)
        await SqlIntakeStore(pool).record_problem(SyncProblem(channel.id, PULL_REF, "remote_error", message))
        await finish_pull(pool, channel.id, message)
        return PullReport(channel.id, "failed", fetched, stored, watermark, message)
    await finish_pull(pool, channel.id, None)
    await resolve_remote_errors(pool, channel.id, "import", PULL_REF, "system:pull")
    return PullReport(channel.id, "pulled", fetched, stored, watermark)


async def _pages(channel: ShopChannel, since: datetime, policy: RetryPolicy) -> AsyncIterator[list[PulledOrder]]:
    assert channel.credentials is not None
    if channel.type == "woocommerce":
        async with WooCommerceClient.from_credentials(channel.credentials, policy=policy) as woo:
            async for page in woo.orders_modified_since(since):
                yield page
    else:
        async with ShopifyClient.from_credentials(channel.credentials, policy=policy) as shopify:
            async for page in shopify.orders_updated_since(since):
                yield page


def report_dict(report: PullReport) -> dict[str, Any]:
    return {"channel_id": report.channel_id, "result": report.result, "fetched": report.fetched,
            "stored": report.stored, "watermark": report.watermark.isoformat() if report.watermark else None,
            "detail": report.detail}
