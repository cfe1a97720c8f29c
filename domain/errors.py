"""Domain errors. They know nothing about HTTP; api/errors.py maps each kind to a problem response."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class DomainError(Exception):
    """Base of every business-rule failure."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(DomainError):
    """Input that breaks a business rule; names each offending field."""

    def __init__(self, detail: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.errors = list(errors)


class NotFoundError(DomainError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} does not exist")
        self.kind = kind
        self.key = key


class InvalidTransitionError(DomainError):
    """The requested status change is not in the transition table."""

    def __init__(self, current: str, requested: str, allowed: Sequence[str]) -> None:
        allowed_text = ", ".join(allowed) or "none (final status)"
        super().__init__(f"cannot go from {current} to {requested}; allowed from {current}: {allowed_text}")
        self.current = current
        self.requested = requested
        self.allowed = list(allowed)


class ConflictError(DomainError):
    """The request collides with existing state (duplicate natural key, reused idempotency key...)."""

    def __init__(self, detail: str, existing_id: int | None = None) -> None:
        super().__init__(detail)
        self.existing_id = existing_id


class StaleVersionError(DomainError):
    """The caller acted on an older version of the aggregate than the stored one."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"the order changed since you loaded it (your version {expected}, now {actual})")
        self.expected = expected
        self.actual = actual


class PermissionDeniedError(DomainError):
    """The actor is authenticated but lacks the role the rule requires."""


class AuthenticationError(DomainError):
    """Credentials are missing, wrong or expired."""


class RateLimitedError(DomainError):
    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


@dataclass
class StockShortage:
    sku: str
    requested: str
    available: str


@dataclass
class InsufficientStockError(DomainError):
    shortages: list[StockShortage] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts = ", ".join(f"{s.sku} (need {s.requested}, have {s.available})" for s in self.shortages)
        DomainError.__init__(self, f"not enough stock: {parts}")
