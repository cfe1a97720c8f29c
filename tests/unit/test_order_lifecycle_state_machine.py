"""Random walks through the order lifecycle: two orders competing for the same stock, any caller, any reason.

The rules drive the aggregate the way domain/orders/actions.py does (role check, then the aggregate method,
stock reserved or released alongside), with a failed call rolled back as its transaction would be.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.actors import Actor
from domain.errors import ConflictError, DomainError
from domain.orders.approval import ApprovalRule
from domain.orders.model import Order, OrderLine, Reservation
from domain.orders.permissions import role_allows
from domain.orders.status import FINAL, ApproveStatus, OrderStatus
from domain.stock import StockLevel, describe_shortages, reserve_lines
from tests.unit.builders import NOW, line, new_order

S = OrderStatus
WAREHOUSE_ID = 1
PRODUCTS = (1, 2)
RULES = (ApprovalRule(name="over 1000", required_role="sales_manager", min_total=Decimal("1000")),)
ROLES = ("operator", "sales_manager", "warehouse", "finance", "admin")

orders_ix = st.integers(min_value=0, max_value=1)
actors = st.builds(
    lambda roles, i: Actor(kind="user", id=i, name=f"u{i}", roles=frozenset(roles)),
    st.sets(st.sampled_from(ROLES), min_size=1, max_size=2),
    st.integers(min_value=1, max_value=9),
)
reasons = st.sampled_from([None, "", "   ", "customer called", "address unclear", "late payment"])
order_lines = st.lists(
    st.builds(lambda p, q, price: line(p, str(q), price), st.sampled_from(PRODUCTS), st.integers(1, 3),
              st.sampled_from(["10.00", "49.90", "400.00"])),
    min_size=1, max_size=3,
)


class OrderLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.orders: list[Order] = []
        self.levels: dict[int, StockLevel] = {}
        self.history_rows: list[int] = []
        self.event_rows: list[int] = []
        self.final: list[OrderStatus | None] = []

    @initialize(
        stock=st.tuples(st.integers(0, 8), st.integers(0, 8)),
        lines=st.tuples(order_lines, order_lines),
        promised_in_days=st.tuples(st.sampled_from([None, -1, 0, 5]), st.just(None)),
    )
    def setup(self, stock: tuple[int, int], lines: tuple[list[OrderLine], list[OrderLine]],
              promised_in_days: tuple[int | None, None]) -> None:
        self.levels = {p: StockLevel(p, WAREHOUSE_ID, on_hand=Decimal(q)) for p, q in zip(PRODUCTS, stock, strict=True)}
        for order_lines_, days in zip(lines, promised_in_days, strict=True):
            promised = None if days is None else NOW.date() + timedelta(days=days)
            order = new_order(*order_lines_, rules=RULES, promised_date=promised)
            self.orders.append(order)
            self.history_rows.append(1)
            self.event_rows.append(1)
            self.final.append(None)

    # ----- driving one action the way the use case does -----------------------------------------
    def _run(self, i: int, action: str, by: Actor, step: Callable[[Order], object], events: int = 1) -> None:
        """Apply one action; on any domain error put the order and the stock back (the transaction rolls back)."""
        order = self.orders[i]
        saved_order, saved_levels = copy.deepcopy(order), copy.deepcopy(self.levels)
        try:
            if not role_allows(by, action):
                return
            step(order)
        except DomainError:
            assert order == saved_order, f"a refused {action} changed the order"
            self.levels = saved_levels
            return
        self.history_rows[i] += 1
        self.event_rows[i] += events
        event(f"{action} -> {order.status.label}")

    def _reserve(self, order: Order) -> tuple[list[Reservation], str | None]:
        reservations, shortages = reserve_lines(order.lines, self.levels, WAREHOUSE_ID,
                                                {ln.product_id: ln.sku for ln in order.lines})
        return reservations, describe_shortages(shortages) if shortages else None

    def _release(self, order_reservations: list[Reservation]) -> None:
        for r in order_reservations:
            self.levels[r.product_id].release(r.quantity)

    # ----- rules: every action of the API ---------------------------------------------------------
    @rule(i=orders_ix, by=actors)
    def process(self, i: int, by: Actor) -> None:
        self._run(i, "process", by, lambda o: o.process(by=by, at=NOW))

    @rule(i=orders_ix, by=actors)
    def request_payment(self, i: int, by: Actor) -> None:
        self._run(i, "request-payment", by, lambda o: o.request_payment(by=by, at=NOW))

    @rule(i=orders_ix, by=actors, reference=reasons)
    def mark_paid(self, i: int, by: Actor, reference: str | None) -> None:
        self._run(i, "mark-paid", by, lambda o: o.mark_paid(by=by, at=NOW, reference=reference))

    @rule(i=orders_ix, by=actors)
    def confirm(self, i: int, by: Actor) -> None:
        def step(o: Order) -> None:
            o.check_can_confirm()
            assert o.approve_status in (None, ApproveStatus.APPROVED)
            if o.skips_stock_check(NOW.date()):
                o.confirm(by=by, at=NOW, reservations=[])
                return
            reservations, missing = self._reserve(o)
            if missing is not None:
                o.mark_stock_unavailable(by=by, at=NOW, missing=missing)
            else:
                o.confirm(by=by, at=NOW, reservations=reservations)

        self._run(i, "confirm", by, step)

    @rule(i=orders_ix, by=actors)
    def restore(self, i: int, by: Actor) -> None:
        def step(o: Order) -> None:
            o.check_can_restore()
            reservations, missing = self._reserve(o)
            if missing is not None:
                raise ConflictError(missing)
            o.restore(by=by, at=NOW, reservations=reservations)

        self._run(i, "restore", by, step)

    @rule(i=orders_ix, by=actors, reason=reasons)
    def hold(self, i: int, by: Actor, reason: str | None) -> None:
        self._run(i, "hold", by, lambda o: o.hold(by=by, at=NOW, reason=reason))

    @rule(i=orders_ix, by=actors)
    def resume(self, i: int, by: Actor) -> None:
        self._run(i, "resume", by, lambda o: o.resume(by=by, at=NOW))

    @rule(i=orders_ix, by=actors, reason=reasons)
    def cancel(self, i: int, by: Actor, reason: str | None) -> None:
        self._run(i, "cancel", by, lambda o: self._release(o.cancel(by=by, at=NOW, reason=reason)))

    @rule(i=orders_ix, by=actors)
    def approve(self, i: int, by: Actor) -> None:
        self._run(i, "approve", by, lambda o: o.approve(by=by, at=NOW))

    @rule(i=orders_ix, by=actors, reason=reasons)
    def reject(self, i: int, by: Actor, reason: str | None) -> None:
        # one status event plus the customer notification request
        self._run(i, "reject", by, lambda o: self._release(o.reject(by=by, at=NOW, reason=reason)), events=2)

    @rule(i=orders_ix, by=actors, lines=order_lines)
    def edit_lines(self, i: int, by: Actor, lines: list[OrderLine]) -> None:
        self._run(i, "edit-lines", by, lambda o: o.replace_lines(lines, by=by, at=NOW, rules=RULES))

    @precondition(lambda self: bool(self.levels))
    @rule(product=st.sampled_from(PRODUCTS), quantity=st.integers(1, 4))
    def receive_stock(self, product: int, quantity: int) -> None:
        self.levels[product].receive(Decimal(quantity))

    # ----- invariants -----------------------------------------------------------------------------
    @invariant()
    def status_is_always_a_valid_code(self) -> None:
        for order in self.orders:
            assert OrderStatus(int(order.status)) is order.status
            assert order.approve_status in (None, -1, 0, 1)
            assert (order.held_from is not None) == (order.status is S.ON_HOLD)

    @invariant()
    def every_successful_call_added_exactly_one_history_row(self) -> None:
        for order, rows, events in zip(self.orders, self.history_rows, self.event_rows, strict=True):
            assert len(order.new_history) == rows
            assert len(order.events) == events

    @invariant()
    def history_is_a_chain(self) -> None:
        for order in self.orders:
            if not order.new_history:
                continue
            first, *rest = order.new_history
            assert first.action == "create" and first.from_status is None
            previous = first.to_status
            for entry in rest:
                assert entry.from_status == previous, (entry, previous)
                if entry.action in ("approve", "edit_lines"):
                    assert entry.to_status == entry.from_status
                previous = entry.to_status
            assert previous == order.status

    @invariant()
    def stock_is_never_negative_nor_over_reserved(self) -> None:
        for level in self.levels.values():
            assert Decimal(0) <= level.reserved <= level.on_hand
            assert level.available >= 0

    @invariant()
    def reserved_stock_is_what_the_orders_hold(self) -> None:
        for product, level in self.levels.items():
            held = sum((r.quantity for o in self.orders for r in o.reservations if r.product_id == product),
                       Decimal(0))
            assert held == level.reserved

    @invariant()
    def a_cancelled_order_holds_no_reservations(self) -> None:
        for order in self.orders:
            if order.status is S.CANCELLED:
                assert order.reservations == []
            if order.reservations:
                assert order.status is S.CONFIRMED or order.held_from is S.CONFIRMED

    @invariant()
    def final_statuses_never_change(self) -> None:
        for i, order in enumerate(self.orders):
            seen = self.final[i]
            if seen is not None:
                assert order.status is seen
            elif order.status in FINAL:
                self.final[i] = order.status


OrderLifecycle.TestCase.settings = settings(
    max_examples=100, stateful_step_count=30, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestOrderLifecycle = OrderLifecycle.TestCase
