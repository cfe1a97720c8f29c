"""Courier accounts: one per courier, with its API address, write-only credentials and the pickup address.

Credentials are never answered: `credentials_set` names the keys that hold a value, so a screen can show
which are filled. The keys each adapter reads (adapters/couriers/): innoship api_key; cargus subscription_key,
username, password; fancourier username, password, client_id; palex none (manual AWBs).

Default API addresses, as the couriers' own documentation and official modules give them: Innoship
https://api.innoship.com (its Swagger and PHP SDK), Cargus https://urgentcargus.azure-api.net/api (the official
WooCommerce/Magento module setup), FAN Courier https://api.fancourier.ro (API v2). Palex publishes no API, so it
has no default: the account's base_url is the address of the portal the operator works in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, EmailStr, Field, field_validator

from api.schemas.common import StrictModel
from api.schemas.masterdata import INT_MAX, NO_NUL, Line, reject_null

COURIERS = ("innoship", "cargus", "fancourier", "palex")
DEFAULT_BASE_URLS = {
    "innoship": "https://api.innoship.com",
    "cargus": "https://urgentcargus.azure-api.net/api",
    "fancourier": "https://api.fancourier.ro",
}

CourierName = Literal["innoship", "cargus", "fancourier", "palex"]
LabelFormatName = Literal["a4", "thermal"]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// address with a host")
    if any(c.isspace() for c in value):
        raise ValueError("may not contain spaces")
    return value


BaseUrl = Annotated[str, Field(min_length=8, max_length=500, pattern=r"^[^\x00-\x20\x7f]+$",
                               examples=["https://api.innoship.com"]), AfterValidator(_http_url)]
Key64 = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
CredentialValue = Annotated[str, Field(max_length=4000, pattern=NO_NUL)]
Credentials = Annotated[dict[Key64, CredentialValue], Field(
    max_length=20, description="write-only. innoship: api_key; cargus: subscription_key, username, password; "
                               "fancourier: username, password, client_id. On PATCH the keys given replace the "
                               "stored ones, an empty string removes a key, the others stay.")]
# Settings are read by the adapters (e.g. cargus pickup_location_id, fancourier options, timeout_s); scalars and
# lists of text only, and no NUL (PostgreSQL's JSONB refuses it).
SettingText = Annotated[str, Field(max_length=500, pattern=NO_NUL)]
SettingInt = Annotated[int, Field(ge=-INT_MAX, le=INT_MAX)]
SettingFloat = Annotated[float, Field(allow_inf_nan=False, ge=-1e9, le=1e9)]
SettingValue = bool | SettingInt | SettingFloat | SettingText | Annotated[list[SettingText], Field(max_length=50)]
Settings = Annotated[dict[Key64, SettingValue], Field(max_length=50)]
SettingsPatch = Annotated[dict[Key64, SettingValue | None], Field(max_length=50)]
Phone = Annotated[str, Field(max_length=32, pattern=r"^[0-9+() ./-]*$", examples=["0722123456"])]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["RO"])]


class CourierSenderIn(StrictModel):
    """The pickup address. Name, phone, street, city, county and postcode are required for an active account of
    a courier with an API (all but Palex); an empty text counts as missing."""

    name: Line | None = Field(default=None, max_length=200, examples=["Depozit Brașov"])
    phone: Phone | None = None
    street: Line | None = Field(default=None, max_length=300)
    city: Line | None = Field(default=None, max_length=100)
    county: Line | None = Field(default=None, max_length=100, description="county name or code, e.g. Brasov / BV")
    postcode: Line | None = Field(default=None, max_length=16)
    country: Country | None = Field(default=None, description="ISO 3166 alpha-2; RO when left out")
    email: EmailStr | None = None
    company: Line | None = Field(default=None, max_length=200)
    contact: Line | None = Field(default=None, max_length=200)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


class CourierAccountIn(StrictModel):
    courier: CourierName
    name: Line = Field(min_length=1, max_length=200)
    base_url: BaseUrl | None = Field(default=None, description="left out: the courier's published API address "
                                                               "(Palex has none and needs one)")
    credentials: Credentials = Field(default_factory=dict)
    default_service: Line | None = Field(default=None, min_length=1, max_length=64,
                                         description="the courier's service name or id, e.g. Standard or 34")
    label_format: LabelFormatName = "a4"
    concurrency: int = Field(default=8, ge=1, le=64, description="calls to this courier at a time")
    sender: CourierSenderIn = Field(default_factory=CourierSenderIn)
    settings: Settings = Field(default_factory=dict)
    active: bool = True


class CourierAccountPatch(StrictModel):
    """Fields left out keep their value. `credentials`, `sender` and `settings` change key by key: an empty
    credential or a null sender field or setting removes that key."""

    name: Line | None = Field(default=None, min_length=1, max_length=200)
    base_url: BaseUrl | None = None
    credentials: Credentials | None = None
    default_service: Line | None = Field(default=None, min_length=1, max_length=64, description="null clears it")
    label_format: LabelFormatName | None = None
    concurrency: int | None = Field(default=None, ge=1, le=64)
    sender: CourierSenderIn | None = None
    settings: SettingsPatch | None = None
    active: bool | None = None

    _not_null = field_validator("name", "base_url", "credentials", "label_format", "concurrency", "sender",
                                "settings", "active")(reject_null)


class CourierSenderOut(BaseModel):
    name: str | None = None
    phone: str | None = None
    street: str | None = None
    city: str | None = None
    county: str | None = None
    postcode: str | None = None
    country: str = "RO"
    email: str | None = None
    company: str | None = None
    contact: str | None = None


class CourierAccountOut(BaseModel):
    id: int
    courier: str
    name: str
    base_url: str
    credentials_set: list[str] = Field(description="the credential keys that hold a value; values are never shown")
    default_service: str | None
    label_format: str
    concurrency: int
    sender: CourierSenderOut
    settings: dict[str, Any]
    active: bool
    created_at: datetime
    updated_at: datetime


class CourierAccountPage(BaseModel):
    items: list[CourierAccountOut]
    next_cursor: str | None


def sender_changes(sender: CourierSenderIn) -> dict[str, str | None]:
    """The sender fields given, as stored: blank text is None, which removes the key."""
    values = sender.model_dump(exclude_unset=True)
    return {k: (str(v) if v not in (None, "") else None) for k, v in values.items()}
