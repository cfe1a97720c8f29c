"""B2B portal prices: each line is checked against the customer's price list and flagged when it differs."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from domain.catalog.model import ChannelInfo, CustomerPrices
from domain.money import round_money
from domain.orders.model import OrderLine
from domain.ports import UnitOfWork

CHECKED_CHANNEL_TYPES = frozenset({"b2b_portal"})


def list_price_on_basis(price: Decimal, vat_rate: Decimal, *, list_gross: bool, channel_gross: bool) -> Decimal:
    """The list price on the channel's VAT basis, so that it compares with the line's unit price."""
    if list_gross == channel_gross:
        return price
    factor = (Decimal(100) + vat_rate) / Decimal(100)
    return round_money(price / factor if list_gross else price * factor)


def flag_lines(lines: list[OrderLine], prices: CustomerPrices, *, channel_gross: bool) -> list[OrderLine]:
    """A line off the list, or priced differently (to the cent), is flagged with the list price beside it."""
    flagged = []
    for line in lines:
        raw = prices.prices.get(line.product_id)
        if raw is None:
            flagged.append(dataclasses.replace(line, list_price=None, price_mismatch=True))
            continue
        expected = list_price_on_basis(raw, line.vat_rate, list_gross=prices.prices_include_vat,
                                       channel_gross=channel_gross)
        mismatch = round_money(line.unit_price) != round_money(expected)
        flagged.append(dataclasses.replace(line, list_price=expected, price_mismatch=mismatch))
    return flagged


async def check_list_prices(lines: list[OrderLine], *, customer_id: int, currency: str, channel: ChannelInfo,
                            uow: UnitOfWork) -> list[OrderLine]:
    """Portal orders of a customer with a price list in the order's currency are checked; others pass as is."""
    if channel.type not in CHECKED_CHANNEL_TYPES:
        return lines
    prices = await uow.catalog.customer_prices(customer_id, [line.product_id for line in lines])
    if prices is None or prices.currency != currency:
        return lines
    return flag_lines(lines, prices, channel_gross=channel.prices_include_vat)
