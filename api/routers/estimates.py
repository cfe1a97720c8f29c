"""/api/sales/estimates: an agent's estimates, and their conversion into orders on a sales channel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from adapters.db.estimates import SqlEstimateStore
from adapters.db.orders import SqlOrderRepository
from adapters.db.queries import encode_cursor
from api.deps import ContainerDep, Desk, StaffOnly
from api.presenters import etag, order_out
from api.responses import JSONResponse
from api.schemas.convert import address, line_inputs
from api.schemas.estimates import EstimateIn, EstimateOut, EstimatePage
from api.schemas.masterdata import CREATE, READ, READ_ONE, Cursor, Limit, PathId, after_id, problems
from api.schemas.orders import OrderOut
from domain.actors import Actor
from domain.money import fmt
from domain.orders.commands import CustomerInput
from domain.sales.estimates import Estimate, NewEstimate, convert_estimate, create_estimate

router = APIRouter(prefix="/api/sales/estimates", tags=["estimates"])


def _out(e: Estimate, container: ContainerDep) -> dict[str, Any]:
    assert e.shipping_address is not None
    return {
        "id": e.id, "number": e.number, "status": e.status(container.clock().date()), "channel_id": e.channel_id,
        "customer": {"id": e.customer.id, "email": e.customer.email, "name": e.customer.name},
        "shipping_address": {**e.shipping_address.__dict__},
        "lines": [{"sku": x.sku, "name": x.name, "quantity": fmt(x.quantity, 3), "unit_price": fmt(x.unit_price)}
                  for x in e.lines],
        "total": fmt(e.total), "currency": e.currency, "payment_method": e.payment_method,
        "valid_until": e.valid_until, "notes": e.notes, "order_id": e.order_id, "created_by": e.created_by,
        "created_at": e.created_at,
    }


@router.post("", status_code=201, response_model=EstimateOut, responses=CREATE, summary="Create an estimate")
async def create(body: EstimateIn, actor: Desk, container: ContainerDep) -> Response:
    """An estimate names a sales channel, known active products and a validity date not in the past."""
    c = body.customer
    cmd = NewEstimate(
        customer=CustomerInput(id=c.id, email=c.email, name=c.name, phone=c.phone, type=c.type, vat_code=c.vat_code),
        shipping_address=address(body.shipping_address),
        lines=line_inputs(body.lines), valid_until=body.valid_until, currency=body.currency,
        payment_method=body.payment_method, channel_id=body.channel_id, notes=body.notes,
    )
    estimate = await create_estimate(cmd, actor=actor, store=SqlEstimateStore(container.pool), uow=container.uow(),
                                     clock=container.clock)
    return JSONResponse(_out(estimate, container), status_code=201,
                        headers={"Location": f"/api/sales/estimates/{estimate.id}"})


@router.get("", response_model=EstimatePage, responses=READ, summary="List estimates")
async def list_estimates(actor: StaffOnly, container: ContainerDep, cursor: Cursor = None,
                         limit: Limit = 50) -> Response:
    """Newest first, keyset-paginated."""
    items, last = await SqlEstimateStore(container.pool).page(after_id(cursor), limit)
    return JSONResponse({"items": [_out(e, container) for e in items],
                         "next_cursor": None if last is None else encode_cursor(last)})


@router.get("/{estimate_id}", response_model=EstimateOut, responses=READ_ONE, summary="One estimate")
async def get_estimate(estimate_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    return JSONResponse(_out(await SqlEstimateStore(container.pool).get(estimate_id), container))


async def _order_response(container: ContainerDep, actor: Actor, order_id: int, status_code: int) -> Response:
    async with container.pool.acquire() as conn:
        orders = SqlOrderRepository(conn, [])
        order = await orders.get(order_id)
        history = await orders.history(order_id)
    return JSONResponse(order_out(order, actor, history), status_code=status_code,
                        headers={"ETag": etag(order), "Location": f"/api/omni_sales/orders/{order_id}"})


@router.post("/{estimate_id}/convert", response_model=OrderOut, status_code=201,
             responses={200: {"model": OrderOut, "description": "already converted: the same order"},
                        **problems(401, 403, 404, 409, 422)},
             summary="Convert an estimate into an order")
async def convert(estimate_id: PathId, actor: Desk, container: ContainerDep) -> Response:
    """An open estimate becomes an order on its sales channel (201); converting again answers the same order
    (200); an expired estimate is a 409."""
    result = await convert_estimate(estimate_id, actor=actor, store=SqlEstimateStore(container.pool),
                                    uow_factory=container.uow, clock=container.clock)
    return await _order_response(container, actor, result.order_id, 201 if result.created else 200)
