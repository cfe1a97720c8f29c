"""FAN Courier API v2 ("selfAWB", https://api.fancourier.ro) behind the CourierGateway port.

Followed (FAN Courier "Documentatie API v2.0", as used by the public clients shusaura85/fancourier-api and
daika7ana/fancourier-api-v2, whose API_GAP_ANALYSIS.md walks the September 2025 PDF endpoint by endpoint):
- POST /login?username=&password= -> {"status": "success", "data": {"token", "expiresAt": "Y-m-d H:i:s"}}: a
  bearer token for about 24 h. Cached in the gateway, renewed 5 minutes before expiresAt and once on a 401.
- POST /intern-awb {"clientId", "shipments": [{"info": {...}, "recipient": {...}}]} -> {"response": [{"awbNumber",
  "tariff", "errors"}]}: one result per shipment; "errors" maps a field ("info.packages") to its message.
- GET /awb/label?clientId=&awbs[]=&pdf=1&format=A4|A5|A6 -> the PDF itself; a JSON {"status": "fail"} on error.
- GET /reports/awb/tracking?clientId=&awb[]=... -> {"status": "success", "data": [{"awbNumber", "events": [{"id",
  "name", "location", "date"}]}]}; event ids are the /reports/awb-events codes (C0, H3, S2...).
- DELETE /awb?clientId=&awb= -> {"status": "success"}.
- GET /reports/awb?clientId=&date=Y-m-d&page=&perPage= (the day's "borderou", at most 100 a page) ->
  {"data": [{"info": {"awbNumber", "costCenter", "cost"...}}], "total", "perPage", "currentPage"}. find() reads
  it: create() puts our external id in info.costCenter, a free text FAN stores and lists back untouched.
- GET /reports/awb/internal-tariff?clientId=&info[...]=&recipient[...]= -> {"data": {"total"...}} for offers().

Guessed (no public source found): the HTTP status of a refused /intern-awb item (handled whether it is 200 or
4xx), that 401 answers are Laravel Sanctum's {"message": "Unauthenticated."} (the token looks like Sanctum's
"id|secret"), the tracking batch limit (100, like every FAN list), that weight may carry decimals, and that
counties and localities are matched without diacritics. FAN takes the sender from the client account (its
pickup address in selfAWB), so request.sender is not sent. Amounts are RON: other currencies are refused.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from adapters.couriers.account import CourierAccount
from adapters.couriers.romania import county_name, plain
from adapters.retry_after import retry_after_seconds
from domain.fulfilment.couriers import (
    CourierError,
    CreatedAwb,
    LabelFormat,
    Offer,
    ShipmentRequest,
    TrackingEvent,
    TrackingResult,
    TrackingStatus,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")  # FAN dates ("Y-m-d H:i:s") carry no offset: they are Romanian time
CARRIER_NAME = "FAN Courier"
TRACKING_URL = "https://www.fancourier.ro/awb-tracking/?tracking={awb}"
TRACK_BATCH = 100
REPORT_PAGE = 100
TOKEN_MARGIN = timedelta(minutes=5)
LABEL_SIZES = {LabelFormat.A4: "A4", LabelFormat.THERMAL: "A6"}  # A6 = 105 x 148 mm, the thermal roll

# FAN event codes (GET /reports/awb-events) -> our vocabulary. Codes not listed: H*/C* in transit, S* failed.
STATUS_BY_CODE: dict[str, TrackingStatus] = {
    "S38": TrackingStatus.CREATED,  # AWB neexpediat
    "C0": TrackingStatus.PICKED_UP,  # Expeditie ridicata
    **dict.fromkeys(("H0", "H1", "H2", "H3", "H4", "H10", "H11", "H12", "H13", "H15", "H17"),
                    TrackingStatus.IN_TRANSIT),  # sortata, in tranzit, in depozit
    "S8": TrackingStatus.IN_TRANSIT,  # Livrare din sediul FAN Courier (the recipient collects it)
    "S9": TrackingStatus.IN_TRANSIT,  # Redirectionat
    "S12": TrackingStatus.IN_TRANSIT,  # Contactat; livrare ulterioara (a date agreed with the recipient)
    "S35": TrackingStatus.IN_TRANSIT,  # Retrimis in livrare
    "S47": TrackingStatus.IN_TRANSIT,  # Predat partener extern
    "C1": TrackingStatus.OUT_FOR_DELIVERY,  # Expeditie preluata spre livrare
    "S1": TrackingStatus.OUT_FOR_DELIVERY,  # Expeditie in livrare
    "S46": TrackingStatus.OUT_FOR_DELIVERY,  # Predat punct livrare (waits in a FANbox / PayPoint)
    "S2": TrackingStatus.DELIVERED,  # Livrat
    "S16": TrackingStatus.RETURNED,  # Retur la termen
    "S43": TrackingStatus.RETURNED,  # Retur
}

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def fan_status(code: str) -> TrackingStatus:
    """Every other S code is a delivery problem (S3 Avizat, S6 Refuz primire, S30 Nu raspunde...): on hold."""
    if code in STATUS_BY_CODE:
        return STATUS_BY_CODE[code]
    return TrackingStatus.FAILED_DELIVERY if code.upper().startswith("S") else TrackingStatus.IN_TRANSIT


_PARTS = {"bl": "building", "sc": "entrance", "et": "floor", "ap": "apartment"}
_PART = re.compile(r"^(bl|sc|et|ap)\b\.?\s*(.+)$", re.IGNORECASE)
_NR = re.compile(r"^nr\b\.?\s*(\S+)$", re.IGNORECASE)
_TRAILING_NR = re.compile(r"^(?P<street>.*?\D)[\s,]*(?:nr\b\.?\s*)?(?P<no>\d+[A-Za-z]?(?:-\d+)?)\s*$", re.IGNORECASE)


def split_street(line: str) -> dict[str, str]:
    """Our one address line ("Calea Dorobanților 101, bl. A2, ap. 14") into FAN's street, streetNo, building,
    entrance, floor, apartment; what is not recognised stays in street."""
    out = dict.fromkeys(("street", "streetNo", "building", "entrance", "floor", "apartment"), "")
    parts = [p.strip() for p in line.split(",") if p.strip()]
    rest: list[str] = []
    for part in parts[1:]:
        if m := _PART.match(part):
            out[_PARTS[m.group(1).lower()]] = m.group(2).strip()
        elif (m := _NR.match(part)) and not out["streetNo"]:
            out["streetNo"] = m.group(1)
        else:
            rest.append(part)
    first = parts[0] if parts else ""
    if not out["streetNo"] and (m := _TRAILING_NR.match(first)):
        out["street"], out["streetNo"] = m["street"].strip(" ,"), m["no"]
    else:
        out["street"] = first
    out["street"] = ", ".join([out["street"], *rest]) if rest else out["street"]
    return out


def parse_fan_time(raw: Any) -> datetime | None:
    try:
        return datetime.strptime(str(raw).strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BUCHAREST).astimezone(UTC)
    except ValueError:
        return None


def messages(body: Any) -> list[str]:
    """FAN's error texts: an "errors" map (field -> message or list of messages) or list, else "message"."""
    if not isinstance(body, dict):
        return []
    errors, out = body.get("errors"), []
    if isinstance(errors, dict):
        for field_name, value in errors.items():
            out += [f"{field_name}: {msg}" for msg in (value if isinstance(value, list) else [value])]
    elif isinstance(errors, list):
        out += [str(e) for e in errors]
    elif isinstance(errors, str) and errors:
        out.append(errors)
    if not out and body.get("message"):
        out.append(str(body["message"]))
    return out


