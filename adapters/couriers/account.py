"""A configured courier account, as the adapters need it (rows of courier_account, secrets included)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

COURIERS = ("innoship", "cargus", "fancourier", "palex")


@dataclass(frozen=True)
class CourierAccount:
    courier: str  # one of COURIERS
    base_url: str
    # innoship: api_key; cargus: subscription_key, username, password; fancourier: username, password, client_id
    credentials: Mapping[str, str] = field(default_factory=dict)
    default_service: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)  # e.g. innoship {"api_version": "1.0"}
    timeout_s: float = 10.0
    id: int = 0
    name: str = ""
