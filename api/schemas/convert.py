"""Request schemas -> the domain's command values, shared by the routers that accept orders and estimates."""

from __future__ import annotations

from collections.abc import Iterable

from api.schemas.orders import AddressIn, LineIn
from domain.orders.commands import LineInput
from domain.orders.model import Address


def address(a: AddressIn) -> Address:
    return Address(name=a.name, street=a.street, city=a.city, county=a.county, postcode=a.postcode,
                   country=a.country.upper(), phone=a.phone, company=a.company)


def optional_address(a: AddressIn | None) -> Address | None:
    return None if a is None else address(a)


def line_inputs(lines: Iterable[LineIn]) -> list[LineInput]:
    return [LineInput(sku=x.sku, quantity=x.quantity, unit_price=x.unit_price, name=x.name) for x in lines]
