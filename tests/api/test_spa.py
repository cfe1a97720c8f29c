"""The console under /admin/: built assets cached for good, the page never, client routes fall back to it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api import spa


def _app(dist: Path) -> FastAPI:
    app = FastAPI()
    spa.mount(app, dist)
    return app


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("not for you")
    return tmp_path


async def _get(app: FastAPI, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        return await c.get(path)


async def test_client_routes_get_the_page_uncached(dist: Path) -> None:
    for path in ("/admin/", "/admin/omni_sales/order_list?status=0,1", "/admin/omni_sales/orders/12"):
        r = await _get(_app(dist), path)
        assert r.status_code == 200, path
        assert "id=root" in r.text
        assert r.headers["cache-control"] == "no-cache"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_the_page_may_frame_blob_pdfs_of_its_own(dist: Path) -> None:
    # The label / delivery-note preview shows a PDF fetched with the bearer token in an <iframe src="blob:...">;
    # without frame-src blob: the browser blocks it (default-src does not cover blob:).
    r = await _get(_app(dist), "/admin/warehouse/manage_packing_list")
    directives = {
        name: sources
        for name, *sources in (part.split() for part in r.headers["content-security-policy"].split(";") if part.strip())
    }
    assert {"'self'", "blob:"} <= set(directives["frame-src"])
    assert directives["frame-ancestors"] == ["'none'"]  # framing our PDFs does not let others frame the console


async def test_hashed_assets_are_cached_for_a_year(dist: Path) -> None:
    r = await _get(_app(dist), "/admin/assets/index-abc123.js")
    assert r.status_code == 200
    assert r.text == "console.log(1)"
    assert "immutable" in r.headers["cache-control"]
    assert "max-age=31536000" in r.headers["cache-control"]
    icon = await _get(_app(dist), "/admin/favicon.svg")
    assert icon.headers["cache-control"] == "public, max-age=3600"


async def test_a_missing_asset_is_a_404_not_the_page(dist: Path) -> None:
    r = await _get(_app(dist), "/admin/assets/index-old999.js")
    assert r.status_code == 404


async def test_paths_cannot_leave_the_build(dist: Path) -> None:
    for path in ("/admin/../secret.txt", "/admin/%2e%2e/secret.txt", "/admin/assets/..%2f..%2fsecret.txt"):
        r = await _get(_app(dist), path)
        assert "not for you" not in r.text, path


async def test_bare_admin_redirects_to_the_slash(dist: Path) -> None:
    r = await _get(_app(dist), "/admin")
    assert r.status_code == 308
    assert r.headers["location"] == "/admin/"


async def test_without_a_build_the_page_says_how_to_make_one(tmp_path: Path) -> None:
    r = await _get(_app(tmp_path / "dist"), "/admin/omni_sales/order_list")
    assert r.status_code == 503
    assert "make run" in r.text
    assert "make frontend" in r.text
