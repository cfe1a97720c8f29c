"""Products: SKU, EAN, VAT rate, price, weight and dimensions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator
from stdnum import ean as stdnum_ean
from stdnum.exceptions import ValidationError as StdnumError

from api.schemas.common import DecimalStr, StrictModel
from api.schemas.masterdata import Line, reject_null


def normalise_ean(raw: str) -> str:
    try:
        return str(stdnum_ean.validate(raw))
    except StdnumError as exc:
        raise ValueError("not a valid EAN/GTIN (8, 12, 13 or 14 digits with a correct check digit)") from exc


Sku = Annotated[Line, Field(min_length=1, max_length=64, examples=["TSHIRT-RED-M"])]
Ean = Annotated[str, Field(min_length=8, max_length=20, examples=["5941234567891"]), AfterValidator(normalise_ean)]
VatRate = Annotated[DecimalStr, Field(ge=0, le=Decimal("99.99"), decimal_places=2, examples=["19"])]
Price = Annotated[DecimalStr, Field(ge=0, lt=10**10, decimal_places=4, examples=["49.90"])]
WeightKg = Annotated[DecimalStr, Field(gt=0, lt=10**7, decimal_places=3, examples=["0.250"])]
Centimetres = Annotated[DecimalStr, Field(gt=0, lt=10**9, decimal_places=1, examples=["30.0"])]


class ProductIn(StrictModel):
    sku: Sku
    name: Line = Field(min_length=1, max_length=300)
    vat_rate: VatRate = Field(description="percent, e.g. \"19\"; order lines take their VAT from here")
    ean: Ean | None = None
    price: Price | None = None
    weight_kg: WeightKg | None = None
    length_cm: Centimetres | None = None
    width_cm: Centimetres | None = None
    height_cm: Centimetres | None = None
    active: bool = True


class ProductPatch(StrictModel):
    """Fields left out keep their value; null empties the optional ones."""

    sku: Sku | None = None
    name: Line | None = Field(default=None, min_length=1, max_length=300)
    vat_rate: VatRate | None = None
    ean: Ean | None = None
    price: Price | None = None
    weight_kg: WeightKg | None = None
    length_cm: Centimetres | None = None
    width_cm: Centimetres | None = None
    height_cm: Centimetres | None = None
    active: bool | None = None

    _not_null = field_validator("sku", "name", "vat_rate", "active")(reject_null)


class ProductOut(BaseModel):
    id: int
    sku: str
    ean: str | None
    name: str
    vat_rate: str
    price: str | None
    weight_kg: str | None
    length_cm: str | None
    width_cm: str | None
    height_cm: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    items: list[ProductOut]
    next_cursor: str | None
