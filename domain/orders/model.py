"""The Order aggregate: the only place where an order's status, approval and lines change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.actors import Actor
from domain.errors import FieldError, InvalidTransitionError, PermissionDeniedError, ValidationError
from domain.money import round_money
from domain.orders.approval import ApprovalRule, first_matching_rule
from domain.orders.events import (
    CustomerNotificationRequested,
    OrderApproved,
    OrderCreated,
    OrderEvent,
    OrderLinesChanged,
    OrderShipped,
    OrderStatusChanged,
    PreorderStockReserved,
    PreorderStockShort,
)
from domain.orders.status import (
    EDITABLE,
    RESERVING,
    TAKEN_OVER,
    ApproveStatus,
    OrderStatus,
    allowed_targets,
    approve_label,
)

S = OrderStatus


@dataclass(frozen=True)
class Address:
    name: str
    street: str
    city: str
    county: str
    postcode: str
    country: str
    phone: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class CustomerRef:
    id: int
    name: str
    email: str | None
    type: str  # "b2c" or "b2b"


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent, from the product
    prices_include_vat: bool = True
    # B2B portal: the customer's price-list price (on the channel's VAT basis) and whether the line differs
    # from it (or is not on the list at all). A flag for the operator, not a refusal.
    list_price: Decimal | None = None
    price_mismatch: bool = False
    # Amounts are rounded once, when the line is made: the line is immutable, and totals read them often.
    net: Decimal = field(init=False, compare=False)
    vat: Decimal = field(init=False, compare=False)
    gross: Decimal = field(init=False, compare=False)

    def __post_init__(self) -> None:
        amount = round_money(self.quantity * self.unit_price)
        if self.prices_include_vat:
            vat = round_money(amount * self.vat_rate / (Decimal(100) + self.vat_rate))
            net, gross = amount - vat, amount
        else:
            vat = round_money(amount * self.vat_rate / Decimal(100))
            net, gross = amount, amount + vat
        object.__setattr__(self, "net", net)
        object.__setattr__(self, "vat", vat)
        object.__setattr__(self, "gross", gross)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_by_rate: dict[Decimal, Decimal]


@dataclass(frozen=True)
class Reservation:
    product_id: int
    warehouse_id: int
    quantity: Decimal


@dataclass
class CashReceipt:
    """The receipt of a POS sale, paid at the counter; id and number come from the repository."""

    amount: Decimal
    currency: str
    method: str
    created_at: datetime
    id: int | None = None
    number: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    action: str
    from_status: int | None
    to_status: int
    actor: str
    reason: str | None
    at: datetime


@dataclass
class Order:
    channel_id: int
    source: str
    currency: str
    customer: CustomerRef
    shipping_address: Address
    lines: list[OrderLine]
    payment_method: str
    warehouse_id: int
    external_ref: str | None = None
    billing_address: Address | None = None
    promised_date: date | None = None
    notes: str | None = None
    status: OrderStatus = S.DRAFT
    approve_status: int | None = None
    approval_rule: str | None = None
    approval_role: str | None = None
    held_from: OrderStatus | None = None
    reservations: list[Reservation] = field(default_factory=list)
    cash_receipt: CashReceipt | None = None
    preorder_flagged_at: datetime | None = None  # when the daily job last found a pre-order's stock short
    id: int | None = None
    number: str | None = None
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Recorded by methods, drained by the unit of work in the same transaction.
    new_history: list[HistoryEntry] = field(default_factory=list)
    events: list[OrderEvent] = field(default_factory=list)
    lines_changed: bool = False
    reservations_changed: bool = False

    # ----- creation -------------------------------------------------------------------------
    @classmethod
    def create(
        cls, *, by: Actor, at: datetime, rules: Sequence[ApprovalRule] = (), **fields: object
    ) -> Order:
        order = cls(**fields)  # type: ignore[arg-type]
        order._check_lines(order.lines)
        order.created_at = order.updated_at = at
        order._evaluate_approval(rules)
        order.new_history.append(HistoryEntry("create", None, int(order.status), by.label, None, at))
        order.events.append(OrderCreated(at, order.channel_id, order.external_ref, int(order.status)))
        order.lines_changed = True
        return order

    # ----- reading --------------------------------------------------------------------------
    @property
    def totals(self) -> Totals:
        net = vat = gross = Decimal("0.00")
        by_rate: dict[Decimal, Decimal] = {}
        for line in self.lines:
            net += line.net
            vat += line.vat
            gross += line.gross
            by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal("0.00")) + line.vat
        return Totals(net=net, vat=vat, gross=gross, vat_by_rate=by_rate)

    @property
    def is_preorder(self) -> bool:
        return self.promised_date is not None

    def skips_stock_check(self, today: date) -> bool:
        """Pre-orders are confirmed without reserving until their promised date arrives."""
        return self.promised_date is not None and self.promised_date > today

    def allowed_targets(self) -> list[OrderStatus]:
        return allowed_targets(self.status, self.held_from)

    @property
    def price_mismatch(self) -> bool:
        return any(line.price_mismatch for line in self.lines)

    @property
    def awaits_preorder_stock(self) -> bool:
        """A confirmed pre-order whose stock was not reserved at confirmation (the daily job's work)."""
        return self.is_preorder and self.status is S.CONFIRMED and not self.reservations

    # ----- status transitions ---------------------------------------------------------------
    def _move(self, target: OrderStatus, action: str, by: Actor, at: datetime, reason: str | None,
              event: OrderEvent | None = None) -> None:
        allowed = self.allowed_targets()
        if target not in allowed:
            raise InvalidTransitionError(self.status.label, target.label, [s.label for s in allowed])
        if self.status is S.ON_HOLD and target is not S.CANCELLED and action != "resume":
            # Only resume leaves on_hold other than by cancelling: e.g. "confirm" on an order held from
            # confirmed would otherwise reserve its stock a second time.
            assert self.held_from is not None
            raise InvalidTransitionError(self.status.label, f"{target.label} by {action} (resume goes back to "
                                         f"{self.held_from.label})", [s.label for s in allowed])
        previous = self.status
        self.status = target
        if previous is S.ON_HOLD:
            self.held_from = None
        self.updated_at = at
        self.new_history.append(HistoryEntry(action, int(previous), int(target), by.label, reason, at))
        self.events.append(event or OrderStatusChanged(at, action, int(previous), int(target), reason))

    @staticmethod
    def _require_reason(reason: str | None, action: str) -> str:
        if reason is None or not reason.strip():
            raise ValidationError(f"{action} needs a reason", [FieldError("reason", "required")])
        return reason.strip()

    def process(self, *, by: Actor, at: datetime) -> None:
        if self.status is not S.DRAFT:
            raise InvalidTransitionError(self.status.label, S.PROCESSING.label,
                                         [s.label for s in self.allowed_targets()])
        self._move(S.PROCESSING, "process", by, at, None)

    def request_payment(self, *, by: Actor, at: datetime) -> None:
        self._move(S.PENDING_PAYMENT, "request_payment", by, at, None)

    def mark_paid(self, *, by: Actor, at: datetime, reference: str | None = None) -> None:
        self._move(S.PAID, "mark_paid", by, at, reference)

    def record_prepayment(self, *, by: Actor, at: datetime, reference: str) -> None:
        """Paid before it reached us (a shop's card checkout): draft -> pending_payment -> paid, as the table
        allows no shortcut, with the payment's reference in the history."""
        self.request_payment(by=by, at=at)
        self.mark_paid(by=by, at=at, reference=reference)

    def pay_at_counter(self, *, by: Actor, at: datetime) -> None:
        """A POS sale is paid when it is made: draft -> pending_payment -> paid, and a receipt is issued."""
        if self.cash_receipt is not None:
            raise InvalidTransitionError(self.status.label, "pay at counter (already paid)", [])
        self.request_payment(by=by, at=at)
        self.mark_paid(by=by, at=at, reference="paid at the counter (POS)")
        self.cash_receipt = CashReceipt(self.totals.gross, self.currency, self.payment_method, at)

    def reserve_preorder(self, *, by: Actor, at: datetime, reservations: Sequence[Reservation]) -> None:
        """The promised date came near and the stock is there: hold it for the order."""
        if not self.awaits_preorder_stock:
            raise InvalidTransitionError(self.status.label, "reserve pre-order stock", [])
        self._hold_stock(reservations)
        self.preorder_flagged_at = None
        self.updated_at = at
        self.new_history.append(HistoryEntry("reserve_preorder", int(self.status), int(self.status), by.label,
                                             None, at))
        self.events.append(PreorderStockReserved(at, self.promised_date))

    def flag_preorder_short(self, *, by: Actor, at: datetime, missing: str) -> None:
        """The promised date is near and the stock is not there: tell the operator (once per shortage)."""
        if not self.awaits_preorder_stock:
            raise InvalidTransitionError(self.status.label, "flag pre-order stock", [])
        self.preorder_flagged_at = at
        self.updated_at = at
        self.new_history.append(HistoryEntry("preorder_stock_short", int(self.status), int(self.status),
                                             by.label, missing, at))
        self.events.append(PreorderStockShort(at, self.promised_date, missing))

    def check_can_confirm(self) -> None:
        """Raise unless a confirm (or a move to stock_unavailable at confirm) is allowed now."""
        if S.CONFIRMED not in self.allowed_targets() or self.status is S.STOCK_UNAVAILABLE:
            raise InvalidTransitionError(self.status.label, S.CONFIRMED.label,
                                         [s.label for s in self.allowed_targets()])
        if self.approve_status not in (None, ApproveStatus.APPROVED):
            raise InvalidTransitionError(
                f"{self.status.label} (approval {ApproveStatus(self.approve_status).label})",
                S.CONFIRMED.label,
                ["approve first"] if self.approve_status == ApproveStatus.PENDING else [],
            )

    def confirm(self, *, by: Actor, at: datetime, reservations: Sequence[Reservation]) -> None:
        self.check_can_confirm()
        self._move(S.CONFIRMED, "confirm", by, at, None)
        self._hold_stock(reservations)

    def mark_stock_unavailable(self, *, by: Actor, at: datetime, missing: str) -> None:
        """Confirm found stock short: the order becomes a back-order (never promoted automatically)."""
        self.check_can_confirm()
        self._move(S.STOCK_UNAVAILABLE, "stock_unavailable", by, at, missing)

    def check_can_restore(self) -> None:
        if self.status is not S.STOCK_UNAVAILABLE:
            raise InvalidTransitionError(self.status.label, "restore (stock_unavailable -> confirmed)",
                                         [s.label for s in self.allowed_targets()])

    def restore(self, *, by: Actor, at: datetime, reservations: Sequence[Reservation]) -> None:
        """Manual promotion of a back-order once stock has been verified and reserved."""
        self.check_can_restore()
        self._move(S.CONFIRMED, "restore", by, at, None)
        self._hold_stock(reservations)

    def _hold_stock(self, reservations: Sequence[Reservation]) -> None:
        if reservations:
            self.reservations = list(reservations)
            self.reservations_changed = True

    def hold(self, *, by: Actor, at: datetime, reason: str | None) -> None:
        text = self._require_reason(reason, "hold")
        previous = self.status
        self._move(S.ON_HOLD, "hold", by, at, text)
        self.held_from = previous

    def resume(self, *, by: Actor, at: datetime) -> None:
        if self.status is not S.ON_HOLD or self.held_from is None:
            raise InvalidTransitionError(self.status.label, "resume", [s.label for s in self.allowed_targets()])
        target = self.held_from
        self._move(target, "resume", by, at, None)
        self.held_from = None

    def cancel(self, *, by: Actor, at: datetime, reason: str | None) -> list[Reservation]:
        """Cancel and hand back the reservations the caller must release."""
        text = self._require_reason(reason, "cancel")
        self._move(S.CANCELLED, "cancel", by, at, text)
        return self._release_all()

    def _release_all(self) -> list[Reservation]:
        released = self.reservations
        if released:
            self.reservations = []
            self.reservations_changed = True
        return released

    @property
    def holds_stock(self) -> bool:
        return bool(self.reservations) and (self.status in RESERVING or self.held_from in RESERVING)

    # ----- fulfilment -----------------------------------------------------------------------
    def check_can_deliver_note(self) -> None:
        """A delivery note is made from a confirmed, paid or ready order; never while payment is awaited."""
        if self.status not in (S.CONFIRMED, S.PAID, S.READY):
            raise InvalidTransitionError(self.status.label, "delivery note (needs confirmed, paid or ready)",
                                         [s.label for s in self.allowed_targets()])

    def confirm_for_delivery(self, *, by: Actor, at: datetime, reservations: Sequence[Reservation],
                             partial: str | None = None) -> None:
        """A paid order gets its delivery note: it is confirmed with what was reserved (all of it, or the part
        the operator chose to deliver now; `partial` says what stays a back-order)."""
        self.check_can_confirm()
        self._move(S.CONFIRMED, "confirm", by, at, partial)
        self._hold_stock(reservations)

    def add_reservations(self, reservations: Sequence[Reservation]) -> None:
        """Stock reserved for a confirmed order that held none (a pre-order whose date came, or a partial
        delivery): merged into what the order already holds."""
        merged = {(r.product_id, r.warehouse_id): r.quantity for r in self.reservations}
        for r in reservations:
            key = (r.product_id, r.warehouse_id)
            merged[key] = merged.get(key, Decimal(0)) + r.quantity
        self.reservations = [Reservation(p, w, q) for (p, w), q in sorted(merged.items())]
        self.reservations_changed = True

    def ship(self, *, by: Actor, at: datetime, awb: str, courier: str, tracking_url: str | None,
             consumed: Sequence[Reservation]) -> None:
        """The AWB is generated and the parcel handed over: shipping (4). The dispatched quantities leave the
        order's reservations (the caller takes them off the stock's on-hand and reserved)."""
        previous = self.status
        self._move(S.SHIPPING, "ship", by, at, f"AWB {awb} ({courier})",
                   OrderShipped(at, int(previous), awb, courier, tracking_url))
        left = {(r.product_id, r.warehouse_id): r.quantity for r in self.reservations}
        for r in consumed:
            key = (r.product_id, r.warehouse_id)
            left[key] = max(Decimal(0), left.get(key, Decimal(0)) - r.quantity)
        self.reservations = [Reservation(p, w, q) for (p, w), q in sorted(left.items()) if q > 0]
        self.reservations_changed = True

    def deliver(self, *, by: Actor, at: datetime, note: str | None = None) -> None:
        """The courier reports the parcel delivered. An order put on hold by a failed attempt and then
        delivered on a later attempt is resumed first, so the history shows both steps."""
        if self.status is S.ON_HOLD and self.held_from is S.SHIPPING:
            self.resume(by=by, at=at)
        self._move(S.DELIVERED, "deliver", by, at, note)

    def hold_for_delivery_problem(self, *, by: Actor, at: datetime, reason: str) -> bool:
        """Failed delivery or return to sender while shipping: on hold with the courier's words. False when the
        order is no longer shipping (already held, delivered...): tracking repeats itself, the order does not."""
        if self.status is not S.SHIPPING:
            return False
        self.hold(by=by, at=at, reason=reason)
        return True

    # ----- approval -------------------------------------------------------------------------
    def _evaluate_approval(self, rules: Sequence[ApprovalRule]) -> None:
        rule = first_matching_rule(
            rules, total=self.totals.gross, currency=self.currency, customer_type=self.customer.type
        )
        if rule is None:
            self.approve_status, self.approval_rule, self.approval_role = None, None, None
        else:
            self.approve_status = int(ApproveStatus.PENDING)
            self.approval_rule, self.approval_role = rule.name, rule.required_role

    def can_decide_approval(self, actor: Actor) -> bool:
        return (
            self.approve_status == ApproveStatus.PENDING
            and self.status not in (S.CANCELLED, S.RETURN)
            and self.approval_role is not None
            and actor.has_role(self.approval_role)
        )

    def _check_approver(self, actor: Actor, action: str) -> None:
        if self.approve_status != ApproveStatus.PENDING:
            raise InvalidTransitionError(f"approval {approve_label(self.approve_status)}", action, [])
        if self.status in (S.CANCELLED, S.RETURN):
            raise InvalidTransitionError(self.status.label, action, [])  # not the approver's fault: a 409
        if not self.can_decide_approval(actor):
            raise PermissionDeniedError(
                f"{action} needs the role {self.approval_role} (rule: {self.approval_rule})"
            )

    def approve(self, *, by: Actor, at: datetime) -> None:
        self._check_approver(by, "approve")
        self.approve_status = int(ApproveStatus.APPROVED)
        self.updated_at = at
        self.new_history.append(HistoryEntry("approve", int(self.status), int(self.status), by.label,
                                             self.approval_rule, at))
        self.events.append(OrderApproved(at, by.label))

    def reject(self, *, by: Actor, at: datetime, reason: str | None) -> list[Reservation]:
        """Rejecting cancels the order and asks for the customer to be told why."""
        text = self._require_reason(reason, "reject")
        self._check_approver(by, "reject")
        self._move(S.CANCELLED, "reject", by, at, text)
        self.approve_status = int(ApproveStatus.REJECTED)
        self.events.append(CustomerNotificationRequested(at, "order_rejected", {"reason": text}))
        return self._release_all()

    # ----- lines ----------------------------------------------------------------------------
    @staticmethod
    def _check_lines(lines: Sequence[OrderLine]) -> None:
        errors = []
        if not lines:
            errors.append(FieldError("lines", "an order needs at least one line"))
        for i, line in enumerate(lines):
            if line.quantity <= 0:
                errors.append(FieldError(f"lines[{i}].quantity", "must be greater than zero"))
            if line.unit_price < 0:
                errors.append(FieldError(f"lines[{i}].unit_price", "must not be negative"))
        if errors:
            raise ValidationError("invalid order lines", errors)

    @property
    def lines_editable(self) -> bool:
        return self.status in EDITABLE and not (self.status is S.ON_HOLD and self.held_from in TAKEN_OVER)

    def replace_lines(
        self, lines: Sequence[OrderLine], *, by: Actor, at: datetime, rules: Sequence[ApprovalRule]
    ) -> None:
        """Edit lines before the warehouse takes over; approval is evaluated again on the new total."""
        if not self.lines_editable:
            current = self.status.label if self.held_from is None else f"on_hold from {self.held_from.label}"
            raise InvalidTransitionError(current, "edit lines", [s.label for s in EDITABLE])
        self._check_lines(lines)
        self.lines = list(lines)
        self.lines_changed = True
        self.updated_at = at
        self._evaluate_approval(rules)
        self.new_history.append(HistoryEntry("edit_lines", int(self.status), int(self.status), by.label,
                                             None, at))
        self.events.append(OrderLinesChanged(at, self.approve_status))
