"""/api/omni_sales/orders: intake, the queue, order detail and status actions."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Header, Query, Request
from starlette.responses import Response

from adapters.db.orders import SqlOrderRepository, read_history
from adapters.db.queries import QueueFilter, decode_cursor, queue_page, status_counts
from api.deps import ContainerDep, CurrentActor, OrdersRead, OrdersWrite
from api.errors import problem
from api.presenters import etag, order_out, parse_if_match
from api.responses import JSONResponse
from api.schemas.common import Problem
from api.schemas.convert import address, line_inputs, optional_address
from api.schemas.orders import CountsOut, LinesIn, OrderIn, OrderOut, OrderPage, ReasonIn
from domain.actors import Actor
from domain.errors import FieldError, NotFoundError, ValidationError
from domain.orders.actions import HANDLERS, replace_lines, run_action
from domain.orders.commands import CreateOrder, CustomerInput, OrderAction, ReplaceLines
from domain.orders.create import create_order
from domain.orders.model import HistoryEntry, Order
from domain.orders.status import OrderStatus

router = APIRouter(prefix="/api/omni_sales/orders", tags=["orders"])

P = {status: {"model": Problem, "content": {"application/problem+json": {}}} for status in
     (400, 401, 403, 404, 409, 412, 413, 422, 429)}


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: P[c] for c in codes}


def _order_response(order: Order, actor: Actor, history: list[HistoryEntry], status_code: int = 200,
                    extra_headers: dict[str, str] | None = None) -> Response:
    # The body depends on who asks (allowed_actions), so caches must key on the caller and revalidate.
    headers = {"ETag": etag(order), "Cache-Control": "private, no-cache", "Vary": "Authorization, X-API-Key",
               **(extra_headers or {})}
    if status_code == 201:
        headers["Location"] = f"/api/omni_sales/orders/{order.id}"
    return JSONResponse(order_out(order, actor, history), status_code=status_code, headers=headers)


@router.post("", status_code=201, response_model=OrderOut, responses=_problems(400, 401, 403, 409, 413, 422),
             summary="Create an order from any source")
async def create(
    request: Request,
    body: OrderIn,
    actor: OrdersWrite,
    container: ContainerDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Create an order in draft. The same Idempotency-Key and body replays the first answer (the order as
    it is now); the same key with another body, or a second order for one (channel, external_ref), is a 409."""
    raw = await request.body()
    cmd = CreateOrder(
        channel_id=body.channel_id, currency=body.currency, payment_method=body.payment_method,
        customer=CustomerInput(id=body.customer.id, email=body.customer.email, name=body.customer.name,
                               phone=body.customer.phone, type=body.customer.type, vat_code=body.customer.vat_code),
        shipping_address=address(body.shipping_address),
        billing_address=optional_address(body.billing_address), lines=line_inputs(body.lines),
        external_ref=body.external_ref,
        promised_date=body.promised_date, notes=body.notes, idempotency_key=idempotency_key,
        request_hash=hashlib.sha256(raw).hexdigest(),
    )
    result = await create_order(cmd, actor=actor, uow=container.uow(), clock=container.clock)
    order = result.order
    if result.replayed:
        assert order.id is not None
        history = await read_history(container.pool, order.id)
        return _order_response(order, actor, history, 201, {"Idempotent-Replayed": "true"})
    assert order.created_at is not None and order.id is not None
    if order.status is not OrderStatus.DRAFT:  # e.g. a POS sale, paid in the same use case: several rows
        return _order_response(order, actor, await read_history(container.pool, order.id), 201)
    created = HistoryEntry("create", None, int(order.status), actor.label, None, order.created_at)
    return _order_response(order, actor, [created], 201)


def _int_list(raw: str | None, field: str) -> tuple[int, ...]:
    if not raw:
        return ()
    try:
        return tuple(int(x) for x in raw.split(",") if x.strip())
    except ValueError as exc:
        raise ValidationError("invalid filter", [FieldError(field, "a comma-separated list of integers")]) from exc


def _queue_filter(actor: Actor, status: str | None, approve_status: str | None, channel_id: str | None,
                  source: str | None, created_after: datetime | None, created_before: datetime | None,
                  q: str | None, updated_before: datetime | None = None) -> QueueFilter:
    if approve_status not in (None, "", "null", "-1", "0", "1"):
        raise ValidationError("invalid filter", [FieldError("approve_status", "one of -1, 0, 1, null")])
    return QueueFilter(
        statuses=_int_list(status, "status"), approve_status=approve_status or None,
        channel_ids=_int_list(channel_id, "channel_id"), source=source or None, created_after=created_after,
        created_before=created_before, updated_before=updated_before, q=q or None, only_channel=actor.channel_id,
    )


FilterStatus = Annotated[str | None, Query(description="comma list of status codes", max_length=200)]
FilterApprove = Annotated[str | None, Query(description="-1, 0, 1 or null", max_length=4)]
FilterChannel = Annotated[str | None, Query(description="comma list of channel ids", max_length=200)]
FilterText = Annotated[str | None, Query(max_length=100)]


