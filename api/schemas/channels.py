"""Channel configuration: what each sales channel does with its orders. Secrets are write-only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, field_validator

from api.schemas.common import DecimalStr, StrictModel
from api.schemas.masterdata import NO_NUL, DbId, Line, reject_null
from domain.catalog.model import CHANNEL_TYPES, INVOICE_MODES
from domain.errors import ValidationError
from domain.orders.approval import KNOWN_ROLES, ApprovalRule


def _one_of(allowed: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


ChannelType = Annotated[str, Field(json_schema_extra={"enum": list(CHANNEL_TYPES)}), _one_of(CHANNEL_TYPES)]
InvoiceMode = Annotated[str, Field(json_schema_extra={"enum": list(INVOICE_MODES)}), _one_of(INVOICE_MODES)]
Key64 = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]
Secret = Annotated[str, Field(min_length=8, max_length=500, pattern=NO_NUL)]
CredentialValue = Annotated[str, Field(max_length=4000, pattern=NO_NUL)]


class ApprovalRuleIn(StrictModel):
    """Checked by the approval policy itself (domain.orders.approval), which names each bad field."""

    name: Line | None = Field(default=None, max_length=200, examples=["B2B over 10,000 RON"])
    required_role: str | None = Field(default=None, max_length=32,
                                      json_schema_extra={"enum": [*sorted(KNOWN_ROLES)]})
    min_total: DecimalStr | None = Field(default=None, description="the rule applies above this order total")
    currency: str | None = Field(default=None, max_length=3, pattern=r"^[A-Za-z]*$")
    customer_type: str | None = Field(default=None, max_length=3, json_schema_extra={"enum": ["b2b", "b2c"]})


class ChannelSettingsIn(StrictModel):
    """On create, a setting left out takes its default; on PATCH, it keeps its stored value."""

    invoice_mode: InvoiceMode | None = Field(default=None, description="default on_confirm")
    approval_rules: list[ApprovalRuleIn] | None = Field(default=None, max_length=50,
                                                        description="first matching rule wins; default none")
    payment_methods: dict[Key64, Key64] | None = Field(
        default=None, max_length=200, description="shop gateway code -> OMS payment method, e.g. {\"bacs\": \"op\"}")
    auto_delivery_note: bool | None = Field(default=None, description="default false")
    return_window_days: int | None = Field(default=None, ge=0, le=365, description="default 14")
    default_warehouse_id: DbId | None = Field(default=None, description="null: the default warehouse")
    prices_include_vat: bool | None = Field(default=None, description="default true")
    preorder_reserve_days: int | None = Field(
        default=None, ge=0, le=365, description="pre-orders: reserve stock this many days before the promised "
                                                "date; default 3")
    pull_interval_s: int | None = Field(default=None, ge=30, le=86400,
                                        description="seconds between scheduled pulls of a shop channel; default 300")
    shipping_sku: Key64 | None = Field(
        default=None, description="a product that stands for shipping on imported shop orders; null keeps "
                                  "shipping in the order notes")

    _not_null = field_validator("pull_interval_s", "invoice_mode", "approval_rules", "payment_methods",
                                "auto_delivery_note",
                                "return_window_days", "prices_include_vat", "preorder_reserve_days")(reject_null)


class ChannelIn(StrictModel):
    name: Line = Field(min_length=1, max_length=200)
    type: ChannelType
    active: bool = True
    settings: ChannelSettingsIn = Field(default_factory=ChannelSettingsIn)
    webhook_secret: Secret | None = Field(default=None, description="write-only; HMAC key of shop webhooks")
    api_credentials: dict[Key64, CredentialValue] | None = Field(
        default=None, max_length=20,
        description="write-only; the shop's API credentials. WooCommerce: base_url, consumer_key, consumer_secret; "
                    "Shopify: shop_domain (or base_url), access_token, api_version (default 2025-07)")


class ChannelPatch(StrictModel):
    """Fields left out keep their value; `webhook_secret` / `api_credentials` null removes them."""

    name: Line | None = Field(default=None, min_length=1, max_length=200)
    type: ChannelType | None = None
    active: bool | None = None
    settings: ChannelSettingsIn | None = None
    webhook_secret: Secret | None = None
    api_credentials: dict[Key64, CredentialValue] | None = Field(default=None, max_length=20)

    _not_null = field_validator("name", "type", "active", "settings")(reject_null)


def settings_values(settings: ChannelSettingsIn) -> dict[str, Any]:
    """The settings given, as stored: approval rules checked and normalised by the approval policy."""
    values = settings.model_dump(exclude_unset=True, exclude={"approval_rules"})
    if settings.approval_rules is not None:
        rules, errors = [], []
        for i, raw in enumerate(settings.approval_rules):
            try:
                rule = ApprovalRule.from_dict(raw.model_dump(), where=f"settings.approval_rules[{i}]")
            except ValidationError as exc:
                errors.extend(exc.errors)
                continue
            rules.append(rule.to_dict())
        if errors:
            raise ValidationError("invalid approval rules", errors)
        values["approval_rules"] = rules
    return values


class ApprovalRuleOut(BaseModel):
    name: str
    required_role: str
    min_total: str | None
    currency: str | None
    customer_type: str | None


class ChannelSettingsOut(BaseModel):
    invoice_mode: str
    approval_rules: list[ApprovalRuleOut]
    payment_methods: dict[str, str]
    auto_delivery_note: bool
    return_window_days: int
    default_warehouse_id: int | None
    prices_include_vat: bool
    pull_interval_s: int = 300
    preorder_reserve_days: int = 3
    shipping_sku: str | None = None


class ChannelOut(BaseModel):
    id: int
    name: str
    type: str
    active: bool
    settings: ChannelSettingsOut
    webhook_secret_set: bool
    api_credentials_set: bool
    created_at: datetime
    updated_at: datetime


class ChannelPage(BaseModel):
    items: list[ChannelOut]
    next_cursor: str | None
