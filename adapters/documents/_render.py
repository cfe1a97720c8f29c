"""Shared HTML -> PDF machinery for the printable documents.

Both the Jinja2 environment and WeasyPrint's FontConfiguration are built once per process: building the
environment re-reads templates and building a FontConfiguration sets up a fontconfig/pango font map, and
together they dominate the cost of a small document if redone on every call. WeasyPrint is pure CPU (pango,
no network); templates never reference external URLs, so rendering performs no I/O beyond the package files.
"""

from __future__ import annotations

import base64
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

# WeasyPrint (and pango behind it) is imported when the first document is rendered, not when the API starts: most
# requests never print, and the PDF stack would add tens of MB to every API and worker process.

# The shared FontConfiguration wraps one pango/fontconfig font map, which is not documented as thread-safe;
# API handlers may render from several asyncio.to_thread workers, so renders take turns. Rendering is CPU-bound
# Python holding the GIL most of the time, so the lock costs little throughput.
_render_lock = threading.Lock()


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("adapters.documents", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=jinja2.StrictUndefined,  # a misspelt field fails loudly instead of printing an empty box
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template: str, **context: Any) -> bytes:
    html = environment().get_template(template).render(**context)
    # base_url is only needed for relative URLs; none are used, every image is an inline data: URI.
    from weasyprint import HTML

    with _render_lock:
        pdf = HTML(string=html, base_url=None).write_pdf(font_config=font_config())
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return pdf


def svg_data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
