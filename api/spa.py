"""The operator console (frontend/dist) under /admin/, with history-API fallback to index.html."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

DEFAULT_DIST = Path(__file__).resolve().parents[1] / "frontend" / "dist"
PREFIX = "/admin"

# Vite puts content-hashed files under assets/: a new build gets new names, so they may be cached for good.
# index.html names the current hashes, so the browser must ask for it again every time.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"
NO_CACHE = "no-cache"

# Mantine sets inline style attributes and injects its CSS variables in a <style> tag. PDFs (labels, delivery
# notes) are fetched with the session's token and previewed in an iframe from a blob: URL, which 'self' does not
# cover: without frame-src blob: the preview is blocked (tests/e2e/test_fulfilment.py opens a label).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
PAGE_HEADERS = {
    "Cache-Control": NO_CACHE,
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OMS console not built</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The operator console has not been built</h1>
<p>The API is running, but <code>frontend/dist</code> does not exist yet.</p>
<p>Run <code>make run</code> (it builds the console before starting the server), or build it alone with
<code>make frontend</code> (<code>npm ci &amp;&amp; npm run build</code> in <code>frontend/</code>), then reload.</p>
</body></html>
"""


def _resolve(dist: Path, path: str) -> Path | None:
    """The file under dist that path names, or None; never a file outside dist."""
    if not path or "\x00" in path:
        return None
    candidate = (dist / path).resolve()
    if not candidate.is_relative_to(dist) or not candidate.is_file():
        return None
    return candidate


def mount(app: FastAPI, dist: Path = DEFAULT_DIST) -> None:
    """Serve the built console; any other /admin/... path is a client-side route and gets index.html."""
    root = dist.resolve()

    def index() -> Response:
        page = root / "index.html"
        if not page.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": NO_CACHE, "Retry-After": "60"})
        return FileResponse(page, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    async def bare(request: Request) -> Response:
        return RedirectResponse(f"{PREFIX}/", status_code=308)

    async def serve(request: Request, path: str = "") -> Response:
        found = _resolve(root, path)
        if found is not None and found.name != "index.html":
            cache = IMMUTABLE if path.startswith("assets/") else SHORT
            return FileResponse(found, headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"})
        if path.startswith("assets/"):
            # A stale page asking for an asset of an older build: a 404, not index.html served as JavaScript.
            return Response(status_code=404, headers={"Cache-Control": NO_CACHE})
        return index()

    app.add_api_route(PREFIX, bare, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route(f"{PREFIX}/", serve, methods=["GET", "HEAD"], include_in_schema=False)
    app.add_api_route(f"{PREFIX}/{{path:path}}", serve, methods=["GET", "HEAD"], include_in_schema=False)
