"""The order status model: codes, labels and the one transition table (DESIGN.md §2)."""

from __future__ import annotations

from enum import IntEnum


class OrderStatus(IntEnum):
    DRAFT = 0
    PROCESSING = 1
    PENDING_PAYMENT = 2
    CONFIRMED = 3
    SHIPPING = 4
    DELIVERED = 5
    RETURN = 7
    CANCELLED = 8
    ON_HOLD = 9
    RETURN_PENDING = 11
    PARTIAL_RETURN = 12
    PAID = 14
    READY = 15
    STOCK_UNAVAILABLE = 16

    @property
    def label(self) -> str:
        return self.name.lower()


S = OrderStatus

# Every allowed move, and nothing else. on_hold is special: it may go back only to the status the
# order was held from (checked by the aggregate), so the table lists every status it could return to.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.DRAFT: frozenset({S.PROCESSING, S.PENDING_PAYMENT, S.CONFIRMED, S.ON_HOLD, S.STOCK_UNAVAILABLE, S.CANCELLED}),
    S.PROCESSING: frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.ON_HOLD, S.STOCK_UNAVAILABLE, S.CANCELLED}),
    S.PENDING_PAYMENT: frozenset({S.PAID, S.ON_HOLD, S.CANCELLED}),
    S.PAID: frozenset({S.CONFIRMED, S.READY, S.STOCK_UNAVAILABLE, S.ON_HOLD, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.READY, S.SHIPPING, S.ON_HOLD, S.CANCELLED}),
    S.READY: frozenset({S.SHIPPING, S.ON_HOLD, S.CANCELLED}),
    S.SHIPPING: frozenset({S.DELIVERED, S.ON_HOLD}),
    S.DELIVERED: frozenset({S.RETURN_PENDING}),
    S.RETURN_PENDING: frozenset({S.RETURN, S.PARTIAL_RETURN, S.DELIVERED}),
    S.PARTIAL_RETURN: frozenset({S.RETURN_PENDING}),
    S.ON_HOLD: frozenset(
        {S.DRAFT, S.PROCESSING, S.PENDING_PAYMENT, S.PAID, S.CONFIRMED, S.READY, S.SHIPPING,
         S.STOCK_UNAVAILABLE, S.CANCELLED}
    ),
    S.STOCK_UNAVAILABLE: frozenset({S.CONFIRMED, S.ON_HOLD, S.CANCELLED}),
    S.RETURN: frozenset(),
    S.CANCELLED: frozenset(),
}

FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)

# Statuses in which stock is held for the order (released on cancel).
RESERVING = frozenset({S.CONFIRMED, S.READY})

# Lines may be edited only before the order is committed to the warehouse.
EDITABLE = frozenset({S.DRAFT, S.PROCESSING, S.ON_HOLD})

# On hold from one of these, the warehouse already took over (stock reserved for the lines as they are,
# or the parcel packed), so the lines stay as they are.
TAKEN_OVER = frozenset({S.CONFIRMED, S.READY, S.SHIPPING})


def allowed_targets(current: OrderStatus, held_from: OrderStatus | None = None) -> list[OrderStatus]:
    """Targets reachable from `current`, in code order; from on_hold only back or to cancelled."""
    targets = TRANSITIONS[current]
    if current is S.ON_HOLD:
        targets = frozenset(t for t in targets if t in (held_from, S.CANCELLED))
    return sorted(targets)


class ApproveStatus(IntEnum):
    REJECTED = -1
    PENDING = 0
    APPROVED = 1

    @property
    def label(self) -> str:
        return self.name.lower()


def approve_label(value: int | None) -> str:
    return "not_required" if value is None else ApproveStatus(value).label
