"""The EPC payment QR code: when a document gets one, and what it asks the bank for."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from io import BytesIO

import segno.helpers
from reportlab.pdfgen.canvas import Canvas

from desktop.documents.epc_qr import QR_MASK, EpcPayment, draw_qr, epc_payload, epc_payment_for, epc_qr_for, make_epc_qr
from tests.documents.sample_documents import SELLER, credit_note, make_document


def test_payment_from_an_eur_invoice() -> None:
    payment = epc_payment_for(make_document())
    assert payment == EpcPayment(
        name="Soluciones Norte S.L.", iban="ES9121000418450200051332", amount=Decimal("3574.69"),
        bic="CAIXESBBXXX", reference="RF89202600042",
    )


def test_payload_lines() -> None:
    payment = epc_payment_for(make_document())
    assert payment is not None
    assert epc_payload(payment) == (
        b"BCD\n002\n2\nSCT\nCAIXESBBXXX\nSoluciones Norte S.L.\nES9121000418450200051332\nEUR3574.69\n\nRF89202600042"
    )


def test_same_symbol_as_segnos_epc_helper() -> None:
    payment = EpcPayment(name="Café Olé GmbH", iban="DE89370400440532013000", amount=Decimal("120.50"),
                         bic="COBADEFFXXX", reference="RF18539007547034")
    reference = segno.helpers.make_epc_qr(name=payment.name, iban=payment.iban, amount=payment.amount,
                                          reference=payment.reference, bic=payment.bic)
    ours = make_epc_qr(payment)
    assert ours.mask == QR_MASK
    assert ours.error == reference.error == "M"
    same_mask = segno.make_qr(epc_payload(payment), error="m", mask=reference.mask, boost_error=False)
    assert same_mask.matrix == reference.matrix


def test_without_reference_the_invoice_number_is_the_remittance_text() -> None:
    payment = epc_payment_for(make_document(reference=None))
    assert payment is not None
    assert payment.reference == "" and payment.text == "2026-00042"
    assert epc_payload(payment).endswith(b"\nEUR3574.69\n\n\n2026-00042")


def test_names_are_cut_to_70_characters_and_a_bad_bic_is_left_out() -> None:
    seller = replace(SELLER, name="N" * 90, bic="BADBIC", iban="es91 2100 0418 4502 0005 1332")
    payment = epc_payment_for(make_document(seller=seller))
    assert payment is not None
    assert payment.name == "N" * 70 and payment.bic == "" and payment.iban == "ES9121000418450200051332"


def test_cyrillic_names_are_sent_as_utf8() -> None:
    payment = epc_payment_for(make_document(seller=replace(SELLER, name="ООО «Ромашка»")))
    assert payment is not None
    payload = epc_payload(payment)
    assert payload.split(b"\n")[2] == b"1"
    assert "ООО «Ромашка»".encode() in payload


def test_no_qr_code_unless_eur_with_something_due_and_an_iban() -> None:
    assert epc_qr_for(make_document()) is not None
    assert epc_qr_for(make_document(currency="SEK")) is None
    assert epc_qr_for(make_document(amount_due=Decimal(0))) is None
    assert epc_qr_for(make_document(amount_due=Decimal("-5.00"))) is None
    assert epc_qr_for(make_document(seller=replace(SELLER, iban=""))) is None
    assert epc_qr_for(credit_note()) is None


def dark_runs(matrix: tuple[bytearray, ...]) -> int:
    return sum(1 for row in matrix for i, dark in enumerate(row) if dark and (i == 0 or not row[i - 1]))


def test_qr_is_drawn_as_one_filled_path_of_row_runs() -> None:
    qr = make_epc_qr(EpcPayment(name="A", iban="ES9121000418450200051332", amount=Decimal(1), reference="RF18539007547034"))
    canvas = Canvas(BytesIO(), pageCompression=0)
    draw_qr(canvas, qr, 100, 100, 102)
    code = canvas.getpdfdata().decode("latin-1")
    path = code[code.index("q\n0 0 0 rg") : code.index("\nf\nQ")]
    assert path.count(" re") == dark_runs(qr.matrix)
    module = 102 / (len(qr.matrix) + 8)
    assert f"{module:.5f} 0 0 {module:.5f}" in path  # scaled to the box, quiet zone included
