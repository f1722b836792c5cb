"""Helpers for the PDF tests: render a document and read its text back, page by page."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from pypdf import PdfReader

from desktop.documents.invoice_pdf import render_invoice
from desktop.domain.document import InvoiceDocument

PageTexts = Callable[[InvoiceDocument], list[str]]


def plain(text: str) -> str:
    """Text with no-break and narrow no-break spaces as plain spaces (as babel and pypdf differ on them)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def pdf_pages(data: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(BytesIO(data)).pages]


@pytest.fixture
def page_texts() -> PageTexts:
    """``page_texts(doc)``: the text of each page of the rendered PDF."""

    def render(doc: InvoiceDocument) -> list[str]:
        return pdf_pages(render_invoice(doc))

    return render
