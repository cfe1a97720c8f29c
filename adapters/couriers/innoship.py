"""Innoship (innoship.io): a Romanian courier aggregator; one API key prices and books Cargus, DPD, FAN Courier,
GLS, Sameday and ~200 more, and hands back the underlying courier's own AWB.

What this follows (the public OpenAPI of api.innoship.com, "Api service implementation 6.0.1", as published in
konfig-sdks/openapi-examples, plus the firewizard/innoship-sdk and InnoshipTech/magento2 clients):
- auth: header `X-Api-Key`; `api-version` both as header and as query parameter (the spec declares the query
  parameter `required: true`, the header optional). Version from account.settings["api_version"], default "1.0".
- POST /api/Price (201, PriceResponse {rates: [PriceRate], correlationId}) -> offers().
- POST /api/Order (201, OrderResponse: courierShipmentId = the AWB, courier = courier id, price, trackPageUrl)
  with ExternalOrderId = request.external_order_id. OrderRequest field names as in the spec (camelCase).
- GET /api/Label/by-courier/{courierId}/awb/{awb}?type=PDF&format=A4|A6&useFile=false: LabelResponse JSON whose
  `contents` is the base64 PDF (an application/pdf answer, what useFile=true gives, is accepted too).
  LabelFormat.THERMAL asks for "A6" (Innoship's thermal size; no 100x150 value exists in their enum).
- POST /api/Track/by-awb/with-return {courier, awbList} -> [TrackResponseWithReturnInfo]: one courier per call,
  batched to 200 AWBs (the limit given for this integration; the spec itself publishes none).
- DELETE /api/Order/{courierId}/awb/{awbNo} (documented answer 201).
- GET /api/Courier/All -> [{courierId, courier, courierDisplayName}] -> couriers().
- errors: 400/401 carry ErrorResponse {errors: [{message, details: [str]}], correlationId}.

find(): the public api.innoship.com spec has NO lookup by external id (its only order listing is
GET /api/Order/by-location/{externalLocationId}/{from}/{to}, whose answer is undocumented). Innoship's read host
(query.innoship.com, since 2026) adds POST /api/Track/by-external-order-id {externalOrderId: [ids]} answering the
Track shape (externalOrderId, courier, shipmentAwb...); that route is known from a third-party integration that
quotes the query.innoship.com swagger, not from a page we could read ourselves. We use it; reads (Track*,
Courier/All) go to account.settings["query_base_url"] when set, else to account.base_url. Innoship also refuses
a second order with the same ExternalOrderId (noted by the VTEX integrations), a second line of defence.

Label/track/cancel need the courier id in the URL, but the port passes only the AWB. The gateway keeps an
in-instance cache AWB -> courierId filled by create/find/track, and also accepts "courierId:awb" (the form the
VTEX Innoship connectors store). No documented call finds the courier of a bare AWB (TrackRequest.courier is
not marked required, but what Innoship does without it is undocumented), so an unknown bare AWB is refused
(CourierError, not retryable) rather than guessed: callers should keep CreatedAwb.carrier_id and pass
f"{carrier_id}:{awb}" after a restart.

Guessed: COD is sent as bankRepaymentAmount (collected, paid to the shop's bank account; settings["cod_payout"]
= "cash" sends cashOnDeliveryAmount instead); naive event dates are taken as UTC; the tracking webhook ("Track
push") payload is not in the public spec: parse_tracking_webhook() reads the Track answer shape (a list of
TrackResponseWithReturnInfo, or one object), which is what integrators report Innoship pushes, unsigned.

Status mapping (Innoship clientStatusId -> TrackingStatus; ids from Innoship's published status table):
    1 New                                                      -> CREATED
    2 Picked-Up, 3 Handover                                    -> PICKED_UP
    10 In Courier WH, 20 In Transit, 34 Delayed, 38 On hold,
    39 Redirected, 41 Scan error/missing info, 42 Scheduled,
    43 Security check                                          -> IN_TRANSIT
    30 Out for Delivery, 44 Customer pick-up, 45 In locker     -> OUT_FOR_DELIVERY
    31 Bad Address, 33 Damaged, 35 Not Delivered, 36 Not Home,
    37 Closed on Arrival, 40 Refused, 46 Storage exceeded,
    47 Locker issues                                           -> FAILED_DELIVERY
    100 Delivered                                              -> DELIVERED
    101 Destroyed, 102 Lost, 103 Partial Delivery,
    105 Compensated, 109 Tracking expired                      -> FAILED_DELIVERY (an operator must look)
    104 Returned, 110 Return Confirmed                         -> RETURNED
    106 Canceled, 107 Canceled by Carrier, 108 by System       -> CANCELLED
    any other id: IN_TRANSIT, or FAILED_DELIVERY when Innoship flags it isFinalStatus
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx

from adapters.couriers.account import CourierAccount
from adapters.couriers.romania import COUNTY_NAMES
from adapters.retry_after import retry_after_seconds
from domain.fulfilment.couriers import (
    CourierError,
    CreatedAwb,
    LabelFormat,
    Offer,
    Party,
    ShipmentRequest,
    TrackingEvent,
    TrackingResult,
    TrackingStatus,
)

TRACK_BATCH = 200
DEFAULT_SERVICE = 1  # "National Standard (Including Pick-up)" in Innoship's service table
CANCELLED_IDS = frozenset({106, 107, 108})

_S = TrackingStatus
STATUS_MAP: dict[int, TrackingStatus] = {
    1: _S.CREATED, 2: _S.PICKED_UP, 3: _S.PICKED_UP,
    10: _S.IN_TRANSIT, 20: _S.IN_TRANSIT, 34: _S.IN_TRANSIT, 38: _S.IN_TRANSIT, 39: _S.IN_TRANSIT,
    41: _S.IN_TRANSIT, 42: _S.IN_TRANSIT, 43: _S.IN_TRANSIT,
    30: _S.OUT_FOR_DELIVERY, 44: _S.OUT_FOR_DELIVERY, 45: _S.OUT_FOR_DELIVERY,
    31: _S.FAILED_DELIVERY, 33: _S.FAILED_DELIVERY, 35: _S.FAILED_DELIVERY, 36: _S.FAILED_DELIVERY,
    37: _S.FAILED_DELIVERY, 40: _S.FAILED_DELIVERY, 46: _S.FAILED_DELIVERY, 47: _S.FAILED_DELIVERY,
    100: _S.DELIVERED,
    101: _S.FAILED_DELIVERY, 102: _S.FAILED_DELIVERY, 103: _S.FAILED_DELIVERY, 105: _S.FAILED_DELIVERY,
    109: _S.FAILED_DELIVERY,
    104: _S.RETURNED, 110: _S.RETURNED,
    106: _S.CANCELLED, 107: _S.CANCELLED, 108: _S.CANCELLED,
}

def county_name(county: str, country: str = "RO") -> str:
    """A Romanian county code becomes Innoship's county name; anything else (a name already) passes through."""
    if country.upper() != "RO":
        return county
    return COUNTY_NAMES.get(county.strip().upper(), county)  # Innoship's examples spell them without diacritics


