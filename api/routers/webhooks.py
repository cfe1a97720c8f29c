"""/api/webhooks/{shop}/{channel_id}: shop webhooks land in the inbox, nothing more.

No user authentication: the HMAC over the raw body is the proof. It is checked before the body is parsed or
stored; then one insert (deduplicated) and a 200. Normalisation happens in the worker (inbox relay -> job).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from adapters.db.inbox import NewInboxEvent, WebhookChannel, store_event, webhook_channel
from adapters.shops.common import order_id_of, parse_time, signature_ok
from adapters.shops.intake import TOPICS
from api.deps import ContainerDep
from api.errors import problem
from api.responses import JSONResponse
from api.schemas.masterdata import PathId, problems
from api.schemas.sync_log import WebhookAck

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])

RAW_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "description": "the shop's order JSON, signed"}}}}}
_PING = re.compile(rb"^webhook_id=\d{1,20}$")


async def _channel(container: ContainerDep, channel_id: int, shop: str) -> WebhookChannel | Response:
    channel = await webhook_channel(container.pool, channel_id)
    if channel is None or not channel.active or channel.type != shop:
        return problem(404, f"no active {shop} channel {channel_id}")
    return channel


def _json(body: bytes) -> dict[str, Any] | Response:
    if b"\\u0000" in body:
        return problem(400, "the body contains a NUL character, which cannot be stored", type_="malformed-json")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return problem(400, "the request body is not valid JSON", type_="malformed-json")
    if not isinstance(payload, dict):
        return problem(400, "the request body must be a JSON object (the shop's order)", type_="malformed-json")
    return payload


def _unauthorised(header: str) -> Response:
    return problem(401, f"missing or invalid {header}: the body must be signed with the channel's webhook secret",
                   type_="invalid-signature")


async def _store(container: ContainerDep, event: NewInboxEvent) -> Response:
    event_id, stored = await store_event(container.pool, event)
    status = "duplicate" if not stored else ("stored" if event.status == "pending" else "ignored")
    return JSONResponse({"status": status, "inbox_event_id": event_id})


@router.post("/woocommerce/{channel_id}", response_model=WebhookAck, openapi_extra=RAW_BODY,
             responses=problems(400, 401, 404, 413, 422), summary="WooCommerce order webhook")
async def woocommerce(channel_id: PathId, request: Request, container: ContainerDep) -> Response:
    """X-WC-Webhook-Signature: base64 HMAC-SHA256 of the raw body with the channel's webhook secret. The
    unsigned ping WooCommerce sends when a webhook is saved (form body webhook_id=N) answers 200. Topics
    order.created and order.updated are imported; others are kept as ignored. The same delivery (webhook id,
    delivery id and body) is stored once."""
    channel = await _channel(container, channel_id, "woocommerce")
    if isinstance(channel, Response):
        return channel
    body = await request.body()
    signature = request.headers.get("x-wc-webhook-signature")
    if not signature and _PING.match(body.strip()):
        return JSONResponse({"status": "pong", "inbox_event_id": None})
    if not signature_ok(channel.webhook_secret, body, signature):
        return _unauthorised("X-WC-Webhook-Signature")
    if _PING.match(body.strip()):
        return JSONResponse({"status": "pong", "inbox_event_id": None})
    payload = _json(body)
    if isinstance(payload, Response):
        return payload
    topic = request.headers.get("x-wc-webhook-topic", "")
    webhook_id = request.headers.get("x-wc-webhook-id")
    delivery_id = request.headers.get("x-wc-webhook-delivery-id")
    digest = hashlib.sha256(body).hexdigest()
    modified = payload.get("date_modified_gmt")
    return await _store(container, NewInboxEvent(
        channel_id=channel.id, source="woocommerce", topic=topic, webhook_id=webhook_id, delivery_id=delivery_id,
        body_sha256=digest, dedupe_key=f"wc:{webhook_id or '-'}:{delivery_id or '-'}:{digest}", payload=payload,
        external_ref=order_id_of(payload),
        shop_modified_at=parse_time(modified if isinstance(modified, str) else None, assume_utc=True),
        status="pending" if topic in TOPICS["woocommerce"] else "ignored",
    ))


@router.post("/shopify/{channel_id}", response_model=WebhookAck, openapi_extra=RAW_BODY,
             responses=problems(400, 401, 404, 413, 422), summary="Shopify order webhook")
async def shopify(channel_id: PathId, request: Request, container: ContainerDep) -> Response:
    """X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body with the channel's webhook secret. Topics
    orders/create, orders/updated, orders/cancelled and orders/paid are imported; others are kept as ignored.
    A delivery is stored once per X-Shopify-Webhook-Id."""
    channel = await _channel(container, channel_id, "shopify")
    if isinstance(channel, Response):
        return channel
    body = await request.body()
    if not signature_ok(channel.webhook_secret, body, request.headers.get("x-shopify-hmac-sha256")):
        return _unauthorised("X-Shopify-Hmac-Sha256")
    payload = _json(body)
    if isinstance(payload, Response):
        return payload
    topic = request.headers.get("x-shopify-topic", "")
    webhook_id = request.headers.get("x-shopify-webhook-id")
    digest = hashlib.sha256(body).hexdigest()
    updated = payload.get("updated_at")
    modified = parse_time(updated if isinstance(updated, str) else None) or parse_time(
        request.headers.get("x-shopify-triggered-at"))
    return await _store(container, NewInboxEvent(
        channel_id=channel.id, source="shopify", topic=topic, webhook_id=webhook_id,
        delivery_id=request.headers.get("x-shopify-event-id"), body_sha256=digest,
        dedupe_key=f"shopify:{webhook_id}" if webhook_id else f"shopify:sha256:{digest}", payload=payload,
        external_ref=order_id_of(payload), shop_modified_at=modified,
        status="pending" if topic in TOPICS["shopify"] else "ignored",
    ))
