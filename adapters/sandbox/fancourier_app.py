"""HTTP surface of the FAN Courier simulator: the API v2 routes and the /_sim control API."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

from pypdf import PdfWriter
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from adapters.documents.labels import LabelContent, render_label
from adapters.sandbox.common import fault_response, json_body
from adapters.sandbox.fancourier import (
    EVENT_LIST,
    PAGE_LIMIT,
    SENDER,
    TRACK_LIMIT,
    FanSandbox,
    decimal_or_none,
    tariff,
    validate,
)
from domain.fulfilment.couriers import LabelFormat

Handler = Callable[[Request], Awaitable[Response]]
LABEL_FORMATS = {"A4": LabelFormat.A4, "A5": LabelFormat.A4, "A6": LabelFormat.THERMAL}  # A5 drawn on A4
OUTCOMES = ("deliver", "fail", "return")


def fail(status: int, message: str, errors: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"status": "fail", "message": message}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)


def jsonable(value: Any) -> Any:
    """FAN answers amounts as JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def listed(params: QueryParams, name: str) -> list[str]:
    """PHP-style arrays: name[]=a&name[]=b, or http_build_query's name[0]=a&name[1]=b, or a plain name=a."""
    values = params.getlist(f"{name}[]") + params.getlist(name)
    values += [v for k, v in params.multi_items() if k.startswith(f"{name}[") and k[len(name) + 1:-1].isdigit()]
    return [v.strip() for v in values if v.strip()]