def _num(value: Decimal) -> float:
    # JSON has no decimal type; Innoship's fields are doubles, so the float of an exact Decimal is what it reads.
    return float(value)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value is not None and str(value).strip() != "" else None
    except (TypeError, ValueError):
        return None


def _messages(resp: httpx.Response) -> tuple[list[str], str | None]:
    """Innoship's per-item messages (ErrorResponse), or ASP.NET's model-validation / api-versioning shapes."""
    try:
        data = resp.json()
    except ValueError:
        text = resp.text.strip()[:300]
        return ([text] if text else []), None
    out: list[str] = []
    if not isinstance(data, dict):
        return out, None
    errors = data.get("errors")
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict):
                details = [d.get("message") if isinstance(d, dict) else d for d in item.get("details") or []]
                parts = [str(item.get("message") or "").strip(), "; ".join(str(d) for d in details if d)]
                if text := ": ".join(p for p in parts if p):
                    out.append(text)
    elif isinstance(errors, dict):
        for field_name, msgs in errors.items():
            out.extend(f"{field_name}: {m}" for m in (msgs if isinstance(msgs, list) else [msgs]))
    if not out:
        for key in ("message", "title", "error"):
            value = data.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if isinstance(value, str) and value.strip():
                out.append(value.strip())
                break
    correlation = data.get("correlationId")
    return out, correlation if isinstance(correlation, str) and correlation else None


