"""Use case: price offers of a courier for one packing list (Innoship compares many couriers)."""

from __future__ import annotations

from collections.abc import Callable

from domain.fulfilment.awb import shipment_request
from domain.fulfilment.couriers import Offer
from domain.fulfilment.ports import CourierDirectory, configured
from domain.ports import UnitOfWork


async def offers_for(packing_list_id: int, courier: str, *, uow_factory: Callable[[], UnitOfWork],
                     couriers: CourierDirectory) -> list[Offer]:
    setup = await configured(couriers, courier)
    async with uow_factory() as uow:
        packing_list = await uow.fulfilment.get_packing_list(packing_list_id)
        order = await uow.orders.get(packing_list.order_id)
    packing_list.check_ready_for_awb()
    request = shipment_request(f"quote-{packing_list.number}", setup.default_service, None, packing_list, order,
                               setup.sender)
    offers = await setup.gateway.offers(request)
    return sorted(offers, key=lambda o: o.price)
