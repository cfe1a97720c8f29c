"""Channels: configuration per sales channel, with write-only secrets and per-field rule validation."""

from __future__ import annotations

from typing import Any

import httpx

from api.schemas.channels import ChannelOut, ChannelPage
from tests.factories import World, order_body

URL = "/api/omni_sales/channels"
SECRET = "whsec-very-secret-value-123"


def auth(w: World, role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


def shop_channel(w: World, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Shop RO", "type": "woocommerce",
        "settings": {
            "invoice_mode": "on_dispatch",
            "approval_rules": [{"name": "Big orders", "required_role": "sales_manager", "min_total": "50",
                                "currency": "ron"}],
            "payment_methods": {"bacs": "bank_transfer", "cod": "cod"},
            "auto_delivery_note": True, "return_window_days": 30, "default_warehouse_id": w.warehouse_id,
            "prices_include_vat": True,
        },
        "webhook_secret": SECRET,
        "api_credentials": {"consumer_key": "ck_abc", "consumer_secret": "cs_topsecret"},
        **extra,
    }


def fields(r: httpx.Response) -> set[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return {e["field"] for e in r.json()["errors"]}


async def test_admin_creates_a_channel_and_its_secrets_never_come_back(client: httpx.AsyncClient,
                                                                      world: World) -> None:
    r = await client.post(URL, json=shop_channel(world), headers=auth(world))
    assert r.status_code == 201, r.text
    created = ChannelOut.model_validate(r.json())
    assert r.headers["location"] == f"{URL}/{created.id}"
    assert created.webhook_secret_set and created.api_credentials_set
    assert created.settings.invoice_mode == "on_dispatch"
    assert created.settings.return_window_days == 30
    assert created.settings.payment_methods == {"bacs": "bank_transfer", "cod": "cod"}
    assert created.settings.approval_rules[0].min_total == "50"
    assert created.settings.approval_rules[0].currency == "RON"

    detail = await client.get(f"{URL}/{created.id}", headers=auth(world, "finance"))
    listing = await client.get(URL, headers=auth(world, "warehouse"))
    for response in (r, detail, listing):
        assert response.status_code == 200 or response.status_code == 201
        assert SECRET not in response.text and "cs_topsecret" not in response.text
        assert '"webhook_secret"' not in response.text and '"api_credentials"' not in response.text
    assert detail.json() == r.json()
    page = ChannelPage.model_validate(listing.json())
    assert [c.name for c in page.items] == ["api", "Shop RO"]

    stored = await world.sql("SELECT webhook_secret, api_credentials FROM channel WHERE id = :i", i=created.id)
    assert stored[0].webhook_secret == SECRET  # kept in clear: webhook HMACs are verified with it
    assert stored[0].api_credentials["consumer_secret"] == "cs_topsecret"


async def test_the_order_core_applies_the_channels_approval_rules(client: httpx.AsyncClient, world: World) -> None:
    channel = (await client.post(URL, json=shop_channel(world), headers=auth(world))).json()
    r = await client.post("/api/omni_sales/orders", json=order_body(channel["id"]), headers=auth(world, "operator"))
    assert r.status_code == 201, r.text
    assert r.json()["approve_status"] == 0  # 99.80 RON is over the rule's 50
    assert r.json()["approval"]["required_role"] == "sales_manager"


async def test_settings_default_when_left_out(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json={"name": "Counter", "type": "pos"}, headers=auth(world))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["active"] is True and body["webhook_secret_set"] is False and body["api_credentials_set"] is False
    assert body["settings"] == {"invoice_mode": "on_confirm", "approval_rules": [], "payment_methods": {},
                                "auto_delivery_note": False, "return_window_days": 14,
                                "default_warehouse_id": None, "prices_include_vat": True,
                                "preorder_reserve_days": 3, "pull_interval_s": 300,
                                "shipping_sku": None}


async def test_approval_rules_are_validated_field_by_field(client: httpx.AsyncClient, world: World) -> None:
    body = shop_channel(world)
    body["settings"]["approval_rules"] = [
        {"name": "ok", "required_role": "sales_manager", "min_total": "-5"},
        {"name": "", "required_role": "boss", "customer_type": "b2x"},
    ]
    r = await client.post(URL, json=body, headers=auth(world))
    assert fields(r) == {"settings.approval_rules[0].min_total", "settings.approval_rules[1].name",
                         "settings.approval_rules[1].required_role", "settings.approval_rules[1].customer_type"}
    assert (await world.sql("SELECT count(*) AS n FROM channel"))[0].n == 1


async def test_invalid_channel_input_names_each_field(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json={"name": "X", "type": "fax", "settings": {"invoice_mode": "never",
                                                                             "return_window_days": 366}},
                          headers=auth(world))
    assert fields(r) == {"type", "settings.invoice_mode", "settings.return_window_days"}
    r = await client.post(URL, json={"name": "X", "type": "api", "settings": {"default_warehouse_id": 999}},
                          headers=auth(world))
    assert fields(r) == {"settings.default_warehouse_id"}
    r = await client.post(URL, json={"name": "X", "type": "api", "webhook_secret": "short"}, headers=auth(world))
    assert fields(r) == {"webhook_secret"}
    r = await client.post(URL, json={"name": "X", "type": "api", "surprise": 1}, headers=auth(world))
    assert fields(r) == {"surprise"}


async def test_patch_changes_only_what_is_given(client: httpx.AsyncClient, world: World) -> None:
    channel = (await client.post(URL, json=shop_channel(world), headers=auth(world))).json()
    url = f"{URL}/{channel['id']}"
    r = await client.patch(url, json={"active": False, "settings": {"payment_methods": {"paypal": "card"}}},
                           headers=auth(world))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["active"] is False and body["name"] == "Shop RO"
    assert body["settings"]["payment_methods"] == {"paypal": "card"}
    assert body["settings"]["invoice_mode"] == "on_dispatch"
    assert body["settings"]["approval_rules"] == channel["settings"]["approval_rules"]
    assert body["webhook_secret_set"] is True

    r = await client.patch(url, json={"webhook_secret": None, "settings": {"default_warehouse_id": None}},
                           headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.json()["webhook_secret_set"] is False and r.json()["api_credentials_set"] is True
    assert r.json()["settings"]["default_warehouse_id"] is None

    assert fields(await client.patch(url, json={"name": None}, headers=auth(world))) == {"name"}
    r = await client.patch(url, json={"settings": {"approval_rules": [{"name": "x", "required_role": "admin",
                                                                        "currency": "EURO"}]}},
                           headers=auth(world))
    assert fields(r) == {"settings.approval_rules[0].currency"}
    r = await client.patch(f"{URL}/424242", json={"active": True}, headers=auth(world))
    assert r.status_code == 404


async def test_only_admins_write_channels(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(URL, json=shop_channel(world), headers=auth(world, "operator"))
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    channel_id = world.channels["api"]
    r = await client.patch(f"{URL}/{channel_id}", json={"active": False}, headers=auth(world, "sales_manager"))
    assert r.status_code == 403
    assert (await client.get(URL)).status_code == 401
    assert (await client.post(URL, json=shop_channel(world))).status_code == 401
    key = await world.api_key(channel_id)
    assert (await client.get(URL, headers={"X-API-Key": key})).status_code == 403


async def test_channel_pages_and_unknown_ids(client: httpx.AsyncClient, world: World) -> None:
    for i in range(3):
        await world.channel(f"edi-{i}", "edi")
    r = await client.get(URL, params={"limit": 2, "type": "edi"}, headers=auth(world, "operator"))
    assert r.status_code == 200, r.text
    first = r.json()
    assert [c["name"] for c in first["items"]] == ["edi-0", "edi-1"] and first["next_cursor"]
    r = await client.get(URL, params={"limit": 2, "type": "edi", "cursor": first["next_cursor"]},
                         headers=auth(world, "operator"))
    assert [c["name"] for c in r.json()["items"]] == ["edi-2"] and r.json()["next_cursor"] is None
    assert (await client.get(URL, params={"cursor": "nonsense"}, headers=auth(world))).status_code == 422
    assert (await client.get(URL, params={"type": "fax"}, headers=auth(world))).status_code == 422
    assert (await client.get(f"{URL}/999999", headers=auth(world))).status_code == 404
    assert (await client.get(f"{URL}/99999999999", headers=auth(world))).status_code == 422


async def test_shipping_sku_is_set_and_cleared_through_the_api(client: httpx.AsyncClient, world: World) -> None:
    admin = {"Authorization": f"Bearer {world.tokens['admin@test.local']}"}
    channel_id = world.channels["api"]
    r = await client.patch(f"/api/omni_sales/channels/{channel_id}", json={"settings": {"shipping_sku": "MUG-1"}},
                           headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["settings"]["shipping_sku"] == "MUG-1"
    r = await client.patch(f"/api/omni_sales/channels/{channel_id}", json={"settings": {"shipping_sku": None}},
                           headers=admin)
    assert r.json()["settings"]["shipping_sku"] is None
