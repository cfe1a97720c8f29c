"""Pieces the master-data schemas and routers share: text rules, PATCH nulls, pages, documented problems."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import Field

from adapters.db.masterdata import decode_cursor, decode_pair
from api.schemas.common import Problem
from domain.errors import FieldError, ValidationError

INT_MAX = 2_147_483_647
# One-line text: no control characters (PostgreSQL refuses NUL, and a tab in a SKU is always a typo).
SINGLE_LINE = r"^[^\x00-\x1f\x7f]*$"
NO_NUL = r"^[^\x00]*$"

Line = Annotated[str, Field(pattern=SINGLE_LINE)]
DbId = Annotated[int, Field(ge=1, le=INT_MAX)]
PathId = Annotated[int, Path(ge=1, le=INT_MAX)]
Cursor = Annotated[str | None, Query(max_length=100, pattern=r"^[A-Za-z0-9_-]*$",
                                     description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]


def reject_null(value: Any) -> Any:
    """For PATCH bodies: leaving a field out keeps it; null is only accepted where the field may be empty."""
    if value is None:
        raise ValueError("may not be null; leave the field out to keep its value")
    return value


_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: _PROBLEM for code in codes}


READ = problems(401, 403, 422)
READ_ONE = problems(401, 403, 404, 422)
CREATE = problems(400, 401, 403, 409, 413, 422)
CHANGE = problems(400, 401, 403, 404, 409, 413, 422)


def after_id(cursor: str | None) -> int | None:
    if not cursor:
        return None
    value = decode_cursor(cursor)
    if value is None:
        raise ValidationError("invalid cursor", [FieldError("cursor", "use next_cursor from a previous page")])
    return value


def after_pair(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    value = decode_pair(cursor)
    if value is None:
        raise ValidationError("invalid cursor", [FieldError("cursor", "use next_cursor from a previous page")])
    return value
