"""Every failure as RFC 9457 problem+json; domain errors are mapped here and nowhere else."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.deps import get_actor
from api.schemas.common import Problem
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
from domain.fulfilment.couriers import CourierError

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


def _sqlstate(exc: Exception) -> str:
    if isinstance(exc, DBAPIError):
        return str(getattr(exc.orig, "sqlstate", None) or "")
    if isinstance(exc, asyncpg.exceptions.DataError) and not getattr(exc, "sqlstate", None):
        return "22000"  # asyncpg refused to encode an argument (out of range) before sending it
    return str(getattr(exc, "sqlstate", None) or "")


def database_problem(exc: Exception, path: str) -> Response:
    """The last line of "bad input never 500": values PostgreSQL refuses (class 22: NUL characters, numbers
    out of range) and constraint violations (class 23) that no use case checked first are the caller's
    input, not a crash. Logged as warnings, so the missing check is still seen."""
    sqlstate = _sqlstate(exc)
    if sqlstate.startswith(("22", "23")):
        log.warning("the database refused the input", extra={"path": path, "sqlstate": sqlstate})
    if sqlstate == "23505":
        return problem(409, "this conflicts with an existing record", type_="conflict")
    if sqlstate.startswith("23"):
        return problem(422, "the request refers to data that does not exist or breaks a rule of the stored data",
                       type_="validation")
    if sqlstate.startswith("22"):
        return problem(422, "a value is out of range or contains characters that cannot be stored (such as NUL)",
                       type_="validation")
    log.error("database error", extra={"path": path, "sqlstate": sqlstate}, exc_info=exc)
    return problem(500, "an unexpected error occurred; it has been logged")


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return domain_problem(exc)

    @app.exception_handler(CourierError)
    async def _courier(request: Request, exc: CourierError) -> Response:
        # The courier failed, not the caller: 502, or 503 with the courier's Retry-After when trying later helps.
        headers = {"Retry-After": str(int(exc.retry_after_s or 5))} if exc.retryable else None
        return problem(503 if exc.retryable else 502, exc.message, type_="courier-error", title="Courier error",
                       retryable=exc.retryable, courier_errors=exc.errors, headers=headers)

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

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        return database_problem(exc, request.url.path)

    # The order core talks to asyncpg directly: the same mapping for its errors.
    @app.exception_handler(asyncpg.PostgresError)
    async def _postgres(request: Request, exc: asyncpg.PostgresError) -> Response:
        return database_problem(exc, request.url.path)

    @app.exception_handler(asyncpg.exceptions.DataError)
    async def _encode(request: Request, exc: asyncpg.exceptions.DataError) -> Response:
        return database_problem(exc, request.url.path)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem(500, "an unexpected error occurred; it has been logged")

    generate = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI caches it and builds a new one when routes are added
        if not documented or documented[0] is not schema:
            documented[:] = [document_problems(app, schema)]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


# OpenAPI: what every route may answer besides what it declares (docs/api-conventions.md, "Errors").
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def _walk(dependant: Dependant) -> list[Dependant]:
    found = [dependant]
    for sub in dependant.dependencies:
        found.extend(_walk(sub))
    return found


def _implied_problems(route: Any) -> set[int]:
    """Status codes the shared machinery can answer on this route, whatever the handler declares."""
    dependants = _walk(route.dependant)
    codes: set[int] = set()
    if any(d.call is get_actor for d in dependants):
        codes |= {401, 403}
    if any(d.path_params or d.query_params or d.header_params or d.cookie_params for d in dependants):
        codes.add(422)
    if route.body_field is not None:
        codes |= {400, 413, 422}  # malformed JSON, the body limit of api/middleware.py, schema mismatch
    return codes


def _as_problem(response: dict[str, Any]) -> None:
    """Error answers are application/problem+json whatever the route declared (FastAPI puts models under
    application/json); a route's own problem model is kept, FastAPI's default 422 body is replaced."""
    content = response.get("content") or {}
    declared = (content.get(PROBLEM) or {}).get("schema") or (content.get("application/json") or {}).get("schema")
    if declared is None and content and PROBLEM not in content:
        return  # a non-JSON error body that the route describes itself
    if declared is not None and declared.get("$ref") != _FASTAPI_422:
        if "Problem" not in str(declared.get("$ref", "")):
            return  # the route answers this error with its own JSON document (e.g. the /readyz report)
        response["content"] = {PROBLEM: {"schema": declared}}
        return
    response["content"] = {PROBLEM: {"schema": PROBLEM_REF}}


def document_problems(app: FastAPI, schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
    for route in iter_route_contexts(app.routes):  # included routers are not flattened into app.routes
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        implied = _implied_problems(route)
        for method in route.methods or ():
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code in sorted(implied):
                responses.setdefault(str(code), {"description": TITLES[code]})
            for code, response in responses.items():
                if code[:1] in ("4", "5"):
                    _as_problem(response)
    if _FASTAPI_422 not in orjson.dumps(schema.get("paths", {})).decode():
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
    return schema