@router.get("", response_model=OrderPage, responses=_problems(401, 403, 422), summary="The unified order queue")
async def queue(
    actor: OrdersRead,
    container: ContainerDep,
    status: FilterStatus = None,
    approve_status: FilterApprove = None,
    channel_id: FilterChannel = None,
    source: FilterText = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    updated_before: Annotated[datetime | None, Query(description="last changed before (e.g. on hold > 3 days)")] = None,
    q: FilterText = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    with_counts: bool = False,
) -> Response:
    """Newest first, keyset-paginated (pass next_cursor back as cursor). An API key sees its channel only."""
    f = _queue_filter(actor, status, approve_status, channel_id, source, created_after, created_before, q,
                      updated_before)
    after_id = None
    if cursor:
        after_id = decode_cursor(cursor)
        if after_id is None:
            raise ValidationError("invalid cursor", [FieldError("cursor", "use next_cursor from a previous page")])
    body = await queue_page(container.pool, f, after_id, limit, with_counts=with_counts)
    return Response(body, media_type="application/json")  # JSON written by PostgreSQL (adapters/db/queries.py)


@router.get("/counts", response_model=CountsOut, responses=_problems(401, 403, 422), summary="Orders per status")
async def counts(
    actor: OrdersRead,
    container: ContainerDep,
    approve_status: FilterApprove = None,
    channel_id: FilterChannel = None,
    source: FilterText = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    q: FilterText = None,
) -> Response:
    """Counts per status code under the same filters as the queue (status itself excepted)."""
    f = _queue_filter(actor, None, approve_status, channel_id, source, created_after, created_before, q)
    rows = await status_counts(container.pool, f)
    return JSONResponse({"counts": rows, "total": sum(r["count"] for r in rows)})


async def _load(container: ContainerDep, actor: Actor, order_id: int) -> tuple[Order, list[HistoryEntry]]:
    # A read needs no unit of work: outside a transaction it saves the BEGIN and ROLLBACK round trips, and
    # under READ COMMITTED the two statements had separate snapshots anyway.
    async with container.pool.acquire() as conn:
        orders = SqlOrderRepository(conn, [])
        order = await orders.get(order_id)
        history = await orders.history(order_id)
    if actor.channel_id is not None and order.channel_id != actor.channel_id:
        raise NotFoundError("order", order_id)  # a key never learns that other channels' orders exist
    return order, history


OrderId = Annotated[int, Query(include_in_schema=False)]


@router.get("/{order_id}", response_model=OrderOut, responses=_problems(401, 403, 404), summary="One order")
async def detail(order_id: int, actor: OrdersRead, container: ContainerDep,
                 if_none_match: Annotated[str | None, Header()] = None) -> Response:
    """Lines, totals with VAT, customer, addresses, approval, history and what the caller may do next."""
    if not 1 <= order_id <= 2**62:
        raise NotFoundError("order", order_id)
    order, history = await _load(container, actor, order_id)
    if if_none_match and if_none_match.strip() == etag(order):
        return Response(status_code=304, headers={"ETag": etag(order), "Cache-Control": "private, no-cache",
                                                  "Vary": "Authorization, X-API-Key"})
    return _order_response(order, actor, history)


async def _after_change(container: ContainerDep, actor: Actor, order: Order) -> Response:
    assert order.id is not None
    history = await read_history(container.pool, order.id)
    return _order_response(order, actor, history)


def _action_route(action: str) -> None:
    needs_reason = action in ("hold", "cancel", "reject")
    doc = (HANDLERS[action].__doc__ or f"{action} the order").strip().splitlines()[0]

    async def endpoint(
        order_id: int,
        actor: CurrentActor,
        container: ContainerDep,
        body: Annotated[ReasonIn | None, Body()] = None,
        if_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        if actor.kind == "api_key":
            return problem(403, "order actions are for staff; API keys may create and read orders")
        if not 1 <= order_id <= 2**62:
            raise NotFoundError("order", order_id)
        cmd = OrderAction(order_id=order_id, action=action, expected_version=parse_if_match(if_match, order_id),
                          reason=body.reason if body else None)
        order = await run_action(cmd, actor=actor, uow=container.uow(), clock=container.clock)
        return await _after_change(container, actor, order)

    endpoint.__name__ = f"order_{action.replace('-', '_')}"
    router.add_api_route(
        f"/{{order_id}}/{action}", endpoint, methods=["POST"], response_model=OrderOut,
        responses=_problems(401, 403, 404, 409, 412, 422),
        summary=f"{action.replace('-', ' ').capitalize()}" + (" (reason required)" if needs_reason else ""),
        description=doc + "\n\nSend `If-Match` with the ETag you hold; a stale one is a 412.",
    )


for _action in HANDLERS:
    _action_route(_action)


@router.put("/{order_id}/lines", response_model=OrderOut, responses=_problems(401, 403, 404, 409, 412, 422),
            summary="Replace the order's lines")
async def edit_lines(order_id: int, body: LinesIn, actor: CurrentActor, container: ContainerDep,
                     if_match: Annotated[str | None, Header()] = None) -> Response:
    """Lines may change while draft, processing or on hold; approval rules are evaluated again."""
    if actor.kind == "api_key":
        return problem(403, "editing orders is for staff")
    if not 1 <= order_id <= 2**62:
        raise NotFoundError("order", order_id)
    cmd = ReplaceLines(order_id=order_id, lines=line_inputs(body.lines),
                       expected_version=parse_if_match(if_match, order_id))
    order = await replace_lines(cmd, actor=actor, uow=container.uow(), clock=container.clock)
    return await _after_change(container, actor, order)


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)
