"""Which staff roles may ask for which order action, and what a given caller can do next."""

from __future__ import annotations

from domain.actors import Actor
from domain.orders.model import Order
from domain.orders.status import ApproveStatus, OrderStatus

S = OrderStatus
_DESK = frozenset({"operator", "sales_manager", "admin"})

# action -> roles allowed to request it (approve/reject additionally need the rule's role).
ACTION_ROLES: dict[str, frozenset[str]] = {
    "process": _DESK,
    "request-payment": _DESK | {"finance"},
    "mark-paid": _DESK | {"finance"},
    "confirm": _DESK,
    "hold": _DESK | {"warehouse"},
    "resume": _DESK | {"warehouse"},
    "cancel": _DESK,
    "restore": _DESK,
    "approve": frozenset({"operator", "sales_manager", "warehouse", "finance", "admin"}),
    "reject": frozenset({"operator", "sales_manager", "warehouse", "finance", "admin"}),
    "edit-lines": _DESK,
}

ACTIONS = tuple(ACTION_ROLES)


def role_allows(actor: Actor, action: str) -> bool:
    return actor.kind == "system" or bool(actor.roles & ACTION_ROLES.get(action, frozenset()))


def status_allows(order: Order, action: str) -> bool:
    targets = order.allowed_targets()
    if order.status is S.ON_HOLD:
        targets = [t for t in targets if t is S.CANCELLED]  # the way back is resume, not the original action
    pending_approval = order.approve_status == ApproveStatus.PENDING
    match action:
        case "process":
            return order.status is S.DRAFT
        case "request-payment":
            return S.PENDING_PAYMENT in targets
        case "mark-paid":
            return S.PAID in targets
        case "confirm":
            return S.CONFIRMED in targets and order.status is not S.STOCK_UNAVAILABLE and not pending_approval \
                and order.approve_status != ApproveStatus.REJECTED
        case "restore":
            return order.status is S.STOCK_UNAVAILABLE
        case "hold":
            return S.ON_HOLD in targets
        case "resume":
            return order.status is S.ON_HOLD
        case "cancel":
            return S.CANCELLED in targets
        case "approve" | "reject":
            return pending_approval and order.status not in (S.CANCELLED, S.RETURN)
        case "edit-lines":
            return order.lines_editable
    return False


def allowed_actions(order: Order, actor: Actor) -> list[str]:
    """What this caller can do to this order right now; drives the console's buttons."""
    result = []
    for action in ACTIONS:
        if not (role_allows(actor, action) and status_allows(order, action)):
            continue
        if action in ("approve", "reject") and not order.can_decide_approval(actor):
            continue
        result.append(action)
    return result
