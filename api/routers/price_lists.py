"""/api/sales/price_lists: price lists, their prices and the customers they apply to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from adapters.db.masterdata_customers import Customers
from adapters.db.masterdata_price_lists import PriceLists
from api.deps import ContainerDep, StaffOnly, require
from api.responses import JSONResponse
from api.schemas.masterdata import CHANGE, CREATE, READ, READ_ONE, Cursor, Limit, PathId, after_id
from api.schemas.price_lists import (
    AssignmentOut,
    CustomerIdsIn,
    PriceItemsIn,
    PriceListDetail,
    PriceListIn,
    PriceListPage,
    PriceListPatch,
)
from domain.actors import Actor

router = APIRouter(prefix="/api/sales/price_lists", tags=["price lists"])

PricingDesk = Annotated[Actor, Depends(require("sales_manager"))]


@router.get("", response_model=PriceListPage, responses=READ, summary="List price lists")
async def list_price_lists(actor: StaffOnly, container: ContainerDep, cursor: Cursor = None,
                           limit: Limit = 50) -> Response:
    async with container.engine.connect() as conn:
        items, next_cursor = await PriceLists(conn).find(after_id(cursor), limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/{price_list_id}", response_model=PriceListDetail, responses=READ_ONE, summary="One price list")
async def get_price_list(price_list_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    """The list with every price, by SKU."""
    async with container.engine.connect() as conn:
        return JSONResponse(await PriceLists(conn).get(price_list_id))


@router.post("", status_code=201, response_model=PriceListDetail, responses=CREATE, summary="Create a price list")
async def create_price_list(body: PriceListIn, actor: PricingDesk, container: ContainerDep) -> Response:
    """Names are unique; items may be given now or later with PUT .../items."""
    async with container.engine.begin() as conn:
        lists = PriceLists(conn)
        new_id = await lists.create(body.model_dump(exclude={"items"}))
        await lists.replace_items(new_id, [(x.sku, x.price) for x in body.items])
        out = await lists.get(new_id)
    return JSONResponse(out, status_code=201, headers={"Location": f"{router.prefix}/{new_id}"})


@router.patch("/{price_list_id}", response_model=PriceListDetail, responses=CHANGE, summary="Change a price list")
async def update_price_list(price_list_id: PathId, body: PriceListPatch, actor: PricingDesk,
                            container: ContainerDep) -> Response:
    async with container.engine.begin() as conn:
        lists = PriceLists(conn)
        await lists.update(price_list_id, body.model_dump(exclude_unset=True))
        out = await lists.get(price_list_id)
    return JSONResponse(out)


@router.put("/{price_list_id}/items", response_model=PriceListDetail, responses=CHANGE,
            summary="Replace the prices")
async def replace_items(price_list_id: PathId, body: PriceItemsIn, actor: PricingDesk,
                        container: ContainerDep) -> Response:
    """The list's prices become exactly these; an unknown or repeated SKU refuses the whole list."""
    async with container.engine.begin() as conn:
        lists = PriceLists(conn)
        await lists.replace_items(price_list_id, [(x.sku, x.price) for x in body.items])
        out = await lists.get(price_list_id)
    return JSONResponse(out)


@router.post("/{price_list_id}/customers", response_model=AssignmentOut, responses=CHANGE,
             summary="Assign customers")
async def assign_customers(price_list_id: PathId, body: CustomerIdsIn, actor: PricingDesk,
                           container: ContainerDep) -> Response:
    """These customers buy at this list's prices from now on (each customer has at most one list)."""
    async with container.engine.begin() as conn:
        await PriceLists(conn).lock(price_list_id)
        await Customers(conn).assign_price_list(price_list_id, body.customer_ids)
    return JSONResponse({"price_list_id": price_list_id, "customer_ids": list(dict.fromkeys(body.customer_ids))})
