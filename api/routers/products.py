"""/api/products: the catalogue order lines are matched against by SKU."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from adapters.db.masterdata_products import Products
from api.deps import ContainerDep, Desk, StaffOnly
from api.responses import JSONResponse
from api.schemas.masterdata import CHANGE, CREATE, READ, READ_ONE, SINGLE_LINE, Cursor, Limit, PathId, after_id
from api.schemas.products import ProductIn, ProductOut, ProductPage, ProductPatch

router = APIRouter(prefix="/api/products", tags=["products"])


@router.get("", response_model=ProductPage, responses=READ, summary="Search products")
async def list_products(
    actor: StaffOnly,
    container: ContainerDep,
    q: Annotated[str | None, Query(max_length=100, pattern=SINGLE_LINE,
                                   description="SKU (prefix), name (contains) or EAN")] = None,
    active: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response:
    """Products in creation order, keyset-paginated."""
    async with container.engine.connect() as conn:
        items, next_cursor = await Products(conn).find(q=q or None, active=active, after_id=after_id(cursor),
                                                       limit=limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/{product_id}", response_model=ProductOut, responses=READ_ONE, summary="One product")
async def get_product(product_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    async with container.engine.connect() as conn:
        return JSONResponse(await Products(conn).get(product_id))


@router.post("", status_code=201, response_model=ProductOut, responses=CREATE, summary="Create a product")
async def create_product(body: ProductIn, actor: Desk, container: ContainerDep) -> Response:
    """The SKU is unique (a second one is a 409 naming the product that has it); the EAN's check digit is
    verified."""
    async with container.engine.begin() as conn:
        out = await Products(conn).create(body.model_dump())
    return JSONResponse(out, status_code=201, headers={"Location": f"{router.prefix}/{out['id']}"})


@router.patch("/{product_id}", response_model=ProductOut, responses=CHANGE, summary="Change a product")
async def update_product(product_id: PathId, body: ProductPatch, actor: Desk, container: ContainerDep) -> Response:
    """Fields left out keep their value. Orders already placed keep the name and VAT rate they were taken with."""
    async with container.engine.begin() as conn:
        out = await Products(conn).update(product_id, body.model_dump(exclude_unset=True))
    return JSONResponse(out)
