"""The orders contract of DESIGN.md §3 against the real app and PostgreSQL: intake, errors, detail, actions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import World, order_body

ORDERS = "/api/omni_sales/orders"
PROBLEM = "application/problem+json"
BIG_B2B = {"name": "B2B over 10,000 RON", "required_role": "sales_manager", "min_total": "10000",
           "currency": "RON", "customer_type": "b2b"}


def auth(w: World, role: str = "operator") -> dict[str, str]:
    return {"Authorization": f"Bearer {w.tokens[f'{role}@test.local']}"}


async def create(client: httpx.AsyncClient, world: World, channel: str = "api", *, role: str = "operator",
                 **body: Any) -> dict[str, Any]:
    r = await client.post(ORDERS, json=order_body(world.channels[channel], **body), headers=auth(world, role))
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def act(client: httpx.AsyncClient, world: World, order_id: int, action: str, role: str = "operator",
              reason: str | None = None, **headers: str) -> httpx.Response:
    return await client.post(f"{ORDERS}/{order_id}/{action}", headers={**auth(world, role), **headers},
                             json={"reason": reason} if reason is not None else None)


async def outbox(world: World, order_id: int) -> list[str]:
    rows = await world.sql("SELECT event_type FROM outbox WHERE aggregate_id = :id ORDER BY id", id=order_id)
    return [r.event_type for r in rows]


async def history(world: World, order_id: int) -> list[tuple[str, int | None, int]]:
    rows = await world.sql("SELECT action, from_status, to_status FROM order_history WHERE order_id = :id "
                           "ORDER BY id", id=order_id)
    return [(r.action, r.from_status, r.to_status) for r in rows]


def assert_problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["type"] and body["title"]
    return body


def fields(r: httpx.Response) -> list[str]:
    return [e["field"] for e in r.json()["errors"]]


async def b2b_portal(world: World) -> int:
    return await world.channel("portal", "b2b_portal", settings={"approval_rules": [BIG_B2B]})


def b2b_customer(email: str = "office@firma.ro") -> dict[str, Any]:
    return {"email": email, "name": "Firma SRL", "type": "b2b"}


# ----- create ------------------------------------------------------------------------------------

async def test_create_answers_201_with_the_order_its_etag_and_location(client: httpx.AsyncClient,
                                                                      world: World) -> None:
    body = order_body(world.channels["api"], lines=[("TSHIRT-RED-M", "2", "49.90"), ("MUG-1", "1", "20.00")])
    r = await client.post(ORDERS, json=body, headers=auth(world))
    assert r.status_code == 201, r.text
    order = r.json()
    assert r.headers["location"] == f"{ORDERS}/{order['id']}"
    assert r.headers["etag"] == f'"{order["id"]}-1"'
    assert order["number"].startswith("SO-") and order["external_ref"] == "ERP-1"
    assert (order["status"], order["status_label"]) == (0, "draft")
    assert (order["approve_status"], order["approve_status_label"]) == (None, "not_required")
    assert (order["channel_id"], order["source"]) == (world.channels["api"], "api")
    assert [(ln["sku"], ln["quantity"], ln["unit_price"], ln["vat_rate"], ln["gross"]) for ln in order["lines"]] == [
        ("TSHIRT-RED-M", "2.000", "49.90", "19.00", "99.80"), ("MUG-1", "1.000", "20.00", "9.00", "20.00"),
    ]
    assert order["totals"] == {"net": "102.22", "vat": "17.58", "gross": "119.80", "currency": "RON",
                               "vat_breakdown": [{"rate": "9.00", "vat": "1.65"}, {"rate": "19.00", "vat": "15.93"}]}
    assert [h["action"] for h in order["history"]] == ["create"]
    assert order["customer"]["email"] == "ana@example.ro" and order["customer"]["id"] > 0
    assert "confirm" in order["allowed_actions"]
    got = await client.get(r.headers["location"], headers=auth(world))
    assert got.status_code == 200 and got.headers["etag"] == r.headers["etag"]
    assert got.json()["totals"] == order["totals"]
    assert await outbox(world, order["id"]) == ["order.created"]


async def test_a_partner_key_creates_the_smallest_order_of_the_design(client: httpx.AsyncClient,
                                                                      world: World) -> None:
    key = await world.api_key(world.channels["api"])
    body = {"channel_id": world.channels["api"], "external_ref": "ERP-10023", "currency": "RON",
            "payment_method": "cod",
            "customer": {"email": "ana@example.ro", "name": "Ana Pop", "phone": "0722000000"},
            "shipping_address": {"name": "Ana Pop", "street": "Str. Lunga 5", "city": "Brasov", "county": "BV",
                                 "postcode": "500035", "country": "RO"},
            "lines": [{"sku": "TSHIRT-RED-M", "quantity": "2", "unit_price": "49.90"}]}
    r = await client.post(ORDERS, json=body, headers={"X-API-Key": key})
    assert r.status_code == 201, r.text
    assert r.json()["allowed_actions"] == []
    again = await client.post(ORDERS, json={**body, "external_ref": "ERP-10024", "customer": {"id": 1}},
                              headers={"X-API-Key": key})
    assert again.status_code == 201 and again.json()["customer"]["id"] == 1


async def test_the_same_idempotency_key_replays_and_another_body_is_a_conflict(client: httpx.AsyncClient,
                                                                               world: World) -> None:
    body = order_body(world.channels["api"])
    headers = {**auth(world), "Idempotency-Key": "abc-123"}
    first = await client.post(ORDERS, json=body, headers=headers)
    again = await client.post(ORDERS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    other = await client.post(ORDERS, json=order_body(world.channels["api"], ref="ERP-2"), headers=headers)
    problem = assert_problem(other, 409)
    assert problem["existing_id"] == first.json()["id"]
    assert len(await world.sql("SELECT id FROM sales_order")) == 1


async def test_a_second_order_with_the_same_external_ref_names_the_existing_one(client: httpx.AsyncClient,
                                                                                world: World) -> None:
    first = await create(client, world)
    r = await client.post(ORDERS, json=order_body(world.channels["api"], lines=[("MUG-1", "1", "20.00")]),
                          headers=auth(world))
    problem = assert_problem(r, 409)
    assert problem["existing_id"] == first["id"] and first["number"] in problem["detail"]
    await world.channel("shop", "woocommerce")
    assert (await create(client, world, "shop"))["id"] != first["id"]  # unique per channel only
    without_ref = [await create(client, world, ref=None) for _ in range(2)]
    assert without_ref[0]["id"] != without_ref[1]["id"]


@pytest.mark.parametrize(("change", "field"), [
    ({"lines": None}, "lines"),
    ({"lines": []}, "lines"),
    ({"lines": [{"sku": "TSHIRT-RED-M", "quantity": "-1", "unit_price": "49.90"}]}, "lines[0].quantity"),
    ({"lines": [{"sku": "TSHIRT-RED-M", "quantity": "0.0001", "unit_price": "1"}]}, "lines[0].quantity"),
    ({"lines": [{"sku": "TSHIRT-RED-M", "quantity": "2", "unit_price": "abc"}]}, "lines[0].unit_price"),
    ({"currency": "euro"}, "currency"),
    ({"lines": [{"sku": "NOPE-1", "quantity": "1", "unit_price": "1.00"}]}, "lines[0].sku"),
    ({"customer": {"id": 999}}, "customer.id"),
    ({"customer": {"email": "not-an-email", "name": "X"}}, "customer.email"),
    ({"shipping_address": None}, "shipping_address"),
    ({"channel_id": 999}, "channel_id"),
])
async def test_bad_bodies_are_422_naming_the_field(client: httpx.AsyncClient, world: World,
                                                   change: dict[str, Any], field: str) -> None:
    body = {k: v for k, v in {**order_body(world.channels["api"]), **change}.items() if v is not None}
    r = await client.post(ORDERS, json=body, headers=auth(world))
    assert_problem(r, 422)
    assert field in fields(r)
    assert await world.sql("SELECT id FROM sales_order") == []


async def test_malformed_json_is_400(client: httpx.AsyncClient, world: World) -> None:
    r = await client.post(ORDERS, content=b'{"channel_id": 1, "lines": [', headers={
        **auth(world), "Content-Type": "application/json"})
    assert_problem(r, 400)


async def test_a_body_over_the_limit_is_413(client: httpx.AsyncClient, world: World) -> None:
    body = order_body(world.channels["api"], notes="x" * (1_048_576 + 10))
    assert_problem(await client.post(ORDERS, json=body, headers=auth(world)), 413)

    async def chunks() -> Any:  # no Content-Length: the limit is enforced while reading
        for _ in range(20):
            yield b" " * 65_536

    r = await client.post(ORDERS, content=chunks(), headers={**auth(world), "Content-Type": "application/json"})
    assert r.status_code == 413
    assert await world.sql("SELECT id FROM sales_order") == []


async def test_no_credentials_is_401(client: httpx.AsyncClient, world: World) -> None:
    body = order_body(world.channels["api"])
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"X-API-Key": "oms_nope_nope"}):
        assert_problem(await client.post(ORDERS, json=body, headers=headers), 401)
    assert_problem(await client.get(ORDERS), 401)
    assert_problem(await client.get(f"{ORDERS}/1"), 401)
    assert_problem(await client.post(f"{ORDERS}/1/confirm"), 401)


async def test_roles_and_keys_without_the_right_are_403(client: httpx.AsyncClient, world: World) -> None:
    body = order_body(world.channels["api"])
    for role in ("warehouse", "finance"):
        assert_problem(await client.post(ORDERS, json=body, headers=auth(world, role)), 403)
    read_only = await world.api_key(world.channels["api"], scopes=("orders:read",))
    assert_problem(await client.post(ORDERS, json=body, headers={"X-API-Key": read_only}), 403)
    other = await world.channel("other")
    foreign = await world.api_key(other)
    assert_problem(await client.post(ORDERS, json=body, headers={"X-API-Key": foreign}), 403)
    order = await create(client, world)
    assert_problem(await act(client, world, order["id"], "confirm", "warehouse"), 403)
    assert_problem(await act(client, world, order["id"], "cancel", "finance", reason="x"), 403)
    assert await history(world, order["id"]) == [("create", None, 0)]


# ----- the queue ---------------------------------------------------------------------------------

async def seed_queue(client: httpx.AsyncClient, world: World) -> dict[str, dict[str, Any]]:
    """Orders across three channels, statuses and approval states; "a1" was created in January."""
    await world.channel("shop", "woocommerce")
    await b2b_portal(world)
    o = {
        "a1": await create(client, world, ref="ERP-A1"),
        "a2": await create(client, world, ref="ERP-A2"),
        "a3": await create(client, world, ref="ERP-A3"),
        "s1": await create(client, world, "shop", ref="WC-1",
                           customer={"email": "ion@example.ro", "name": "Ion Ionescu"}),
        "p1": await create(client, world, "portal", ref="B2B-1", customer=b2b_customer(),
                           lines=[("TSHIRT-RED-M", "90", "149.90")]),
        "p2": await create(client, world, "portal", ref="B2B-2", customer=b2b_customer(),
                           lines=[("TSHIRT-RED-M", "90", "149.90")]),
    }
    assert (await act(client, world, o["a2"]["id"], "confirm")).status_code == 200
    assert (await act(client, world, o["a3"]["id"], "cancel", reason="duplicate")).status_code == 200
    assert (await act(client, world, o["p2"]["id"], "approve", "sales_manager")).status_code == 200
    await world.sql("UPDATE sales_order SET created_at = '2026-01-15T10:00:00Z' WHERE id = :id", id=o["a1"]["id"])
    return o


async def queue_ids(client: httpx.AsyncClient, world: World, **params: str) -> set[int]:
    r = await client.get(ORDERS, params={"limit": "200", **params}, headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is None
    return {item["id"] for item in r.json()["items"]}


async def test_every_queue_filter(client: httpx.AsyncClient, world: World) -> None:
    o = await seed_queue(client, world)
    ids = {name: order["id"] for name, order in o.items()}

    def only(*names: str) -> set[int]:
        return {ids[n] for n in names}

    assert await queue_ids(client, world) == set(ids.values())
    assert await queue_ids(client, world, status="0") == only("a1", "s1", "p1", "p2")
    assert await queue_ids(client, world, status="3,8") == only("a2", "a3")
    assert await queue_ids(client, world, approve_status="0") == only("p1")
    assert await queue_ids(client, world, approve_status="1") == only("p2")
    assert await queue_ids(client, world, approve_status="-1") == set()
    assert await queue_ids(client, world, approve_status="null") == only("a1", "a2", "a3", "s1")
    shop, api = world.channels["shop"], world.channels["api"]
    assert await queue_ids(client, world, channel_id=str(shop)) == only("s1")
    assert await queue_ids(client, world, channel_id=f"{api},{shop}") == only("a1", "a2", "a3", "s1")
    assert await queue_ids(client, world, source="b2b_portal") == only("p1", "p2")
    assert await queue_ids(client, world, created_before="2026-06-01T00:00:00Z") == only("a1")
    assert await queue_ids(client, world, created_after="2026-06-01T00:00:00Z") == set(ids.values()) - only("a1")
    assert await queue_ids(client, world, q=o["a2"]["number"]) == only("a2")
    assert await queue_ids(client, world, q="ERP-A3") == only("a3")
    assert await queue_ids(client, world, q="ION@example.ro") == only("s1")
    assert await queue_ids(client, world, q="Ion Ion") == only("s1")
    assert await queue_ids(client, world, q="%") == set()
    assert await queue_ids(client, world, status="0", channel_id=str(api)) == only("a1")
    item = (await client.get(ORDERS, params={"q": "WC-1"}, headers=auth(world))).json()["items"][0]
    assert (item["status_label"], item["total_gross"], item["source"]) == ("draft", "99.80", "woocommerce")
    for bad in ({"status": "abc"}, {"approve_status": "2"}, {"created_after": "yesterday"},
                {"channel_id": "1;2"}):
        assert_problem(await client.get(ORDERS, params=bad, headers=auth(world)), 422)


async def test_keyset_pages_have_no_duplicates_or_gaps(client: httpx.AsyncClient, world: World) -> None:
    created = [(await create(client, world, ref=f"P-{i}"))["id"] for i in range(7)]
    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        r = await client.get(ORDERS, params=params, headers=auth(world))
        assert r.status_code == 200, r.text
        page = r.json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        if pages == 1:  # a new order arriving meanwhile goes on top, not into later pages
            await create(client, world, ref="LATE")
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(created, reverse=True)
    filtered = await client.get(ORDERS, params={"limit": "2", "status": "0", "q": "P-1"}, headers=auth(world))
    assert [i["id"] for i in filtered.json()["items"]] == [created[1]] and filtered.json()["next_cursor"] is None


async def test_limit_and_cursor_bounds(client: httpx.AsyncClient, world: World) -> None:
    await create(client, world)
    for limit in ("0", "201", "-5", "x"):
        assert_problem(await client.get(ORDERS, params={"limit": limit}, headers=auth(world)), 422)
    assert (await client.get(ORDERS, params={"limit": "200"}, headers=auth(world))).status_code == 200
    for cursor in ("garbage!", "aWQ6eA"):
        r = await client.get(ORDERS, params={"cursor": cursor}, headers=auth(world))
        assert_problem(r, 422)
        assert fields(r) == ["cursor"]


async def test_counts_per_status(client: httpx.AsyncClient, world: World) -> None:
    await seed_queue(client, world)
    r = await client.get(f"{ORDERS}/counts", headers=auth(world, "warehouse"))
    assert r.status_code == 200, r.text
    counts = {c["status_label"]: c["count"] for c in r.json()["counts"]}
    assert len(counts) == 14
    assert (counts["draft"], counts["confirmed"], counts["cancelled"], counts["on_hold"]) == (4, 1, 1, 0)
    assert r.json()["total"] == 6
    r = await client.get(f"{ORDERS}/counts", params={"source": "b2b_portal"}, headers=auth(world))
    assert r.json()["total"] == 2
    r = await client.get(ORDERS, params={"status": "8", "with_counts": "true"}, headers=auth(world))
    page = r.json()
    assert len(page["items"]) == 1
    assert {c["status"]: c["count"] for c in page["counts"]}[0] == 4  # counts ignore the status filter
    assert "counts" not in (await client.get(ORDERS, headers=auth(world))).json()


# ----- detail ------------------------------------------------------------------------------------

async def test_allowed_actions_depend_on_the_callers_role(client: httpx.AsyncClient, world: World) -> None:
    order = await create(client, world)
    expected = {
        "operator": ["process", "request-payment", "confirm", "hold", "cancel", "edit-lines"],
        "warehouse": ["hold"],
        "finance": ["request-payment"],
    }
    for role, actions in expected.items():
        r = await client.get(f"{ORDERS}/{order['id']}", headers=auth(world, role))
        assert r.status_code == 200 and r.json()["allowed_actions"] == actions, role
    portal = await b2b_portal(world)
    big = await create(client, world, "portal", customer=b2b_customer(), lines=[("TSHIRT-RED-M", "90", "149.90")])
    assert big["channel_id"] == portal and big["approve_status"] == 0
    assert big["approval"] == {"rule": BIG_B2B["name"], "required_role": "sales_manager"}
    for role, has_approve in (("operator", False), ("sales_manager", True), ("admin", True)):
        r = await client.get(f"{ORDERS}/{big['id']}", headers=auth(world, role))
        actions = r.json()["allowed_actions"]
        assert ("approve" in actions) is has_approve and ("reject" in actions) is has_approve, role
        assert "confirm" not in actions


async def test_detail_etag_if_none_match_and_not_found(client: httpx.AsyncClient, world: World) -> None:
    order = await create(client, world)
    r = await client.get(f"{ORDERS}/{order['id']}", headers=auth(world))
    same = await client.get(f"{ORDERS}/{order['id']}", headers={**auth(world), "If-None-Match": r.headers["etag"]})
    assert same.status_code == 304
    for missing in (order["id"] + 100, 0, 2**63):
        assert_problem(await client.get(f"{ORDERS}/{missing}", headers=auth(world)), 404)
    assert_problem(await act(client, world, order["id"] + 100, "confirm"), 404)


async def test_a_key_sees_only_its_channels_orders_and_takes_no_actions(client: httpx.AsyncClient,
                                                                        world: World) -> None:
    other = await world.channel("other")
    mine = await create(client, world)
    theirs = await create(client, world, "other")
    key = {"X-API-Key": await world.api_key(world.channels["api"])}
    assert (await client.get(f"{ORDERS}/{mine['id']}", headers=key)).status_code == 200
    assert_problem(await client.get(f"{ORDERS}/{theirs['id']}", headers=key), 404)
    page = (await client.get(ORDERS, headers=key)).json()
    assert [o["id"] for o in page["items"]] == [mine["id"]]
    page = (await client.get(ORDERS, params={"channel_id": str(other)}, headers=key)).json()
    assert page["items"] == []
    counts = (await client.get(f"{ORDERS}/counts", headers=key)).json()
    assert counts["total"] == 1
    for action in ("confirm", "cancel", "hold"):
        r = await client.post(f"{ORDERS}/{mine['id']}/{action}", json={"reason": "x"}, headers=key)
        assert_problem(r, 403)
    lines = {"lines": [{"sku": "MUG-1", "quantity": "1", "unit_price": "20.00"}]}
    assert_problem(await client.put(f"{ORDERS}/{mine['id']}/lines", json=lines, headers=key), 403)
    assert await history(world, mine["id"]) == [("create", None, 0)]


# ----- actions -----------------------------------------------------------------------------------

async def test_confirm_reserves_stock_and_cancel_releases_it(client: httpx.AsyncClient, world: World) -> None:
    order = await create(client, world, lines=[("TSHIRT-RED-M", "3", "49.90"), ("MUG-1", "2", "20.00")])
    r = await act(client, world, order["id"], "confirm")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reserved"]) == (3, True)
    assert r.headers["etag"] == f'"{order["id"]}-2"'
    assert await world.stock("TSHIRT-RED-M") == (100, 3)
    assert await world.stock("MUG-1") == (5, 2)
    r = await act(client, world, order["id"], "cancel", reason="customer changed their mind")
    assert r.status_code == 200 and r.json()["status"] == 8 and r.json()["reserved"] is False
    assert await world.stock("TSHIRT-RED-M") == (100, 0)
    assert await world.stock("MUG-1") == (5, 0)
    assert await outbox(world, order["id"]) == ["order.created", "order.confirm", "order.cancel"]
    assert [h["action"] for h in r.json()["history"]] == ["create", "confirm", "cancel"]
    assert r.json()["history"][-1]["reason"] == "customer changed their mind"


async def test_payment_flow_process_request_payment_mark_paid_confirm(client: httpx.AsyncClient,
                                                                      world: World) -> None:
    order = await create(client, world)
    for action, role, status in (("process", "operator", 1), ("request-payment", "finance", 2),
                                 ("mark-paid", "finance", 14), ("confirm", "operator", 3)):
        r = await act(client, world, order["id"], action, role)
        assert r.status_code == 200, (action, r.text)
        assert r.json()["status"] == status
    assert [h[2] for h in await history(world, order["id"])] == [0, 1, 2, 14, 3]
    assert await outbox(world, order["id"]) == ["order.created", "order.process", "order.request_payment",
                                                "order.mark_paid", "order.confirm"]


async def test_hold_and_resume_go_back_to_where_the_order_was(client: httpx.AsyncClient, world: World) -> None:
    order = await create(client, world)
    await act(client, world, order["id"], "confirm")
    r = await act(client, world, order["id"], "hold", "warehouse", reason="damaged box")
    assert (r.json()["status"], r.json()["held_from"], r.json()["held_from_label"]) == (9, 3, "confirmed")
    assert r.json()["allowed_actions"] == ["resume"]  # the warehouse's view
    detail = await client.get(f"{ORDERS}/{order['id']}", headers=auth(world))
    assert detail.json()["allowed_actions"] == ["resume", "cancel"]
    assert_problem(await act(client, world, order["id"], "confirm"), 409)  # no second reservation
    r = await act(client, world, order["id"], "resume", "warehouse")
    assert (r.json()["status"], r.json()["held_from"]) == (3, None)
    assert await world.stock("TSHIRT-RED-M") == (100, 2)


@pytest.mark.parametrize("action", ["hold", "cancel", "reject"])
async def test_hold_cancel_and_reject_without_a_reason_are_422(client: httpx.AsyncClient, world: World,
                                                               action: str) -> None:
    await b2b_portal(world)
    order = await create(client, world, "portal", customer=b2b_customer(), lines=[("TSHIRT-RED-M", "90", "149.90")])
    for reason in (None, "", "   "):
        r = await act(client, world, order["id"], action, "sales_manager", reason=reason)
        body = assert_problem(r, 422)
        assert [e["field"] for e in body["errors"]] == ["reason"]
    assert await history(world, order["id"]) == [("create", None, 0)]


async def test_a_forbidden_transition_is_409_with_the_allowed_list(client: httpx.AsyncClient, world: World) -> None:
    order = await create(client, world)
    await act(client, world, order["id"], "confirm")
    body = assert_problem(await act(client, world, order["id"], "process"), 409)
    assert body["allowed"] == ["shipping", "cancelled", "on_hold", "ready"]
    assert body["current"] == "confirmed"
    await act(client, world, order["id"], "cancel", reason="dup")
    for action in ("confirm", "resume", "restore", "mark-paid", "request-payment"):
        body = assert_problem(await act(client, world, order["id"], action), 409)
        assert body["allowed"] == [], action
    assert_problem(await act(client, world, order["id"], "hold", reason="x"), 409)
    assert len(await history(world, order["id"])) == 3


async def test_a_stale_if_match_is_412_and_changes_nothing(client: httpx.AsyncClient, world: World) -> None:
    order = await create(client, world)
    first_etag = f'"{order["id"]}-1"'
    r = await act(client, world, order["id"], "process", **{"If-Match": first_etag})
    assert r.status_code == 200 and r.headers["etag"] == f'"{order["id"]}-2"'
    for stale in (first_etag, f'"{order["id"]}-9"', '"garbage"', f'"{order["id"] + 1}-2"'):
        body = assert_problem(await act(client, world, order["id"], "confirm", **{"If-Match": stale}), 412)
        assert body["detail"]
    detail = (await client.get(f"{ORDERS}/{order['id']}", headers=auth(world))).json()
    assert (detail["status"], detail["version"]) == (1, 2)
    assert await world.stock("TSHIRT-RED-M") == (100, 0)
    assert await outbox(world, order["id"]) == ["order.created", "order.process"]
    ok = await act(client, world, order["id"], "confirm", **{"If-Match": f'W/"{order["id"]}-2"'})
    assert ok.status_code == 200


async def test_confirm_with_short_stock_and_restore_after_stock_arrives(client: httpx.AsyncClient,
                                                                        world: World) -> None:
    order = await create(client, world, lines=[("MUG-1", "8", "20.00")])
    r = await act(client, world, order["id"], "confirm")
    assert r.status_code == 200 and r.json()["status"] == 16 and r.json()["status_label"] == "stock_unavailable"
    assert "MUG-1" in r.json()["history"][-1]["reason"]
    assert await world.stock("MUG-1") == (5, 0)
    assert_problem(await act(client, world, order["id"], "restore"), 409)
    assert (await client.get(f"{ORDERS}/{order['id']}", headers=auth(world))).json()["status"] == 16
    await world.sql("UPDATE stock_level SET on_hand = 10 WHERE product_id = :p", p=world.products["MUG-1"])
    r = await act(client, world, order["id"], "restore")
    assert r.status_code == 200 and r.json()["status"] == 3
    assert await world.stock("MUG-1") == (10, 8)
    assert await outbox(world, order["id"]) == ["order.created", "order.stock_unavailable", "order.restore"]


async def test_approve_then_confirm(client: httpx.AsyncClient, world: World) -> None:
    await b2b_portal(world)
    order = await create(client, world, "portal", customer=b2b_customer(), lines=[("TSHIRT-RED-M", "90", "149.90")])
    body = assert_problem(await act(client, world, order["id"], "confirm"), 409)
    assert "approve" in body["detail"]
    assert_problem(await act(client, world, order["id"], "approve", "operator"), 403)
    r = await act(client, world, order["id"], "approve", "sales_manager")
    assert r.status_code == 200 and (r.json()["approve_status"], r.json()["approve_status_label"]) == (1, "approved")
    assert_problem(await act(client, world, order["id"], "approve", "sales_manager"), 409)
    assert (await act(client, world, order["id"], "confirm")).json()["status"] == 3
    assert await history(world, order["id"]) == [("create", None, 0), ("approve", 0, 0), ("confirm", 0, 3)]


async def test_reject_cancels_and_writes_a_customer_notification(client: httpx.AsyncClient, world: World) -> None:
    await b2b_portal(world)
    order = await create(client, world, "portal", customer=b2b_customer(), lines=[("TSHIRT-RED-M", "90", "149.90")])
    r = await act(client, world, order["id"], "reject", "sales_manager", reason="credit limit exceeded")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["approve_status"]) == (8, -1)
    rows = await world.sql("SELECT event_type, payload FROM outbox WHERE aggregate_id = :id ORDER BY id",
                           id=order["id"])
    assert [row.event_type for row in rows] == ["order.created", "order.reject", "customer.notification_requested"]
    assert rows[-1].payload["template"] == "order_rejected"
    assert rows[-1].payload["reason"] == "credit limit exceeded"
    assert rows[-1].payload["order_id"] == order["id"]


async def test_editing_lines_re_evaluates_the_approval(client: httpx.AsyncClient, world: World) -> None:
    await b2b_portal(world)
    order = await create(client, world, "portal", customer=b2b_customer())
    assert order["approve_status"] is None
    url = f"{ORDERS}/{order['id']}/lines"
    big = {"lines": [{"sku": "TSHIRT-RED-M", "quantity": "90", "unit_price": "149.90"},
                     {"sku": "MUG-1", "quantity": "1", "unit_price": "20.00"}]}
    r = await client.put(url, json=big, headers={**auth(world), "If-Match": f'"{order["id"]}-1"'})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert (edited["approve_status"], edited["totals"]["gross"], len(edited["lines"])) == (0, "13511.00", 2)
    assert "confirm" not in edited["allowed_actions"]
    stale = await client.put(url, json=big, headers={**auth(world), "If-Match": f'"{order["id"]}-1"'})
    assert_problem(stale, 412)
    bad = await client.put(url, json={"lines": [{"sku": "NOPE", "quantity": "1", "unit_price": "1"}]},
                           headers=auth(world))
    assert_problem(bad, 422)
    assert fields(bad) == ["lines[0].sku"]
    assert_problem(await client.put(url, json={"lines": []}, headers=auth(world)), 422)
    small = {"lines": [{"sku": "MUG-1", "quantity": "1", "unit_price": "20.00"}]}
    r = await client.put(url, json=small, headers=auth(world))
    assert r.json()["approve_status"] is None and r.json()["totals"]["gross"] == "20.00"
    assert_problem(await client.put(url, json=small, headers=auth(world, "warehouse")), 403)
    await act(client, world, order["id"], "confirm")
    assert_problem(await client.put(url, json=small, headers=auth(world)), 409)
    assert [h[0] for h in await history(world, order["id"])] == ["create", "edit_lines", "edit_lines", "confirm"]
    assert (await outbox(world, order["id"])).count("order.lines_changed") == 2


async def test_order_detail_is_private_to_the_caller_and_on_hold_age_filter(
    client: httpx.AsyncClient, world: World
) -> None:
    op = {"Authorization": f"Bearer {world.tokens['operator@test.local']}"}
    r = await client.post("/api/omni_sales/orders", json=order_body(world.channels["api"], ref="CACHE-1"), headers=op)
    order_id = r.json()["id"]
    r = await client.get(f"/api/omni_sales/orders/{order_id}", headers=op)
    assert r.headers["cache-control"] == "private, no-cache"
    assert "Authorization" in r.headers["vary"]
    r = await client.post(f"/api/omni_sales/orders/{order_id}/hold", json={"reason": "address check"}, headers=op)
    assert r.status_code == 200
    long_ago = "2000-01-01T00:00:00Z"
    r = await client.get("/api/omni_sales/orders", params={"status": "9", "updated_before": long_ago}, headers=op)
    assert r.json()["items"] == []
    r = await client.get("/api/omni_sales/orders", params={"status": "9", "updated_before": "2999-01-01T00:00:00Z"},
                         headers=op)
    assert [o["id"] for o in r.json()["items"]] == [order_id]


async def test_values_postgres_refuses_are_a_422_not_a_500(client: httpx.AsyncClient, world: World) -> None:
    op = {"Authorization": f"Bearer {world.tokens['operator@test.local']}"}
    body = order_body(world.channels["api"], ref="NUL-1")
    body["notes"] = "before\u0000after"
    r = await client.post("/api/omni_sales/orders", json=body, headers=op)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    r = await client.get("/api/omni_sales/orders", params={"q": "NUL-1"}, headers=op)
    assert r.json()["items"] == []
