"""FAN Courier simulator: the API v2 requests our adapter makes, answered the way api.fancourier.ro does.

Follows the same public description as adapters/couriers/fancourier.py (login token, /intern-awb with per-item
results, /awb/label PDFs, /reports/awb/tracking events with FAN's codes, DELETE /awb, the /reports/awb borderou,
/reports/awb/internal-tariff). Answers we could not confirm and chose: 401 {"message": "Unauthenticated."}
(Laravel Sanctum, which FAN's "id|secret" tokens are), a refused login as 401 {"status": "fail", "message"},
English validation texts in FAN's {"errors": {"info.packages": "..."}} shape inside an HTTP 200 {"response":
[...]}, 404 for an unknown AWB, at most 100 AWBs per tracking call, tariffs from a made-up price list.

State, tracking steps and fault injection come from courier_common; the HTTP surface is fancourier_app.py.
"""

from __future__ import annotations

import itertools
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from starlette.applications import Starlette

from adapters.couriers.fancourier import BUCHAREST
from adapters.couriers.romania import COUNTY_NAMES as COUNTIES
from adapters.sandbox.courier_common import CourierFaults, ShipmentBook, SimShipment
from domain.fulfilment.couriers import Party

AWB_PREFIX = "2150"  # with ShipmentBook's 9 digits: 13-digit AWB numbers, like FAN's (2150000000001)
SERVICES = ("Standard", "Cont Colector", "Red Code", "Express Loco", "FANbox", "FANbox COD", "Produse Albe")
PAYERS = ("expeditor", "destinatar")
FAN_COUNTIES = frozenset(COUNTIES.values())
TRACK_LIMIT = 100
PAGE_LIMIT = 100
CENT = Decimal("0.01")

# The simulated journey (courier_common.JOURNEY) in FAN's event codes and wording (GET /reports/awb-events).
# "created" has no event: FAN's tracking only says the AWB was registered until a courier scans the parcel.
FAN_EVENTS: dict[str, tuple[str, str]] = {
    "picked_up": ("C0", "Expeditie ridicata"),
    "in_transit": ("H10", "Expeditie in tranzit spre depozitul de destinatie"),
    "out_for_delivery": ("S1", "Expeditie in livrare"),
    "delivered": ("S2", "Livrat"),
    "failed_delivery": ("S3", "Avizat"),
    "returned": ("S43", "Retur"),
}
EVENT_LIST = (("C0", "Expeditie ridicata"), ("C1", "Expeditie preluata spre livrare"),
              ("H3", "Expeditie sortata pe banda"), ("H10", "Expeditie in tranzit spre depozitul de destinatie"),
              ("S1", "Expeditie in livrare"), ("S2", "Livrat"), ("S3", "Avizat"), ("S6", "Refuz primire"),
              ("S43", "Retur"))
REGISTERED = {"ro": "AWB-ul a fost inregistrat de catre expeditor", "en": "The AWB has been registerd by sender"}

# FAN prints the client account's pickup address as the sender: the simulated account has this one.
SENDER = Party(name="Depozit OMS Sandbox SRL", phone="0212345678", street="Sos. Fabrica de Glucoza 11C",
               city="Bucuresti", county="Bucuresti", postcode="020331", company="Depozit OMS Sandbox SRL")


def fan_time(moment: datetime) -> str:
    return moment.astimezone(BUCHAREST).strftime("%Y-%m-%d %H:%M:%S")


