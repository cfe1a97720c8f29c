"""/api/omni_sales/channels: how each sales channel invoices, approves, maps payments and ships."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from adapters.db.masterdata_channels import Channels
from api.deps import AdminOnly, ContainerDep, StaffOnly
from api.responses import JSONResponse
from api.schemas.channels import ChannelIn, ChannelOut, ChannelPage, ChannelPatch, ChannelType, settings_values
from api.schemas.masterdata import CHANGE, CREATE, READ, READ_ONE, Cursor, Limit, PathId, after_id

router = APIRouter(prefix="/api/omni_sales/channels", tags=["channels"])

TypeFilter = Annotated[ChannelType | None, Query(alias="type")]


@router.get("", response_model=ChannelPage, responses=READ, summary="List channels")
async def list_channels(actor: StaffOnly, container: ContainerDep, type_: TypeFilter = None,
                        active: bool | None = None, cursor: Cursor = None, limit: Limit = 50) -> Response:
    """Channels in creation order. Secrets are never shown, only whether they are set."""
    async with container.engine.connect() as conn:
        items, next_cursor = await Channels(conn).find(type_=type_, active=active, after_id=after_id(cursor),
                                                       limit=limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/{channel_id}", response_model=ChannelOut, responses=READ_ONE, summary="One channel")
async def get_channel(channel_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    """The channel with every setting (defaults filled in)."""
    async with container.engine.connect() as conn:
        return JSONResponse(await Channels(conn).get(channel_id))


@router.post("", status_code=201, response_model=ChannelOut, responses=CREATE, summary="Create a channel")
async def create_channel(body: ChannelIn, actor: AdminOnly, container: ContainerDep) -> Response:
    """Approval rules are checked field by field; the default warehouse must exist. The webhook secret and
    API credentials are stored but never returned."""
    settings = settings_values(body.settings)
    values = {"name": body.name, "type": body.type, "active": body.active,
              "webhook_secret": body.webhook_secret, "api_credentials": body.api_credentials}
    async with container.engine.begin() as conn:
        out = await Channels(conn).create(values, settings)
    return JSONResponse(out, status_code=201, headers={"Location": f"{router.prefix}/{out['id']}"})


@router.patch("/{channel_id}", response_model=ChannelOut, responses=CHANGE, summary="Change a channel")
async def update_channel(channel_id: PathId, body: ChannelPatch, actor: AdminOnly,
                         container: ContainerDep) -> Response:
    """Fields left out keep their value, settings too (key by key). A null webhook_secret or
    api_credentials removes it."""
    changes = body.model_dump(exclude_unset=True, exclude={"settings"})
    settings = settings_values(body.settings) if body.settings is not None else {}
    async with container.engine.begin() as conn:
        out = await Channels(conn).update(channel_id, changes, settings)
    container.channels.clear()  # new approval rules and mappings apply to the next order at once
    return JSONResponse(out)
