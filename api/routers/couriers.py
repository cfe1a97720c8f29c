"""/api/couriers: one account per courier (API address, write-only credentials, pickup address, label format,
how many calls at a time). Staff read them; administrators change them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from adapters.db.masterdata_couriers import CourierAccounts
from api.deps import AdminOnly, ContainerDep, StaffOnly
from api.responses import JSONResponse
from api.schemas.couriers import (
    DEFAULT_BASE_URLS,
    CourierAccountIn,
    CourierAccountOut,
    CourierAccountPage,
    CourierAccountPatch,
    CourierName,
    sender_changes,
)
from api.schemas.masterdata import CHANGE, CREATE, READ, READ_ONE, Cursor, Limit, PathId, after_id
from domain.errors import FieldError, ValidationError

router = APIRouter(prefix="/api/couriers", tags=["couriers"])

CourierFilter = Annotated[CourierName | None, Query()]


@router.get("", response_model=CourierAccountPage, responses=READ, summary="List courier accounts")
async def list_courier_accounts(actor: StaffOnly, container: ContainerDep, courier: CourierFilter = None,
                                active: bool | None = None, cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Accounts in creation order. Credentials are never shown: `credentials_set` names the keys that are set."""
    async with container.engine.connect() as conn:
        items, next_cursor = await CourierAccounts(conn).find(courier=courier, active=active,
                                                              after_id=after_id(cursor), limit=limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/{account_id}", response_model=CourierAccountOut, responses=READ_ONE, summary="One courier account")
async def get_courier_account(account_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    async with container.engine.connect() as conn:
        return JSONResponse(await CourierAccounts(conn).get(account_id))


@router.post("", status_code=201, response_model=CourierAccountOut, responses=CREATE,
             summary="Create a courier account")
async def create_courier_account(body: CourierAccountIn, actor: AdminOnly, container: ContainerDep) -> Response:
    """One account per courier (409 for a second). An active account of a courier with an API needs the pickup
    address's name, phone, street, city, county and postcode; each missing one is named. base_url left out
    takes the courier's published API address."""
    base_url = body.base_url or DEFAULT_BASE_URLS.get(body.courier)
    if base_url is None:
        raise ValidationError("base_url is required",
                              [FieldError("base_url", f"{body.courier} has no published API address: give one")])
    values = {
        "courier": body.courier, "name": body.name, "base_url": base_url,
        "credentials": {k: v for k, v in body.credentials.items() if v},  # an empty credential is not set
        "default_service": body.default_service, "label_format": body.label_format,
        "concurrency": body.concurrency,
        "sender": {k: v for k, v in sender_changes(body.sender).items() if v is not None},
        "settings": body.settings, "active": body.active,
    }
    async with container.engine.begin() as conn:
        out = await CourierAccounts(conn).create(values)
    return JSONResponse(out, status_code=201, headers={"Location": f"{router.prefix}/{out['id']}"})


@router.patch("/{account_id}", response_model=CourierAccountOut, responses=CHANGE,
              summary="Change a courier account")
async def update_courier_account(account_id: PathId, body: CourierAccountPatch, actor: AdminOnly,
                                 container: ContainerDep) -> Response:
    """Fields left out keep their value. Credentials given replace those keys only (an empty string removes
    one); sender fields and settings likewise (null removes one). The courier itself cannot change."""
    changes = body.model_dump(exclude_unset=True, exclude={"credentials", "sender", "settings"})
    sender = sender_changes(body.sender) if body.sender is not None else None
    async with container.engine.begin() as conn:
        out = await CourierAccounts(conn).update(account_id, changes, credentials=body.credentials,
                                                 sender=sender, settings=body.settings)
    return JSONResponse(out)