def decimal_or_none(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tariff(weight: Decimal, declared: Decimal, cod: Decimal) -> dict[str, Decimal]:
    """A made-up price list in FAN's internal-tariff shape: 14.50 lei for the first kg, 1.20 for each next one,
    1% insurance of the declared value, 1% of the COD, 10% fuel surcharge, 21% VAT."""
    weight_cost = Decimal("14.50") + Decimal("1.20") * max(0, math.ceil(weight) - 1)
    insurance = money(declared * Decimal("0.01"))
    options = money(cod * Decimal("0.01"))
    fuel = money(weight_cost * Decimal("0.10"))
    net = weight_cost + insurance + options + fuel
    vat = money(net * Decimal("0.21"))
    return {"weightCost": weight_cost, "insuranceCost": insurance, "optionsCost": options, "fuelCost": fuel,
            "extraKmCost": Decimal(0), "costNoVAT": net, "vat": vat, "total": net + vat}


def _get(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def validate(shipment: Any) -> dict[str, str]:
    """FAN's per-shipment checks, as field -> message (the shape /intern-awb answers with)."""
    if not isinstance(shipment, dict):
        return {"shipment": "The shipment must be an object"}
    errors: dict[str, str] = {}
    if _get(shipment, "info.service") not in SERVICES:
        errors["info.service"] = f"The selected service is invalid. Allowed: {', '.join(SERVICES)}"
    parcels = decimal_or_none(_get(shipment, "info.packages.parcel")) or Decimal(0)
    envelopes = decimal_or_none(_get(shipment, "info.packages.envelope")) or Decimal(0)
    if parcels + envelopes < 1:
        errors["info.packages"] = "At least one envelope or parcel is required"
    weight = decimal_or_none(_get(shipment, "info.weight"))
    if weight is None or weight <= 0:
        errors["info.weight"] = "The weight must be greater than 0"
    if _get(shipment, "info.payment") not in PAYERS:
        errors["info.payment"] = "The selected payment is invalid"
    for name in ("cod", "declaredValue"):
        raw = _get(shipment, f"info.{name}")
        if raw not in (None, "") and ((amount := decimal_or_none(raw)) is None or amount < 0):
            errors[f"info.{name}"] = f"The {name} must be a positive number"
    if not str(_get(shipment, "recipient.name") or "").strip():
        errors["recipient.name"] = "The recipient name is required"
    phone = re.sub(r"[\s.+()-]", "", str(_get(shipment, "recipient.phone") or ""))
    if not re.fullmatch(r"(40)?0?\d{9}", phone):
        errors["recipient.phone"] = "The phone number is invalid"
    if _get(shipment, "recipient.address.county") not in FAN_COUNTIES:
        errors["recipient.address.county"] = "The county does not exist"
    if not str(_get(shipment, "recipient.address.locality") or "").strip():
        errors["recipient.address.locality"] = "The locality is required"
    if not str(_get(shipment, "recipient.address.street") or "").strip():
        errors["recipient.address.street"] = "The street is required"
    return errors


@dataclass
class FanSandbox:
    """One simulated FAN client account: its login, tokens, AWBs and faults."""

    credentials: dict[str, str]
    step_s: float = 10.0
    book: ShipmentBook = field(init=False)
    faults: CourierFaults = field(default_factory=CourierFaults)
    tokens: dict[str, datetime] = field(default_factory=dict)  # token -> expiry (UTC)
    token_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(48_944_740))

    def __post_init__(self) -> None:
        self.book = ShipmentBook(prefix=AWB_PREFIX, step_s=self.step_s)

    @property
    def client_id(self) -> str:
        return str(self.credentials.get("client_id", ""))

    # --- auth -------------------------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> dict[str, str] | None:
        expected = "{}\0{}".format(self.credentials.get("username", ""), self.credentials.get("password", ""))
        if not secrets.compare_digest(f"{username}\0{password}".encode(), expected.encode()):
            return None
        token = f"{next(self.token_ids)}|{secrets.token_urlsafe(30)}"
        expires = datetime.now(UTC) + timedelta(hours=24)
        self.tokens[token] = expires
        return {"token": token, "expiresAt": fan_time(expires)}

    def authorised(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        expires = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        return expires is not None and datetime.now(UTC) < expires

    # --- AWBs -------------------------------------------------------------------------------------------------

    def create(self, shipment: dict[str, Any]) -> SimShipment:
        info = shipment["info"]
        cost = tariff(Decimal(str(info["weight"])), decimal_or_none(info.get("declaredValue")) or Decimal(0),
                      decimal_or_none(info.get("cod")) or Decimal(0))
        data = {**shipment, "tariff": cost["total"]}
        return self.book.add(str(info.get("costCenter") or ""), data)

    def live(self, awb: str) -> SimShipment | None:
        """A deleted AWB no longer exists for FAN: no label, no tracking, not in the borderou."""
        shipment = self.book.by_awb.get(awb)
        return shipment if shipment is not None and not shipment.cancelled else None

    def reached(self, shipment: SimShipment) -> list[tuple[str, str, datetime]]:
        return shipment.events(datetime.now(UTC), self.book.step_s)

    def tracking(self, awb: str, language: str) -> dict[str, Any]:
        shipment = self.live(awb)
        if shipment is None:
            return {"awbNumber": int(awb) if awb.isdigit() else awb, "content": "",
                    "message": "AWB inexistent" if language == "ro" else "The AWB does not exist"}
        info, recipient = shipment.data["info"], shipment.data["recipient"]
        events = []
        for status, _text, at in self.reached(shipment):
            if status in FAN_EVENTS:
                code, name = FAN_EVENTS[status]
                place = SENDER.city if status in ("picked_up", "in_transit") else recipient["address"]["locality"]
                events.append({"id": code, "name": name, "location": place, "date": fan_time(at)})
        base: dict[str, Any] = {"awbNumber": int(shipment.awb), "content": info.get("content") or ""}
        if not events:
            return {**base, "message": REGISTERED.get(language, REGISTERED["ro"])}
        delivered = next((e for e in events if e["id"] == "S2"), None)
        return {**base, "date": fan_time(shipment.created_at), "paymentDate": "", "returnAwbNumber": "",
                "redirectionAwbNumber": "", "reimbursementAwbNumber": "", "oPODAwbNumber": "",
                "confirmation": {"name": recipient.get("contactPerson") or "" if delivered else "",
                                 "date": delivered["date"][:10] if delivered else ""},
                "OTD": "24H", "events": events}

    def report_row(self, shipment: SimShipment) -> dict[str, Any]:
        """One borderou line (GET /reports/awb): FAN's stored view of the AWB, strings where FAN has them."""
        info, recipient = shipment.data["info"], shipment.data["recipient"]
        return {
            "info": {
                "awbNumber": shipment.awb, "serviceId": str(SERVICES.index(info["service"]) + 1),
                "service": info["service"], "weight": info["weight"], "dimensions": info.get("dimensions") or {},
                "payment": info["payment"], "returnPayment": info.get("returnPayment") or info["payment"],
                "cod": info.get("cod") or 0, "declaredValue": info.get("declaredValue") or 0,
                "observations": info.get("observation") or "", "content": info.get("content") or "",
                "date": fan_time(shipment.created_at), "cost": shipment.data["tariff"],
                "packages": info["packages"], "costCenter": info.get("costCenter") or "",
                "refund": info.get("refund") or "", "currency": "LEI",
            },
            "recipient": recipient,
            "sender": {"name": SENDER.name, "phone": SENDER.phone,
                       "address": {"county": SENDER.county, "locality": SENDER.city, "street": SENDER.street,
                                   "zipCode": SENDER.postcode, "country": "Romania"}},
        }

    def borderou(self, day: date) -> list[SimShipment]:
        return [s for s in self.book.by_awb.values()
                if not s.cancelled and s.created_at.astimezone(BUCHAREST).date() == day]

    def describe(self, shipment: SimShipment) -> dict[str, Any]:
        steps = self.reached(shipment)
        return {"awb": shipment.awb, "external_id": shipment.external_id, "cancelled": shipment.cancelled,
                "outcome": shipment.outcome, "created_at": shipment.created_at.isoformat(),
                "status": steps[-1][0] if steps else None, "shipment": shipment.data}

    def label_party(self, shipment: SimShipment) -> Party:
        recipient = shipment.data["recipient"]
        address = recipient.get("address") or {}
        street = " ".join(str(address.get(k) or "") for k in ("street", "streetNo")).strip()
        extras = ", ".join(f"{label} {address[k]}" for k, label in (("building", "bl."), ("entrance", "sc."),
                                                                     ("floor", "et."), ("apartment", "ap."))
                           if address.get(k))
        return Party(name=recipient.get("contactPerson") or recipient["name"], phone=str(recipient.get("phone")),
                     street=f"{street}, {extras}" if extras else street, city=str(address.get("locality")),
                     county=str(address.get("county")), postcode=str(address.get("zipCode") or ""),
                     email=recipient.get("email") or None,
                     company=recipient["name"] if recipient.get("contactPerson") not in (None, "", recipient["name"])
                     else None)


def build_app(*, credentials: dict[str, str], step_s: float = 10.0) -> Starlette:
    """The simulator as an ASGI app (defined in fancourier_app, which imports this module: imported late)."""
    from adapters.sandbox import fancourier_app

    return fancourier_app.build_app(credentials=credentials, step_s=step_s)
