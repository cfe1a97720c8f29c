"""Innoship simulator: the aggregator's account state (couriers, prices, orders, tracking, labels, Track push).

The HTTP surface is in innoship_app.py; build_app() here is the entry point. What the real service does that this
copies (see adapters/couriers/innoship.py for sources): X-Api-Key auth, api-version, the Courier/All list with
Innoship's own courier ids (1 Cargus, 2 DPD, 3 FAN Courier, 4 GLS, 6 Sameday), PriceResponse rates, OrderResponse
with the underlying courier's AWB, ErrorResponse on 400/401, "Value of field X is not valid" messages, refusal of
a second order with the same ExternalOrderId, Track answers with Innoship's status ids, A4/A6 PDF labels.
Guessed: prices, AWB number formats per courier, the exact wording of most messages, that only an order still
waiting for pickup can be deleted, and the Track push payload (the Track answer shape, unsigned, batched).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from starlette.applications import Starlette

from adapters.documents.labels import LabelContent, render_label
from adapters.sandbox.common import Delivery, WebhookSender, check_loopback, utcnow
from adapters.sandbox.courier_common import CourierFaults, ShipmentBook, SimShipment
from domain.fulfilment.couriers import LabelFormat, Party

CENT = Decimal("0.01")
VAT = Decimal("0.21")
COD_FEE = Decimal("2.50")
MAX_TRACK = 200


@dataclass(frozen=True)
class SimCourier:
    id: int
    code: str  # Innoship's Courier enum name
    display: str
    awb_prefix: str  # + 9 digits: the courier's usual AWB length
    base: Decimal  # net price of the first kg
    per_kg: Decimal
    days: int
    services: frozenset[int] = frozenset({1})
    option: tuple[str, str] | None = None  # (optionId, optionName) offered in Price answers


COURIERS = (
    SimCourier(1, "Cargus", "Cargus", "1", Decimal("15.90"), Decimal("1.10"), 1, frozenset({1, 11})),
    SimCourier(2, "DPD", "DPD", "80900", Decimal("16.40"), Decimal("0.90"), 2),
    SimCourier(3, "FanCourier", "FAN Courier", "2150", Decimal("14.90"), Decimal("1.30"), 1, frozenset({1, 4}),
               option=("1", "Standard")),
    SimCourier(4, "GLS", "GLS", "50", Decimal("17.20"), Decimal("0.80"), 2),
    SimCourier(6, "Sameday", "Sameday", "1ONBLN", Decimal("13.90"), Decimal("1.50"), 1, frozenset({1, 3, 6})),
)
SERVICES = {1: "National Standard", 3: "Lockers", 4: "PUDO", 5: "International Shipping Road",
            6: "National Same-Day delivery", 11: "National Cargo", 12: "National Palet",
            51: "International Shipping Air"}
# normalised status of the shared journey -> (Innoship clientStatusId, isFinalStatus)
STATUS_IDS = {"created": (1, False), "picked_up": (2, False), "in_transit": (20, False),
              "out_for_delivery": (30, False), "delivered": (100, True), "failed_delivery": (36, False),
              "returned": (104, True), "cancelled": (106, True)}
# Innoship's county nomenclature for Romania (names without diacritics, as in its examples).
COUNTIES = ("Alba", "Arad", "Arges", "Bacau", "Bihor", "Bistrita-Nasaud", "Botosani", "Brasov", "Braila",
            "Bucuresti", "Buzau", "Caras-Severin", "Calarasi", "Cluj", "Constanta", "Covasna", "Dambovita", "Dolj",
            "Galati", "Giurgiu", "Gorj", "Harghita", "Hunedoara", "Ialomita", "Iasi", "Ilfov", "Maramures",
            "Mehedinti", "Mures", "Neamt", "Olt", "Prahova", "Satu Mare", "Salaj", "Sibiu", "Suceava", "Teleorman",
            "Timis", "Tulcea", "Vaslui", "Valcea", "Vrancea")
# The sender when an order names none: Innoship uses the client location's address.
DEFAULT_LOCATION = Party("Depozit OMS", "0213000000", "Bd. Iuliu Maniu 7", "Bucuresti", "Bucuresti", "061072")


def _norm(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


KNOWN_COUNTIES = frozenset(_norm(c) for c in COUNTIES) | {_norm("Municipiul Bucuresti")}


def error_body(*items: dict[str, Any]) -> dict[str, Any]:
    return {"errors": list(items), "correlationId": str(uuid.uuid4())}


def error_item(message: str, *details: str) -> dict[str, Any]:
    return {"message": message, "details": list(details)}


def _dec(value: Any, default: str = "0") -> Decimal:
    try:
        return Decimal(str(value if value is not None else default))
    except InvalidOperation:
        return Decimal(default)


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _party(address: dict[str, Any]) -> Party:
    name = str(address.get("name") or "")
    contact = str(address.get("contactPerson") or name)
    return Party(name=contact, phone=str(address.get("phone") or ""), street=str(address.get("addressText") or ""),
                 city=str(address.get("localityName") or ""), county=str(address.get("countyName") or ""),
                 postcode=str(address.get("postalCode") or ""), country=str(address.get("country") or "RO"),
                 email=address.get("email"), company=name if name and name != contact else None)


@dataclass
class InnoshipSim:
    api_key: str
    step_s: float = 10.0
    webhook_url: str | None = None
    faults: CourierFaults = field(default_factory=CourierFaults)
    sender: WebhookSender = field(default_factory=lambda: WebhookSender(timeout=5.0))
    books: dict[int, ShipmentBook] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    pushed: dict[str, int] = field(default_factory=dict)  # AWB -> events already pushed to the webhook
    order_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7001))
    public_url: str = ""  # where this simulator is reached (set by the routes; pushes carry tracking URLs)

    def __post_init__(self) -> None:
        if self.webhook_url:
            check_loopback(self.webhook_url)
        self.books = {c.id: ShipmentBook(prefix=c.awb_prefix, step_s=self.step_s) for c in COURIERS}

    # --- lookups ----------------------------------------------------------------------------------------------

    @staticmethod
    def courier(raw: Any) -> SimCourier | None:
        """The Courier enum accepts its number or its name, as .NET enum binding does."""
        for c in COURIERS:
            if raw == c.id or (isinstance(raw, str) and raw.strip().lower() in (c.code.lower(), str(c.id))):
                return c
        return None

    def shipments(self) -> list[tuple[SimCourier, SimShipment]]:
        return [(c, s) for c in COURIERS for s in self.books[c.id].by_awb.values()]

    def find(self, courier_id: int, awb: str) -> SimShipment | None:
        book = self.books.get(courier_id)
        return book.by_awb.get(awb) if book else None

    def by_external(self, external_id: str) -> list[tuple[SimCourier, SimShipment]]:
        return [(c, s) for c, s in self.shipments() if s.external_id == external_id]

    # --- orders -----------------------------------------------------------------------------------------------

    def validate(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        errors = []
        if _int(body.get("serviceId")) not in SERVICES:
            errors.append(error_item("Value of field ServiceId is not valid", "Unknown service"))
        if body.get("courierId") is not None and self.courier(body["courierId"]) is None:
            errors.append(error_item("Value of field CourierId is not valid", "Unknown courier"))
        for key, required in (("addressTo", True), ("addressFrom", False)):
            address = body.get(key)
            if address is None and not required:
                continue
            if not isinstance(address, dict):
                errors.append(error_item(f"Value of field {key[0].upper()}{key[1:]} is not valid", "Required"))
                continue
            errors.extend(self._address_errors(key[0].upper() + key[1:], address))
        if body.get("payment") not in ("Sender", "Recipient", "ThirdParty"):
            errors.append(error_item("Value of field Payment is not valid", "Sender, Recipient or ThirdParty"))
        content = _obj(body.get("content"))
        if (_int(content.get("parcelsCount")) or 0) + (_int(content.get("envelopeCount")) or 0) < 1:
            errors.append(error_item("Value of field Content.ParcelsCount is not valid", "At least one parcel"))
        if _dec(content.get("totalWeight")) <= 0:
            errors.append(error_item("Value of field Content.TotalWeight is not valid", "Must be greater than 0"))
        if len(str(body.get("externalOrderId") or "")) > 100:
            errors.append(error_item("Value of field ExternalOrderId is not valid", "Maximum length is 100"))
        return errors

    @staticmethod
    def _address_errors(name: str, address: dict[str, Any]) -> list[dict[str, Any]]:
        errors = [error_item(f"Value of field {name}.{f[0].upper()}{f[1:]} is not valid", "Required")
                  for f in ("name", "phone", "localityName", "addressText", "countyName")
                  if not str(address.get(f) or "").strip()]
        county = str(address.get("countyName") or "").strip()
        if county and str(address.get("country") or "RO").upper() == "RO" and _norm(county) not in KNOWN_COUNTIES:
            errors.append(error_item(f"Value of field {name}.CountyName is not valid",
                                     f"County '{county}' was not found in country RO"))
        return errors

    def rates(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        service = _int(body.get("serviceId")) or 1
        forced = self.courier(body["courierId"]) if body.get("courierId") is not None else None
        content, extra = _obj(body.get("content")), _obj(body.get("extra"))
        weight = _dec(content.get("totalWeight"), "1")
        cod = _dec(extra.get("bankRepaymentAmount")) + _dec(extra.get("cashOnDeliveryAmount"))
        out = []
        for priority, c in enumerate(COURIERS, start=1):
            if service not in c.services or (forced and forced.id != c.id):
                continue
            net = c.base + c.per_kg * max(0, math.ceil(weight) - 1) + (COD_FEE if cod > 0 else Decimal(0))
            vat = (net * VAT).quantize(CENT, rounding=ROUND_HALF_UP)
            due = utcnow() + timedelta(days=c.days)
            out.append({
                "carrierId": c.id, "carrier": c.code, "rateAmount": _money(net), "rateVatAmount": _money(vat),
                "rateTotalAmount": _money(net + vat), "rateCurrency": "RON", "score": 80 + priority,
                "performance": 90 - priority, "calculatedDeliveryDate": due.replace(microsecond=0).isoformat(),
                "deliveryDays": c.days, "serviceId": service, "service": SERVICES[service], "priority": priority,
                "priceComponents": None, "optionId": c.option[0] if c.option else None,
                "optionName": c.option[1] if c.option else None})
        return out

    def create(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[SimShipment | None, list[Any]]:
        """(shipment, []) or (None, error items)."""
        if errors := self.validate(body):
            return None, errors
        external = str(body.get("externalOrderId") or "")
        if external and any(not s.cancelled for _, s in self.by_external(external)):
            return None, [error_item("Value of field ExternalOrderId is not valid",
                                     f"An order with ExternalOrderId '{external}' already exists")]
        rates = self.rates(body)
        if not rates:
            return None, [error_item("No courier is available for this order",
                                     "Check the service and the couriers enabled for the location")]
        rate = min(rates, key=lambda r: r["rateTotalAmount"])
        data = {"request": body, "headers": headers, "client_order_id": next(self.order_ids), "rate": rate}
        return self.books[rate["carrierId"]].add(external, data), []

    def order_response(self, courier: SimCourier, s: SimShipment, base_url: str) -> dict[str, Any]:
        rate = s.data["rate"]
        return {"clientOrderId": s.data["client_order_id"], "courierShipmentId": s.awb,
                "courierShipmentVoucher": None, "courier": courier.id, "courierParcelsBarcodes": None,
                "price": {"amount": rate["rateAmount"], "vat": rate["rateVatAmount"],
                          "totalAmount": rate["rateTotalAmount"], "currency": "RON", "priceComponents": None},
                "calculatedDeliveryDate": rate["calculatedDeliveryDate"],
                "trackPageUrl": f"{base_url}/track/{courier.id}/{s.awb}", "courierTrackPageUrl": None,
                "returnToLockerCode": None, "courierResponse": None, "extra": s.data["request"].get("extra"),
                "address": None}

    def cancel(self, s: SimShipment) -> str | None:
        """None when cancelled, else why not (couriers cannot void an AWB they already picked up)."""
        if s.cancelled:
            return f"AWB {s.awb} is already cancelled"
        if len(s.events(utcnow(), self.step_s)) > 1:
            return f"AWB {s.awb} cannot be deleted: the courier has already picked it up"
        s.cancelled = True
        return None

    def set_outcome(self, external_id: str, outcome: str) -> int:
        for book in self.books.values():
            book.outcomes[external_id] = outcome
        matched = self.shipments() if external_id == "*" else self.by_external(external_id)
        for _, s in matched:
            s.outcome = outcome
        return len(matched)

    # --- tracking, labels, push -------------------------------------------------------------------------------

    def track_item(self, courier: SimCourier, s: SimShipment, base_url: str) -> dict[str, Any]:
        request = s.data["request"]
        to = _obj(request.get("addressTo"))
        origin = _obj(request.get("addressFrom")).get("localityName") or DEFAULT_LOCATION.city
        history = []
        for status, text, at in s.events(utcnow(), self.step_s):
            status_id, final = STATUS_IDS[status]
            where = origin if status in ("created", "picked_up", "returned") else to.get("localityName")
            history.append({"clientStatusId": status_id, "clientStatusDescription": text,
                            "eventDate": at.isoformat(), "isFinalStatus": final, "localityName": where})
        last = history[-1] if history else {}
        return {"orderId": s.data["client_order_id"], "externalOrderId": s.external_id or None,
                "correlationId": str(uuid.uuid4()), "courier": courier.id, "shipmentAwb": s.awb,
                "carrierMeasuredWeight": None, "recipientContactName": to.get("contactPerson") or to.get("name"),
                "recipientLocality": to.get("localityName"), "recipientCountryCode": to.get("country") or "RO",
                "trackUrl": f"{base_url}/track/{courier.id}/{s.awb}",
                "currentStatus": last.get("clientStatusDescription"), "currentStatusId": last.get("clientStatusId"),
                "dispatchId": None, "history": history, "cashOnDeliveryHistory": [], "returnAwb": None,
                "returnAwbHistory": None}

    async def label(self, courier: SimCourier, s: SimShipment, fmt: LabelFormat) -> bytes:
        request = s.data["request"]
        content, extra = _obj(request.get("content")), _obj(request.get("extra"))
        cod = _dec(extra.get("bankRepaymentAmount")) + _dec(extra.get("cashOnDeliveryAmount"))
        sender = request.get("addressFrom")
        label = LabelContent(
            courier=courier.display, awb_number=s.awb, sender=_party(sender) if sender else DEFAULT_LOCATION,
            recipient=_party(_obj(request.get("addressTo"))), parcels=_int(content.get("parcelsCount")) or 1,
            weight_kg=_dec(content.get("totalWeight")), cod_amount=cod or None,
            currency=str(extra.get("bankRepaymentCurrency") or extra.get("cashOnDeliveryAmountCurrency") or "RON"),
            reference=str(extra.get("reference1") or s.external_id), service=s.data["rate"]["service"],
            created_at=s.created_at)
        # WeasyPrint takes ~0.1 s: off the event loop, so other simulated calls keep their timing.
        return await asyncio.to_thread(render_label, label, fmt)

    async def push_changes(self) -> dict[str, Any] | None:
        """Post every shipment with new tracking events since the last successful push, in one batch."""
        if not self.webhook_url:
            return None
        now = utcnow()
        changed = [(c, s) for c, s in self.shipments()
                   if len(s.events(now, self.step_s)) > self.pushed.get(s.awb, 0)]
        if not changed:
            return None
        items = [self.track_item(c, s, self.public_url) for c, s in changed]
        body = json.dumps(items, ensure_ascii=False).encode()
        delivery = self.sender.record(Delivery(str(uuid.uuid4()), "track", self.webhook_url, body,
                                               {"Content-Type": "application/json"}, now))
        attempt = await self.sender.send(delivery)
        if attempt.get("status") and 200 <= attempt["status"] < 300:
            for item in items:
                self.pushed[item["shipmentAwb"]] = len(item["history"])
        return attempt

    def describe(self) -> list[dict[str, Any]]:
        now = utcnow()
        return [{"awb": s.awb, "external_id": s.external_id, "courier_id": c.id, "courier": c.display,
                 "client_order_id": s.data["client_order_id"], "cancelled": s.cancelled, "outcome": s.outcome,
                 "status": (s.events(now, self.step_s) or [("created", "", now)])[-1][0],
                 "created_at": s.created_at.isoformat(), "request": s.data["request"], "headers": s.data["headers"]}
                for c, s in self.shipments()]


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def build_app(*, credentials: dict[str, str], step_s: float = 10.0, webhook_url: str | None = None) -> Starlette:
    """The simulator as an ASGI app; credentials {"api_key": ...}; the InnoshipSim is app.state.sim."""
    from adapters.sandbox.innoship_app import create_app  # the routes import this module's model

    return create_app(InnoshipSim(api_key=credentials["api_key"], step_s=step_s, webhook_url=webhook_url))
