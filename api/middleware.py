"""Pure ASGI middleware: request id, JSON access log, request metrics and the body size limit."""

from __future__ import annotations

import logging
import time
import uuid
from contextvars import ContextVar
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
log = logging.getLogger("oms.access")

REQUESTS = Counter("oms_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("oms_http_request_duration_seconds", "HTTP request latency", ["method", "route"],
                    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))


def _too_large(limit: int, rid: str) -> list[Message]:
    body = orjson.dumps({"type": "https://oms.local/problems/request-body-too-large",
                         "title": "Request body too large", "status": 413,
                         "detail": f"the request body exceeds {limit} bytes"})
    return [
        {"type": "http.response.start", "status": 413,
         "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
                     (b"x-request-id", rid.encode())]},
        {"type": "http.response.body", "body": body},
    ]


class BodyLimitError(HTTPException):
    """Raised from receive(); an HTTPException so that FastAPI, which turns any other error while reading
    the body into a 400, passes it on to the problem handler as the 413 it is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body exceeds {limit} bytes")


class EdgeMiddleware:
    """One middleware for all per-request edge work, to keep the per-request cost low."""

    def __init__(self, app: ASGIApp, *, max_body: int, access_log: bool = True) -> None:
        self.app = app
        self.max_body = max_body
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status_holder = {"status": 500}

        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            for message in _too_large(self.max_body, rid):
                await send(message)
            self._finish(scope, 413, started)
            request_id_var.reset(token)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyLimitError(self.max_body)
            return message

        started_response = False

        async def send_wrapper(message: Message) -> None:
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
                status_holder["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_wrapper)
        except BodyLimitError:
            if not started_response:
                for message in _too_large(self.max_body, rid):
                    await send(message)
            status_holder["status"] = 413
        finally:
            self._finish(scope, status_holder["status"], started)
            request_id_var.reset(token)

    def _finish(self, scope: Scope, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        template = getattr(route, "path", None) or ("/admin" if scope["path"].startswith("/admin") else "unmatched")
        REQUESTS.labels(scope["method"], template, str(status)).inc()
        LATENCY.labels(scope["method"], template).observe(elapsed)
        if self.access_log:
            log.info("request", extra={"method": scope["method"], "path": scope["path"], "status": status,
                                       "duration_ms": round(elapsed * 1000, 2)})


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        data.update({k: v for k, v in record.__dict__.items() if k not in self.RESERVED})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(data, default=str).decode()


def configure_logging(level: str = "info") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn.access",):
        logging.getLogger(name).disabled = True
