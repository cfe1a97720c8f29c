"""/healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest
from sqlalchemy import text
from starlette.responses import Response

from api.deps import ContainerDep
from api.responses import JSONResponse
from api.schemas.common import StrictModel
from domain.orders.status import OrderStatus

router = APIRouter(tags=["operations"])

ORDERS_BY_STATUS = Gauge("oms_orders", "Orders per status", ["status"])
OUTBOX_BACKLOG = Gauge("oms_outbox_unpublished", "Outbox events not yet handed to the queue")


class ReadyOut(StrictModel):
    status: str
    checks: dict[str, str]


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Database and Redis are reachable", response_model=ReadyOut,
            responses={503: {"model": ReadyOut, "description": "a dependency is down; `checks` says which"}})
async def readyz(container: ContainerDep) -> Response:
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(2):
            async with container.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        if container.redis is None:
            raise RuntimeError("not configured")
        async with asyncio.timeout(2):
            await container.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"description": "Prometheus text exposition format", "content": {"text/plain": {}}}})
async def metrics(container: ContainerDep) -> Response:
    try:
        async with asyncio.timeout(2):
            async with container.engine.connect() as conn:
                rows = (await conn.execute(text("SELECT status, count(*) AS n FROM sales_order GROUP BY status"))).all()
                backlog = (await conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))).scalar()
        counts = {r.status: r.n for r in rows}
        for s in OrderStatus:
            ORDERS_BY_STATUS.labels(s.label).set(counts.get(int(s), 0))
        OUTBOX_BACKLOG.set(backlog or 0)
    except Exception:  # metrics must answer even when the database does not
        pass
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
