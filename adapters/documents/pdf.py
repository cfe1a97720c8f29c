"""PDF utilities: merging many single documents into one (batch label printing: one print job, many labels)."""

from __future__ import annotations

import io
from collections.abc import Sequence


def merge_pdfs(parts: Sequence[bytes]) -> bytes:
    """Concatenate the pages of ``parts`` in order; each part keeps its own page size (A4 and thermal may mix)."""
    if not parts:
        raise ValueError("nothing to merge")
    from pypdf import PdfReader, PdfWriter  # imported on first use (see _render.py)

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    # Labels of one batch carry byte-identical objects (same font subsets, same styles); sharing them keeps a
    # 100-label print job small. The method appeared in pypdf 4.3 and pyproject only asks for >=4.
    if hasattr(writer, "compress_identical_objects"):
        writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
