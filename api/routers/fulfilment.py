"""Delivery notes: POST /api/omni_sales/orders/{id}/delivery-note, the list under /api/warehouse/delivery_notes,
and each note as a printable PDF."""

from __future__ import annotations

import hmac
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Request
from starlette.responses import Response

from adapters.couriers.innoship import parse_tracking_webhook
from adapters.db.awb_batches import innoship_webhook_token
from adapters.db.fulfilment_read import delivery_note_one, delivery_note_page, note_document_rows, packing_list_one
from adapters.documents.delivery_note import DeliveryNoteDocument, DeliveryNoteLine, render_delivery_note
from api.deps import ContainerDep, StaffOnly, WarehouseDesk
from api.errors import problem
from api.presenters import parse_if_match
from api.responses import JSONResponse
from api.schemas.fulfilment import (
    DeliveryNoteCreated,
    DeliveryNoteIn,
    DeliveryNoteOut,
    DeliveryNotePage,
    TrackingPushOut,
)
from api.schemas.masterdata import CHANGE, INT_MAX, READ, READ_ONE, Cursor, Limit, PathId, after_id, problems
from domain.errors import AuthenticationError, NotFoundError
from domain.fulfilment.notes import CreateDeliveryNote, create_delivery_note
from domain.fulfilment.tracking import apply_tracking

router = APIRouter(tags=["fulfilment"])
PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "the document as PDF"}}


@router.post("/api/omni_sales/orders/{order_id}/delivery-note", status_code=201, response_model=DeliveryNoteCreated,
             responses={**CHANGE, **problems(412), 200: {"model": DeliveryNoteCreated,
                                                          "description": "the order became a back-order"}},
             summary="Create the delivery note and packing list of an order")
async def create_note(order_id: PathId, actor: WarehouseDesk, container: ContainerDep,
                      body: Annotated[DeliveryNoteIn | None, Body()] = None,
                      if_match: Annotated[str | None, Header(max_length=100)] = None) -> Response:
    """From a confirmed, paid or ready order (never pending_payment). A paid order is confirmed and its stock
    reserved here. When stock is short: 409 unless `on_short` says partial (deliver what is there) or backorder
    (the order goes to stock_unavailable; answered 200 with no note)."""
    cmd = CreateDeliveryNote(order_id, on_short=body.on_short if body else None,
                             expected_version=parse_if_match(if_match, order_id))
    outcome = await create_delivery_note(cmd, actor=actor, uow=container.uow(), clock=container.clock)
    order = outcome.order
    note = packing = None
    if outcome.note is not None and outcome.note.id is not None:
        note = await delivery_note_one(container.pool, outcome.note.id)
    if outcome.packing_list is not None and outcome.packing_list.id is not None:
        packing = await packing_list_one(container.pool, container.clock(), outcome.packing_list.id)
    body_out = {"order_id": order.id, "order_status": int(order.status), "order_status_label": order.status.label,
                "delivery_note": note, "packing_list": packing}
    headers = {"Location": f"/api/warehouse/delivery_notes/{note['id']}"} if note else None
    return JSONResponse(body_out, status_code=201 if note else 200, headers=headers)


@router.get("/api/warehouse/delivery_notes", response_model=DeliveryNotePage, responses=READ,
            summary="Delivery notes, newest first")
async def list_notes(actor: StaffOnly, container: ContainerDep, cursor: Cursor = None, limit: Limit = 50,
                     order_id: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None,
                     status: Literal["open", "dispatched", "cancelled"] | None = None) -> Response:
    items, next_cursor = await delivery_note_page(container.pool, order_id=order_id, status=status,
                                                  after=after_id(cursor), limit=limit)
    return JSONResponse({"items": items, "next_cursor": next_cursor})


@router.get("/api/warehouse/delivery_notes/{note_id}", response_model=DeliveryNoteOut, responses=READ_ONE,
            summary="One delivery note")
async def get_note(note_id: PathId, actor: StaffOnly, container: ContainerDep) -> Response:
    note = await delivery_note_one(container.pool, note_id)
    if note is None:
        raise NotFoundError("delivery note", note_id)
    return JSONResponse(note)


@router.get("/api/warehouse/delivery_notes/{note_id}/pdf", response_class=Response, responses={**READ_ONE, **PDF},
            summary="The delivery note as a printable A4 PDF")
async def note_pdf(note_id: PathId, actor: StaffOnly, container: ContainerDep,
                   lang: Literal["ro", "en"] = "ro") -> Response:
    found = await note_document_rows(container.pool, note_id)
    if found is None:
        raise NotFoundError("delivery note", note_id)
    note, order = found
    address = order["shipping_address"]
    settings = container.settings
    document = DeliveryNoteDocument(
        number=note["number"], issued_at=note["created_at"], order_number=note["order_number"],
        supplier_name=settings.company_name, supplier_address=(settings.company_address,),
        supplier_vat_code=settings.company_vat_code, supplier_registration_number=settings.company_registration,
        customer_name=order["customer_name"], customer_vat_code=order["vat_code"],
        delivery_address=tuple(x for x in (address.get("name"), address.get("street"),
                                           f"{address.get('postcode', '')} {address.get('city', '')}".strip(),
                                           f"{address.get('county', '')}, {address.get('country', '')}") if x),
        lines=tuple(DeliveryNoteLine(sku=x["sku"], name=x["name"], quantity=Decimal(x["quantity"]),
                                     back_ordered=Decimal(x["backordered"])) for x in note["lines"]),
    )
    pdf = render_delivery_note(document, lang=lang)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{note["number"]}.pdf"'})


@router.post("/api/webhooks/innoship", status_code=200, response_model=TrackingPushOut,
             responses={**problems(400, 401, 404, 413)}, summary="Innoship tracking push")
async def innoship_tracking(request: Request, container: ContainerDep,
                            token: Annotated[str, Query(min_length=1, max_length=200)]) -> Response:
    """Innoship posts tracking updates (the Track answer's shape). It signs nothing, so the URL carries the
    `webhook_token` set in the Innoship account's settings; a wrong token is a 401 and nothing is read."""
    expected = await innoship_webhook_token(container.pool)
    if not expected:
        raise NotFoundError("innoship tracking webhook", "(no webhook_token configured)")
    if not hmac.compare_digest(expected.encode(), token.encode()):
        raise AuthenticationError("wrong webhook token")
    try:
        results = parse_tracking_webhook(await request.body())
    except ValueError as exc:
        return problem(400, str(exc), type_="malformed-body")
    run = await apply_tracking("innoship", results, uow_factory=container.uow, clock=container.clock,
                               poll_every=timedelta(seconds=container.settings.tracking_poll_s))
    return JSONResponse({"received": len(results), "changed": run.changed, "delivered": run.delivered,
                         "held": run.held})
