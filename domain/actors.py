"""Who acts: a staff user, a partner API key or the system itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    SALES_MANAGER = "sales_manager"
    WAREHOUSE = "warehouse"
    FINANCE = "finance"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    kind: str  # "user", "api_key" or "system"
    id: int | None
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    channel_id: int | None = None  # an API key is bound to one channel
    scopes: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, role: str) -> bool:
        return role in self.roles or Role.ADMIN in self.roles

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


SYSTEM = Actor(kind="system", id=None, name="system")
