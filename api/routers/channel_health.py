"""/api/omni_sales/channels/health: is every channel still bringing its orders in (the console's health strip).

Registered before the channels router, whose /{channel_id} would otherwise claim "health" (and answer 422).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from adapters.db.channel_health import channel_health
from api.deps import ContainerDep, StaffOnly
from api.responses import JSONResponse
from api.schemas.channel_health import ChannelHealthPage
from api.schemas.masterdata import READ

router = APIRouter(prefix="/api/omni_sales/channels", tags=["channels"])


@router.get("/health", response_model=ChannelHealthPage, responses=READ, summary="Channel health")
async def get_channel_health(actor: StaffOnly, container: ContainerDep) -> Response:
    """Every channel with its last webhook, last event and last pull, and its open sync log entries."""
    async with container.engine.connect() as conn:
        items = await channel_health(conn)
    return JSONResponse({"items": items, "next_cursor": None})
