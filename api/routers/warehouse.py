"""/api/warehouse: warehouses, stock levels and the receipt notes that bring goods in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from adapters.db.masterdata_stock import Receipts, StockFilter, Warehouses, list_stock
from api.deps import AdminOnly, ContainerDep, StaffOnly, require
from api.responses import JSONResponse
from api.schemas.masterdata import (
    CREATE,
    INT_MAX,
    READ,
    READ_ONE,
    SINGLE_LINE,
    Cursor,
    Limit,
    PathId,
    after_id,
    after_pair,
)
from api.schemas.warehouse import (
    ReceiptIn,
    ReceiptOut,
    ReceiptPage,
    StockPage,
    WarehouseIn,
    WarehouseOut,
    WarehousePage,
)
from domain.actors import Actor
from domain.receipts.receive import ReceiptLineInput, ReceiveStock, receive_stock

router = APIRouter(prefix="/api/warehouse", tags=["warehouse"])

Receiver = Annotated[Actor, Depends(require("warehouse"))]
WarehouseFilter = Annotated[int | None, Query(ge=1, le=INT_MAX)]


@router.get("/warehouses", response_model=WarehousePage, responses=READ, summary="List warehouses")
async def list_warehouses(actor: StaffOnly, container: ContainerDep, cursor: Cursor = None,
                          limit: Limit = 50) -> Response:
    async with container.engine.connect() as conn:
        items, next_cursor = await Warehouses(conn).find(after_id(cursor), limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.post("/warehouses", status_code=201, response_model=WarehouseOut, responses=CREATE,
             summary="Create a warehouse")
async def create_warehouse(body: WarehouseIn, actor: AdminOnly, container: ContainerDep) -> Response:
    """Codes are unique. A new default warehouse takes over from the previous one."""
    async with container.engine.begin() as conn:
        out = await Warehouses(conn).create(code=body.code, name=body.name, is_default=body.is_default)
    return JSONResponse(out, status_code=201)


@router.get("/stock", response_model=StockPage, responses=READ, summary="Stock levels")
async def stock(
    actor: StaffOnly,
    container: ContainerDep,
    sku: Annotated[str | None, Query(max_length=64, pattern=SINGLE_LINE)] = None,
    warehouse_id: WarehouseFilter = None,
    only_available: bool = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response:
    """On hand, reserved, quarantined and available (on hand - reserved - quarantine) per product and
    warehouse."""
    f = StockFilter(sku=sku or None, warehouse_id=warehouse_id, only_available=only_available)
    async with container.engine.connect() as conn:
        items, next_cursor = await list_stock(conn, f, after_pair(cursor), limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/receipts", response_model=ReceiptPage, responses=READ, summary="List receipt notes")
async def list_receipts(actor: StaffOnly, container: ContainerDep, warehouse_id: WarehouseFilter = None,
                        cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Newest first."""
    async with container.engine.connect() as conn:
        items, next_cursor = await Receipts(conn).find(warehouse_id, after_id(cursor), limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/receipts/{receipt_id}", response_model=ReceiptOut, responses=READ_ONE, summary="One receipt note")
async def get_receipt(receipt_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    async with container.engine.connect() as conn:
        return JSONResponse(await Receipts(conn).get(receipt_id))


@router.post("/receipts", status_code=201, response_model=ReceiptOut, responses=CREATE,
             summary="Receive goods (receipt note)")
async def create_receipt(body: ReceiptIn, actor: Receiver, container: ContainerDep) -> Response:
    """Every line adds to on-hand stock (quarantined lines also to quarantine) in one transaction: all
    lines or none. Back-orders are not promoted: restoring them stays a manual action."""
    cmd = ReceiveStock(
        warehouse_id=body.warehouse_id, reference=body.reference,
        lines=[ReceiptLineInput(quantity=x.quantity, sku=x.sku, product_id=x.product_id, quarantine=x.quarantine)
               for x in body.lines],
    )
    note = await receive_stock(cmd, actor=actor, uow=container.uow(), clock=container.clock)
    assert note.id is not None
    async with container.engine.connect() as conn:
        out = await Receipts(conn).get(note.id)
    return JSONResponse(out, status_code=201, headers={"Location": f"{router.prefix}/receipts/{note.id}"})