def build_app(*, credentials: dict[str, str], step_s: float = 10.0) -> Starlette:
    """`credentials`: username, password and client_id of the one simulated client account."""
    sim = FanSandbox(credentials=dict(credentials), step_s=step_s)

    def partner(handler: Handler, *, authenticated: bool = True) -> Handler:
        """Faults first (as the brief of every simulator asks), then the bearer token and the clientId."""

        async def guarded(request: Request) -> Response:
            fault = await sim.faults.before_call()
            if fault:
                status, retry_after = fault
                message = "Too Many Attempts." if status == 429 else "Server Error"
                return fault_response(status, retry_after, {"message": message})
            if authenticated:
                if not sim.authorised(request.headers.get("authorization", "")):
                    return JSONResponse({"message": "Unauthenticated."}, status_code=401)
                client_id = request.query_params.get("clientId")
                if request.method == "POST":
                    client_id = str((await json_body(request)).get("clientId", ""))
                if client_id != sim.client_id:
                    return fail(403, f"Clientul {client_id or '(lipsa)'} nu apartine utilizatorului")
            return await handler(request)

        return guarded

    async def login(request: Request) -> Response:
        fields: dict[str, Any] = dict(request.query_params)
        if not fields.get("username"):
            kind = request.headers.get("content-type", "")
            fields = await json_body(request) if "json" in kind else dict(await request.form())
        token = sim.login(str(fields.get("username") or ""), str(fields.get("password") or ""))
        if token is None:
            return fail(401, "Datele de autentificare sunt incorecte")
        return JSONResponse({"status": "success", "data": token})

    async def intern_awb(request: Request) -> Response:
        body = await json_body(request)
        shipments = body.get("shipments")
        if not isinstance(shipments, list) or not shipments:
            return fail(422, "The shipments field is required", {"shipments": ["The shipments field is required"]})
        results: list[dict[str, Any]] = []
        for shipment in shipments:
            errors = validate(shipment)
            if errors:
                results.append({"awbNumber": None, "success": False, "errors": errors})
                continue
            created = sim.create(shipment)
            county = shipment["recipient"]["address"]["county"]
            results.append({"awbNumber": int(created.awb), "tariff": created.data["tariff"],
                            "packages": shipment["info"]["packages"].get("parcel", 0), "letter": county[:1],
                            "routingCode": "0200", "office": county, "visualCode": "02-01-01", "errors": None})
        if any(r["awbNumber"] for r in results):
            await sim.faults.after_create()
        return JSONResponse(jsonable({"response": results}))

    async def label(request: Request) -> Response:
        q = request.query_params
        awbs = listed(q, "awbs")
        if not awbs:
            return fail(422, "The awbs field is required", {"awbs": ["The awbs field is required"]})
        missing = [a for a in awbs if sim.live(a) is None]
        if missing:
            return fail(404, f"AWB-ul {', '.join(missing)} nu a fost gasit")
        if q.get("zpl") == "1":
            return fail(422, "ZPL labels are not available in the sandbox")
        if q.get("pdf") != "1":  # without pdf=1 FAN answers the printable HTML page
            return HTMLResponse("<html><body>" + "".join(f"<h1>AWB {a}</h1>" for a in awbs) + "</body></html>")
        size = (q.get("format") or "A4").upper()
        if size not in LABEL_FORMATS:
            return fail(422, "The selected format is invalid", {"format": ["Allowed: A4, A5, A6"]})
        # WeasyPrint is pure CPU: keep the event loop (and the other simulated calls) running meanwhile.
        pdf = await asyncio.to_thread(render_pdf, sim, awbs, LABEL_FORMATS[size])
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="awb-{awbs[0]}.pdf"'})

    async def tracking(request: Request) -> Response:
        awbs = listed(request.query_params, "awb")
        if not awbs:
            return fail(422, "The awb field is required", {"awb": ["The awb field is required"]})
        if len(awbs) > TRACK_LIMIT:
            return fail(422, f"Maximum {TRACK_LIMIT} AWB per request", {"awb": [f"At most {TRACK_LIMIT} items"]})
        language = request.query_params.get("language", "ro")
        return JSONResponse(jsonable({"status": "success", "data": [sim.tracking(a, language) for a in awbs]}))

    async def delete_awb(request: Request) -> Response:
        awb = request.query_params.get("awb", "").strip()
        shipment = sim.live(awb)
        if shipment is None:
            return fail(404, "AWB not found")
        if len(sim.reached(shipment)) > 1:  # a courier scanned it: only FAN can stop it now
            return fail(422, "AWB-ul nu mai poate fi sters: expeditia a fost preluata de curier")
        shipment.cancelled = True
        return JSONResponse({"status": "success", "message": f"AWB-ul {awb} a fost sters"})

    async def report(request: Request) -> Response:
        q = request.query_params
        try:
            day = date.fromisoformat(q.get("date", ""))
            page = max(1, int(q.get("page", "1")))
            per_page = min(PAGE_LIMIT, max(1, int(q.get("perPage", str(PAGE_LIMIT)))))
        except ValueError:
            return fail(422, "The date must be a date in the Y-m-d format", {"date": ["Format: Y-m-d"]})
        rows = sim.borderou(day)
        chunk = rows[(page - 1) * per_page: page * per_page]
        return JSONResponse(jsonable({"status": "success", "data": [sim.report_row(s) for s in chunk],
                                      "total": len(rows), "perPage": per_page, "currentPage": page}))

    async def internal_tariff(request: Request) -> Response:
        q = request.query_params
        weight = decimal_or_none(q.get("info[weight]"))
        if weight is None or weight <= 0:
            return fail(422, "The weight must be greater than 0", {"info.weight": ["Required"]})
        if not q.get("recipient[county]") or not q.get("recipient[locality]"):
            return fail(422, "The recipient locality and county are required",
                        {"recipient.locality": ["Required"], "recipient.county": ["Required"]})
        declared = decimal_or_none(q.get("info[declaredValue]")) or Decimal(0)
        return JSONResponse(jsonable({"status": "success", "data": tariff(weight, declared, Decimal(0))}))

    async def awb_events(request: Request) -> Response:
        return JSONResponse({"status": "success", "data": [{"id": i, "name": n} for i, n in EVENT_LIST]})

    # --- control API for tests and demo mode -------------------------------------------------------------------

    async def ctl_faults(request: Request) -> Response:
        return JSONResponse(sim.faults.arm(await json_body(request)))

    async def ctl_outcome(request: Request) -> Response:
        data = await json_body(request)
        external_id, outcome = str(data.get("external_id") or ""), str(data.get("outcome") or "")
        if not external_id or outcome not in OUTCOMES:
            return JSONResponse({"error": f"external_id and outcome ({', '.join(OUTCOMES)}) required"},
                                status_code=400)
        sim.book.outcomes[external_id] = outcome
        for shipment in sim.book.by_awb.values():  # AWBs already made for that id follow the new outcome too
            if shipment.external_id == external_id:
                shipment.outcome = outcome
        return JSONResponse({"external_id": external_id, "outcome": outcome})

    async def ctl_shipments(request: Request) -> Response:
        return JSONResponse(jsonable([sim.describe(s) for s in sim.book.by_awb.values()]))

    async def ctl_expire_tokens(request: Request) -> Response:
        """Every token stops working at once, as when FAN revokes them before expiresAt."""
        count = len(sim.tokens)
        sim.tokens.clear()
        return JSONResponse({"expired": count})

    routes = [
        Route("/login", partner(login, authenticated=False), methods=["POST"]),
        Route("/intern-awb", partner(intern_awb), methods=["POST"]),
        Route("/awb/label", partner(label), methods=["GET"]),
        Route("/awb", partner(delete_awb), methods=["DELETE"]),
        Route("/reports/awb/tracking", partner(tracking), methods=["GET"]),
        Route("/reports/awb/internal-tariff", partner(internal_tariff), methods=["GET"]),
        Route("/reports/awb", partner(report), methods=["GET"]),
        Route("/reports/awb-events", partner(awb_events), methods=["GET"]),
        Route("/_sim/faults", ctl_faults, methods=["POST"]),
        Route("/_sim/outcome", ctl_outcome, methods=["POST"]),
        Route("/_sim/shipments", ctl_shipments, methods=["GET"]),
        Route("/_sim/tokens/expire", ctl_expire_tokens, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.sim = sim
    return app


def render_pdf(sim: FanSandbox, awbs: list[str], fmt: LabelFormat) -> bytes:
    """One label per AWB, merged into one PDF when several are asked for (FAN's awbs[] prints them together)."""
    pages = []
    for awb in awbs:
        shipment = sim.book.by_awb[awb]
        info = shipment.data["info"]
        cod = decimal_or_none(info.get("cod"))
        content = LabelContent(
            courier="FAN Courier", awb_number=awb, sender=SENDER, recipient=sim.label_party(shipment),
            parcels=int(info["packages"].get("parcel") or 0) + int(info["packages"].get("envelope") or 0),
            weight_kg=Decimal(str(info["weight"])), cod_amount=cod if cod else None, currency="RON",
            reference=str(info.get("observation") or ""), service=str(info["service"]),
            created_at=shipment.created_at)
        pages.append(render_label(content, fmt))
    if len(pages) == 1:
        return pages[0]
    writer = PdfWriter()
    for pdf in pages:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
