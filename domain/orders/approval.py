"""Approval policy: per-channel rules decide whether an order needs a named role's approval."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import FieldError, ValidationError
from domain.money import parse_decimal

KNOWN_ROLES = frozenset({"operator", "sales_manager", "warehouse", "finance", "admin"})


@dataclass(frozen=True)
class ApprovalRule:
    """E.g. "B2B orders over 10,000 RON need sales_manager"."""

    name: str
    required_role: str
    min_total: Decimal | None = None
    currency: str | None = None
    customer_type: str | None = None  # "b2b" or "b2c"

    def applies_to(self, *, total: Decimal, currency: str, customer_type: str) -> bool:
        if self.currency is not None and self.currency != currency:
            return False
        if self.customer_type is not None and self.customer_type != customer_type:
            return False
        return self.min_total is None or total > self.min_total

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "required_role": self.required_role,
            "min_total": None if self.min_total is None else str(self.min_total),
            "currency": self.currency,
            "customer_type": self.customer_type,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, object], where: str = "approval_rules[0]") -> ApprovalRule:
        errors: list[FieldError] = []
        name = raw.get("name")
        role = raw.get("required_role")
        if not isinstance(name, str) or not name.strip():
            errors.append(FieldError(f"{where}.name", "a rule needs a name"))
        if role not in KNOWN_ROLES:
            errors.append(FieldError(f"{where}.required_role", f"must be one of {sorted(KNOWN_ROLES)}"))
        min_total = None
        if raw.get("min_total") is not None:
            min_total = parse_decimal(raw["min_total"])
            if min_total is None or min_total < 0:
                errors.append(FieldError(f"{where}.min_total", "must be a non-negative decimal"))
        currency = raw.get("currency")
        if currency is not None and (not isinstance(currency, str) or len(currency) != 3):
            errors.append(FieldError(f"{where}.currency", "must be a 3-letter ISO code"))
        ctype = raw.get("customer_type")
        if ctype not in (None, "b2b", "b2c"):
            errors.append(FieldError(f"{where}.customer_type", "must be b2b, b2c or null"))
        if errors:
            raise ValidationError("invalid approval rule", errors)
        return cls(
            name=str(name).strip(),
            required_role=str(role),
            min_total=min_total,
            currency=str(currency).upper() if currency else None,
            customer_type=str(ctype) if ctype else None,
        )


def first_matching_rule(
    rules: Iterable[ApprovalRule], *, total: Decimal, currency: str, customer_type: str
) -> ApprovalRule | None:
    for rule in rules:
        if rule.applies_to(total=total, currency=currency, customer_type=customer_type):
            return rule
    return None
