"""Shared pieces of request and response schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer


def _decimal_in(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a decimal string such as \"12.50\"")
    if isinstance(value, float):
        return str(value)
    return value


# Money and quantities travel as decimal strings ("1249.90"); plain JSON numbers are accepted on input.
DecimalStr = Annotated[
    Decimal,
    BeforeValidator(_decimal_in),
    Field(allow_inf_nan=False, max_digits=18, decimal_places=4, json_schema_extra={"examples": ["49.90"]}),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LooseModel(BaseModel):
    """Partner payloads: unknown fields are welcome and ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, str]] | None = None
    allowed: list[str] | None = None
    existing_id: int | None = None


class Page(BaseModel):
    items: list[Any]
    next_cursor: str | None = None
