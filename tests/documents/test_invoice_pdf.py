"""The invoice PDF: what a reader of the document (and a text extractor) finds in it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from io import BytesIO

from PIL import Image

from desktop.documents.formatting import document_formats
from desktop.documents.invoice_pdf import render_invoice
from desktop.domain.invoice import InvoiceLine
from desktop.domain.reference import format_reference
from tests.documents.conftest import PageTexts, pdf_pages, plain
from tests.documents.sample_documents import SELLER, credit_note, long_document, make_document, russian_document


def test_renders_a_pdf_with_its_metadata() -> None:
    data = render_invoice(make_document())
    assert data.startswith(b"%PDF-")
    assert b"/Title (Factura 2026-00042)" in data
    assert b"DejaVuSans" in data  # the font is embedded


def test_invoice_shows_number_dates_totals_and_reference(page_texts: PageTexts) -> None:
    doc = make_document()
    (text,) = page_texts(doc)
    money = document_formats(doc.locale, doc.currency).money
    assert "Factura" in text
    assert "2026-00042" in text
    assert "31 mar 2026" in text and "30 abr 2026" in text
    assert f"Subtotal {plain(money(doc.totals.net))}" in text
    assert f"Total IVA {plain(money(doc.totals.vat))}" in text
    assert f"Importe a pagar {plain(money(doc.amount_due))}" in text
    assert plain(money(doc.totals.total)) == "3.574,69 €"
    assert doc.reference is not None
    assert format_reference(doc.reference) == "RF89 2026 0004 2"
    assert "Referencia RF89 2026 0004 2" in text
    assert "ES91 2100 0418 4502 0005 1332" in text
    assert "Página 1 de 1" in text


def test_line_table_shows_every_column_in_the_locale(page_texts: PageTexts) -> None:
    (text,) = page_texts(make_document())
    assert "Descripción Cant. Unidad Precio" in text
    assert "Consultoría de software (marzo) 12,5 h 80,00 21 % 1.000,00" in text
    assert "Licencia anual Paydesk Pro 1 1.200,00 10 % 21 % 1.080,00" in text


def test_vat_breakdown_per_rate(page_texts: PageTexts) -> None:
    (text,) = page_texts(make_document())
    assert "Tipo de IVA Base imponible IVA" in text
    assert "4 % 119,70 € 4,79 €" in text
    assert "21 % 2.780,00 € 583,80 €" in text


def test_notes_are_printed_below_the_totals(page_texts: PageTexts) -> None:
    (text,) = page_texts(make_document(notes="Pedido 4711.\nEntrega en marzo."))
    assert text.index("Observaciones") > text.index("Importe a pagar")
    assert "Pedido 4711." in text and "Entrega en marzo." in text


def test_long_notes_continue_on_the_next_page(page_texts: PageTexts) -> None:
    notes = "\n".join(f"Condición {n}: texto de las condiciones generales." for n in range(90))
    pages = page_texts(make_document(notes=notes))
    assert len(pages) >= 2
    everything = "\n".join(pages)
    assert all(f"Condición {n}:" in everything for n in range(90))
    assert everything.count("Observaciones") == 1


def test_russian_customer_and_lines_are_extractable(page_texts: PageTexts) -> None:
    (text,) = page_texts(russian_document())
    assert "Счёт" in text
    assert "ООО «Северный ветер»" in text
    assert "ул. Тверская, д. 7" in text
    assert "Консультация по внедрению системы учёта" in text
    assert "К оплате 3 448,50 €" in text
    assert "Страница 1 из 1" in text


def test_long_invoice_breaks_across_pages_and_repeats_the_header(page_texts: PageTexts) -> None:
    doc = long_document(80)
    pages = page_texts(doc)
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of 3" in text
    assert pages[1].count("Description Qty Unit price VAT Amount") == 1
    assert "Invoice 2026-00042 (continued)" in pages[1]
    assert "Amount due" in pages[2] and "Amount due" not in pages[0]
    everything = "\n".join(pages)
    for n in range(80):  # every line once, none lost at a page break
        assert everything.count(f"Line {n + 1}: support ticket #{4000 + n}") == 1


def test_long_description_wraps_and_very_long_rows_split_across_pages(page_texts: PageTexts) -> None:
    words = " ".join(f"word{n}" for n in range(1500))
    unbreakable = "Ж" * 300
    doc = make_document(lines=(InvoiceLine(f"{words} {unbreakable}", Decimal(1), Decimal(10), Decimal(21)),))
    pages = page_texts(doc)
    assert len(pages) >= 2
    everything = " ".join(pages)
    assert "word0" in everything and "word1499" in everything
    assert "Ж" * 300 not in everything  # cut into pieces that fit the column
    assert everything.count("Ж") == 300


def test_credit_note_prints_as_credit_note_without_payment_block(page_texts: PageTexts) -> None:
    (text,) = page_texts(credit_note())
    assert "Factura rectificativa" in text
    assert "Rectifica la factura 2026-00042" in text
    assert "N.º de factura rectificativa CN2026-00003" in text
    assert "Instrucciones de pago" not in text
    assert "Escanee" not in text
    assert "No hay nada que pagar. El importe de 1.210,00 € se abona a su favor." in text


def test_non_eur_invoice_has_no_qr_code(page_texts: PageTexts) -> None:
    (text,) = page_texts(make_document(currency="SEK", language="sv", locale="sv_SE"))
    assert "Att betala" in text and "kr" in text
    assert "Skanna" not in text


def test_paid_invoice_says_so_instead_of_asking_for_payment(page_texts: PageTexts) -> None:
    doc = make_document(language="en", locale="en_GB")
    (text,) = page_texts(replace(doc, amount_due=Decimal(0)))
    assert "Already paid €3,574.69" in text
    assert "Amount due €0.00" in text
    assert "This invoice has been paid in full. Thank you!" in text
    assert "Payment instructions" not in text


def test_seller_without_bank_account_gets_the_reference_only(page_texts: PageTexts) -> None:
    (text,) = page_texts(make_document(language="en", locale="en_GB", seller=replace(SELLER, iban="", bic="")))
    assert "Please pay €3,574.69 by 30 Apr 2026, quoting the reference below." in text
    assert "Reference RF89 2026 0004 2" in text
    assert "IBAN" not in text
    assert "Scan to pay" not in text


def test_logo_is_drawn_and_a_broken_logo_is_left_out() -> None:
    png = BytesIO()
    Image.new("RGBA", (3000, 1000), (20, 90, 160, 128)).save(png, "PNG")
    with_logo = render_invoice(make_document(seller=replace(SELLER, logo=png.getvalue())))
    assert with_logo.count(b"/Subtype /Image") == 1
    assert b"/DCTDecode" in with_logo  # embedded as prepared JPEG, not re-compressed per invoice
    broken = render_invoice(make_document(seller=replace(SELLER, logo=b"not an image")))
    assert b"/Subtype /Image" not in broken
    assert "Factura" in pdf_pages(broken)[0]


def test_unknown_language_and_locale_fall_back_to_english(page_texts: PageTexts) -> None:
    (text,) = page_texts(make_document(language="xx", locale="xx_YY"))
    assert "Invoice number 2026-00042" in text
    assert "€3,574.69" in text


def test_empty_invoice_still_renders(page_texts: PageTexts) -> None:
    (text,) = page_texts(make_document(lines=(), amount_due=Decimal(0), notes=""))
    assert "Descripción" in text
    assert "Página 1 de 1" in text
