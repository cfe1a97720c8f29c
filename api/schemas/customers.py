"""The customer file: B2C and B2B customers, VAT codes checked with python-stdnum."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, EmailStr, Field, field_validator
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ro import cf as ro_cf

from api.schemas.common import StrictModel
from api.schemas.masterdata import INT_MAX, DbId, Line, reject_null


def normalise_vat_code(raw: str) -> str:
    """A Romanian CUI/CIF (with or without the RO of VAT registration) or an EU VAT number, compacted."""
    code = raw.strip().upper()
    try:
        # Bare digits are Romanian: that is how CUI/CIF codes are written on Romanian documents.
        romanian = code[:1].isdigit() or code.startswith("RO")
        return str(ro_cf.validate(code) if romanian else eu_vat.validate(code))
    except StdnumError as exc:
        raise ValueError("not a valid Romanian CUI/CIF or EU VAT number") from exc


VatCode = Annotated[str, Field(min_length=2, max_length=32, examples=["RO18547290"]),
                    AfterValidator(normalise_vat_code)]


class CustomerAddress(StrictModel):
    """An address as orders carry it."""

    name: Line = Field(min_length=1, max_length=200)
    street: Line = Field(min_length=1, max_length=300)
    city: Line = Field(min_length=1, max_length=100)
    county: Line = Field(default="", max_length=100)
    postcode: Line = Field(default="", max_length=20)
    country: str = Field(default="RO", pattern="^[A-Za-z]{2}$")
    phone: Line | None = Field(default=None, max_length=40)
    company: Line | None = Field(default=None, max_length=300)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


CustomerType = Literal["b2c", "b2b"]
Points = Annotated[int, Field(ge=0, le=INT_MAX)]


class CustomerIn(StrictModel):
    type: CustomerType = "b2c"
    name: Line = Field(min_length=1, max_length=300)
    email: EmailStr | None = Field(default=None, description="unique, case-insensitively")
    phone: Line | None = Field(default=None, max_length=40)
    company: Line | None = Field(default=None, max_length=300)
    vat_code: VatCode | None = Field(default=None, description="required for b2b; stored normalised")
    edi_id: Line | None = Field(default=None, min_length=1, max_length=64, description="the partner's EDI id")
    addresses: list[CustomerAddress] = Field(default_factory=list, max_length=20)
    price_list_id: DbId | None = None
    loyalty_points: Points = 0


class CustomerPatch(StrictModel):
    """Fields left out keep their value; null empties the optional ones."""

    type: CustomerType | None = None
    name: Line | None = Field(default=None, min_length=1, max_length=300)
    email: EmailStr | None = None
    phone: Line | None = Field(default=None, max_length=40)
    company: Line | None = Field(default=None, max_length=300)
    vat_code: VatCode | None = None
    edi_id: Line | None = Field(default=None, min_length=1, max_length=64)
    addresses: list[CustomerAddress] | None = Field(default=None, max_length=20)
    price_list_id: DbId | None = None
    loyalty_points: Points | None = None

    _not_null = field_validator("type", "name", "addresses", "loyalty_points")(reject_null)


class AddressOut(BaseModel):
    name: str
    street: str
    city: str
    county: str
    postcode: str
    country: str
    phone: str | None
    company: str | None


class CustomerOut(BaseModel):
    id: int
    type: str
    name: str
    email: str | None
    phone: str | None
    company: str | None
    vat_code: str | None
    edi_id: str | None
    addresses: list[AddressOut]
    price_list_id: int | None
    loyalty_points: int
    created_at: datetime
    updated_at: datetime


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    next_cursor: str | None
