"""/api/warehouse/packing_lists: packages with dimensions and weight, AWB generation (one, or a batch with
progress), courier price offers, and batch label printing."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from starlette.responses import Response

from adapters.db.awb_batches import create_batch
from adapters.db.fulfilment_read import batch_one, packing_list_one, packing_list_page
from adapters.documents.pdf import merge_pdfs
from api.deps import Container, ContainerDep, StaffOnly, WarehouseDesk
from api.presenters import parse_if_match
from api.responses import JSONResponse
from api.schemas.fulfilment import (
    AwbBatchIn,
    AwbBatchOut,
    AwbIn,
    AwbOut,
    LabelsIn,
    OfferIn,
    OfferList,
    PackagesIn,
    PackingListOut,
    PackingListPage,
)
from api.schemas.masterdata import CHANGE, CREATE, INT_MAX, READ, READ_ONE, Cursor, Limit, PathId, after_id, problems
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.fulfilment.awb import AwbResult, GenerateAwb, generate_awbs, record_manual_awb
from domain.fulfilment.couriers import LabelFormat
from domain.fulfilment.labels import shipment_label
from domain.fulfilment.model import Package
from domain.fulfilment.notes import UpdatePackages, update_packages
from domain.fulfilment.offers import offers_for
from domain.fulfilment.ports import CourierDirectory, configured

router = APIRouter(prefix="/api/warehouse", tags=["fulfilment"])
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "the labels, one PDF"}}
COURIER = problems(502, 503)


def couriers_of(container: Container) -> CourierDirectory:
    assert container.couriers is not None
    return container.couriers


async def _one(container: Container, packing_list_id: int) -> Response:
    found = await packing_list_one(container.pool, container.clock(), packing_list_id)
    if found is None:
        raise NotFoundError("packing list", packing_list_id)
    return JSONResponse(found, headers={"ETag": f'"{packing_list_id}-{found["version"]}"'})


@router.get("/packing_lists", response_model=PackingListPage, responses=READ, summary="Packing lists")
async def list_packing_lists(actor: StaffOnly, container: ContainerDep, cursor: Cursor = None, limit: Limit = 50,
                             awb: Literal["missing", "present"] | None = None,
                             order_id: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None) -> Response:
    """`awb=missing` is the guide's "packages without AWB" list (with each list's age); `order_id` filters."""
    items, next_cursor = await packing_list_page(container.pool, container.clock(), awb=awb, order_id=order_id,
                                                 after=after_id(cursor), limit=limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/packing_lists/{packing_list_id}", response_model=PackingListOut, responses=READ_ONE,
            summary="One packing list")
async def get_packing_list(packing_list_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    return await _one(container, packing_list_id)


@router.patch("/packing_lists/{packing_list_id}", response_model=PackingListOut, responses={**CHANGE, **problems(412)},
              summary="Set the packages (dimensions in cm, weight in kg)")
async def patch_packing_list(packing_list_id: PathId, body: PackagesIn, actor: WarehouseDesk, container: ContainerDep,
                             if_match: Annotated[str | None, Header(max_length=100)] = None) -> Response:
    """Replaces the packages; a field left out or null stays to be filled. Refused once an AWB is live."""
    packages = [Package(p.length_cm, p.width_cm, p.height_cm, p.weight_kg) for p in body.packages]
    cmd = UpdatePackages(packing_list_id, packages, parse_if_match(if_match, packing_list_id))
    await update_packages(cmd, actor=actor, uow=container.uow(), clock=container.clock)
    return await _one(container, packing_list_id)


@router.post("/packing_lists/{packing_list_id}/awb", status_code=201, response_model=AwbOut,
             responses={**CHANGE, **COURIER, 200: {"model": AwbOut, "description": "the AWB it already had"}},
             summary="Generate (or, for manual couriers, record) the AWB")
async def generate_awb(packing_list_id: PathId, body: AwbIn, actor: WarehouseDesk, container: ContainerDep) -> Response:
    """One packing list never gets two live AWBs: a repeated request answers the existing one (200). Missing
    dimensions or weight are a 422 naming each field; a courier failure is a 502/503 problem."""
    couriers = couriers_of(container)
    if body.awb_number is not None:
        result = await record_manual_awb(packing_list_id, body.courier, body.awb_number, actor=actor,
                                         uow_factory=container.uow, couriers=couriers, clock=container.clock)
    else:
        [result] = await generate_awbs(GenerateAwb([packing_list_id], body.courier, body.service, body.carrier_id),
                                       actor=actor, uow_factory=container.uow, couriers=couriers,
                                       clock=container.clock)
    if not result.ok:
        raise_result(result)
    assert result.shipment_id is not None and result.awb_number is not None
    return JSONResponse({"packing_list_id": packing_list_id, "shipment_id": result.shipment_id,
                         "awb_number": result.awb_number, "already": result.already},
                        status_code=200 if result.already else 201)


def raise_result(result: AwbResult) -> None:
    detail = result.error or "AWB not generated"
    if result.kind == "validation":
        raise ValidationError(detail, result.errors)
    if result.kind == "not_found":
        raise NotFoundError("packing list", result.packing_list_id)
    if result.courier_error is not None:
        raise result.courier_error
    raise ConflictError(detail, existing_id=result.shipment_id)


@router.post("/packing_lists/{packing_list_id}/offers", response_model=OfferList,
             responses={**READ_ONE, **COURIER}, summary="Courier price offers for this packing list")
async def offers(packing_list_id: PathId, body: OfferIn, actor: WarehouseDesk, container: ContainerDep) -> Response:
    """Innoship's POST /api/Price, side by side (direct couriers answer their one price, or none)."""
    items = await offers_for(packing_list_id, body.courier, uow_factory=container.uow,
                             couriers=couriers_of(container))
    return JSONResponse({"items": [{"carrier_id": o.carrier_id, "carrier_name": o.carrier_name, "service": o.service,
                                    "service_name": o.service_name, "price": str(o.price), "currency": o.currency,
                                    "delivery_days": o.delivery_days} for o in items]})


