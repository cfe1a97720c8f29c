"""Use cases: a shipment's label (stored once fetched; fetched from the courier when missing) and labels an
operator uploads for couriers without an API."""

from __future__ import annotations

from collections.abc import Callable

from domain.actors import Actor
from domain.errors import ConflictError, FieldError, ValidationError
from domain.fulfilment.couriers import LabelFormat
from domain.fulfilment.model import ShipmentStatus
from domain.fulfilment.notes import check_warehouse_role
from domain.fulfilment.ports import CourierDirectory
from domain.ports import UnitOfWork

MAX_LABEL_BYTES = 5 * 1024 * 1024
UowFactory = Callable[[], UnitOfWork]


async def shipment_label(shipment_id: int, fmt: LabelFormat, *, uow_factory: UowFactory,
                         couriers: CourierDirectory) -> bytes:
    """The stored label, or the courier's (then stored). Raises CourierError when the courier cannot answer."""
    async with uow_factory() as uow:
        shipment = await uow.fulfilment.get_shipment(shipment_id)
        stored = await uow.fulfilment.get_label(shipment_id, fmt)
    if stored is not None:
        return stored
    if shipment.status is not ShipmentStatus.CREATED or shipment.awb_number is None:
        raise ConflictError(f"shipment {shipment_id} has no AWB yet ({shipment.status})")
    setup = await couriers.get(shipment.courier)
    if setup is None or setup.manual:
        raise ConflictError(f"no {fmt} label stored for AWB {shipment.awb_number}; upload it from the courier's "
                            "portal")
    pdf = await setup.gateway.label(shipment.awb_ref, fmt)
    async with uow_factory() as uow:
        await uow.fulfilment.save_label(shipment_id, fmt, pdf, None)
        await uow.commit()
    return pdf


async def upload_label(shipment_id: int, fmt: LabelFormat, pdf: bytes, *, actor: Actor,
                       uow_factory: UowFactory) -> None:
    check_warehouse_role(actor, "a label upload")
    if not pdf.startswith(b"%PDF-"):
        raise ValidationError("the label must be a PDF", [FieldError("file", "not a PDF document")])
    if len(pdf) > MAX_LABEL_BYTES:
        raise ValidationError("label too large", [FieldError("file", f"at most {MAX_LABEL_BYTES} bytes")])
    async with uow_factory() as uow:
        shipment = await uow.fulfilment.get_shipment(shipment_id, for_update=True)
        if shipment.status is not ShipmentStatus.CREATED:
            raise ConflictError(f"shipment {shipment_id} has no AWB ({shipment.status})")
        await uow.fulfilment.save_label(shipment_id, fmt, pdf, actor.label)
        await uow.commit()
