"""The queue's read path: PostgreSQL writes the page's JSON, which must be exactly what the API documents
(OrderSummary: labels, decimal strings, UTC timestamps as orjson writes them); bad filters are 422s; a
verified access token is reused until it expires."""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
import jwt
import orjson
import pytest

from api import security
from domain.errors import AuthenticationError
from tests.api.test_orders_api import ORDERS, assert_problem, auth, create
from tests.conftest import SECRET
from tests.factories import World


async def test_queue_items_are_exactly_the_documented_json(client: httpx.AsyncClient, world: World) -> None:
    plain = await create(client, world, ref="JSON-1")
    odd = await create(client, world, ref="JSON-2")
    await world.sql(
        "UPDATE sales_order SET created_at = '2026-01-15T10:00:00Z', updated_at = '2026-01-15T12:30:00.25+02:00', "
        "promised_date = '2026-02-01', approve_status = 0, total_gross = 1249.90 WHERE id = :id", id=plain["id"])
    await world.sql(
        "UPDATE sales_order SET status = 9, held_from = 1, created_at = '2026-03-01T00:00:00.000001Z', "
        "updated_at = '2026-03-01T00:00:59.999999Z', total_gross = 0, customer_name = :name, customer_email = NULL "
        "WHERE id = :id", id=odd["id"], name='Ion "Q" \\ \n\t\x1f é ✓')

    r = await client.get(ORDERS, headers=auth(world))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    page = r.json()
    assert page["next_cursor"] is None and "counts" not in page
    assert page["items"] == [
        {"id": odd["id"], "number": odd["number"], "status": 9, "status_label": "on_hold", "approve_status": None,
         "approve_status_label": "not_required", "held_from": 1, "channel_id": world.channels["api"],
         "source": "api", "external_ref": "JSON-2", "customer_id": odd["customer"]["id"],
         "customer_name": 'Ion "Q" \\ \n\t\x1f é ✓', "customer_email": None, "currency": "RON",
         "total_gross": "0.00", "promised_date": None, "created_at": "2026-03-01T00:00:00.000001Z",
         "updated_at": "2026-03-01T00:00:59.999999Z"},
        {"id": plain["id"], "number": plain["number"], "status": 0, "status_label": "draft", "approve_status": 0,
         "approve_status_label": "pending", "held_from": None, "channel_id": world.channels["api"],
         "source": "api", "external_ref": "JSON-1", "customer_id": plain["customer"]["id"],
         "customer_name": "Ana Pop", "customer_email": "ana@example.ro", "currency": "RON",
         "total_gross": "1249.90", "promised_date": "2026-02-01", "created_at": "2026-01-15T10:00:00Z",
         "updated_at": "2026-01-15T10:30:00.250000Z"},
    ]
    # Byte for byte what api.responses.JSONResponse (orjson) would have written for the same values.
    assert r.content == orjson.dumps(page)


async def test_next_cursor_and_counts_come_with_the_page(client: httpx.AsyncClient, world: World) -> None:
    ids = [(await create(client, world, ref=f"C-{i}"))["id"] for i in range(3)]
    r = await client.get(ORDERS, params={"limit": "2", "with_counts": "true"}, headers=auth(world))
    page = r.json()
    assert [i["id"] for i in page["items"]] == ids[:0:-1]
    assert base64.urlsafe_b64decode(page["next_cursor"] + "==") == f"id:{ids[1]}".encode()
    counts = (await client.get(f"{ORDERS}/counts", headers=auth(world))).json()["counts"]
    assert page["counts"] == counts and {c["status_label"]: c["count"] for c in counts}["draft"] == 3
    last = (await client.get(ORDERS, params={"limit": "2", "cursor": page["next_cursor"]}, headers=auth(world)))
    assert last.json() == {"items": [last.json()["items"][0]], "next_cursor": None}
    assert last.json()["items"][0]["id"] == ids[0]
    empty = await client.get(ORDERS, params={"q": "nobody"}, headers=auth(world))
    assert empty.content == b'{"items":[],"next_cursor":null}'


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "70000"}, "status"),
    ({"status": "99999999999999999999"}, "status"),
    ({"channel_id": str(2**31)}, "channel_id"),
    ({"q": "a\x00b"}, "q"),
    ({"source": "\x00"}, "source"),
    ({"created_after": "0001-01-01T00:00:00+01:00"}, "created_after"),
    ({"created_before": "9999-12-31T23:59:59-01:00"}, "created_before"),
    ({"cursor": base64.urlsafe_b64encode(f"id:{2**63}".encode()).decode()}, "cursor"),
    ({"cursor": base64.urlsafe_b64encode("id:²".encode()).decode()}, "cursor"),
])
async def test_filters_the_database_cannot_take_are_422(client: httpx.AsyncClient, world: World,
                                                        params: dict[str, str], field: str) -> None:
    r = await client.get(ORDERS, params=params, headers=auth(world))
    assert_problem(r, 422)
    assert [e["field"] for e in r.json()["errors"]] == [field]
    if field not in ("status", "cursor"):  # /counts has neither
        assert_problem(await client.get(f"{ORDERS}/counts", params=params, headers=auth(world)), 422)


def test_a_verified_token_is_reused_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    token = security.issue_token(user_id=7, name="Ana", email="ana@x.ro", roles=["operator"], secret=SECRET,
                                 ttl_s=1)
    exp = jwt.decode(token, SECRET, algorithms=[security.ALGORITHM])["exp"]
    calls: list[str] = []
    decode = jwt.decode

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return decode(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)
    first = security.actor_from_token(token, SECRET)
    assert security.actor_from_token(token, SECRET) == first and first.id == 7 and len(calls) == 1
    with pytest.raises(AuthenticationError, match="not valid"):
        security.actor_from_token(token, "another-secret-another-secret-another")  # the cache knows the secret
    with pytest.raises(AuthenticationError, match="not valid"):
        security.actor_from_token(token[:-2] + "xx", SECRET)
    while time.time() < exp:  # PyJWT: expired once now >= exp
        time.sleep(0.05)
    with pytest.raises(AuthenticationError, match="expired"):
        security.actor_from_token(token, SECRET)
