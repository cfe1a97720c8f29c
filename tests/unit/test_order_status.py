"""The status model of DESIGN.md §2: codes, the transition table, final statuses, and the aggregate obeying it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.errors import InvalidTransitionError
from domain.orders.model import Order
from domain.orders.status import FINAL, TRANSITIONS, OrderStatus, allowed_targets
from tests.unit.builders import NOW, OPERATOR, stored_order

S = OrderStatus

# DESIGN.md §2, first table, copied by hand: code -> name.
DESIGN_CODES = {
    0: "draft", 1: "processing", 2: "pending_payment", 14: "paid", 3: "confirmed", 15: "ready", 4: "shipping",
    5: "delivered", 9: "on_hold", 16: "stock_unavailable", 11: "return_pending", 7: "return",
    12: "partial_return", 8: "cancelled",
}

# DESIGN.md §2, "Allowed transitions", copied by hand (on_hold is checked on its own below).
DESIGN_MOVES: dict[str, set[str]] = {
    "draft": {"processing", "pending_payment", "confirmed", "on_hold", "stock_unavailable", "cancelled"},
    "processing": {"pending_payment", "confirmed", "on_hold", "stock_unavailable", "cancelled"},
    "pending_payment": {"paid", "on_hold", "cancelled"},
    "paid": {"confirmed", "ready", "stock_unavailable", "on_hold", "cancelled"},
    "confirmed": {"ready", "shipping", "on_hold", "cancelled"},
    "ready": {"shipping", "on_hold", "cancelled"},
    "shipping": {"delivered", "on_hold"},
    "delivered": {"return_pending"},
    "return_pending": {"return", "partial_return", "delivered"},
    "partial_return": {"return_pending"},
    "stock_unavailable": {"confirmed", "on_hold", "cancelled"},
    "return": set(),
    "cancelled": set(),
}
HOLDABLE = sorted(OrderStatus[name.upper()] for name, targets in DESIGN_MOVES.items() if "on_hold" in targets)
NOT_ON_HOLD = [s for s in S if s is not S.ON_HOLD]


def test_status_codes_and_labels_are_the_contract() -> None:
    assert {int(s): s.label for s in S} == DESIGN_CODES


def test_the_table_has_one_row_per_status() -> None:
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize("source", NOT_ON_HOLD, ids=lambda s: s.label)
@pytest.mark.parametrize("target", list(S), ids=lambda s: s.label)
def test_every_pair_is_allowed_exactly_when_the_design_lists_it(source: OrderStatus, target: OrderStatus) -> None:
    expected = target.label in DESIGN_MOVES[source.label]
    assert (target in TRANSITIONS[source]) is expected
    assert (target in allowed_targets(source)) is expected


def test_final_statuses_are_return_and_cancelled() -> None:
    assert {S.RETURN, S.CANCELLED} == FINAL
    for status in FINAL:
        assert allowed_targets(status) == []


def test_no_status_moves_to_itself() -> None:
    for status, targets in TRANSITIONS.items():
        assert status not in targets


def test_on_hold_can_be_entered_from_exactly_the_design_rows() -> None:
    assert {s for s in S if S.ON_HOLD in TRANSITIONS[s]} == set(HOLDABLE)
    assert TRANSITIONS[S.ON_HOLD] == {*HOLDABLE, S.CANCELLED}


@pytest.mark.parametrize("held_from", HOLDABLE, ids=lambda s: s.label)
def test_on_hold_goes_back_only_to_where_it_came_from_or_cancelled(held_from: OrderStatus) -> None:
    assert allowed_targets(S.ON_HOLD, held_from) == sorted({held_from, S.CANCELLED})


def test_allowed_targets_are_sorted_by_code() -> None:
    for status in NOT_ON_HOLD:
        targets = allowed_targets(status)
        assert targets == sorted(targets)


# ----- the aggregate obeys the same table --------------------------------------------------------

Act = Callable[[Order], object]

# action -> (what it does to an order, the status it moves to)
ACTIONS: dict[str, tuple[Act, OrderStatus]] = {
    "process": (lambda o: o.process(by=OPERATOR, at=NOW), S.PROCESSING),
    "request_payment": (lambda o: o.request_payment(by=OPERATOR, at=NOW), S.PENDING_PAYMENT),
    "mark_paid": (lambda o: o.mark_paid(by=OPERATOR, at=NOW, reference="OP-1"), S.PAID),
    "confirm": (lambda o: o.confirm(by=OPERATOR, at=NOW, reservations=[]), S.CONFIRMED),
    "stock_unavailable": (lambda o: o.mark_stock_unavailable(by=OPERATOR, at=NOW, missing="SKU-1"),
                          S.STOCK_UNAVAILABLE),
    "restore": (lambda o: o.restore(by=OPERATOR, at=NOW, reservations=[]), S.CONFIRMED),
    "hold": (lambda o: o.hold(by=OPERATOR, at=NOW, reason="address unclear"), S.ON_HOLD),
    "cancel": (lambda o: o.cancel(by=OPERATOR, at=NOW, reason="customer asked"), S.CANCELLED),
}


def _design_allows(action: str, source: OrderStatus) -> bool:
    target = ACTIONS[action][1]
    in_table = target.label in DESIGN_MOVES[source.label]
    match action:
        case "process":
            return source is S.DRAFT  # "processing (from draft)"
        case "confirm":
            return in_table and source is not S.STOCK_UNAVAILABLE  # a back-order is promoted by restore
        case "restore":
            return source is S.STOCK_UNAVAILABLE
    return in_table


@pytest.mark.parametrize("source", NOT_ON_HOLD, ids=lambda s: s.label)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_follows_the_table(source: OrderStatus, action: str) -> None:
    order = stored_order(source)
    act, target = ACTIONS[action]
    if _design_allows(action, source):
        act(order)
        assert order.status is target
        assert len(order.new_history) == 1 and len(order.events) == 1
    else:
        with pytest.raises(InvalidTransitionError) as info:
            act(order)
        assert order.status is source
        assert order.new_history == [] and order.events == []
        assert info.value.allowed == [s.label for s in allowed_targets(source)]


@pytest.mark.parametrize("held_from", HOLDABLE, ids=lambda s: s.label)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "cancel"])
def test_on_hold_is_left_only_by_resume_or_cancel(held_from: OrderStatus, action: str) -> None:
    """Only resume may return to the held-from status; no other action is a side door out of on_hold."""
    order = stored_order(S.ON_HOLD, held_from=held_from)
    with pytest.raises(InvalidTransitionError):
        ACTIONS[action][0](order)
    assert order.status is S.ON_HOLD and order.held_from is held_from
    assert order.new_history == [] and order.events == []


@pytest.mark.parametrize("held_from", HOLDABLE, ids=lambda s: s.label)
def test_resume_returns_to_the_held_from_status(held_from: OrderStatus) -> None:
    order = stored_order(S.ON_HOLD, held_from=held_from)
    order.resume(by=OPERATOR, at=NOW)
    assert order.status is held_from
    assert order.held_from is None
    assert [(h.action, h.from_status, h.to_status) for h in order.new_history] == [
        ("resume", int(S.ON_HOLD), int(held_from))
    ]


@pytest.mark.parametrize("held_from", HOLDABLE, ids=lambda s: s.label)
def test_cancel_from_on_hold_is_allowed_and_forgets_where_it_was_held(held_from: OrderStatus) -> None:
    order = stored_order(S.ON_HOLD, held_from=held_from)
    order.cancel(by=OPERATOR, at=NOW, reason="customer gone")
    assert order.status is S.CANCELLED
    assert order.held_from is None


@pytest.mark.parametrize("final", sorted(FINAL), ids=lambda s: s.label)
def test_final_statuses_refuse_every_action(final: OrderStatus) -> None:
    for action, (act, _) in ACTIONS.items():
        order = stored_order(final)
        with pytest.raises(InvalidTransitionError):
            act(order)
        assert order.status is final, action
    order = stored_order(final)
    with pytest.raises(InvalidTransitionError):
        order.resume(by=OPERATOR, at=NOW)
