"""/api/shipments: AWBs with their tracking timeline, and their labels (A4 or 100x150 thermal)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from adapters.db.fulfilment_read import shipment_one, shipment_page
from api.deps import ContainerDep, StaffOnly, WarehouseDesk
from api.responses import JSONResponse
from api.routers.packing_lists import couriers_of
from api.schemas.fulfilment import ShipmentOut, ShipmentPage
from api.schemas.masterdata import CHANGE, INT_MAX, READ, READ_ONE, Cursor, Limit, PathId, after_id, problems
from domain.errors import NotFoundError
from domain.fulfilment.couriers import LabelFormat
from domain.fulfilment.labels import MAX_LABEL_BYTES, shipment_label, upload_label

router = APIRouter(prefix="/api/shipments", tags=["fulfilment"])
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "the label"}}


@router.get("", response_model=ShipmentPage, responses=READ, summary="Shipments (AWBs), newest first")
async def list_shipments(actor: StaffOnly, container: ContainerDep, cursor: Cursor = None, limit: Limit = 50,
                         order_id: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None) -> Response:
    items, next_cursor = await shipment_page(container.pool, order_id=order_id, after=after_id(cursor), limit=limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/{shipment_id}", response_model=ShipmentOut, responses=READ_ONE,
            summary="One shipment with its tracking timeline")
async def get_shipment(shipment_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    found = await shipment_one(container.pool, shipment_id)
    if found is None:
        raise NotFoundError("shipment", shipment_id)
    return JSONResponse(found)


@router.get("/{shipment_id}/label", response_class=Response, responses={**READ_ONE, **problems(409, 502, 503), **PDF},
            summary="The label as PDF")
async def get_label(shipment_id: PathId, actor: StaffOnly, container: ContainerDep,
                    format: Literal["a4", "thermal"] = "a4") -> Response:
    pdf = await shipment_label(shipment_id, LabelFormat(format), uow_factory=container.uow,
                               couriers=couriers_of(container))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="label-{shipment_id}-{format}.pdf"'})


@router.put("/{shipment_id}/label", status_code=204, response_class=Response,
            responses={**CHANGE, 204: {"description": "stored"}},
            openapi_extra={"requestBody": {"required": True, "content": {"application/pdf": {
                "schema": {"type": "string", "format": "binary"}}}}},
            summary="Upload the label of a manual courier's AWB (body: the PDF)")
async def put_label(shipment_id: PathId, request: Request, actor: WarehouseDesk, container: ContainerDep,
                    format: Literal["a4", "thermal"] = "a4") -> Response:
    body = await request.body()
    await upload_label(shipment_id, LabelFormat(format), body[:MAX_LABEL_BYTES + 1], actor=actor,
                       uow_factory=container.uow)
    return Response(status_code=204)
