"""Every failure as RFC 9457 problem+json; domain errors are mapped here and nowhere else."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from domain.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    InsufficientStockError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    StaleVersionError,
    ValidationError,
)

log = logging.getLogger("oms.errors")
PROBLEM = "application/problem+json"
BASE = "https://oms.local/problems/"

TITLES = {
    400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 412: "Precondition failed", 413: "Request body too large", 415: "Unsupported media type",
    422: "Validation failed", 429: "Too many requests", 500: "Internal error", 503: "Service unavailable",
}


def problem(status: int, detail: str | None = None, *, type_: str | None = None, title: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": BASE + (type_ or TITLES.get(status, "error").lower().replace(" ", "-")),
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM, headers=headers)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def domain_problem(exc: DomainError) -> Response:
    match exc:
        case ValidationError():
            return problem(422, exc.detail, type_="validation",
                           errors=[{"field": e.field, "message": e.message} for e in exc.errors])
        case NotFoundError():
            return problem(404, exc.detail)
        case InvalidTransitionError():
            return problem(409, exc.detail, type_="invalid-transition", title="Transition not allowed",
                           current=exc.current, requested=exc.requested, allowed=exc.allowed)
        case StaleVersionError():
            return problem(412, exc.detail + "; reload it and try again", type_="stale-version",
                           current_version=exc.actual)
        case InsufficientStockError():
            return problem(409, exc.detail, type_="insufficient-stock",
                           shortages=[s.__dict__ for s in exc.shortages])
        case ConflictError():
            return problem(409, exc.detail, type_="conflict", existing_id=exc.existing_id)
        case PermissionDeniedError():
            return problem(403, exc.detail)
        case AuthenticationError():
            return problem(401, exc.detail, headers={"WWW-Authenticate": "Bearer"})
        case RateLimitedError():
            return problem(429, exc.detail, headers={"Retry-After": str(exc.retry_after_s)})
    return problem(400, exc.detail)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return domain_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"field": _field_name(tuple(e.get("loc", ()))), "message": str(e.get("msg", "invalid"))}
                  for e in exc.errors()]
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        if malformed:
            return problem(400, "the request body is not valid JSON", type_="malformed-json", errors=errors)
        return problem(422, "the request does not match the schema", type_="validation", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return problem(exc.status_code, str(exc.detail) if exc.detail else None,
                       headers=dict(exc.headers) if exc.headers else None)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem(500, "an unexpected error occurred; it has been logged")
