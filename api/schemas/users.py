"""Users and API keys: request and response schemas. Passwords and key hashes are never in a response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from api.schemas.common import StrictModel
from api.schemas.masterdata import NO_NUL, DbId, Line, reject_null

RoleName = Literal["operator", "sales_manager", "warehouse", "finance", "admin"]
Scope = Literal["orders:write", "orders:read"]
Locale = Literal["en", "ro"]
MIN_PASSWORD = 8


def _unique(values: list[str]) -> list[str]:
    return sorted(set(values))


Roles = Annotated[list[RoleName], Field(min_length=1, max_length=5), AfterValidator(_unique)]
Scopes = Annotated[list[Scope], Field(min_length=1, max_length=2), AfterValidator(_unique)]
Password = Annotated[str, Field(min_length=MIN_PASSWORD, max_length=200, pattern=NO_NUL,
                                json_schema_extra={"writeOnly": True})]
Name = Annotated[Line, Field(min_length=1, max_length=200)]
# Not EmailStr: staff often have addresses on internal domains (the demo's admin@oms.local), which
# email-validator refuses as special-use names. Login only needs the address to be unique.
_ADDR = r"[^@\s\x00-\x1f\x7f]+"
Email = Annotated[str, Field(min_length=3, max_length=320, pattern=rf"^{_ADDR}@{_ADDR}\.{_ADDR}$"),
                  AfterValidator(str.lower)]


class UserIn(StrictModel):
    email: Email
    name: Name
    roles: Roles
    password: Password
    locale: Locale = "en"


class UserPatch(StrictModel):
    """Fields left out keep their value."""

    name: Name | None = None
    roles: Roles | None = None
    active: bool | None = None
    password: Password | None = None
    locale: Locale | None = None

    _not_null = field_validator("name", "roles", "active", "password", "locale")(reject_null)


class UserOut(StrictModel):
    id: int
    email: str
    name: str
    roles: list[str]
    active: bool
    locale: str
    last_login_at: datetime | None
    created_at: datetime


class UserPage(StrictModel):
    items: list[UserOut]
    next_cursor: str | None = None


class ApiKeyIn(StrictModel):
    name: Name
    channel_id: DbId
    scopes: Scopes


class ApiKeyOut(StrictModel):
    id: int
    name: str
    prefix: str = Field(description="the characters after oms_, to recognise a key without its secret")
    channel_id: int
    scopes: list[str]
    active: bool
    created_by: str
    created_at: datetime


class NewApiKeyOut(ApiKeyOut):
    key: str = Field(description="the key itself; shown this once and never again")


class ApiKeyPage(StrictModel):
    items: list[ApiKeyOut]
    next_cursor: str | None = None
