"""HTTP surface of the Innoship simulator: the documented /api routes, a public tracking page, the Track push
loop and the /_sim control API (faults, delivery outcomes, what was created, webhook target)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from adapters.sandbox.common import check_loopback, fault_response, json_body, utcnow
from adapters.sandbox.innoship import (
    COURIERS,
    MAX_TRACK,
    InnoshipSim,
    SimCourier,
    error_body,
    error_item,
)
from domain.fulfilment.couriers import LabelFormat

API_VERSIONS = ("1.0",)
# Innoship's LabelFormat values the simulator can print, as our two page sizes.
LABEL_FORMATS = {"A4": LabelFormat.A4, "A6": LabelFormat.THERMAL, "A6_300DPI": LabelFormat.THERMAL,
                 "A6_10X9": LabelFormat.THERMAL}
OUTCOMES = ("deliver", "fail", "return")


def _bad_request(*items: dict[str, Any]) -> JSONResponse:
    return JSONResponse(error_body(*items), status_code=400)


def create_app(sim: InnoshipSim) -> Starlette:
    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    async def guard(request: Request, count: int | None = None) -> Response | None:
        """Faults first (as the brief of every simulator asks), then X-Api-Key, then api-version."""
        sim.public_url = base(request)  # for the tracking URLs in Track pushes, which have no request
        fault = await sim.faults.before_call()
        if fault:
            status, retry_after = fault
            text = "Too many requests" if status == 429 else "The service is temporarily unavailable"
            return fault_response(status, retry_after, error_body(error_item(text)))
        if not hmac.compare_digest(request.headers.get("x-api-key", "").encode(), sim.api_key.encode()):
            return JSONResponse(error_body(error_item("Unauthorized", "Invalid or missing X-Api-Key")), 401)
        version = request.query_params.get("api-version") or request.headers.get("api-version")
        if not version:
            return JSONResponse({"error": {"code": "ApiVersionUnspecified",
                                           "message": "An API version is required, but was not specified."}}, 400)
        if version not in API_VERSIONS:
            return JSONResponse({"error": {"code": "UnsupportedApiVersion", "message": (
                f"The HTTP resource that matches the request URI '{request.url}' does not support the API "
                f"version '{version}'.")}}, 400)
        sim.calls.append({"method": request.method, "path": request.url.path, "count": count,
                          "query_api_version": request.query_params.get("api-version"),
                          "header_api_version": request.headers.get("api-version")})
        return None

    def courier_or_error(raw: Any) -> SimCourier | Response:
        courier = sim.courier(raw)
        if courier is None:
            return _bad_request(error_item("Value of field CourierId is not valid", f"Unknown courier {raw!r}"))
        return courier

    # --- partner API --------------------------------------------------------------------------------------------

    async def couriers(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        return JSONResponse([{"courierId": c.id, "courier": c.code, "courierDisplayName": c.display}
                             for c in COURIERS])

    async def price(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        body = await json_body(request)
        if errors := sim.validate(body):
            return _bad_request(*errors)
        return JSONResponse({"rates": sim.rates(body), "correlationId": error_body()["correlationId"]}, 201)

    async def order(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        body = await json_body(request)
        headers = {k: v for k, v in request.headers.items() if k in ("api-version", "content-type", "accept")}
        shipment, errors = sim.create(body, headers)
        if shipment is None:
            return _bad_request(*errors)
        await sim.faults.after_create()
        courier = sim.courier(shipment.data["rate"]["carrierId"])
        assert courier is not None  # the rate came from COURIERS
        return JSONResponse(sim.order_response(courier, shipment, base(request)), 201)

    async def delete(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        courier = courier_or_error(request.path_params["courier_id"])
        if isinstance(courier, Response):
            return courier
        shipment = sim.find(courier.id, request.path_params["awb"])
        if shipment is None:
            return _bad_request(error_item("Order not found", f"No AWB {request.path_params['awb']} for "
                                                              f"courier {courier.id}"))
        if (refused := sim.cancel(shipment)) is not None:
            return _bad_request(error_item("Unable to delete the order", refused))
        return JSONResponse(sim.order_response(courier, shipment, base(request)), 201)  # as documented: 201

    async def label(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        courier = courier_or_error(request.path_params["courier_id"])
        if isinstance(courier, Response):
            return courier
        awb = request.path_params["awb"]
        shipment = sim.find(courier.id, awb)
        if shipment is None:
            return _bad_request(error_item("Order not found", f"No AWB {awb} for courier {courier.id}"))
        q = request.query_params
        if q.get("type", "PDF").upper() != "PDF":
            return _bad_request(error_item("Value of field type is not valid", "The sandbox prints PDF only"))
        fmt = LABEL_FORMATS.get(q.get("format", "A6").upper())
        if fmt is None:
            return _bad_request(error_item("Value of field format is not valid",
                                           "The sandbox prints A4, A6, A6_300dpi and A6_10x9"))
        pdf = await sim.label(courier, shipment, fmt)
        if q.get("useFile", "true").lower() == "false":
            return JSONResponse({"courier": courier.id, "contents": base64.b64encode(pdf).decode(), "labels": None})
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{awb}.pdf"'})

    async def track(request: Request) -> Response:
        body = await json_body(request)
        awbs = body.get("awbList")
        if (denied := await guard(request, len(awbs) if isinstance(awbs, list) else None)) is not None:
            return denied
        courier = courier_or_error(body.get("courier"))
        if isinstance(courier, Response):
            return courier
        if not isinstance(awbs, list) or not awbs:
            return _bad_request(error_item("Value of field AwbList is not valid", "At least one AWB"))
        if len(awbs) > MAX_TRACK:
            return _bad_request(error_item("Value of field AwbList is not valid", f"At most {MAX_TRACK} AWBs"))
        found = [s for awb in dict.fromkeys(str(a) for a in awbs) if (s := sim.find(courier.id, awb))]
        return JSONResponse([sim.track_item(courier, s, base(request)) for s in found])

    async def track_external(request: Request) -> Response:
        body = await json_body(request)
        ids = body.get("externalOrderId")
        ids = [ids] if isinstance(ids, str) else ids
        if (denied := await guard(request, len(ids) if isinstance(ids, list) else None)) is not None:
            return denied
        if not isinstance(ids, list) or not ids or len(ids) > MAX_TRACK:
            return _bad_request(error_item("Value of field ExternalOrderId is not valid",
                                           f"Between 1 and {MAX_TRACK} external order ids"))
        items = [sim.track_item(c, s, base(request)) for ext in dict.fromkeys(str(i) for i in ids)
                 for c, s in sim.by_external(ext)]
        return JSONResponse(items)

    async def track_page(request: Request) -> Response:
        shipment = sim.find(request.path_params["courier_id"], request.path_params["awb"])
        if shipment is None:
            return HTMLResponse("<h1>AWB negăsit</h1>", status_code=404)
        rows = "".join(f"<li>{at:%d.%m.%Y %H:%M} {text}</li>"
                       for _, text, at in shipment.events(utcnow(), sim.step_s))
        return HTMLResponse(f"<h1>AWB {shipment.awb}</h1><ul>{rows}</ul>")

    # --- control API ------------------------------------------------------------------------------------------

    async def ctl_faults(request: Request) -> Response:
        return JSONResponse(sim.faults.arm(await json_body(request)))

    async def ctl_outcome(request: Request) -> Response:
        data = await json_body(request)
        external_id, outcome = str(data.get("external_id") or ""), data.get("outcome")
        if not external_id or outcome not in OUTCOMES:
            return JSONResponse({"error": f"external_id and outcome ({', '.join(OUTCOMES)}) are required"}, 400)
        return JSONResponse({"external_id": external_id, "outcome": outcome,
                             "shipments": sim.set_outcome(external_id, outcome)})

    async def ctl_shipments(request: Request) -> Response:
        return JSONResponse(sim.describe())

    async def ctl_calls(request: Request) -> Response:
        return JSONResponse(sim.calls)

    async def ctl_config(request: Request) -> Response:
        data = await json_body(request)
        if "webhook_url" in data:
            try:
                sim.webhook_url = check_loopback(data["webhook_url"]) if data["webhook_url"] else None
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"webhook_url": sim.webhook_url, "step_s": sim.step_s})

    async def ctl_webhooks(request: Request) -> Response:
        return JSONResponse(sim.sender.listing())

    # --- Track push ---------------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def push_loop() -> None:
            # Checked once per journey step: that is when new statuses can appear.
            while True:
                await asyncio.sleep(sim.step_s)
                with contextlib.suppress(Exception):  # a failed push is retried at the next step
                    await sim.push_changes()

        task = asyncio.create_task(push_loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app = Starlette(lifespan=lifespan, routes=[
        Route("/api/Courier/All", couriers, methods=["GET"]),
        Route("/api/Price", price, methods=["POST"]),
        Route("/api/Order", order, methods=["POST"]),
        Route("/api/Order/{courier_id:int}/awb/{awb}", delete, methods=["DELETE"]),
        Route("/api/Label/by-courier/{courier_id:int}/awb/{awb}", label, methods=["GET"]),
        Route("/api/Track/by-awb/with-return", track, methods=["POST"]),
        Route("/api/Track/by-external-order-id", track_external, methods=["POST"]),
        Route("/track/{courier_id:int}/{awb}", track_page, methods=["GET"]),
        Route("/_sim/faults", ctl_faults, methods=["POST"]),
        Route("/_sim/outcome", ctl_outcome, methods=["POST"]),
        Route("/_sim/shipments", ctl_shipments, methods=["GET"]),
        Route("/_sim/calls", ctl_calls, methods=["GET"]),
        Route("/_sim/config", ctl_config, methods=["POST"]),
        Route("/_sim/webhooks", ctl_webhooks, methods=["GET"]),
    ])
    app.state.sim = sim
    return app
