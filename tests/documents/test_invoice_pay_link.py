"""The pay link on an invoice PDF attached to an email that has one: shown in the customer's language with the
payment instructions and clickable; without a link the PDF is unchanged."""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader

from desktop.documents.invoice_pdf import render_invoice
from desktop.documents.texts import document_texts
from tests.documents.conftest import pdf_pages
from tests.documents.sample_documents import make_document, russian_document

SHORT = "https://pay.example/i/2026-00042"
LONG = "https://checkout.stripe.example/c/pay/cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ0123456789abcdefGHIJ#fidkdWxOYHwnPyd1blpxYHZxWjA0"


def _links(data: bytes) -> list[str]:
    found = []
    for page in PdfReader(BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                found.append(str(action["/URI"]))
    return found


def test_pay_link_is_shown_and_clickable_in_the_customers_language() -> None:
    doc = make_document()  # Spanish
    (text,) = pdf_pages(render_invoice(doc, SHORT))
    label = document_texts("es")["pay_online"]
    assert label == "Pagar en línea"
    assert f"{label} {SHORT}" in text
    assert _links(render_invoice(doc, SHORT)) == [SHORT]


def test_a_long_link_is_extractable_and_the_whole_link_is_the_annotation() -> None:
    doc = russian_document()
    data = render_invoice(doc, LONG)
    (text,) = pdf_pages(data)
    assert "Оплатить онлайн" in text
    assert LONG in re.sub(r"\s+", "", text)  # set smaller, maybe wrapped: the characters are all there, in order
    assert _links(data) == [LONG]


def test_without_a_link_nothing_changes() -> None:
    doc = make_document()
    assert _links(render_invoice(doc)) == []
    without = pdf_pages(render_invoice(doc))
    assert without == pdf_pages(render_invoice(doc, None)) == pdf_pages(render_invoice(doc, ""))
    assert "Pagar en línea" not in without[0] and "https://" not in without[0]


def test_every_language_has_the_label() -> None:
    labels = {language: document_texts(language)["pay_online"] for language in ("en", "es", "it", "nl", "sv", "ru")}
    assert labels["en"] == "Pay online" and len(set(labels.values())) == 6