def _decode(resp: httpx.Response) -> Any:
    try:
        return json.loads(resp.content, parse_float=Decimal)
    except ValueError:
        return None


def _wire(value: Any) -> Any:
    """JSON numbers for Decimals at the wire boundary only (amounts have two decimals, weights three)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


class FanCourierGateway:
    """One FAN Courier client account: credentials username, password, client_id; settings may set
    "payment" (who pays shipping: "expeditor" by default) and "options" (service option letters, e.g. ["X"])."""

    courier = "fancourier"

    def __init__(self, account: CourierAccount, client: httpx.AsyncClient | None = None) -> None:
        self.account = account
        self.base_url = account.base_url.rstrip("/")
        self.client_id = str(account.credentials.get("client_id", ""))
        self._client = client or httpx.AsyncClient(timeout=account.timeout_s)
        self._owns_client = client is None
        self._token: str | None = None
        self._token_expires = datetime.min.replace(tzinfo=UTC)
        self._login_lock = asyncio.Lock()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # --- HTTP -----------------------------------------------------------------------------------------------------

    async def _login(self) -> str:
        creds = self.account.credentials
        params = {"username": creds.get("username", ""), "password": creds.get("password", "")}
        resp = await self._send("POST", "/login", "login", params=params)
        body = _decode(resp)
        data = body.get("data") if isinstance(body, dict) else None
        if resp.status_code == 401 or (resp.is_success and not (isinstance(data, dict) and data.get("token"))):
            detail = "; ".join(messages(body)) or f"HTTP {resp.status_code}"
            raise CourierError(f"FAN Courier refused the login of {creds.get('username')!r}: {detail}",
                               retryable=False, errors=messages(body))
        if not resp.is_success:
            raise self._failure("login", resp, body, creating=False)
        assert isinstance(data, dict)
        self._token = str(data["token"])
        expires = parse_fan_time(data.get("expiresAt"))
        self._token_expires = (expires or datetime.now(UTC) + timedelta(hours=23)) - TOKEN_MARGIN
        return self._token

    async def _bearer(self, stale: str | None = None) -> str:
        # One login at a time: a batch of 50 concurrent calls must not log in 50 times.
        async with self._login_lock:
            if self._token and self._token != stale and datetime.now(UTC) < self._token_expires:
                return self._token
            return await self._login()

    async def _send(self, method: str, path: str, what: str, *, creating: bool = False, **kwargs: Any
                    ) -> httpx.Response:
        try:
            return await self._client.request(method, self.base_url + path, **kwargs)
        except httpx.TimeoutException as exc:
            sent = not isinstance(exc, NOT_SENT)
            raise CourierError(f"FAN Courier {what}: no answer in time ({type(exc).__name__})", retryable=True,
                               maybe_created=creating and sent) from exc
        except httpx.HTTPError as exc:
            sent = not isinstance(exc, NOT_SENT)
            raise CourierError(f"FAN Courier {what}: {type(exc).__name__}: {exc}", retryable=True,
                               maybe_created=creating and sent) from exc

    async def _call(self, method: str, path: str, what: str, *, creating: bool = False,
                    payload: dict[str, Any] | None = None, accept: tuple[int, ...] = (), **kwargs: Any
                    ) -> httpx.Response:
        """One authenticated call; a 401 (token revoked or expired early) logs in again and repeats it once,
        which is safe even for a creation: FAN refused it before doing anything."""
        extra: dict[str, str] = {}
        if payload is not None:
            kwargs["content"] = json.dumps(payload, default=_wire).encode()
            extra["Content-Type"] = "application/json"
        token = await self._bearer()
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", **extra}
            resp = await self._send(method, path, what, creating=creating, headers=headers, **kwargs)
            if resp.status_code == 401 and attempt == 1:
                token = await self._bearer(stale=token)
                continue
            if not resp.is_success and resp.status_code not in accept:
                raise self._failure(what, resp, _decode(resp), creating=creating)
            return resp
        raise AssertionError("unreachable")

    def _failure(self, what: str, resp: httpx.Response, body: Any, *, creating: bool) -> CourierError:
        status, errors = resp.status_code, messages(body)
        detail = "; ".join(errors) or resp.text.strip()[:200] or resp.reason_phrase
        message = f"FAN Courier {what}: HTTP {status}: {detail}"
        if status == 429:
            hint = retry_after_seconds(resp.headers.get("retry-after"))
            return CourierError(message, retryable=True, retry_after_s=hint, errors=errors)
        if status >= 500 or status == 408:
            # 500/502/504 may come after FAN booked the AWB (a gateway timing out on a slow backend); a 503 is
            # refused at the door (maintenance, overload), like a 429.
            return CourierError(message, retryable=True, maybe_created=creating and status in (500, 502, 504),
                                errors=errors)
        return CourierError(message, retryable=False, errors=errors)

    @staticmethod
    def _refused(what: str, body: Any) -> CourierError:
        errors = messages(body)
        return CourierError(f"FAN Courier {what}: {'; '.join(errors) or 'refused'}", retryable=False, errors=errors)

    # --- the port -------------------------------------------------------------------------------------------------

    def _service(self, request: ShipmentRequest) -> str:
        return request.service or self.account.default_service or "Standard"

    def _payment(self) -> str:
        return str(self.account.settings.get("payment", "expeditor"))

    @staticmethod
    def _check_currency(request: ShipmentRequest) -> None:
        if request.currency.upper() not in ("RON", "LEI"):
            raise CourierError(f"FAN Courier internal AWBs are in RON, this shipment is in {request.currency}",
                               retryable=False, errors=[f"currency: {request.currency} is not RON"])

    @staticmethod
    def _measures(request: ShipmentRequest) -> tuple[Decimal, dict[str, Decimal]]:
        """Total weight and one set of dimensions (FAN takes one per AWB): the largest of each side."""
        weight = sum((p.weight_kg for p in request.parcels), Decimal(0))
        dims = {"length": max((p.length_cm for p in request.parcels), default=Decimal(0)),
                "width": max((p.width_cm for p in request.parcels), default=Decimal(0)),
                "height": max((p.height_cm for p in request.parcels), default=Decimal(0))}
        return weight, dims

    def shipment(self, request: ShipmentRequest) -> dict[str, Any]:
        """One /intern-awb shipment (public so the contract tests can compare what arrives)."""
        weight, dims = self._measures(request)
        to = request.recipient
        person = to.contact or to.name
        return {
            "info": {
                "service": self._service(request),
                "packages": {"parcel": len(request.parcels), "envelope": 0},
                "weight": weight,
                "cod": request.cod_amount or Decimal(0),
                "declaredValue": request.declared_value,
                "payment": self._payment(),
                "returnPayment": self._payment(),
                "observation": request.reference,
                "content": request.contents,
                "dimensions": dims,
                "costCenter": request.external_order_id,
                "options": list(self.account.settings.get("options", [])),
            },
            "recipient": {
                "name": to.company or to.name,
                "contactPerson": person,
                "phone": to.phone,
                "email": to.email or "",
                "address": {"county": county_name(to.county), "locality": plain(to.city), "zipCode": to.postcode,
                            **split_street(to.street)},
            },
        }

    async def offers(self, request: ShipmentRequest) -> list[Offer]:
        self._check_currency(request)
        weight, dims = self._measures(request)
        service = self._service(request)
        params: dict[str, Any] = {
            "clientId": self.client_id, "info[service]": service, "info[payment]": self._payment(),
            "info[weight]": str(weight), "info[packages][parcel]": len(request.parcels),
            "info[declaredValue]": str(request.declared_value),
            "recipient[county]": county_name(request.recipient.county),
            "recipient[locality]": plain(request.recipient.city),
        }
        params.update({f"info[dimensions][{k}]": str(v) for k, v in dims.items()})
        resp = await self._call("GET", "/reports/awb/internal-tariff", "tariff", params=params)
        body = _decode(resp)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or data.get("total") is None:
            raise self._refused("tariff", body)
        return [Offer(carrier_id=None, carrier_name=CARRIER_NAME, service=service, service_name=service,
                      price=Decimal(str(data["total"])), currency="RON")]

    async def create(self, request: ShipmentRequest) -> CreatedAwb:
        self._check_currency(request)
        if not request.parcels:
            raise CourierError("FAN Courier AWB without parcels", retryable=False, errors=["parcels: none"])
        payload = {"clientId": self.client_id, "shipments": [self.shipment(request)]}
        resp = await self._call("POST", "/intern-awb", "AWB creation", creating=True, payload=payload)
        body = _decode(resp)
        items = body.get("response") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            if isinstance(body, dict) and body.get("status") in ("fail", "error"):
                raise self._refused("AWB creation", body)
            # A 2xx we cannot read: FAN may well have booked it, so the next attempt looks first.
            raise CourierError("FAN Courier AWB creation: unreadable answer", retryable=True, maybe_created=True)
        item = items[0]
        if not item.get("awbNumber"):  # an AWB number means it exists, whatever else the item says
            raise self._refused("AWB creation", item)
        awb = str(item["awbNumber"])
        tariff = item.get("tariff")
        return CreatedAwb(awb_number=awb, carrier_name=CARRIER_NAME, tracking_url=TRACKING_URL.format(awb=awb),
                          price=Decimal(str(tariff)) if tariff not in (None, "") else None)

    async def _report(self, day: date) -> list[dict[str, Any]]:
        """Every AWB of one day's borderou, all pages."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            params = {"clientId": self.client_id, "date": day.isoformat(), "page": page, "perPage": REPORT_PAGE}
            resp = await self._call("GET", "/reports/awb", "AWB report", params=params, accept=(404,))
            if resp.status_code == 404:  # "no data": a day without AWBs
                return rows
            body = _decode(resp)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise self._refused("AWB report", body)
            rows += [r for r in data if isinstance(r, dict)]
            total = int(body.get("total") or 0) if isinstance(body, dict) else 0
            if len(data) < REPORT_PAGE or len(rows) >= total:
                return rows
            page += 1

    async def find(self, request: ShipmentRequest) -> CreatedAwb | None:
        """FAN has no lookup by our id: read the borderou of today and of the days before (settings
        "find_days", default 2: an attempt started before midnight may be retried after it)."""
        today = datetime.now(BUCHAREST).date()
        for back in range(int(self.account.settings.get("find_days", 2))):
            for row in await self._report(today - timedelta(days=back)):
                info = row.get("info")
                if not isinstance(info, dict):
                    continue
                if str(info.get("costCenter") or "") == request.external_order_id and info.get("awbNumber"):
                    awb = str(info["awbNumber"])
                    cost = info.get("cost")
                    return CreatedAwb(awb_number=awb, carrier_name=CARRIER_NAME,
                                      tracking_url=TRACKING_URL.format(awb=awb),
                                      price=Decimal(str(cost)) if cost not in (None, "") else None)
        return None

    async def label(self, awb_number: str, fmt: LabelFormat) -> bytes:
        params = [("clientId", self.client_id), ("awbs[]", awb_number), ("pdf", "1"),
                  ("format", LABEL_SIZES[fmt])]
        resp = await self._call("GET", "/awb/label", "label", params=params)
        pdf = resp.content
        if pdf.startswith(b"JVBER"):  # base64 of "%PDF", should a proxy or a future version encode it
            pdf = base64.b64decode(pdf)
        if not pdf.startswith(b"%PDF"):
            raise self._refused(f"label of {awb_number}", _decode(resp) or {"message": resp.text[:200]})
        return pdf

    async def track(self, awb_numbers: Sequence[str]) -> list[TrackingResult]:
        """Events oldest first, each mapped by its FAN code:

        | FAN code                                  | TrackingStatus   |
        |-------------------------------------------|------------------|
        | S38 AWB neexpediat                        | CREATED          |
        | C0 Expeditie ridicata                     | PICKED_UP        |
        | H0-H17 (sortata, in tranzit, in depozit)  | IN_TRANSIT       |
        | S8, S9, S12, S35, S47                     | IN_TRANSIT       |
        | C1, S1 in livrare; S46 predat punct       | OUT_FOR_DELIVERY |
        | S2 Livrat                                 | DELIVERED        |
        | S16 Retur la termen, S43 Retur            | RETURNED         |
        | any other S code (S3 Avizat, S4/S5 adresa,| FAILED_DELIVERY  |
        | S6 Refuz primire, S30, S33, S37, S54...)  |                  |
        | any other code                            | IN_TRANSIT       |

        An AWB FAN has not picked up yet has no events (FAN answers only a message): its result is empty.
        A deleted AWB is unknown to FAN: also empty (cancel() is what tells us it is cancelled)."""
        results: dict[str, TrackingResult] = {}
        wanted = list(dict.fromkeys(awb_numbers))
        for start in range(0, len(wanted), TRACK_BATCH):
            batch = wanted[start:start + TRACK_BATCH]
            params = [("clientId", self.client_id), *[("awb[]", a) for a in batch], ("language", "ro")]
            resp = await self._call("GET", "/reports/awb/tracking", "tracking", params=params)
            body = _decode(resp)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise self._refused("tracking", body)
            for row in data:
                if isinstance(row, dict) and row.get("awbNumber") is not None:
                    awb = str(row["awbNumber"])
                    results[awb] = TrackingResult(awb, self._events(awb, row.get("events")))
        return [results.get(awb, TrackingResult(awb)) for awb in awb_numbers]

    @staticmethod
    def _events(awb: str, raw: Any) -> tuple[TrackingEvent, ...]:
        events = []
        for event in raw if isinstance(raw, list) else []:
            if not isinstance(event, dict) or not event.get("id"):
                continue
            at = parse_fan_time(event.get("date")) or datetime.now(UTC)
            events.append(TrackingEvent(awb_number=awb, status=fan_status(str(event["id"])),
                                        text=str(event.get("name") or event["id"]), at=at,
                                        location=str(event["location"]) if event.get("location") else None))
        return tuple(sorted(events, key=lambda e: e.at))  # stable: same-second events keep FAN's order

    async def cancel(self, awb_number: str) -> None:
        params = {"clientId": self.client_id, "awb": awb_number}
        resp = await self._call("DELETE", "/awb", f"deletion of {awb_number}", params=params)
        body = _decode(resp)
        if isinstance(body, dict) and body.get("status") in ("fail", "error"):
            raise self._refused(f"deletion of {awb_number}", body)