@router.post("/awb_batches", status_code=202, response_model=AwbBatchOut, responses=CREATE,
             summary="Generate AWBs for many packing lists in the background")
async def start_batch(body: AwbBatchIn, actor: WarehouseDesk, container: ContainerDep) -> Response:
    """Answers at once; GET the batch for progress and per-item results (the console polls it)."""
    await configured(couriers_of(container), body.courier)
    ids = list(dict.fromkeys(body.packing_list_ids))
    now = container.clock()
    batch_id = await create_batch(container.pool, courier=body.courier, service=body.service,
                                  packing_list_ids=ids, created_by=actor.label, now=now)
    batch = await batch_one(container.pool, batch_id)
    return JSONResponse(batch, status_code=202, headers={"Location": f"/api/warehouse/awb_batches/{batch_id}"})


@router.get("/awb_batches/{batch_id}", response_model=AwbBatchOut, responses=READ_ONE, summary="An AWB batch")
async def get_batch(batch_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    batch = await batch_one(container.pool, batch_id)
    if batch is None:
        raise NotFoundError("AWB batch", batch_id)
    return JSONResponse(batch)


@router.post("/labels", response_class=Response, responses={**CHANGE, **COURIER, **PDF},
             summary="Print many labels as one PDF")
async def print_labels(body: LabelsIn, actor: StaffOnly, container: ContainerDep) -> Response:
    """Labels in the order given; each is fetched from its courier once and then kept."""
    fmt = LabelFormat(body.format)
    parts = [await shipment_label(sid, fmt, uow_factory=container.uow, couriers=couriers_of(container))
             for sid in dict.fromkeys(body.shipment_ids)]
    return Response(merge_pdfs(parts), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="labels-{body.format}.pdf"'})
