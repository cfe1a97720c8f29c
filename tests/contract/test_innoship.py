"""The Innoship adapter against the Innoship simulator, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pypdf
import pytest

from adapters.couriers.account import CourierAccount
from adapters.couriers.innoship import InnoshipGateway, parse_tracking_webhook
from adapters.sandbox.common import serve_in_process
from adapters.sandbox.innoship import InnoshipSim, build_app
from domain.fulfilment.couriers import (
    CourierError,
    LabelFormat,
    Parcel,
    Party,
    ShipmentRequest,
    TrackingResult,
    TrackingStatus,
)
from tests.contract.conftest import Receiver

KEY = "inno-test-key-7f3a"
SENDER = Party("Ioana Pîrvu", "0268400100", "Str. Mărășești 12", "Brașov", "BV", "500086",
               email="expeditii@example.ro", company="Atelierul Mărțișor SRL", contact="Ioana Pîrvu")
RECIPIENT = Party("Ștefan Mureșan", "0722123456", "Bd. Unirii 45, sc. 2, et. 3", "București", "B", "030823",
                  email="stefan.muresan@example.ro")
S = TrackingStatus


def shipment(external_id: str = "OMS-42-1", *, cod: Decimal | None = Decimal("174.29"),
             recipient: Party = RECIPIENT, carrier_id: int | None = None) -> ShipmentRequest:
    parcels = (Parcel("PL-000042-1", Decimal("30"), Decimal("20"), Decimal("10"), Decimal("1.25")),
               Parcel("PL-000042-2", Decimal("20"), Decimal("20"), Decimal("15"), Decimal("0.75")))
    return ShipmentRequest(external_order_id=external_id, sender=SENDER, recipient=recipient, parcels=parcels,
                           declared_value=Decimal("174.29"), currency="RON", cod_amount=cod,
                           carrier_id=carrier_id, reference="#000042", contents="Textile")


@dataclass
class Sim:
    base_url: str
    control: httpx.AsyncClient
    model: InnoshipSim

    async def post(self, path: str, data: dict[str, Any]) -> Any:
        resp = await self.control.post(path, json=data)
        resp.raise_for_status()
        return resp.json()

    async def get(self, path: str) -> Any:
        return (await self.control.get(path)).json()


@contextlib.asynccontextmanager
async def running_sim(step_s: float = 30.0, webhook_url: str | None = None) -> AsyncIterator[Sim]:
    app = build_app(credentials={"api_key": KEY}, step_s=step_s, webhook_url=webhook_url)
    async with serve_in_process(app) as running, httpx.AsyncClient(base_url=running.base_url) as control:
        yield Sim(running.base_url, control, app.state.sim)


@contextlib.asynccontextmanager
async def gateway(base_url: str, *, key: str = KEY, timeout_s: float = 5.0) -> AsyncIterator[InnoshipGateway]:
    gw = InnoshipGateway(CourierAccount("innoship", base_url, {"api_key": key}, settings={"api_version": "1.0"},
                                        timeout_s=timeout_s))
    try:
        yield gw
    finally:
        await gw.aclose()


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with running_sim() as running:
        yield running


@pytest.fixture
async def gw(sim: Sim) -> AsyncIterator[InnoshipGateway]:
    async with gateway(sim.base_url) as g:
        yield g


async def track_until(gw: InnoshipGateway, awb: str, done: Callable[[TrackingResult], bool],
                      within: float = 3.0) -> TrackingResult:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        [result] = await gw.track([awb])
        if done(result) or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)


async def test_couriers_come_from_courier_all_with_api_version_in_query_and_header(
        sim: Sim, gw: InnoshipGateway) -> None:
    assert await gw.couriers() == [(1, "Cargus"), (2, "DPD"), (3, "FAN Courier"), (4, "GLS"), (6, "Sameday")]
    [call] = await sim.get("/_sim/calls")
    assert call["path"] == "/api/Courier/All"
    assert call["query_api_version"] == "1.0" and call["header_api_version"] == "1.0"


async def test_offers_compare_the_aggregated_couriers(gw: InnoshipGateway) -> None:
    offers = await gw.offers(shipment())
    assert [o.carrier_id for o in offers] and {o.carrier_id for o in offers} == {1, 2, 3, 4, 6}
    assert [o.price for o in offers] == sorted(o.price for o in offers)
    assert all(isinstance(o.price, Decimal) and o.currency == "RON" and o.service == "1" for o in offers)
    fan = next(o for o in offers if o.carrier_id == 3)
    assert fan.option_id == 1 and fan.service_name == "National Standard" and fan.delivery_days == 1
    without_cod = {o.carrier_id: o.price for o in await gw.offers(shipment(cod=None))}
    assert all(o.price > without_cod[o.carrier_id] for o in offers)  # the COD fee is priced in
    [sameday] = await gw.offers(shipment(carrier_id=6))
    assert sameday.carrier_name == "Sameday"


async def test_create_sends_the_documented_order(sim: Sim, gw: InnoshipGateway) -> None:
    created = await gw.create(shipment(carrier_id=3))
    assert created.carrier_id == 3 and created.carrier_name == "FAN Courier"
    assert created.awb_number.startswith("2150") and len(created.awb_number) == 13  # FAN's 13-digit AWBs
    assert isinstance(created.price, Decimal) and created.price > 0
    assert created.tracking_url and created.awb_number in created.tracking_url

    [stored] = await sim.get("/_sim/shipments")
    order = stored["request"]
    assert stored["awb"] == created.awb_number and stored["external_id"] == "OMS-42-1"
    assert order["externalOrderId"] == "OMS-42-1" and order["courierId"] == 3 and order["serviceId"] == 1
    assert order["payment"] == "Sender" and order["parameters"] == {"async": False}
    assert order["addressTo"]["countyName"] == "Bucuresti" and order["addressTo"]["localityName"] == "București"
    assert order["addressFrom"]["countyName"] == "Brasov"
    assert order["addressFrom"]["name"] == "Atelierul Mărțișor SRL"
    assert order["addressFrom"]["contactPerson"] == "Ioana Pîrvu"
    assert order["extra"]["bankRepaymentAmount"] == 174.29 and order["extra"]["bankRepaymentCurrency"] == "RON"
    assert order["extra"]["reference1"] == "#000042" and order["extra"]["declaredValueAmount"] == 174.29
    content = order["content"]
    assert content["parcelsCount"] == 2 and content["totalWeight"] == 2.0 and content["contents"] == "Textile"
    assert content["parcels"][0] == {"sequenceNo": 1, "weight": 1.25, "type": "Parcel",
                                     "reference1": "PL-000042-1",
                                     "size": {"width": 20.0, "height": 10.0, "length": 30.0}}
    assert stored["headers"]["api-version"] == "1.0"


async def test_a_lost_answer_is_found_by_external_id_not_created_twice(sim: Sim) -> None:
    await sim.post("/_sim/faults", {"late_count": 1, "hang_s": 1.5})
    async with gateway(sim.base_url, timeout_s=0.3) as gw:
        with pytest.raises(CourierError) as lost:
            await gw.create(shipment("OMS-77-1"))
        assert lost.value.maybe_created and lost.value.retryable

    async with gateway(sim.base_url) as fresh:  # another worker picks the retry up
        found = await fresh.find(shipment("OMS-77-1"))
        stored = [s for s in await sim.get("/_sim/shipments") if s["external_id"] == "OMS-77-1"]
        assert len(stored) == 1 and found is not None
        assert found.awb_number == stored[0]["awb"] and found.carrier_id == stored[0]["courier_id"]
        assert found.carrier_name == stored[0]["courier"]
        assert (await fresh.label(found.awb_number, LabelFormat.A4)).startswith(b"%PDF")  # find fed the cache

        # Innoship itself refuses a second order with the same ExternalOrderId.
        with pytest.raises(CourierError) as twice:
            await fresh.create(shipment("OMS-77-1"))
        assert not twice.value.retryable and any("already exists" in e for e in twice.value.errors)
    assert len([s for s in await sim.get("/_sim/shipments") if s["external_id"] == "OMS-77-1"]) == 1


async def test_find_returns_none_when_nothing_was_created(gw: InnoshipGateway) -> None:
    assert await gw.find(shipment("OMS-never")) is None


async def test_labels_a4_and_thermal_are_pdfs_of_different_sizes(sim: Sim, gw: InnoshipGateway) -> None:
    created = await gw.create(shipment())
    a4 = await gw.label(created.awb_number, LabelFormat.A4)
    thermal = await gw.label(created.awb_number, LabelFormat.THERMAL)
    assert a4.startswith(b"%PDF") and thermal.startswith(b"%PDF")
    a4_box = pypdf.PdfReader(io.BytesIO(a4)).pages[0].mediabox
    thermal_box = pypdf.PdfReader(io.BytesIO(thermal)).pages[0].mediabox
    assert round(float(a4_box.width)) == 595 and round(float(thermal_box.width)) < 300

    async with gateway(sim.base_url) as restarted:  # no cache: the "courierId:awb" form carries the courier
        assert (await restarted.label(f"{created.carrier_id}:{created.awb_number}", LabelFormat.A4)
                ).startswith(b"%PDF")
    async with gateway(sim.base_url) as restarted:
        with pytest.raises(CourierError) as unknown:
            await restarted.label(created.awb_number, LabelFormat.A4)
        assert not unknown.value.retryable and "courierId:" in unknown.value.message


async def test_tracking_advances_to_delivered() -> None:
    async with running_sim(step_s=0.05) as sim, gateway(sim.base_url) as gw:
        created = await gw.create(shipment())
        result = await track_until(gw, created.awb_number, lambda r: bool(r.latest and r.latest.status.final))
    assert [e.status for e in result.events] == [S.CREATED, S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY,
                                                  S.DELIVERED]
    assert result.awb_number == created.awb_number and result.latest is not None
    assert result.latest.text == "Livrat" and result.latest.location == "București"
    assert [e.at for e in result.events] == sorted(e.at for e in result.events)


async def test_failed_delivery_outcome_maps_to_failed_delivery() -> None:
    async with running_sim(step_s=0.05) as sim, gateway(sim.base_url) as gw:
        await sim.post("/_sim/outcome", {"external_id": "OMS-13-1", "outcome": "fail"})
        created = await gw.create(shipment("OMS-13-1"))
        result = await track_until(gw, created.awb_number,
                                   lambda r: bool(r.latest and r.latest.status is S.FAILED_DELIVERY))
    assert result.latest is not None and result.latest.status is S.FAILED_DELIVERY
    assert "Destinatar absent" in result.latest.text


async def test_track_batches_per_courier_and_at_most_200_awbs(sim: Sim, gw: InnoshipGateway) -> None:
    cargus = await gw.create(shipment("OMS-1-1", carrier_id=1))
    sameday = await gw.create(shipment("OMS-2-1", carrier_id=6))
    unknown = [f"1:{9_000_000_000 + i}" for i in range(450)]
    asked = [cargus.awb_number, *unknown, sameday.awb_number]
    results = await gw.track(asked)
    assert [r.awb_number for r in results] == asked
    assert results[0].latest is not None and results[0].latest.status is S.CREATED
    assert results[-1].latest is not None and results[-1].latest.status is S.CREATED
    assert all(not r.events for r in results[1:-1])  # Innoship answers nothing for AWBs it does not know
    tracked = [c["count"] for c in await sim.get("/_sim/calls") if c["path"] == "/api/Track/by-awb/with-return"]
    assert sorted(tracked) == [1, 51, 200, 200]


async def test_cancel_before_pickup_and_refusal_after() -> None:
    async with running_sim(step_s=30) as sim, gateway(sim.base_url) as gw:
        created = await gw.create(shipment())
        await gw.cancel(created.awb_number)
        [result] = await gw.track([created.awb_number])
        assert result.latest is not None and result.latest.status is S.CANCELLED
        assert await gw.find(shipment()) is None  # a cancelled AWB is nothing to reconcile with
    async with running_sim(step_s=0.05) as sim, gateway(sim.base_url) as gw:
        created = await gw.create(shipment())
        await asyncio.sleep(0.15)
        with pytest.raises(CourierError) as refused:
            await gw.cancel(created.awb_number)
    assert not refused.value.retryable and any("picked it up" in e for e in refused.value.errors)


async def test_a_wrong_api_key_is_refused(sim: Sim) -> None:
    async with gateway(sim.base_url, key="wrong") as gw:
        with pytest.raises(CourierError) as refused:
            await gw.create(shipment())
    assert not refused.value.retryable and not refused.value.maybe_created
    assert "API key" in refused.value.message and refused.value.errors
    assert await sim.get("/_sim/shipments") == []


async def test_validation_errors_carry_innoship_messages(sim: Sim, gw: InnoshipGateway) -> None:
    bad = Party("Ana Ionescu", "0744000111", "Str. Lungă 3", "", "XX", "500001")
    with pytest.raises(CourierError) as refused:
        await gw.create(shipment(recipient=bad))
    error = refused.value
    assert not error.retryable and not error.maybe_created
    assert "Value of field AddressTo.LocalityName is not valid: Required" in error.errors
    assert any("County 'XX' was not found" in e for e in error.errors)
    assert "correlationId" in error.message
    assert await sim.get("/_sim/shipments") == []


async def test_server_errors_and_rate_limits_are_retryable(sim: Sim, gw: InnoshipGateway) -> None:
    await sim.post("/_sim/faults", {"count": 1, "status": 503})
    with pytest.raises(CourierError) as unavailable:
        await gw.create(shipment())
    assert unavailable.value.retryable and unavailable.value.maybe_created  # reconcile before creating again

    await sim.post("/_sim/faults", {"count": 1, "status": 502})
    with pytest.raises(CourierError) as bad_gateway:
        await gw.offers(shipment())
    assert bad_gateway.value.retryable and not bad_gateway.value.maybe_created

    await sim.post("/_sim/faults", {"count": 1, "status": 429, "retry_after": 7})
    with pytest.raises(CourierError) as limited:
        await gw.create(shipment())
    assert limited.value.retryable and limited.value.retry_after_s == 7.0 and not limited.value.maybe_created
    assert await sim.get("/_sim/shipments") == []


async def test_timeouts_and_connection_errors_are_retryable(sim: Sim) -> None:
    await sim.post("/_sim/faults", {"timeout_count": 1, "hang_s": 1.0})
    async with gateway(sim.base_url, timeout_s=0.3) as gw:
        with pytest.raises(CourierError) as slow:
            await gw.track(["1:1000000001"])
    assert slow.value.retryable and not slow.value.maybe_created
    async with gateway("http://127.0.0.1:1") as gw:  # nothing listens: the order never left
        with pytest.raises(CourierError) as refused:
            await gw.create(shipment())
    assert refused.value.retryable and not refused.value.maybe_created


async def test_track_push_webhook_is_parsed_by_the_adapter(receiver: Receiver) -> None:
    async with running_sim(step_s=0.05, webhook_url=receiver.url) as sim, gateway(sim.base_url) as gw:
        created = await gw.create(shipment())

        async def delivered() -> list[TrackingResult]:
            while True:
                for call in receiver.calls:
                    for result in parse_tracking_webhook(call.body):
                        if result.latest and result.latest.status is S.DELIVERED:
                            return [result]
                await asyncio.sleep(0.05)

        [result] = await asyncio.wait_for(delivered(), 5)
    assert result.awb_number == created.awb_number
    assert [e.status for e in result.events][-2:] == [S.OUT_FOR_DELIVERY, S.DELIVERED]
    first = json.loads(receiver.calls[0].body)
    assert isinstance(first, list) and first[0]["externalOrderId"] == "OMS-42-1"
    assert receiver.calls[0].headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        parse_tracking_webhook(b"<html>")
