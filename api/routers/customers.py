"""/api/customers: the customer file operators search and correct."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from adapters.db.masterdata_customers import CustomerFilter, Customers
from api.deps import ContainerDep, Desk, StaffOnly
from api.responses import JSONResponse
from api.schemas.customers import CustomerIn, CustomerOut, CustomerPage, CustomerPatch, CustomerType
from api.schemas.masterdata import (
    CHANGE,
    CREATE,
    INT_MAX,
    READ,
    READ_ONE,
    SINGLE_LINE,
    Cursor,
    Limit,
    PathId,
    after_id,
)

router = APIRouter(prefix="/api/customers", tags=["customers"])


def _columns(body: CustomerIn | CustomerPatch) -> dict[str, Any]:
    return body.model_dump(exclude_unset=isinstance(body, CustomerPatch))


@router.get("", response_model=CustomerPage, responses=READ, summary="Search customers")
async def list_customers(
    actor: StaffOnly,
    container: ContainerDep,
    q: Annotated[str | None, Query(max_length=100, pattern=SINGLE_LINE,
                                   description="name or company (contains), email (prefix), phone, VAT code, EDI id")
                 ] = None,
    type_: Annotated[CustomerType | None, Query(alias="type")] = None,
    price_list_id: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response:
    """Customers in creation order, keyset-paginated."""
    f = CustomerFilter(q=q or None, type=type_, price_list_id=price_list_id)
    async with container.engine.connect() as conn:
        items, next_cursor = await Customers(conn).find(f, after_id(cursor), limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/{customer_id}", response_model=CustomerOut, responses=READ_ONE, summary="One customer")
async def get_customer(customer_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    async with container.engine.connect() as conn:
        return JSONResponse(await Customers(conn).get(customer_id))


@router.post("", status_code=201, response_model=CustomerOut, responses=CREATE, summary="Create a customer")
async def create_customer(body: CustomerIn, actor: Desk, container: ContainerDep) -> Response:
    """A B2B customer needs a valid VAT code; an email already on file is a 409 naming that customer."""
    async with container.engine.begin() as conn:
        out = await Customers(conn).create(_columns(body))
    return JSONResponse(out, status_code=201, headers={"Location": f"{router.prefix}/{out['id']}"})


@router.patch("/{customer_id}", response_model=CustomerOut, responses=CHANGE, summary="Change a customer")
async def update_customer(customer_id: PathId, body: CustomerPatch, actor: Desk,
                          container: ContainerDep) -> Response:
    """Fields left out keep their value; `addresses` replaces the whole list."""
    async with container.engine.begin() as conn:
        out = await Customers(conn).update(customer_id, _columns(body))
    return JSONResponse(out)
