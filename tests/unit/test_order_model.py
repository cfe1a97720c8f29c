"""The Order aggregate: guards, history and events, totals and VAT, approval, pre-orders, allowed actions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.actors import Actor
from domain.errors import InvalidTransitionError, PermissionDeniedError, ValidationError
from domain.orders.approval import ApprovalRule, first_matching_rule
from domain.orders.events import CustomerNotificationRequested, OrderApproved, OrderCreated, OrderStatusChanged
from domain.orders.model import Order, Reservation
from domain.orders.permissions import allowed_actions, role_allows
from domain.orders.status import ApproveStatus, OrderStatus
from tests.unit.builders import (
    ADDRESS,
    ADMIN,
    B2B,
    B2C,
    FINANCE,
    MANAGER,
    NOW,
    OPERATOR,
    WAREHOUSE,
    line,
    new_order,
    stored_order,
)

S = OrderStatus
D = Decimal
BIG_B2B = ApprovalRule(name="B2B over 10,000 RON", required_role="sales_manager", min_total=D("10000"),
                       currency="RON", customer_type="b2b")


def pending_order() -> Order:
    """A B2B order over the threshold, waiting for a sales manager."""
    return new_order(line(quantity="1", price="12000.00"), customer=B2B, rules=(BIG_B2B,))


def snapshot(order: Order) -> tuple[object, ...]:
    return (order.status, order.held_from, order.approve_status, len(order.new_history), len(order.events),
            list(order.reservations), list(order.lines))


# ----- guards ------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", [None, "", "   "])
@pytest.mark.parametrize("action", ["hold", "cancel", "reject"])
def test_hold_cancel_and_reject_need_a_reason(action: str, reason: str | None) -> None:
    order = pending_order()
    before = snapshot(order)
    with pytest.raises(ValidationError) as info:
        getattr(order, action)(by=MANAGER, at=NOW, reason=reason)
    assert [e.field for e in info.value.errors] == ["reason"]
    assert snapshot(order) == before


def test_the_reason_is_recorded_trimmed() -> None:
    order = new_order()
    order.hold(by=OPERATOR, at=NOW, reason="  address unclear ")
    assert order.new_history[-1].reason == "address unclear"
    event = order.events[-1]
    assert isinstance(event, OrderStatusChanged) and event.reason == "address unclear"


def test_confirm_needs_approval_when_a_rule_applies() -> None:
    order = pending_order()
    assert order.approve_status == ApproveStatus.PENDING
    before = snapshot(order)
    with pytest.raises(InvalidTransitionError) as info:
        order.confirm(by=MANAGER, at=NOW, reservations=[])
    assert info.value.allowed == ["approve first"]
    with pytest.raises(InvalidTransitionError):
        order.mark_stock_unavailable(by=MANAGER, at=NOW, missing="SKU-1")
    assert snapshot(order) == before
    order.approve(by=MANAGER, at=NOW)
    order.confirm(by=MANAGER, at=NOW, reservations=[])
    assert order.status is S.CONFIRMED


def test_confirm_without_any_rule_is_allowed() -> None:
    order = new_order()
    assert order.approve_status is None
    order.confirm(by=OPERATOR, at=NOW, reservations=[Reservation(1, 1, D("1"))])
    assert order.status is S.CONFIRMED
    assert order.reservations == [Reservation(1, 1, D("1"))]


@pytest.mark.parametrize("approve_status", [ApproveStatus.PENDING, ApproveStatus.REJECTED])
def test_confirm_is_refused_unless_approve_status_is_null_or_approved(approve_status: int) -> None:
    order = stored_order(S.PROCESSING, approve_status=int(approve_status))
    with pytest.raises(InvalidTransitionError):
        order.confirm(by=ADMIN, at=NOW, reservations=[])
    assert order.status is S.PROCESSING


def test_hold_then_resume_keeps_the_reservations_and_returns_to_confirmed() -> None:
    order = new_order()
    order.confirm(by=OPERATOR, at=NOW, reservations=[Reservation(1, 1, D("1"))])
    order.hold(by=WAREHOUSE, at=NOW, reason="damaged box")
    assert order.held_from is S.CONFIRMED
    assert order.reservations
    order.resume(by=WAREHOUSE, at=NOW)
    assert order.status is S.CONFIRMED and order.held_from is None
    assert order.reservations == [Reservation(1, 1, D("1"))]


def test_resume_is_only_for_orders_on_hold() -> None:
    order = new_order()
    with pytest.raises(InvalidTransitionError):
        order.resume(by=OPERATOR, at=NOW)


def test_cancel_hands_back_the_reservations_to_release() -> None:
    order = new_order(line(1, "2"), line(2, "1"))
    held = [Reservation(1, 1, D("2")), Reservation(2, 1, D("1"))]
    order.confirm(by=OPERATOR, at=NOW, reservations=held)
    assert order.cancel(by=OPERATOR, at=NOW, reason="customer asked") == held
    assert order.reservations == [] and order.reservations_changed


# ----- history and events ------------------------------------------------------------------------

def test_creation_records_one_history_entry_and_one_event() -> None:
    order = new_order()
    assert [(h.action, h.from_status, h.to_status) for h in order.new_history] == [("create", None, 0)]
    assert len(order.events) == 1 and isinstance(order.events[0], OrderCreated)
    assert order.events[0].name == "order.created"


def test_every_transition_appends_one_history_entry_and_one_event() -> None:
    order = new_order()
    steps = [
        ("process", lambda: order.process(by=OPERATOR, at=NOW)),
        ("request_payment", lambda: order.request_payment(by=FINANCE, at=NOW)),
        ("hold", lambda: order.hold(by=OPERATOR, at=NOW, reason="payment unclear")),
        ("resume", lambda: order.resume(by=OPERATOR, at=NOW)),
        ("mark_paid", lambda: order.mark_paid(by=FINANCE, at=NOW, reference="OP-77")),
        ("stock_unavailable", lambda: order.mark_stock_unavailable(by=OPERATOR, at=NOW, missing="SKU-1")),
        ("restore", lambda: order.restore(by=OPERATOR, at=NOW, reservations=[Reservation(1, 1, D("1"))])),
        ("cancel", lambda: order.cancel(by=OPERATOR, at=NOW, reason="customer asked")),
    ]
    for action, step in steps:
        history, events, previous = len(order.new_history), len(order.events), order.status
        step()
        assert len(order.new_history) == history + 1, action
        assert len(order.events) == events + 1, action
        entry, event = order.new_history[-1], order.events[-1]
        assert entry.action == action and entry.from_status == previous and entry.to_status == order.status
        assert entry.actor.startswith("user:")
        assert isinstance(event, OrderStatusChanged) and event.name == f"order.{action}"
        assert (event.from_status, event.to_status) == (previous, order.status)
    assert [h.to_status for h in order.new_history] == [0, 1, 2, 9, 2, 14, 16, 3, 8]
    for earlier, later in zip(order.new_history, order.new_history[1:], strict=False):
        assert later.from_status == earlier.to_status


def test_approve_adds_one_history_entry_and_one_event_without_moving() -> None:
    order = pending_order()
    order.approve(by=MANAGER, at=NOW)
    assert order.approve_status == ApproveStatus.APPROVED
    entry = order.new_history[-1]
    assert (entry.action, entry.from_status, entry.to_status, entry.reason) == ("approve", 0, 0, BIG_B2B.name)
    assert len(order.new_history) == 2 and len(order.events) == 2
    assert isinstance(order.events[-1], OrderApproved) and order.events[-1].name == "order.approved"


def test_reject_cancels_and_asks_for_the_customer_to_be_told() -> None:
    order = pending_order()
    order.reject(by=MANAGER, at=NOW, reason="credit limit exceeded")
    assert order.status is S.CANCELLED
    assert order.approve_status == ApproveStatus.REJECTED
    assert [(h.action, h.to_status, h.reason) for h in order.new_history[1:]] == [
        ("reject", 8, "credit limit exceeded")
    ]
    changed, notify = order.events[1:]
    assert isinstance(changed, OrderStatusChanged) and changed.name == "order.reject"
    assert isinstance(notify, CustomerNotificationRequested)
    assert notify.name == "customer.notification_requested"
    assert notify.payload() == {"template": "order_rejected", "reason": "credit limit exceeded"}


def test_a_refused_reject_leaves_the_approval_untouched() -> None:
    order = stored_order(S.SHIPPING, approve_status=int(ApproveStatus.PENDING))
    with pytest.raises(InvalidTransitionError):
        order.reject(by=MANAGER, at=NOW, reason="too late")
    assert order.approve_status == ApproveStatus.PENDING and order.status is S.SHIPPING


def test_approving_needs_the_rules_role() -> None:
    order = pending_order()
    for someone in (OPERATOR, WAREHOUSE, FINANCE):
        with pytest.raises(PermissionDeniedError):
            order.approve(by=someone, at=NOW)
        with pytest.raises(PermissionDeniedError):
            order.reject(by=someone, at=NOW, reason="no")
    assert order.approve_status == ApproveStatus.PENDING and len(order.new_history) == 1
    order.approve(by=ADMIN, at=NOW)  # admin passes every role check
    with pytest.raises(InvalidTransitionError):
        order.approve(by=MANAGER, at=NOW)


def test_approve_without_a_pending_approval_is_refused() -> None:
    with pytest.raises(InvalidTransitionError):
        new_order().approve(by=MANAGER, at=NOW)


def test_a_cancelled_order_waiting_for_approval_can_no_longer_be_decided() -> None:
    order = pending_order()
    order.cancel(by=OPERATOR, at=NOW, reason="customer withdrew")
    for decide in (lambda: order.approve(by=MANAGER, at=NOW),
                   lambda: order.reject(by=MANAGER, at=NOW, reason="too late")):
        with pytest.raises(InvalidTransitionError):  # a conflict with the order's state, not a missing role
            decide()
    assert order.status is S.CANCELLED and len(order.new_history) == 2
    assert allowed_actions(order, MANAGER) == []


# ----- totals and VAT ----------------------------------------------------------------------------

def test_vat_is_extracted_per_line_when_prices_include_vat() -> None:
    item = line(quantity="3", price="33.33", vat="19")
    assert (item.gross, item.vat, item.net) == (D("99.99"), D("15.96"), D("84.03"))


def test_vat_is_added_per_line_when_prices_exclude_vat() -> None:
    item = line(quantity="3", price="33.33", vat="19", gross_prices=False)
    # 99.99 x 19% = 18.9981 -> 19.00 on the line (per unit it would be 3 x 6.33 = 18.99)
    assert (item.net, item.vat, item.gross) == (D("99.99"), D("19.00"), D("118.99"))


def test_a_9_percent_line_and_a_zero_rated_line() -> None:
    nine = line(quantity="2", price="20.00", vat="9")
    assert (nine.gross, nine.vat, nine.net) == (D("40.00"), D("3.30"), D("36.70"))
    zero = line(quantity="1", price="15.50", vat="0")
    assert (zero.gross, zero.vat, zero.net) == (D("15.50"), D("0.00"), D("15.50"))
    zero_net = line(quantity="1", price="15.50", vat="0", gross_prices=False)
    assert (zero_net.gross, zero_net.vat, zero_net.net) == (D("15.50"), D("0.00"), D("15.50"))


def test_money_rounds_half_up_to_cents() -> None:
    assert line(quantity="1.5", price="9.99", vat="0").gross == D("14.99")  # 14.985
    assert line(quantity="1", price="0.25", vat="10", gross_prices=False).vat == D("0.03")  # 0.025
    assert line(quantity="0.333", price="1.00", vat="0").gross == D("0.33")


def test_order_totals_sum_the_lines_and_break_vat_down_per_rate() -> None:
    order = new_order(
        line(1, "3", "33.33", "19"), line(2, "2", "20.00", "9"), line(3, "1", "15.50", "0"),
        line(4, "1", "11.90", "19"),
    )
    totals = order.totals
    assert totals.gross == D("167.39")
    assert totals.vat == D("15.96") + D("1.90") + D("3.30")
    assert totals.net == totals.gross - totals.vat
    assert totals.vat_by_rate == {D("19"): D("17.86"), D("9"): D("3.30"), D("0"): D("0.00")}
    assert all(v.as_tuple().exponent == -2 for v in (totals.net, totals.vat, totals.gross))


def test_order_totals_without_vat_in_prices() -> None:
    order = new_order(line(1, "3", "33.33", "19", gross_prices=False), line(2, "2", "20.00", "9", gross_prices=False))
    totals = order.totals
    assert (totals.net, totals.vat, totals.gross) == (D("139.99"), D("22.60"), D("162.59"))
    assert totals.vat_by_rate == {D("19"): D("19.00"), D("9"): D("3.60")}


def test_lines_are_validated() -> None:
    with pytest.raises(ValidationError) as info:
        new_order(line(1, "0"), line(2, "1", "-1.00"))
    assert [e.field for e in info.value.errors] == ["lines[0].quantity", "lines[1].unit_price"]
    with pytest.raises(ValidationError) as empty:
        Order.create(by=OPERATOR, at=NOW, channel_id=1, source="api", currency="RON", customer=B2C,
                     shipping_address=ADDRESS, lines=[], payment_method="cod", warehouse_id=1)
    assert [e.field for e in empty.value.errors] == ["lines"]


# ----- approval rules ----------------------------------------------------------------------------

def test_threshold_is_strictly_above_min_total() -> None:
    at_threshold = new_order(line(quantity="1", price="10000.00"), customer=B2B, rules=(BIG_B2B,))
    assert at_threshold.approve_status is None and at_threshold.approval_rule is None
    above = new_order(line(quantity="1", price="10000.01"), customer=B2B, rules=(BIG_B2B,))
    assert above.approve_status == ApproveStatus.PENDING
    assert (above.approval_rule, above.approval_role) == (BIG_B2B.name, "sales_manager")


def test_rule_currency_and_customer_type_must_match() -> None:
    big = line(quantity="1", price="20000.00")
    assert new_order(big, customer=B2B, currency="EUR", rules=(BIG_B2B,)).approve_status is None
    assert new_order(big, rules=(BIG_B2B,)).approve_status is None  # b2c customer
    any_currency = ApprovalRule(name="everything big", required_role="finance", min_total=D("100"))
    assert new_order(big, currency="EUR", rules=(any_currency,)).approval_role == "finance"


def test_the_first_matching_rule_wins() -> None:
    rules = (ApprovalRule("b2b", "sales_manager", customer_type="b2b"), ApprovalRule("all", "finance"))
    assert first_matching_rule(rules, total=D("1"), currency="RON", customer_type="b2b") is rules[0]
    assert first_matching_rule(rules, total=D("1"), currency="RON", customer_type="b2c") is rules[1]


def test_approval_is_re_evaluated_when_lines_change() -> None:
    order = new_order(line(quantity="1", price="100.00"), customer=B2B, rules=(BIG_B2B,))
    assert order.approve_status is None
    order.replace_lines([line(quantity="2", price="6000.00")], by=OPERATOR, at=NOW, rules=(BIG_B2B,))
    assert order.approve_status == ApproveStatus.PENDING and order.approval_role == "sales_manager"
    assert order.new_history[-1].action == "edit_lines" and order.events[-1].name == "order.lines_changed"
    assert order.totals.gross == D("12000.00") and order.lines_changed
    order.approve(by=MANAGER, at=NOW)
    # an approval was for the old total: a new total above the threshold needs approving again
    order.replace_lines([line(quantity="3", price="6000.00")], by=OPERATOR, at=NOW, rules=(BIG_B2B,))
    assert order.approve_status == ApproveStatus.PENDING
    order.replace_lines([line(quantity="1", price="50.00")], by=OPERATOR, at=NOW, rules=(BIG_B2B,))
    assert order.approve_status is None and order.approval_rule is None and order.approval_role is None


def test_lines_are_editable_only_before_the_warehouse_takes_over() -> None:
    for status in (S.DRAFT, S.PROCESSING):
        stored_order(status).replace_lines([line(quantity="2")], by=OPERATOR, at=NOW, rules=())
    stored_order(S.ON_HOLD, held_from=S.PROCESSING).replace_lines([line(quantity="2")], by=OPERATOR, at=NOW,
                                                                   rules=())
    for status in (S.PENDING_PAYMENT, S.CONFIRMED, S.SHIPPING, S.CANCELLED, S.STOCK_UNAVAILABLE):
        with pytest.raises(InvalidTransitionError):
            stored_order(status).replace_lines([line(quantity="2")], by=OPERATOR, at=NOW, rules=())


@pytest.mark.parametrize("held_from", [S.CONFIRMED, S.READY, S.SHIPPING])
def test_lines_of_an_order_held_after_the_warehouse_took_over_stay_as_they_are(held_from: OrderStatus) -> None:
    """Its stock is reserved for the old lines (or it is already packed): editing would desync them."""
    order = stored_order(S.ON_HOLD, held_from=held_from)
    with pytest.raises(InvalidTransitionError):
        order.replace_lines([line(quantity="5")], by=OPERATOR, at=NOW, rules=())
    assert order.lines == [line()]
    assert "edit-lines" not in allowed_actions(order, OPERATOR)


def test_invalid_new_lines_are_refused_and_nothing_changes() -> None:
    order = new_order()
    with pytest.raises(ValidationError):
        order.replace_lines([line(quantity="-1")], by=OPERATOR, at=NOW, rules=())
    assert order.lines == [line()] and len(order.new_history) == 1


def test_approval_rules_from_settings_are_validated() -> None:
    rule = ApprovalRule.from_dict({"name": " big ", "required_role": "sales_manager", "min_total": "10000",
                                   "currency": "ron", "customer_type": "b2b"})
    assert rule == ApprovalRule("big", "sales_manager", D("10000"), "RON", "b2b")
    assert ApprovalRule.from_dict(rule.to_dict()) == rule
    with pytest.raises(ValidationError) as info:
        ApprovalRule.from_dict({"name": "", "required_role": "boss", "min_total": "-1", "currency": "EURO",
                                "customer_type": "vip"}, where="approval_rules[2]")
    assert [e.field for e in info.value.errors] == [
        "approval_rules[2].name", "approval_rules[2].required_role", "approval_rules[2].min_total",
        "approval_rules[2].currency", "approval_rules[2].customer_type",
    ]


# ----- pre-orders --------------------------------------------------------------------------------

def test_pre_orders_skip_the_stock_check_only_before_the_promised_date() -> None:
    today = NOW.date()
    preorder = new_order(promised_date=today + timedelta(days=10))
    assert preorder.is_preorder
    assert preorder.skips_stock_check(today)
    assert preorder.skips_stock_check(today + timedelta(days=9))
    assert not preorder.skips_stock_check(today + timedelta(days=10))
    assert not preorder.skips_stock_check(date(2027, 1, 1))
    regular = new_order()
    assert not regular.is_preorder and not regular.skips_stock_check(today)


# ----- allowed actions per role ------------------------------------------------------------------

DESK_ON_DRAFT = ["process", "request-payment", "confirm", "hold", "cancel", "edit-lines"]


@pytest.mark.parametrize(("who", "expected"), [
    (OPERATOR, DESK_ON_DRAFT),
    (MANAGER, DESK_ON_DRAFT),
    (ADMIN, DESK_ON_DRAFT),
    (WAREHOUSE, ["hold"]),
    (FINANCE, ["request-payment"]),
])
def test_allowed_actions_on_a_draft(who: Actor, expected: list[str]) -> None:
    assert allowed_actions(new_order(), who) == expected


@pytest.mark.parametrize(("who", "expected"), [
    (OPERATOR, ["process", "request-payment", "hold", "cancel", "edit-lines"]),
    (MANAGER, ["process", "request-payment", "hold", "cancel", "approve", "reject", "edit-lines"]),
    (ADMIN, ["process", "request-payment", "hold", "cancel", "approve", "reject", "edit-lines"]),
    (WAREHOUSE, ["hold"]),
    (FINANCE, ["request-payment"]),
])
def test_allowed_actions_on_an_order_waiting_for_approval(who: Actor, expected: list[str]) -> None:
    assert allowed_actions(pending_order(), who) == expected


@pytest.mark.parametrize(("status", "held_from", "who", "expected"), [
    (S.PENDING_PAYMENT, None, FINANCE, ["mark-paid"]),
    (S.PENDING_PAYMENT, None, OPERATOR, ["mark-paid", "hold", "cancel"]),
    (S.PAID, None, OPERATOR, ["confirm", "hold", "cancel"]),
    (S.STOCK_UNAVAILABLE, None, OPERATOR, ["hold", "cancel", "restore"]),
    (S.STOCK_UNAVAILABLE, None, WAREHOUSE, ["hold"]),
    (S.CONFIRMED, None, OPERATOR, ["hold", "cancel"]),
    (S.SHIPPING, None, OPERATOR, ["hold"]),
    (S.ON_HOLD, S.CONFIRMED, OPERATOR, ["resume", "cancel"]),
    (S.ON_HOLD, S.PENDING_PAYMENT, FINANCE, []),
    (S.ON_HOLD, S.PROCESSING, WAREHOUSE, ["resume"]),
    (S.ON_HOLD, S.PROCESSING, OPERATOR, ["resume", "cancel", "edit-lines"]),
    (S.DELIVERED, None, ADMIN, []),
    (S.CANCELLED, None, ADMIN, []),
    (S.RETURN, None, ADMIN, []),
])
def test_allowed_actions_by_status_and_role(status: OrderStatus, held_from: OrderStatus | None, who: Actor,
                                            expected: list[str]) -> None:
    assert allowed_actions(stored_order(status, held_from=held_from), who) == expected


def test_an_api_key_has_no_order_actions() -> None:
    key = Actor(kind="api_key", id=3, name="erp", channel_id=1, scopes=frozenset({"orders:write"}))
    assert allowed_actions(new_order(), key) == []
    assert not role_allows(key, "cancel")
