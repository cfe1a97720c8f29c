"""Printable documents rendered for real (Jinja2 -> WeasyPrint -> PDF) and read back with pypdf."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from barcode import Code128
from pypdf import PageObject, PdfReader

from adapters.documents.delivery_note import DeliveryNoteDocument, DeliveryNoteLine, render_delivery_note
from adapters.documents.labels import LabelContent, render_label
from adapters.documents.pdf import merge_pdfs
from domain.fulfilment.couriers import LabelFormat, Party

A4 = (595, 842)  # points
THERMAL = (283, 425)  # 100 x 150 mm in points

SENDER = Party(name="Magazin Ștefănescu SRL", phone="0722000000", street="Str. Mihai Viteazu 12", city="Brașov",
               county="BV", postcode="500001")
RECIPIENT = Party(name="Ioana Țărănuș", phone="0733111222", street="Bd. Independenței 3, ap. 4", city="Iași",
                  county="IS", postcode="700001", company="Șoim & <Co>")
LABEL = LabelContent(courier="Cargus", awb_number="1234567890", sender=SENDER, recipient=RECIPIENT, parcels=2,
                     weight_kg=Decimal("3.500"), cod_amount=Decimal("249.9"), currency="RON", reference="CMD-000042",
                     service="Standard", created_at=datetime(2025, 1, 2, 10, 30))

NOTE = DeliveryNoteDocument(
    number="AV-2025-000123",
    issued_at=datetime(2025, 1, 2, 10, 30),
    order_number="CMD-000042",
    supplier_name="Magazin Ștefănescu SRL",
    supplier_address=("Str. Mihai Viteazu 12", "500001 Brașov"),
    supplier_vat_code="RO12345678",
    customer_name="Țesătoria Nouă SA",
    delivery_address=("Bd. Independenței 3", "700001 Iași"),
    lines=(
        DeliveryNoteLine(sku="CAM-001", name="Cămașă in", quantity=Decimal("2"), unit="buc"),
        DeliveryNoteLine(sku="CAM-002", name="Cămașă bumbac", quantity=Decimal("3.000"), unit="buc"),
        DeliveryNoteLine(sku="CAF-1", name="Cafea boabe", quantity=Decimal("2.5"), unit="kg"),
    ),
    customer_vat_code="RO87654321",
)


def _pages(pdf: bytes) -> list[PageObject]:
    assert pdf.startswith(b"%PDF-")
    return list(PdfReader(io.BytesIO(pdf)).pages)


def _size(page: PageObject) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in _pages(pdf))


def _filled_rectangles(pdf: bytes) -> int:
    content = _pages(pdf)[0].get_contents()
    assert content is not None
    return len(re.findall(rb"\bre\n", content.get_data()))


def _bars(code: str) -> int:
    modules: str = Code128(code).build()[0]
    return len(re.findall(r"1+", modules))


@pytest.mark.parametrize(("fmt", "size"), [(LabelFormat.A4, A4), (LabelFormat.THERMAL, THERMAL)])
def test_label_page_size_text_and_diacritics(fmt: LabelFormat, size: tuple[int, int]) -> None:
    pdf = render_label(LABEL, fmt)
    pages = _pages(pdf)
    assert len(pages) == 1  # the whole label fits on one page in both formats
    assert _size(pages[0]) == size
    text = _text(pdf)
    for expected in ("1234567890", "Cargus", "Standard", "CMD-000042", "249.90 RON", "3.5 kg", "02.01.2025",
                     "Ioana Țărănuș", "Bd. Independenței 3", "Iași", "Brașov", "Ștefănescu", "Șoim & <Co>"):
        assert expected in text, expected


def test_label_without_cod_says_so() -> None:
    text = _text(render_label(replace(LABEL, cod_amount=None), LabelFormat.THERMAL))
    assert "Fără ramburs" in text
    assert "RON" not in text


def test_label_barcode_is_drawn_bar_by_bar() -> None:
    # The SVG barcode becomes one filled rectangle per bar in the page content; everything else on the label is
    # the same for both AWBs, so the difference in rectangles must be the difference in Code128 bars.
    long_awb, short_awb = "1234567890", "9"
    assert _bars(long_awb) != _bars(short_awb)
    for fmt in LabelFormat:
        difference = _filled_rectangles(render_label(LABEL, fmt)) - _filled_rectangles(
            render_label(replace(LABEL, awb_number=short_awb), fmt)
        )
        assert difference == _bars(long_awb) - _bars(short_awb)


def test_label_rejects_awb_that_code128_cannot_encode() -> None:
    with pytest.raises(ValueError, match="Code128"):
        render_label(replace(LABEL, awb_number="AWBȘ1"), LabelFormat.A4)


def test_merge_of_three_labels_has_three_pages_in_order() -> None:
    awbs = ("1000000001", "1000000002", "1000000003")
    parts = [render_label(replace(LABEL, awb_number=awb), LabelFormat.THERMAL) for awb in awbs]
    merged = merge_pdfs(parts)
    pages = _pages(merged)
    assert len(pages) == 3
    for page, awb in zip(pages, awbs, strict=True):
        assert _size(page) == THERMAL
        assert awb in page.extract_text()
    # The three labels share their font subsets once merged.
    assert len(merged) < sum(len(part) for part in parts)


def test_merge_keeps_mixed_page_sizes() -> None:
    pages = _pages(merge_pdfs([render_label(LABEL, LabelFormat.A4), render_label(LABEL, LabelFormat.THERMAL)]))
    assert [_size(page) for page in pages] == [A4, THERMAL]


def test_merge_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        merge_pdfs([])


def test_delivery_note_romanian() -> None:
    pdf = render_delivery_note(NOTE)
    pages = _pages(pdf)
    assert [_size(page) for page in pages] == [A4]
    text = _text(pdf)
    for expected in ("Aviz de însoțire a mărfii", "AV-2025-000123", "02.01.2025", "CMD-000042", "RO12345678",
                     "Țesătoria Nouă SA", "RO87654321", "Bd. Independenței 3", "Furnizor".upper(), "Cumpărător".upper(),
                     "CAM-001", "Cămașă in", "CAM-002", "Cămașă bumbac", "CAF-1", "Cafea boabe", "2,5",
                     "Întocmit de".upper(), "Primit de".upper(), "Pagina 1 din 1"):
        assert expected in text, expected
    # Totals are per unit: 2 + 3 pieces, 2.5 kg.
    assert "5 buc" in text
    assert "Rămas de livrat" not in text  # no back-ordered line, no column


def test_delivery_note_english_with_back_orders() -> None:
    lines = (*NOTE.lines[:1], replace(NOTE.lines[1], back_ordered=Decimal("4")))
    text = _text(render_delivery_note(replace(NOTE, lines=lines), lang="en"))
    for expected in ("Delivery note", "AV-2025-000123", "2025-01-02", "Back-ordered", "will be shipped later",
                     "Page 1 of 1", "Cămașă bumbac"):
        assert expected in text, expected
    assert "Aviz" not in text


def test_delivery_note_long_list_breaks_pages_with_numbers() -> None:
    lines = tuple(DeliveryNoteLine(sku=f"SKU-{i:03d}", name=f"Produs {i}", quantity=Decimal(1)) for i in range(1, 81))
    pdf = render_delivery_note(replace(NOTE, lines=lines))
    pages = _pages(pdf)
    assert len(pages) >= 2
    assert all(_size(page) == A4 for page in pages)
    last = pages[-1].extract_text()
    assert f"Pagina {len(pages)} din {len(pages)}" in last
    assert "SKU-080" in last and "80 buc" in last  # the total is printed once, after the last line
    assert "80 buc" not in pages[0].extract_text()


def test_delivery_note_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        render_delivery_note(NOTE, lang="de")
