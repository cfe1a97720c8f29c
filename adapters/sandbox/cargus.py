"""Cargus simulator: the UrgentOnlineAPI v3 routes the adapter uses, as a real HTTP server under /api.

Follows the same public material as adapters/couriers/cargus.py (see its docstring, including what is guessed):
Azure API Management in front (`Ocp-Apim-Subscription-Key` checked on every call, its 401/429 bodies), a bearer
token from `POST LoginUser` (a JSON string), `POST Awbs/WithGetAwb` answering a list of full AWB objects,
`GET Awbs/GetByDate` (mm-dd-yyyy dates, pages), `GET Awbs?barCode=`, `DELETE Awbs?barCode=` (true, or false once
the parcel was scanned), `GET AwbDocuments` (base64 PDF in a JSON string, format 0 = A4 / 1 = label),
`GET AwbTrace` (Event lists with EventId/Description/Date/LocalityName), `POST ShippingCalculation`,
`GET TokenVerification` and `GET Counties`. Validation refusals are 400 with a JSON array of messages.

AWB numbers are 10 digits starting with 1, like Cargus barcodes. Tracking advances one journey step every
`step_s` seconds (ShipmentBook); a parcel has no checkpoint until the courier picks it up. Labels are our own
PDF (adapters.documents.labels), not Cargus' layout.

Control API (not Cargus'): POST /_sim/faults (CourierFaults.arm), POST /_sim/outcome {"external_id", "outcome"},
GET /_sim/shipments[?external_id=], POST /_sim/expire_tokens (every issued token answers 401 from then on).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sandbox.common import fault_response, json_body
from adapters.sandbox.courier_common import CourierFaults, ShipmentBook, SimShipment
from domain.fulfilment.couriers import LabelFormat, Party

API = "/api"
BUCHAREST = ZoneInfo("Europe/Bucharest")
CENT = Decimal("0.01")
SERVICES = {34: "Economic Standard", 35: "Standard Plus", 36: "Pallet Standard", 38: "PUDO", 39: "Multipiece"}
MAX_PIECE_KG = 31
MAX_PIECES = 15
# Cargus' county nomenclature for Romania (GET Counties?countryId=1): id, name, abbreviation.
COUNTIES = (
    "Alba AB", "Arad AR", "Arges AG", "Bacau BC", "Bihor BH", "Bistrita-Nasaud BN", "Botosani BT", "Braila BR",
    "Brasov BV", "Bucuresti B", "Buzau BZ", "Calarasi CL", "Caras-Severin CS", "Cluj CJ", "Constanta CT",
    "Covasna CV", "Dambovita DB", "Dolj DJ", "Galati GL", "Giurgiu GR", "Gorj GJ", "Harghita HR", "Hunedoara HD",
    "Ialomita IL", "Iasi IS", "Ilfov IF", "Maramures MM", "Mehedinti MH", "Mures MS", "Neamt NT", "Olt OT",
    "Prahova PH", "Salaj SJ", "Satu Mare SM", "Sibiu SB", "Suceava SV", "Teleorman TR", "Timis TM", "Tulcea TL",
    "Valcea VL", "Vaslui VS", "Vrancea VN",
)
COUNTY_ROWS: list[dict[str, Any]] = [
    {"CountyId": i + 1, "Name": row.rsplit(" ", 1)[0], "Abbreviation": row.rsplit(" ", 1)[1]}
    for i, row in enumerate(COUNTIES)]
COUNTY_NAMES = {row.rsplit(" ", 1)[0].upper() for row in COUNTIES}
# Journey status (courier_common) -> (EventId, what Cargus says). Creation has no checkpoint at Cargus.
EVENTS = {
    "picked_up": (234, "Preluat de curier"),
    "in_transit": (10, "In tranzit spre depozitul de destinatie"),
    "out_for_delivery": (5, "In livrare"),
    "delivered": (21, "Livrat"),
    "failed_delivery": (153, "Destinatar absent, livrare nereusita"),
    "returned": (196, "Returnat la expeditor"),
}
APIM_KEY_MISSING = ("Access denied due to missing subscription key. Make sure to include subscription key when "
                    "making requests to an API.")
APIM_KEY_INVALID = ("Access denied due to invalid subscription key. Make sure to provide a valid key for an active "
                    "subscription.")


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        return Decimal(-1)


def _local(moment: datetime) -> str:
    return moment.astimezone(BUCHAREST).replace(tzinfo=None, microsecond=0).isoformat()


def _barcodes(raw: str | None) -> list[str]:
    """`barCodes=["1","2"]` as documented; a plain comma list is accepted too, as Cargus does."""
    if not raw:
        return []
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw.split(",")
    items = parsed if isinstance(parsed, list) else [parsed]
    return [str(item).strip() for item in items if str(item).strip()]


def _us_date(raw: str | None) -> date | None:
    try:
        return datetime.strptime(raw or "", "%m-%d-%Y").date()
    except ValueError:
        return None


@dataclass
class CargusSim:
    credentials: dict[str, str]
    step_s: float = 10.0
    faults: CourierFaults = field(default_factory=CourierFaults)
    tokens: set[str] = field(default_factory=set)
    logins: int = 0
    order_id: int = 7_100_000

    def __post_init__(self) -> None:
        self.book = ShipmentBook(prefix="1", step_s=self.step_s)

    # --- validation ---------------------------------------------------------------------------------------------

    @staticmethod
    def _party_errors(role: str, party: Any) -> list[str]:
        if not isinstance(party, dict):
            return [f"{role}: lipseste"]
        errors = []
        if role == "Expeditor" and party.get("LocationId") not in (None, "", 0) and not party.get("LocalityName"):
            return []  # a registered pickup point carries its own address
        for key, label in (("Name", "Numele"), ("LocalityName", "Localitatea"), ("AddressText", "Adresa"),
                           ("PhoneNumber", "Telefonul")):
            if not str(party.get(key) or "").strip():
                errors.append(f"{role}: {label} este obligatoriu ({key})")
        county = str(party.get("CountyName") or "").strip()
        if not county:
            errors.append(f"{role}: Judetul este obligatoriu (CountyName)")
        elif county.upper() not in COUNTY_NAMES:
            errors.append(f"{role}: Judetul '{county}' nu a fost gasit in nomenclator (CountyName)")
        return errors

    def validate(self, body: dict[str, Any], *, creating: bool) -> list[str]:
        errors = self._party_errors("Expeditor", body.get("Sender"))
        if creating or body.get("Recipient") is not None:
            errors += self._party_errors("Destinatar", body.get("Recipient"))
        service = body.get("ServiceId")
        if service not in SERVICES:
            errors.append(f"ServiceId {service!r} nu este un serviciu valid")
        parcels, envelopes = body.get("Parcels"), body.get("Envelopes") or 0
        if not isinstance(parcels, int) or not isinstance(envelopes, int) or parcels < 0 or parcels + envelopes < 1:
            errors.append("Parcels/Envelopes: cel putin un colet sau un plic")
        elif parcels > MAX_PIECES:
            errors.append(f"Parcels: maxim {MAX_PIECES} colete pe expeditie")
        weight = body.get("TotalWeight")
        if not isinstance(weight, int | float) or weight <= 0:
            errors.append("TotalWeight: greutatea totala trebuie sa fie pozitiva")
        elif service == 34 and weight > MAX_PIECE_KG * max(1, parcels if isinstance(parcels, int) else 1):
            errors.append(f"TotalWeight: greutatea depaseste serviciul ales ({SERVICES[34]})")
        for key in ("DeclaredValue", "CashRepayment", "BankRepayment"):
            if _dec(body.get(key)) < 0:
                errors.append(f"{key}: valoare invalida")
        if creating:
            codes = body.get("ParcelCodes") or []
            if isinstance(parcels, int) and parcels and len(codes) != parcels:
                errors.append(f"ParcelCodes: {len(codes)} coduri pentru {parcels} colete")
            for code in codes if isinstance(codes, list) else []:
                if not isinstance(code, dict) or _dec(code.get("Weight")) > MAX_PIECE_KG:
                    errors.append(f"ParcelCodes: un colet are maxim {MAX_PIECE_KG} kg")
        return errors

    # --- answers ------------------------------------------------------------------------------------------------

    def price(self, body: dict[str, Any]) -> dict[str, float]:
        weight = _dec(body.get("TotalWeight"))
        base = Decimal("14.50") + Decimal("1.20") * max(Decimal(0), weight - 1)
        insurance = _dec(body.get("DeclaredValue")) * Decimal("0.01")
        repayment = Decimal("3.50") if _dec(body.get("CashRepayment")) + _dec(body.get("BankRepayment")) > 0 else 0
        subtotal = base + insurance + repayment
        tax = subtotal * Decimal("0.21")
        return {"BaseCost": _money(base), "ExtraKmCost": 0.0, "WeightCost": _money(base),
                "InsuranceCost": _money(insurance), "SpecialCost": 0.0, "RepaymentCost": _money(Decimal(repayment)),
                "Subtotal": _money(subtotal), "Tax": _money(tax), "GrandTotal": _money(subtotal + tax)}

    def create(self, body: dict[str, Any]) -> SimShipment:
        self.order_id += 1
        shipment = self.book.add(str(body.get("CustomString") or ""), dict(body))
        shipment.data |= {"IdComanda": self.order_id, "ShippingCost": self.price(body)}
        return shipment

    @staticmethod
    def awb_object(shipment: SimShipment) -> dict[str, Any]:
        data = shipment.data
        return {
            "IdComanda": data.get("IdComanda"), "ReturnCode": "", "BarCode": shipment.awb,
            "Sender": data.get("Sender"), "Recipient": data.get("Recipient"),
            "Parcels": data.get("Parcels"), "Envelopes": data.get("Envelopes", 0),
            "TotalWeight": data.get("TotalWeight"), "ServiceId": data.get("ServiceId"),
            "DeclaredValue": data.get("DeclaredValue", 0), "CashRepayment": data.get("CashRepayment", 0),
            "BankRepayment": data.get("BankRepayment", 0), "OtherRepayment": data.get("OtherRepayment", ""),
            "OpenPackage": data.get("OpenPackage", False), "PriceTableId": data.get("PriceTableId", 0),
            "ShipmentPayer": data.get("ShipmentPayer", 1), "SaturdayDelivery": data.get("SaturdayDelivery", False),
            "MorningDelivery": data.get("MorningDelivery", False), "Observations": data.get("Observations", ""),
            "PackageContent": data.get("PackageContent", ""), "CustomString": data.get("CustomString", ""),
            "SenderReference1": data.get("SenderReference1", ""), "ParcelCodes": data.get("ParcelCodes", []),
            "ValidationDate": _local(shipment.created_at), "ShippingCost": data.get("ShippingCost"),
            "Status": "Anulat" if shipment.cancelled else "Tiparit",
        }

    def checkpoints(self, shipment: SimShipment) -> list[tuple[str, str, datetime]]:
        return [event for event in shipment.events(datetime.now(UTC), self.step_s) if event[0] in EVENTS]

    def trace(self, shipment: SimShipment) -> dict[str, Any]:
        events = self.checkpoints(shipment)
        recipient = shipment.data.get("Recipient") or {}
        delivered = bool(events) and events[-1][0] == "delivered"
        return {
            "Code": shipment.awb, "Type": "Colet", "MeasuredWeight": shipment.data.get("TotalWeight"),
            "VolumetricWeight": 0, "ConfirmationName": recipient.get("ContactPerson", "") if delivered else "",
            "Observation": "", "ResponseCode": "",
            "Event": [{"Date": _local(at), "EventId": EVENTS[status][0], "Description": EVENTS[status][1],
                       "LocalityName": recipient.get("LocalityName", "") if status != "picked_up" else
                       (shipment.data.get("Sender") or {}).get("LocalityName", "")}
                      for status, _, at in events],
        }

    def label(self, shipment: SimShipment, fmt: LabelFormat) -> bytes:
        # Imported on first use: WeasyPrint takes about a second to load, and most simulator runs print nothing.
        from adapters.documents.labels import LabelContent, render_label

        data = shipment.data

        def party(raw: dict[str, Any] | None) -> Party:
            raw = raw or {}
            return Party(name=raw.get("Name", ""), phone=raw.get("PhoneNumber", ""),
                         street=raw.get("AddressText", ""), city=raw.get("LocalityName", ""),
                         county=raw.get("CountyName", ""), postcode=raw.get("CodPostal", ""),
                         email=raw.get("Email") or None, contact=raw.get("ContactPerson") or None)

        cod = _dec(data.get("CashRepayment")) + _dec(data.get("BankRepayment"))
        return render_label(LabelContent(
            courier="Cargus", awb_number=shipment.awb, sender=party(data.get("Sender")),
            recipient=party(data.get("Recipient")), parcels=int(data.get("Parcels") or 1),
            weight_kg=_dec(data.get("TotalWeight")), cod_amount=cod if cod > 0 else None, currency="RON",
            reference=str(data.get("SenderReference1") or ""),
            service=SERVICES.get(int(data.get("ServiceId") or 34), "Standard"), created_at=shipment.created_at), fmt)

    def live(self, awb: str) -> SimShipment | None:
        shipment = self.book.by_awb.get(awb)
        return shipment if shipment and not shipment.cancelled else None


Handler = Callable[[Request], Awaitable[Response]]


def _same(given: Any, expected: str | None) -> bool:
    # Bytes, because compare_digest refuses non-ASCII str (passwords may well have diacritics).
    return expected is not None and secrets.compare_digest(str(given or "").encode(), expected.encode())


def _refused(messages: list[str], status: int = 400) -> JSONResponse:
    return JSONResponse(messages, status_code=status)


def build_app(*, credentials: dict[str, str], step_s: float = 10.0) -> Starlette:
    sim = CargusSim(credentials=dict(credentials), step_s=step_s)

    def partner(*, login: bool = False) -> Callable[[Handler], Handler]:
        """Faults first, then what API Management checks (the key), then the bearer token."""

        def wrap(handler: Handler) -> Handler:
            async def guarded(request: Request) -> Response:
                fault = await sim.faults.before_call()
                if fault:
                    status, retry_after = fault
                    if status == 429:
                        message = f"Rate limit is exceeded. Try again in {retry_after} seconds."
                        return fault_response(429, retry_after, {"statusCode": 429, "message": message})
                    return fault_response(status, retry_after, {"Message": "An error has occurred."})
                key = request.headers.get("ocp-apim-subscription-key")
                if not key:
                    return JSONResponse({"statusCode": 401, "message": APIM_KEY_MISSING}, status_code=401)
                if not _same(key, sim.credentials.get("subscription_key")):
                    return JSONResponse({"statusCode": 401, "message": APIM_KEY_INVALID}, status_code=401)
                if not login:
                    header = request.headers.get("authorization", "")
                    if not header.startswith("Bearer ") or header[7:].strip() not in sim.tokens:
                        return JSONResponse({"Message": "Authorization has been denied for this request."},
                                            status_code=401)
                return await handler(request)

            return guarded

        return wrap

    @partner(login=True)
    async def login_user(request: Request) -> Response:
        body = await json_body(request)
        if not (_same(body.get("UserName"), sim.credentials.get("username"))
                and _same(body.get("Password"), sim.credentials.get("password"))):
            return JSONResponse("Failed to authenticate!", status_code=401)
        token = secrets.token_urlsafe(48)
        sim.tokens.add(token)
        sim.logins += 1
        return JSONResponse(token)

    @partner()
    async def token_verification(request: Request) -> Response:
        return JSONResponse(True)

    @partner()
    async def counties(request: Request) -> Response:
        return JSONResponse(COUNTY_ROWS if request.query_params.get("countryId", "1") == "1" else [])

    @partner()
    async def create_awb(request: Request) -> Response:
        body = await json_body(request)
        errors = sim.validate(body, creating=True)
        if errors:
            return _refused(errors)
        shipment = sim.create(body)
        await sim.faults.after_create()
        return JSONResponse([sim.awb_object(shipment)])

    @partner()
    async def awbs(request: Request) -> Response:
        barcode = request.query_params.get("barCode", "")
        shipment = sim.live(barcode)
        if request.method == "DELETE":
            if shipment is None:
                return _refused([f"AWB-ul {barcode} nu exista"])
            if sim.checkpoints(shipment):
                return JSONResponse(False)  # scanned by the courier: Cargus keeps it
            shipment.cancelled = True
            return JSONResponse(True)
        return JSONResponse([sim.awb_object(shipment)] if shipment else [])

    @partner()
    async def awbs_by_date(request: Request) -> Response:
        query = request.query_params
        first, last = _us_date(query.get("FromDate")), _us_date(query.get("ToDate"))
        if first is None or last is None:
            return _refused(["FromDate/ToDate: format mm-dd-yyyy"])
        try:
            page, size = int(query.get("pageNumber", "1")), int(query.get("itemsPerPage", "100"))
        except ValueError:
            return _refused(["pageNumber/itemsPerPage: numere intregi"])
        page, size = max(1, page), min(max(1, size), 1000)
        listed = [s for s in sim.book.by_awb.values()
                  if not s.cancelled and first <= s.created_at.astimezone(BUCHAREST).date() <= last]
        return JSONResponse([sim.awb_object(s) for s in listed[(page - 1) * size:page * size]])

    @partner()
    async def awb_documents(request: Request) -> Response:
        query = request.query_params
        codes = _barcodes(query.get("barCodes"))
        if query.get("type", "PDF").upper() != "PDF":
            return _refused(["type: simulatorul produce doar PDF"])
        if not codes:
            return _refused(["barCodes: lipsesc codurile AWB"])
        shipments = [sim.live(code) for code in codes]
        missing = [code for code, s in zip(codes, shipments, strict=True) if s is None]
        if missing:
            return _refused([f"AWB-ul {code} nu exista" for code in missing])
        fmt = LabelFormat.THERMAL if query.get("format", "0") == "1" else LabelFormat.A4
        pdfs = [await asyncio.to_thread(sim.label, s, fmt) for s in shipments if s is not None]
        return JSONResponse(base64.b64encode(_merge(pdfs)).decode())

    @partner()
    async def awb_trace(request: Request) -> Response:
        codes = _barcodes(request.query_params.get("barCode"))
        return JSONResponse([sim.trace(s) for s in (sim.live(code) for code in codes) if s is not None])

    @partner()
    async def shipping_calculation(request: Request) -> Response:
        body = await json_body(request)
        check = {**body,
                 "Sender": {"Name": "-", "AddressText": "-", "PhoneNumber": "-",
                            "CountyName": body.get("FromCountyName"), "LocalityName": body.get("FromLocalityName")},
                 "Recipient": {"Name": "-", "AddressText": "-", "PhoneNumber": "-",
                               "CountyName": body.get("ToCountyName"), "LocalityName": body.get("ToLocalityName")}}
        errors = sim.validate(check, creating=False)
        return _refused(errors) if errors else JSONResponse(sim.price(body))

    # --- control API ----------------------------------------------------------------------------------------------

    async def ctl_faults(request: Request) -> Response:
        return JSONResponse(sim.faults.arm(await json_body(request)))

    async def ctl_outcome(request: Request) -> Response:
        body = await json_body(request)
        external_id, outcome = str(body.get("external_id", "*")), str(body.get("outcome", "deliver"))
        if outcome not in ("deliver", "fail", "return"):
            return JSONResponse({"error": "outcome must be deliver, fail or return"}, status_code=400)
        sim.book.outcomes[external_id] = outcome
        existing = sim.book.find_external(external_id)
        if existing:
            existing.outcome = outcome  # an AWB already made follows the new outcome too
        return JSONResponse({"external_id": external_id, "outcome": outcome})

    async def ctl_shipments(request: Request) -> Response:
        wanted = request.query_params.get("external_id")
        return JSONResponse([
            {"awb": s.awb, "external_id": s.external_id, "created_at": s.created_at.isoformat(),
             "outcome": s.outcome, "cancelled": s.cancelled, "data": s.data}
            for s in sim.book.by_awb.values() if wanted is None or s.external_id == wanted])

    async def ctl_expire_tokens(request: Request) -> Response:
        dropped = len(sim.tokens)
        sim.tokens.clear()
        return JSONResponse({"expired": dropped, "logins": sim.logins})

    app = Starlette(routes=[
        Route(f"{API}/LoginUser", login_user, methods=["POST"]),
        Route(f"{API}/TokenVerification", token_verification, methods=["GET"]),
        Route(f"{API}/Counties", counties, methods=["GET"]),
        Route(f"{API}/Awbs/WithGetAwb", create_awb, methods=["POST"]),
        Route(f"{API}/Awbs/GetByDate", awbs_by_date, methods=["GET"]),
        Route(f"{API}/Awbs", awbs, methods=["GET", "DELETE"]),
        Route(f"{API}/AwbDocuments", awb_documents, methods=["GET"]),
        Route(f"{API}/AwbTrace", awb_trace, methods=["GET"]),
        Route(f"{API}/ShippingCalculation", shipping_calculation, methods=["POST"]),
        Route("/_sim/faults", ctl_faults, methods=["POST"]),
        Route("/_sim/outcome", ctl_outcome, methods=["POST"]),
        Route("/_sim/shipments", ctl_shipments, methods=["GET"]),
        Route("/_sim/expire_tokens", ctl_expire_tokens, methods=["POST"]),
    ])
    app.state.sim = sim
    return app


def _merge(pdfs: list[bytes]) -> bytes:
    """Several barcodes in one AwbDocuments call come back as one PDF, as Cargus prints them."""
    if len(pdfs) == 1:
        return pdfs[0]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
