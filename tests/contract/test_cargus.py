"""The Cargus adapter against the Cargus simulator, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from adapters.couriers.account import CourierAccount
from adapters.couriers.cargus import CargusGateway, county_name, event_status, service_id
from adapters.sandbox.cargus import build_app
from adapters.sandbox.common import serve_in_process
from domain.fulfilment.couriers import (
    CourierError,
    CourierGateway,
    LabelFormat,
    Parcel,
    Party,
    ShipmentRequest,
    TrackingStatus,
)

CREDENTIALS = {"subscription_key": "sub-key-123", "username": "magazin.api", "password": "parola-ăș"}
SENDER = Party(name="Atelierul Mărțișor SRL", phone="0268123456", street="Str. Lungă 10", city="Brașov",
               county="BV", postcode="500035", email="expeditii@example.ro", contact="Ioana Pîrvu")
RECIPIENT = Party(name="Ștefan Mureșan", phone="0722123456", street="Bd. Unirii 45, sc. 2, et. 3",
                  city="București", county="B", postcode="030823", email="stefan@example.ro")


def shipment(external_id: str, **changes: Any) -> ShipmentRequest:
    request = ShipmentRequest(
        external_order_id=external_id, sender=SENDER, recipient=RECIPIENT,
        parcels=(Parcel("PL-000042-1", Decimal("30.5"), Decimal("20"), Decimal("10.2"), Decimal("2.35")),
                 Parcel("PL-000042-2", Decimal("40"), Decimal("30"), Decimal("20"), Decimal("4.1"))),
        declared_value=Decimal("349.90"), currency="RON", cod_amount=Decimal("369.89"), reference="CMD-000042",
        contents="Textile")
    return replace(request, **changes)


@dataclass
class Cargus:
    base_url: str
    control: httpx.AsyncClient
    calls: list[httpx.Request] = field(default_factory=list)
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def gateway(self, **changes: Any) -> CargusGateway:
        """A gateway whose requests are recorded (what reached the simulator, in order)."""
        account = CourierAccount(courier="cargus", base_url=f"{self.base_url}/api", credentials=CREDENTIALS,
                                 timeout_s=5.0)
        client = httpx.AsyncClient(event_hooks={"request": [self._record]})
        self.clients.append(client)
        return CargusGateway(replace(account, **changes), client)

    async def _record(self, request: httpx.Request) -> None:
        self.calls.append(request)

    async def shipments(self, external_id: str | None = None) -> list[dict[str, Any]]:
        params = {"external_id": external_id} if external_id else {}
        return list((await self.control.get("/_sim/shipments", params=params)).json())

    async def arm(self, **faults: Any) -> None:
        (await self.control.post("/_sim/faults", json=faults)).raise_for_status()


@contextlib.asynccontextmanager
async def running(step_s: float) -> AsyncIterator[Cargus]:
    async with serve_in_process(build_app(credentials=CREDENTIALS, step_s=step_s)) as server, \
            httpx.AsyncClient(base_url=server.base_url) as control:
        sim = Cargus(server.base_url, control)
        try:
            yield sim
        finally:
            for client in sim.clients:
                await client.aclose()


@pytest.fixture
async def cargus() -> AsyncIterator[Cargus]:
    """Tracking moves one step every 50 ms."""
    async with running(0.05) as sim:
        yield sim


@pytest.fixture
async def slow_cargus() -> AsyncIterator[Cargus]:
    """Nothing gets picked up during a test: AWBs can still be deleted."""
    async with running(600) as sim:
        yield sim


async def eventually(check: Callable[[], Any], within: float = 3.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)


async def test_create_sends_the_documented_awb(slow_cargus: Cargus) -> None:
    gateway: CourierGateway = slow_cargus.gateway(settings={"pickup_location_id": "201165677"})  # mypy: the port
    created = await gateway.create(shipment("PKG-1"))

    assert created.awb_number.isdigit() and len(created.awb_number) == 10 and created.awb_number.startswith("1")
    assert created.carrier_name == "Cargus" and created.awb_number in (created.tracking_url or "")
    assert isinstance(created.price, Decimal) and created.price > 0
    [stored] = await slow_cargus.shipments("PKG-1")
    body = stored["data"]
    assert stored["awb"] == created.awb_number
    # County codes become Cargus' county names, places lose their diacritics (the nomenclature has none).
    assert (body["Recipient"]["CountyName"], body["Recipient"]["LocalityName"]) == ("Bucuresti", "Bucuresti")
    assert (body["Sender"]["CountyName"], body["Sender"]["LocalityName"]) == ("Brasov", "Brasov")
    assert body["Sender"]["LocationId"] == 201165677 and body["Sender"]["ContactPerson"] == "Ioana Pîrvu"
    assert body["Recipient"]["Name"] == "Ștefan Mureșan" and body["Recipient"]["AddressText"].startswith("Bd. Unirii")
    assert body["Recipient"]["CodPostal"] == "030823" and body["Recipient"]["PhoneNumber"] == "0722123456"
    assert body["ServiceId"] == 34 and body["Parcels"] == 2 and body["Envelopes"] == 0
    assert body["TotalWeight"] == 7  # 6.45 kg, whole kilograms rounded up
    assert body["CashRepayment"] == 369.89 and body["BankRepayment"] == 0 and body["DeclaredValue"] == 349.9
    assert body["CustomString"] == "PKG-1" and body["SenderReference1"] == "CMD-000042"
    assert body["ParcelCodes"] == [
        {"Code": "0", "Type": 1, "Weight": 3, "Length": 31, "Width": 20, "Height": 11, "ParcelContent": "PL-000042-1"},
        {"Code": "1", "Type": 1, "Weight": 5, "Length": 40, "Width": 30, "Height": 20, "ParcelContent": "PL-000042-2"},
    ]
    create_call = next(c for c in slow_cargus.calls if c.url.path.endswith("/Awbs/WithGetAwb"))
    assert create_call.headers["Ocp-Apim-Subscription-Key"] == CREDENTIALS["subscription_key"]
    assert create_call.headers["Authorization"].startswith("Bearer ")


async def test_paid_order_and_service_names(slow_cargus: Cargus) -> None:
    gateway = slow_cargus.gateway(default_service="Standard Plus", settings={"cod_to_bank": True})
    await gateway.create(shipment("PKG-PAID", cod_amount=None))
    await gateway.create(shipment("PKG-BANK", service="35"))
    paid, bank = (await slow_cargus.shipments("PKG-PAID"))[0]["data"], (await slow_cargus.shipments("PKG-BANK"))[0]
    assert paid["CashRepayment"] == 0 and paid["BankRepayment"] == 0 and paid["ServiceId"] == 35
    assert bank["data"]["BankRepayment"] == 369.89 and bank["data"]["CashRepayment"] == 0
    assert [service_id(s) for s in ("Standard", "economic", "Standard Plus", "palet", "multipiece", "39")] == [
        34, 34, 35, 36, 39, 39]
    calls = len(slow_cargus.calls)
    with pytest.raises(CourierError) as refused:
        await gateway.create(shipment("PKG-X", service="overnight"))
    assert not refused.value.retryable and len(slow_cargus.calls) == calls  # refused before calling Cargus


async def test_lost_answer_is_found_not_created_twice(slow_cargus: Cargus) -> None:
    await slow_cargus.arm(late_count=1, hang_s=1.5)
    impatient = slow_cargus.gateway(timeout_s=0.4)
    with pytest.raises(CourierError) as lost:
        await impatient.create(shipment("PKG-LATE"))
    assert lost.value.retryable and lost.value.maybe_created

    found = await slow_cargus.gateway().find(shipment("PKG-LATE"))
    stored = await slow_cargus.shipments("PKG-LATE")
    assert found is not None and len(stored) == 1 and found.awb_number == stored[0]["awb"]
    assert await slow_cargus.gateway().find(shipment("PKG-NEVER-SENT")) is None
    listing = next(c for c in slow_cargus.calls if c.url.path.endswith("/Awbs/GetByDate"))
    assert listing.url.params["FromDate"].count("-") == 2 and len(listing.url.params["FromDate"]) == 10  # mm-dd-yyyy


async def test_find_pages_through_a_busy_day(slow_cargus: Cargus) -> None:
    gateway = slow_cargus.gateway()
    for i in range(101):
        await gateway.create(shipment(f"PKG-BUSY-{i}"))
    found = await gateway.find(shipment("PKG-BUSY-100"))
    assert found is not None and found.awb_number == (await slow_cargus.shipments("PKG-BUSY-100"))[0]["awb"]
    pages = [c.url.params["pageNumber"] for c in slow_cargus.calls if c.url.path.endswith("/Awbs/GetByDate")]
    assert pages == ["1", "2"]


async def test_labels_a4_and_thermal(slow_cargus: Cargus) -> None:
    gateway = slow_cargus.gateway()
    created = await gateway.create(shipment("PKG-LABEL"))
    a4 = await gateway.label(created.awb_number, LabelFormat.A4)
    thermal = await gateway.label(created.awb_number, LabelFormat.THERMAL)
    assert a4.startswith(b"%PDF") and thermal.startswith(b"%PDF")
    a4_box = PdfReader(io.BytesIO(a4)).pages[0].mediabox
    thermal_box = PdfReader(io.BytesIO(thermal)).pages[0].mediabox
    assert round(float(a4_box.width)) == 595 and round(float(a4_box.height)) == 842
    assert round(float(thermal_box.width)) == 283 and round(float(thermal_box.height)) == 425  # 100 x 150 mm
    formats = [c.url.params["format"] for c in slow_cargus.calls if c.url.path.endswith("/AwbDocuments")]
    assert formats == ["0", "1"]
    with pytest.raises(CourierError) as unknown:
        await gateway.label("1999999999", LabelFormat.A4)
    assert not unknown.value.retryable and "1999999999" in unknown.value.errors[0]


async def test_tracking_reaches_delivered_in_batches(cargus: Cargus) -> None:
    gateway = cargus.gateway()
    first = await gateway.create(shipment("PKG-TRACK-1"))
    second = await gateway.create(shipment("PKG-TRACK-2"))
    unknown = [f"19{i:08d}" for i in range(39)]

    async def delivered() -> Any:
        results = await gateway.track([first.awb_number, second.awb_number, *unknown])
        done = all(r.latest and r.latest.status is TrackingStatus.DELIVERED for r in results[:2])
        return results if done else None

    results = await eventually(delivered)
    assert results, "tracking never reached delivered"
    assert [r.awb_number for r in results[:2]] == [first.awb_number, second.awb_number] and len(results) == 41
    assert [e.status for e in results[0].events] == [
        TrackingStatus.PICKED_UP, TrackingStatus.IN_TRANSIT, TrackingStatus.OUT_FOR_DELIVERY, TrackingStatus.DELIVERED]
    assert results[0].latest is not None and results[0].latest.text == "Livrat"
    assert results[0].latest.location == "Bucuresti" and results[0].latest.at.tzinfo is not None
    assert all(not r.events for r in results[2:])  # Cargus knows nothing of these
    batches = [c for c in cargus.calls if c.url.path.endswith("/AwbTrace")]
    assert all(len(c.url.params["barCode"].split(",")) in (40, 1) for c in batches)  # 41 AWBs -> 40 + 1


async def test_failed_delivery_and_return(cargus: Cargus) -> None:
    gateway = cargus.gateway()
    await cargus.control.post("/_sim/outcome", json={"external_id": "PKG-FAIL", "outcome": "fail"})
    await cargus.control.post("/_sim/outcome", json={"external_id": "PKG-RET", "outcome": "return"})
    failed = await gateway.create(shipment("PKG-FAIL"))
    returned = await gateway.create(shipment("PKG-RET"))

    async def settled() -> Any:
        results = await gateway.track([failed.awb_number, returned.awb_number])
        latest = [r.latest.status if r.latest else None for r in results]
        return results if latest == [TrackingStatus.FAILED_DELIVERY, TrackingStatus.RETURNED] else None

    results = await eventually(settled)
    assert results, "tracking never reached the failure"
    assert results[0].latest is not None and "absent" in results[0].latest.text
    assert results[1].latest is not None and results[1].latest.status.final


async def test_cancel_before_pickup_and_refused_after(slow_cargus: Cargus, cargus: Cargus) -> None:
    gateway = slow_cargus.gateway()
    created = await gateway.create(shipment("PKG-CANCEL"))
    await gateway.cancel(created.awb_number)
    [stored] = await slow_cargus.shipments("PKG-CANCEL")
    assert stored["cancelled"] is True
    assert await gateway.find(shipment("PKG-CANCEL")) is None  # a deleted AWB is never reused
    assert (await gateway.track([created.awb_number]))[0].events == ()

    moving = cargus.gateway()
    picked = await moving.create(shipment("PKG-PICKED"))
    await asyncio.sleep(0.15)
    with pytest.raises(CourierError) as refused:
        await moving.cancel(picked.awb_number)
    assert not refused.value.retryable and refused.value.errors


async def test_authentication(slow_cargus: Cargus) -> None:
    wrong_password = slow_cargus.gateway(credentials={**CREDENTIALS, "password": "nu"})
    with pytest.raises(CourierError) as login:
        await wrong_password.create(shipment("PKG-AUTH"))
    assert not login.value.retryable and not login.value.maybe_created
    assert login.value.errors == ["Failed to authenticate!"]

    wrong_key = slow_cargus.gateway(credentials={**CREDENTIALS, "subscription_key": "other"})
    with pytest.raises(CourierError) as key:
        await wrong_key.track(["1000000001"])
    assert not key.value.retryable and "invalid subscription key" in key.value.errors[0]
    assert await slow_cargus.shipments("PKG-AUTH") == []


async def test_token_is_cached_and_renewed_once_on_401(slow_cargus: Cargus) -> None:
    gateway = slow_cargus.gateway()
    created = await gateway.create(shipment("PKG-TOKEN"))
    await gateway.track([created.awb_number])
    logins = [c for c in slow_cargus.calls if c.url.path.endswith("/LoginUser")]
    assert len(logins) == 1

    expired = (await slow_cargus.control.post("/_sim/expire_tokens")).json()
    assert expired["expired"] == 1
    await asyncio.gather(*(gateway.track([created.awb_number]) for _ in range(3)))
    logins = [c for c in slow_cargus.calls if c.url.path.endswith("/LoginUser")]
    assert len(logins) == 2  # three calls saw the 401, one login renewed the token for all of them


async def test_validation_refusal_carries_cargus_messages(slow_cargus: Cargus) -> None:
    nowhere = replace(RECIPIENT, county="XX", phone="")
    heavy = (Parcel("PL-9-1", Decimal(50), Decimal(50), Decimal(50), Decimal("45")),)
    with pytest.raises(CourierError) as refused:
        await slow_cargus.gateway().create(shipment("PKG-BAD", recipient=nowhere, parcels=heavy))
    error = refused.value
    assert not error.retryable and not error.maybe_created
    assert any("Judetul 'XX'" in m for m in error.errors)
    assert any("PhoneNumber" in m for m in error.errors)
    assert any("31 kg" in m for m in error.errors)
    assert await slow_cargus.shipments("PKG-BAD") == []


async def test_server_errors_rate_limits_and_timeouts_are_retryable(slow_cargus: Cargus) -> None:
    gateway = slow_cargus.gateway()
    await slow_cargus.arm(count=1, status=503)
    with pytest.raises(CourierError) as unavailable:
        await gateway.create(shipment("PKG-503"))
    assert unavailable.value.retryable and unavailable.value.retry_after_s is None
    assert not unavailable.value.maybe_created  # Cargus answered: nothing was created

    await slow_cargus.arm(count=1, status=429, retry_after=7)
    with pytest.raises(CourierError) as limited:
        await gateway.track(["1000000001"])
    assert limited.value.retryable and limited.value.retry_after_s == 7.0

    await slow_cargus.arm(timeout_count=1, hang_s=1.0)
    with pytest.raises(CourierError) as slow:
        await slow_cargus.gateway(timeout_s=0.3).track(["1000000001"])
    assert slow.value.retryable and not slow.value.maybe_created
    assert await slow_cargus.shipments("PKG-503") == []


async def test_unreachable_cargus_is_retryable_and_created_nothing() -> None:
    account = CourierAccount(courier="cargus", base_url="http://127.0.0.1:9/api", credentials=CREDENTIALS,
                             timeout_s=1.0)
    gateway = CargusGateway(account)
    try:
        with pytest.raises(CourierError) as down:
            await gateway.create(shipment("PKG-DOWN"))
    finally:
        await gateway.aclose()
    assert down.value.retryable and not down.value.maybe_created


async def test_offer_from_shipping_calculation(slow_cargus: Cargus) -> None:
    [offer] = await slow_cargus.gateway().offers(shipment("PKG-PRICE"))
    assert offer.carrier_name == "Cargus" and offer.service == "34" and offer.service_name == "Economic Standard"
    assert isinstance(offer.price, Decimal) and offer.price > 0 and offer.currency == "RON"
    assert await slow_cargus.shipments() == []  # pricing creates nothing


@pytest.mark.parametrize(("event_id", "text", "status"), [
    (21, "Livrat", TrackingStatus.DELIVERED),
    (None, "Colet nelivrat - destinatar absent", TrackingStatus.FAILED_DELIVERY),
    (999, "Expeditie returnata la expeditor", TrackingStatus.RETURNED),
    (999, "În curs de livrare", TrackingStatus.OUT_FOR_DELIVERY),
    (999, "Sosit în depozitul Brașov", TrackingStatus.IN_TRANSIT),
])
def test_event_mapping(event_id: int | None, text: str, status: TrackingStatus) -> None:
    assert event_status(event_id, text) is status


def test_county_names() -> None:
    assert [county_name(c) for c in ("BV", "b", "CS", "SM", "Vâlcea")] == [
        "Brasov", "Bucuresti", "Caras-Severin", "Satu Mare", "Valcea"]
