"""The FAN Courier adapter against the FAN Courier simulator, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from adapters.couriers import fancourier
from adapters.couriers.account import CourierAccount
from adapters.couriers.fancourier import FanCourierGateway, county_name, fan_status, split_street
from adapters.sandbox.common import serve_in_process
from adapters.sandbox.fancourier import FanSandbox, build_app
from domain.fulfilment.couriers import (
    CourierError,
    LabelFormat,
    Parcel,
    Party,
    ShipmentRequest,
    TrackingResult,
    TrackingStatus,
)

CREDS = {"username": "clienttest", "password": "testing", "client_id": "7032158"}
STEFAN = Party(name="Ștefan Mureșan", phone="0722123456", street="Calea Dorobanților 101, bl. A2, ap. 14",
               city="Cluj-Napoca", county="CJ", postcode="400609", email="stefan.muresan@example.ro")
SHOP = Party(name="Atelierul Mărțișor SRL", phone="0268123456", street="Str. Mărășești 12", city="Brașov",
             county="BV", postcode="500086")


@dataclass
class Sandbox:
    base_url: str
    sim: FanSandbox
    http: httpx.AsyncClient

    def gateway(self, *, timeout_s: float = 5.0, credentials: dict[str, str] | None = None,
                base_url: str | None = None) -> FanCourierGateway:
        account = CourierAccount(courier="fancourier", base_url=base_url or self.base_url,
                                 credentials=credentials or CREDS, default_service="Standard", timeout_s=timeout_s)
        return FanCourierGateway(account)

    async def shipments(self) -> list[dict[str, Any]]:
        resp = await self.http.get("/_sim/shipments")
        return list(resp.json())

    async def arm(self, **faults: Any) -> None:
        (await self.http.post("/_sim/faults", json=faults)).raise_for_status()


async def running(step_s: float) -> AsyncIterator[Sandbox]:
    app = build_app(credentials=CREDS, step_s=step_s)
    async with serve_in_process(app) as server, httpx.AsyncClient(base_url=server.base_url) as http:
        yield Sandbox(server.base_url, app.state.sim, http)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async for box in running(step_s=10.0):  # tracking stays before pickup for the whole test
        yield box


@pytest.fixture
async def fast() -> AsyncIterator[Sandbox]:
    async for box in running(step_s=0.05):  # a parcel is delivered about 0.2 s after its AWB
        yield box


def shipment(**changes: Any) -> ShipmentRequest:
    request = ShipmentRequest(
        external_order_id=f"PL-{uuid.uuid4().hex[:8]}", sender=SHOP, recipient=STEFAN,
        parcels=(Parcel("PL-1042-1", Decimal("30"), Decimal("20"), Decimal("10"), Decimal("1.25")),
                 Parcel("PL-1042-2", Decimal("40"), Decimal("15"), Decimal("12.5"), Decimal("0.75"))),
        declared_value=Decimal("174.29"), currency="RON", cod_amount=Decimal("174.29"), reference="CMD-1042",
        contents="Tricouri și căni")
    return replace(request, **changes)


async def track_until(gateway: FanCourierGateway, awb: str, done: Callable[[TrackingResult], bool],
                      within: float = 5.0) -> TrackingResult:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        [result] = await gateway.track([awb])
        if done(result) or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)


# --- create, find -----------------------------------------------------------------------------------------------


async def test_create_sends_the_documented_intern_awb_fields(sandbox: Sandbox) -> None:
    gateway, request = sandbox.gateway(), shipment()
    created = await gateway.create(request)

    assert len(created.awb_number) == 13 and created.awb_number.isdigit()
    assert created.carrier_name == "FAN Courier" and created.price == Decimal("25.11")  # made-up tariff, 3 kg
    assert created.tracking_url == f"https://www.fancourier.ro/awb-tracking/?tracking={created.awb_number}"
    [stored] = await sandbox.shipments()
    assert stored["awb"] == created.awb_number and stored["external_id"] == request.external_order_id
    info, recipient = stored["shipment"]["info"], stored["shipment"]["recipient"]
    assert info["service"] == "Standard" and info["packages"] == {"parcel": 2, "envelope": 0}
    assert info["weight"] == 2 and info["cod"] == 174.29 and info["declaredValue"] == 174.29
    assert info["payment"] == "expeditor" and info["costCenter"] == request.external_order_id
    assert info["observation"] == "CMD-1042" and info["content"] == "Tricouri și căni"
    assert info["dimensions"] == {"length": 40, "width": 20, "height": 12.5}
    assert recipient["name"] == "Ștefan Mureșan" and recipient["phone"] == "0722123456"
    assert recipient["email"] == "stefan.muresan@example.ro"
    assert recipient["address"] == {"county": "Cluj", "locality": "Cluj-Napoca", "zipCode": "400609",
                                    "street": "Calea Dorobanților", "streetNo": "101", "building": "A2",
                                    "entrance": "", "floor": "", "apartment": "14"}
    # Before a courier scans the parcel FAN knows no event, only that the AWB was registered.
    assert await gateway.track([created.awb_number]) == [TrackingResult(created.awb_number)]
    assert len(sandbox.sim.tokens) == 1  # one login for create + track: the token is cached
    await gateway.aclose()


async def test_a_lost_answer_is_found_again_through_the_cost_center(sandbox: Sandbox) -> None:
    await sandbox.arm(late_count=1, hang_s=1.0)
    gateway, request = sandbox.gateway(timeout_s=0.3), shipment()

    with pytest.raises(CourierError) as lost:
        await gateway.create(request)
    assert lost.value.retryable and lost.value.maybe_created

    found = await gateway.find(request)
    assert found is not None
    mine = [s for s in await sandbox.shipments() if s["external_id"] == request.external_order_id]
    assert [s["awb"] for s in mine] == [found.awb_number]  # exactly one AWB, and find() returns it
    assert found.price == Decimal("25.11")
    assert await gateway.find(shipment()) is None  # never created
    await gateway.aclose()


async def test_find_reads_every_page_of_the_borderou(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fancourier, "REPORT_PAGE", 2)
    gateway = sandbox.gateway()
    requests = [shipment() for _ in range(5)]
    awbs = [(await gateway.create(r)).awb_number for r in requests]
    found = await gateway.find(requests[-1])
    assert found is not None and found.awb_number == awbs[-1]
    await gateway.cancel(awbs[0])
    assert await gateway.find(requests[0]) is None  # a deleted AWB leaves the borderou: create again
    await gateway.aclose()


async def test_offers_price_the_shipment(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    [offer] = await gateway.offers(shipment())
    assert offer.carrier_name == "FAN Courier" and offer.service == "Standard" and offer.currency == "RON"
    assert offer.price == Decimal("23")  # 14.50 + 1.20 + 1.74 insurance + 1.57 fuel, + 21% VAT
    await gateway.aclose()


# --- labels -----------------------------------------------------------------------------------------------------


async def test_labels_are_pdf_in_a4_and_thermal_size(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    awb = (await gateway.create(shipment())).awb_number

    sizes = {}
    for fmt in (LabelFormat.A4, LabelFormat.THERMAL):
        pdf = await gateway.label(awb, fmt)
        assert pdf.startswith(b"%PDF")
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        sizes[fmt] = (round(float(box.width)), round(float(box.height)))
    assert sizes[LabelFormat.A4] == (595, 842)
    assert sizes[LabelFormat.THERMAL] == (283, 425)  # 100 x 150 mm

    with pytest.raises(CourierError) as unknown:
        await gateway.label("2150999999999", LabelFormat.A4)
    assert not unknown.value.retryable and "nu a fost gasit" in unknown.value.message
    await gateway.aclose()


# --- tracking ---------------------------------------------------------------------------------------------------


async def test_tracking_advances_to_delivered(fast: Sandbox) -> None:
    gateway = fast.gateway()
    awb = (await gateway.create(shipment())).awb_number

    result = await track_until(gateway, awb, lambda r: r.latest is not None and r.latest.status.final)
    assert [e.status for e in result.events] == [TrackingStatus.PICKED_UP, TrackingStatus.IN_TRANSIT,
                                                 TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.DELIVERED]
    assert result.latest is not None and result.latest.text == "Livrat"
    assert result.latest.location == "Cluj-Napoca" and result.latest.at.tzinfo is not None
    await gateway.aclose()


@pytest.mark.parametrize(("outcome", "last", "text"), [("fail", TrackingStatus.FAILED_DELIVERY, "Avizat"),
                                                       ("return", TrackingStatus.RETURNED, "Retur")])
async def test_failed_and_returned_outcomes(fast: Sandbox, outcome: str, last: TrackingStatus, text: str) -> None:
    gateway, request = fast.gateway(), shipment()
    (await fast.http.post("/_sim/outcome", json={"external_id": request.external_order_id,
                                                 "outcome": outcome})).raise_for_status()
    awb = (await gateway.create(request)).awb_number

    result = await track_until(gateway, awb, lambda r: r.latest is not None and r.latest.status is last)
    assert result.latest is not None and result.latest.status is last and result.latest.text == text
    assert TrackingStatus.DELIVERED not in {e.status for e in result.events}
    await gateway.aclose()


async def test_tracking_batches_to_the_documented_limit(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    awb = (await gateway.create(shipment())).awb_number
    asked = [awb, *(f"21509{n:08d}" for n in range(149))]  # the simulator refuses more than 100 per call

    results = await gateway.track(asked)
    assert [r.awb_number for r in results] == asked
    assert all(r.events == () for r in results)
    await gateway.aclose()


# --- cancel -----------------------------------------------------------------------------------------------------


async def test_cancel_deletes_an_awb_not_yet_picked_up(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    awb = (await gateway.create(shipment())).awb_number

    await gateway.cancel(awb)
    [stored] = await sandbox.shipments()
    assert stored["cancelled"] is True
    with pytest.raises(CourierError) as again:
        await gateway.cancel(awb)
    assert not again.value.retryable and again.value.errors == ["AWB not found"]
    await gateway.aclose()


async def test_cancel_is_refused_once_the_courier_has_the_parcel(fast: Sandbox) -> None:
    gateway = fast.gateway()
    awb = (await gateway.create(shipment())).awb_number
    await track_until(gateway, awb, lambda r: bool(r.events))

    with pytest.raises(CourierError) as refused:
        await gateway.cancel(awb)
    assert not refused.value.retryable and "preluata de curier" in refused.value.message
    await gateway.aclose()


# --- errors -----------------------------------------------------------------------------------------------------


async def test_wrong_credentials_are_not_retryable(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway(credentials={**CREDS, "password": "wrong"})
    with pytest.raises(CourierError) as refused:
        await gateway.create(shipment())
    assert not refused.value.retryable and not refused.value.maybe_created
    assert "login" in refused.value.message and refused.value.errors == ["Datele de autentificare sunt incorecte"]
    assert await sandbox.shipments() == []
    await gateway.aclose()


async def test_another_clients_id_is_refused(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway(credentials={**CREDS, "client_id": "999"})
    with pytest.raises(CourierError) as refused:
        await gateway.create(shipment())
    assert not refused.value.retryable and not refused.value.maybe_created
    assert refused.value.errors == ["Clientul 999 nu apartine utilizatorului"]
    await gateway.aclose()


async def test_a_revoked_token_is_renewed_once(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    first = (await gateway.create(shipment())).awb_number
    (await sandbox.http.post("/_sim/tokens/expire")).raise_for_status()

    second = (await gateway.create(shipment())).awb_number  # 401, login, same request again
    assert second != first and len(await sandbox.shipments()) == 2
    assert len(sandbox.sim.tokens) == 1
    await gateway.aclose()


async def test_validation_errors_carry_fans_messages(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    bad = replace(STEFAN, county="Atlantida", phone="12", street="")
    with pytest.raises(CourierError) as refused:
        await gateway.create(shipment(recipient=bad))
    assert not refused.value.retryable and not refused.value.maybe_created
    assert set(refused.value.errors) == {"recipient.address.county: The county does not exist",
                                         "recipient.phone: The phone number is invalid",
                                         "recipient.address.street: The street is required"}
    assert await sandbox.shipments() == []

    with pytest.raises(CourierError) as euro:  # refused before any call: FAN amounts are RON
        await gateway.create(shipment(currency="EUR"))
    assert not euro.value.retryable and euro.value.errors == ["currency: EUR is not RON"]
    await gateway.aclose()


async def test_server_errors_and_throttling_are_retryable(sandbox: Sandbox) -> None:
    gateway = sandbox.gateway()
    await gateway.track(["2150000000001"])  # logged in: the faults below hit the calls themselves

    await sandbox.arm(count=1, status=503)
    with pytest.raises(CourierError) as unavailable:
        await gateway.create(shipment())
    assert unavailable.value.retryable and not unavailable.value.maybe_created  # refused at the door

    await sandbox.arm(count=1, status=500)
    with pytest.raises(CourierError) as broken:
        await gateway.create(shipment())
    assert broken.value.retryable and broken.value.maybe_created  # it may have been booked: look first

    await sandbox.arm(count=1, status=429, retry_after=7)
    with pytest.raises(CourierError) as throttled:
        await gateway.track(["2150000000001"])
    assert throttled.value.retryable and throttled.value.retry_after_s == 7.0
    assert await sandbox.shipments() == []
    await gateway.aclose()


async def test_network_errors_are_retryable(sandbox: Sandbox) -> None:
    await sandbox.arm(timeout_count=1, hang_s=1.0)
    with pytest.raises(CourierError) as slow:
        await sandbox.gateway(timeout_s=0.3).track(["2150000000001"])  # the login itself times out
    assert slow.value.retryable and not slow.value.maybe_created

    closed = sandbox.gateway(base_url="http://127.0.0.1:9")  # nothing listens: the request never left
    with pytest.raises(CourierError) as refused:
        await closed.create(shipment())
    assert refused.value.retryable and not refused.value.maybe_created
    await closed.aclose()


# --- translation ------------------------------------------------------------------------------------------------


def test_addresses_are_split_into_fans_fields() -> None:
    assert county_name("B") == "Bucuresti" and county_name("bv") == "Brasov" and county_name("Timiș") == "Timis"
    assert split_street("Str. Mărășești 12") == {"street": "Str. Mărășești", "streetNo": "12", "building": "",
                                                 "entrance": "", "floor": "", "apartment": ""}
    parts = split_street("Bd. Unirii 45, sc. 2, et. 3")
    assert (parts["street"], parts["streetNo"], parts["entrance"], parts["floor"]) == ("Bd. Unirii", "45", "2", "3")
    parts = split_street("Str. 1 Decembrie 1918, nr. 7A, lângă piață")
    assert (parts["street"], parts["streetNo"]) == ("Str. 1 Decembrie 1918, lângă piață", "7A")
    assert split_street("Aleea Trandafirilor")["streetNo"] == ""


def test_fan_codes_map_to_our_statuses() -> None:
    assert fan_status("S2") is TrackingStatus.DELIVERED and fan_status("C0") is TrackingStatus.PICKED_UP
    assert fan_status("S6") is TrackingStatus.FAILED_DELIVERY  # Refuz primire
    assert fan_status("S12") is TrackingStatus.IN_TRANSIT  # a later delivery agreed with the recipient
    assert fan_status("S43") is TrackingStatus.RETURNED and fan_status("H99") is TrackingStatus.IN_TRANSIT