def _parse_time(raw: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _status(status_id: int | None, final: bool) -> TrackingStatus:
    if status_id in STATUS_MAP:
        return STATUS_MAP[status_id]
    return TrackingStatus.FAILED_DELIVERY if final else TrackingStatus.IN_TRANSIT


def tracking_result(item: Mapping[str, Any], awb_label: str | None = None) -> TrackingResult:
    """One TrackResponseWithReturnInfo as our TrackingResult (events oldest first)."""
    awb = awb_label or str(item.get("shipmentAwb") or "")
    events = []
    for entry in item.get("history") or []:
        if not isinstance(entry, dict):
            continue
        status_id = _int(entry.get("clientStatusId"))
        status = _status(status_id, bool(entry.get("isFinalStatus")))
        text = str(entry.get("clientStatusDescription") or status.value)
        events.append(TrackingEvent(awb, status, text, _parse_time(entry.get("eventDate")),
                                    entry.get("localityName") or None))
    events.sort(key=lambda e: e.at)
    return TrackingResult(awb, tuple(events))


def parse_tracking_webhook(body: bytes) -> list[TrackingResult]:
    """Innoship's "Track push": the Track answer shape, a list of shipments (one object accepted too). Innoship
    does not sign these requests; protect the receiving URL with a secret of your own. Raises ValueError."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"Innoship webhook body is not JSON: {exc}") from exc
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError("Innoship webhook body must be a JSON list of tracked shipments")
    return [tracking_result(item) for item in items if isinstance(item, dict) and item.get("shipmentAwb")]


class InnoshipGateway:
    """CourierGateway for one Innoship account (credentials["api_key"])."""

    courier = "innoship"

    def __init__(self, account: CourierAccount, client: httpx.AsyncClient | None = None) -> None:
        self.account = account
        self.api_key = account.credentials.get("api_key", "")
        self.api_version = str(account.settings.get("api_version", "1.0"))
        self.base_url = account.base_url.rstrip("/")
        self.query_url = str(account.settings.get("query_base_url") or account.base_url).rstrip("/")
        self._owns_client = client is None
        self.client = client or httpx.AsyncClient(timeout=account.timeout_s)
        self._couriers_of: dict[str, int] = {}  # AWB -> Innoship courier id (label/track/cancel need it)
        self._names: dict[int, str] | None = None

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    # --- the port ---------------------------------------------------------------------------------------------

    async def couriers(self) -> list[tuple[int, str]]:
        """The couriers Innoship aggregates for this account: (courierId, display name)."""
        resp = await self._request("GET", "/api/Courier/All", read=True)
        out: list[tuple[int, str]] = []
        for item in self._json(resp, list):
            cid = _int(item.get("courierId")) if isinstance(item, dict) else None
            if cid is not None:
                out.append((cid, str(item.get("courierDisplayName") or item.get("courier") or cid)))
        self._names = dict(out)
        return out

    async def offers(self, request: ShipmentRequest) -> list[Offer]:
        resp = await self._request("POST", "/api/Price", body=self._order_body(request))
        data = self._json(resp, dict)
        offers = []
        for rate in data.get("rates") or []:
            if not isinstance(rate, dict):
                continue
            price = _decimal(rate.get("rateTotalAmount"))
            if price is None:  # readOnly in the spec: amount + VAT when a server leaves it out
                price = (_decimal(rate.get("rateAmount")) or Decimal(0)) + (
                    _decimal(rate.get("rateVatAmount")) or Decimal(0))
            carrier_id = _int(rate.get("carrierId"))
            offers.append(Offer(
                carrier_id=carrier_id, carrier_name=str(rate.get("carrier") or carrier_id),
                service=str(rate.get("serviceId") or ""), service_name=str(rate.get("service") or ""),
                price=price, currency=str(rate.get("rateCurrency") or request.currency),
                option_id=_int(rate.get("optionId")), delivery_days=_int(rate.get("deliveryDays"))))
        offers.sort(key=lambda o: o.price)
        return offers

    async def create(self, request: ShipmentRequest) -> CreatedAwb:
        resp = await self._request("POST", "/api/Order", body=self._order_body(request), create=True)
        try:
            data = self._json(resp, dict)
        except CourierError as exc:
            exc.maybe_created = True  # a 2xx we cannot read may well carry an AWB
            raise
        awb, courier_id = str(data.get("courierShipmentId") or ""), _int(data.get("courier"))
        if not awb or courier_id is None:
            raise CourierError("Innoship answered the order without an AWB or courier", retryable=True,
                               maybe_created=True)
        self._couriers_of[awb] = courier_id
        price = data.get("price") if isinstance(data.get("price"), dict) else {}
        return CreatedAwb(awb_number=awb, carrier_name=await self._carrier_name(courier_id),
                          carrier_id=courier_id, tracking_url=data.get("trackPageUrl") or None,
                          price=_decimal(price.get("totalAmount")))

    async def find(self, request: ShipmentRequest) -> CreatedAwb | None:
        resp = await self._request("POST", "/api/Track/by-external-order-id",
                                   body={"externalOrderId": [request.external_order_id]}, read=True)
        matches = [item for item in self._json(resp, list)
                   if isinstance(item, dict) and item.get("externalOrderId") == request.external_order_id
                   and item.get("shipmentAwb") and _int(item.get("currentStatusId")) not in CANCELLED_IDS]
        if not matches:
            return None
        item = max(matches, key=lambda i: _int(i.get("orderId")) or 0)  # the latest, should there be several
        awb, courier_id = str(item["shipmentAwb"]), _int(item.get("courier"))
        if courier_id is None:
            raise CourierError(f"Innoship tracked {awb} without its courier", retryable=False)
        self._couriers_of[awb] = courier_id
        return CreatedAwb(awb_number=awb, carrier_name=await self._carrier_name(courier_id),
                          carrier_id=courier_id, tracking_url=item.get("trackUrl") or None)

    async def label(self, awb_number: str, fmt: LabelFormat) -> bytes:
        courier_id, awb = self._courier_of(awb_number)
        params = {"type": "PDF", "format": "A4" if fmt is LabelFormat.A4 else "A6", "useFile": "false"}
        resp = await self._request("GET", f"/api/Label/by-courier/{courier_id}/awb/{quote(awb, safe='')}",
                                   params=params)
        if "application/pdf" in resp.headers.get("content-type", ""):
            pdf = resp.content
        else:
            contents = self._json(resp, dict).get("contents")
            try:
                pdf = base64.b64decode(str(contents or ""), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise CourierError(f"Innoship label for {awb} is not base64", retryable=False) from exc
        if not pdf.startswith(b"%PDF"):
            raise CourierError(f"Innoship label for {awb} is not a PDF", retryable=False)
        return pdf

    async def track(self, awb_numbers: Sequence[str]) -> list[TrackingResult]:
        wanted = [(label, *self._courier_of(label)) for label in awb_numbers]
        by_courier: dict[int, list[tuple[str, str]]] = {}
        for label, courier_id, awb in wanted:
            by_courier.setdefault(courier_id, []).append((label, awb))
        found: dict[str, TrackingResult] = {}
        for courier_id, pairs in by_courier.items():
            for start in range(0, len(pairs), TRACK_BATCH):
                batch = pairs[start:start + TRACK_BATCH]
                labels = {awb: label for label, awb in batch}
                resp = await self._request("POST", "/api/Track/by-awb/with-return", read=True,
                                           body={"courier": courier_id, "awbList": [awb for _, awb in batch]})
                for item in self._json(resp, list):
                    awb = str(item.get("shipmentAwb") or "") if isinstance(item, dict) else ""
                    if awb in labels:
                        found[labels[awb]] = tracking_result(item, labels[awb])
        # Every AWB asked for gets an answer; one Innoship does not know yet has no events.
        return [found.get(label, TrackingResult(label)) for label, _, _ in wanted]

    async def cancel(self, awb_number: str) -> None:
        courier_id, awb = self._courier_of(awb_number)
        await self._request("DELETE", f"/api/Order/{courier_id}/awb/{quote(awb, safe='')}")

    # --- helpers ----------------------------------------------------------------------------------------------

    def _courier_of(self, awb_number: str) -> tuple[int, str]:
        head, sep, tail = awb_number.partition(":")
        if sep and head.strip().isdigit() and tail.strip():
            self._couriers_of.setdefault(tail.strip(), int(head))
            return int(head), tail.strip()
        if awb_number in self._couriers_of:
            return self._couriers_of[awb_number], awb_number
        raise CourierError(f"Innoship needs the courier of AWB {awb_number}: pass it as 'courierId:{awb_number}'",
                           retryable=False)

    async def _carrier_name(self, courier_id: int) -> str:
        if self._names is None:
            try:
                await self.couriers()
            except CourierError:
                # The AWB exists already; a missing display name must not turn that into a failure.
                return f"Innoship courier {courier_id}"
        return (self._names or {}).get(courier_id, f"Innoship courier {courier_id}")

    def _service_id(self, request: ShipmentRequest) -> int:
        raw = request.service or self.account.default_service or DEFAULT_SERVICE
        service = _int(raw)
        if service is None:
            raise CourierError(f"Innoship service ids are numbers (1 = national standard), got {raw!r}",
                               retryable=False)
        return service

    def _address(self, party: Party) -> dict[str, Any]:
        address = {
            "name": party.company or party.name, "contactPerson": party.contact or party.name,
            "country": party.country, "countyName": county_name(party.county, party.country),
            "localityName": party.city, "addressText": party.street, "postalCode": party.postcode,
            "phone": party.phone, "email": party.email,
        }
        return {k: v for k, v in address.items() if v is not None}

    def _order_body(self, request: ShipmentRequest) -> dict[str, Any]:
        parcels = [{"sequenceNo": i, "weight": _num(p.weight_kg), "type": "Parcel", "reference1": p.reference,
                    "size": {"width": _num(p.width_cm), "height": _num(p.height_cm), "length": _num(p.length_cm)}}
                   for i, p in enumerate(request.parcels, start=1)]
        extra: dict[str, Any] = {"declaredValueAmount": _num(request.declared_value),
                                 "declaredValueAmountCurrency": request.currency}
        if request.reference:
            extra["reference1"] = request.reference
        if request.cod_amount is not None and request.cod_amount > 0:
            if self.account.settings.get("cod_payout", "bank") == "cash":
                extra |= {"cashOnDeliveryAmount": _num(request.cod_amount),
                          "cashOnDeliveryAmountCurrency": request.currency}
            else:
                extra |= {"bankRepaymentAmount": _num(request.cod_amount),
                          "bankRepaymentCurrency": request.currency}
        body: dict[str, Any] = {
            "parameters": {"async": False},  # we need the AWB in the answer, not a queued order
            "serviceId": self._service_id(request),
            "shipmentDate": datetime.now(UTC).isoformat(),
            "addressFrom": self._address(request.sender),
            "addressTo": self._address(request.recipient),
            "payment": "Sender",
            "content": {"envelopeCount": 0, "parcelsCount": len(parcels), "palettesCount": 0,
                        "totalWeight": _num(sum((p.weight_kg for p in request.parcels), Decimal(0))),
                        "contents": request.contents, "parcels": parcels},
            "extra": extra,
            "externalOrderId": request.external_order_id,
            "sourceChannel": "OMS",
        }
        if request.carrier_id is not None:
            body["courierId"] = request.carrier_id
        if location := self.account.settings.get("external_client_location"):
            body["externalClientLocation"] = location
        return body

    @staticmethod
    def _json(resp: httpx.Response, kind: type[list[Any]] | type[dict[str, Any]]) -> Any:
        try:
            data = resp.json()
        except ValueError as exc:
            raise CourierError(f"Innoship answered {resp.status_code} with unreadable JSON", retryable=True) from exc
        if not isinstance(data, kind):
            raise CourierError(f"Innoship answered {resp.status_code} with an unexpected shape", retryable=True)
        return data

    async def _request(self, method: str, path: str, *, body: Any = None, params: Mapping[str, str] | None = None,
                       read: bool = False, create: bool = False) -> httpx.Response:
        """One attempt; every failure becomes CourierError. `create` marks calls whose loss may leave an AWB."""
        url = f"{self.query_url if read else self.base_url}{path}"
        headers = {"X-Api-Key": self.api_key, "api-version": self.api_version, "Accept": "application/json"}
        query = {"api-version": self.api_version, **(params or {})}
        what = f"Innoship {method} {path}"
        try:
            resp = await self.client.request(method, url, params=query, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            sent = not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            raise CourierError(f"{what} timed out", retryable=True, maybe_created=create and sent) from exc
        except httpx.TransportError as exc:
            sent = not isinstance(exc, httpx.ConnectError)
            raise CourierError(f"{what} failed: {type(exc).__name__}: {exc}", retryable=True,
                               maybe_created=create and sent) from exc
        if resp.status_code < 400:
            return resp
        messages, correlation = _messages(resp)
        suffix = f" (correlationId {correlation})" if correlation else ""
        status = resp.status_code
        if status == 401:
            raise CourierError(f"{what}: Innoship rejected the API key{suffix}", retryable=False, errors=messages)
        if status == 429:
            raise CourierError(f"{what}: rate limited{suffix}", retryable=True,
                               retry_after_s=retry_after_seconds(resp.headers.get("retry-after")), errors=messages)
        if status >= 500 or status == 408:
            # An aggregator's 5xx can come after the underlying courier issued the AWB: reconcile before retrying.
            raise CourierError(f"{what}: HTTP {status}{suffix}", retryable=True,
                               retry_after_s=retry_after_seconds(resp.headers.get("retry-after")),
                               maybe_created=create, errors=messages)
        detail = f": {'; '.join(messages)}" if messages else ""
        raise CourierError(f"{what}: HTTP {status}{detail}{suffix}", retryable=False, errors=messages)
