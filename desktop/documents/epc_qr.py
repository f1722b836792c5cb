"""The EPC ("GiroCode") QR code for a SEPA credit transfer, drawn as vector boxes on the canvas.

The payload follows EPC069-12 version 002, the same as ``segno.helpers.make_epc_qr`` builds it
(tests check that both give the same symbol). The code is made with a fixed data mask: letting
segno score all eight masks takes about 7 ms, more than the rest of an invoice. Any mask reads
correctly; the choice only tunes contrast patterns.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import segno
from reportlab.pdfgen.canvas import Canvas

from desktop.domain.document import InvoiceDocument
from desktop.domain.states import InvoiceKind

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
MAX_NAME = 70
MAX_TEXT = 140
MAX_REFERENCE = 35
QR_MASK = 3  # the mask segno picks most often for EPC payloads
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


@dataclass(frozen=True, slots=True)
class EpcPayment:
    """What the banking app fills in: beneficiary, account, amount and the remittance."""

    name: str
    iban: str
    amount: Decimal
    bic: str = ""
    reference: str = ""  # structured creditor reference (RF...), or
    text: str = ""  # unstructured remittance when there is no reference


def _compact(value: str) -> str:
    return "".join(value.split()).upper()


def epc_payment_for(doc: InvoiceDocument) -> EpcPayment | None:
    """The transfer the QR code asks for, or ``None`` when the document gets no QR code.

    Only invoices in EUR with something still to pay, from a seller with an IBAN, get one.
    """
    if doc.kind is not InvoiceKind.INVOICE or doc.currency != "EUR":
        return None
    amount = doc.amount_due.quantize(MIN_AMOUNT)
    iban = _compact(doc.seller.iban)
    name = " ".join(doc.seller.name.split())[:MAX_NAME]
    if not iban or not name or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        return None
    bic = _compact(doc.seller.bic)
    reference = _compact(doc.reference or "")
    if len(reference) > MAX_REFERENCE:
        reference = ""
    return EpcPayment(
        name=name,
        iban=iban,
        amount=amount,
        bic=bic if len(bic) in (8, 11) else "",
        reference=reference,
        text="" if reference else doc.number[:MAX_TEXT],
    )


def epc_payload(payment: EpcPayment) -> bytes:
    """The QR payload: twelve-or-fewer lines, ISO 8859-1 when the names allow it, else UTF-8."""
    amount = f"EUR{payment.amount:.2f}".rstrip("0").rstrip(".")
    lines = ["BCD", "002", "", "SCT", payment.bic, payment.name, payment.iban, amount, "", payment.reference]
    if payment.text:
        lines.append(payment.text)
    body = "\n".join(lines)
    try:
        body.encode("iso-8859-1")
    except UnicodeEncodeError:
        lines[2] = "1"
        return "\n".join(lines).encode("utf-8")
    lines[2] = "2"
    return "\n".join(lines).encode("iso-8859-1")


def make_epc_qr(payment: EpcPayment) -> segno.QRCode:
    """The QR symbol (error correction level M, as EPC requires; a fixed mask keeps it stable)."""
    return segno.make_qr(epc_payload(payment), error="m", mask=QR_MASK, boost_error=False)


def epc_qr_for(doc: InvoiceDocument) -> segno.QRCode | None:
    """The QR code to print on ``doc``, or ``None`` when it gets none."""
    payment = epc_payment_for(doc)
    return make_epc_qr(payment) if payment else None


def draw_qr(canvas: Canvas, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    """Draw ``qr`` as filled boxes in the square ``size`` wide whose lower-left corner is ``x, y``.

    ``size`` includes the quiet zone. Dark modules of a row are merged into runs, and the whole
    code is a single path in module units, so the content stream stays small.
    """
    matrix = qr.matrix
    count = len(matrix)
    module = size / (count + 2 * QUIET_ZONE)
    ops = ["q", "0 0 0 rg", f"{module:.5f} 0 0 {module:.5f} {x + QUIET_ZONE * module:.3f} "
           f"{y + QUIET_ZONE * module:.3f} cm"]
    append = ops.append
    for index, row in enumerate(matrix):  # rows are bytearrays of 0 and 1: let find() scan them
        line_y = count - 1 - index
        start = row.find(1)
        while start >= 0:
            end = row.find(0, start)
            if end < 0:
                end = count
            append(f"{start} {line_y} {end - start} 1 re")
            start = row.find(1, end)
    append("f")
    append("Q")
    canvas.addLiteral("\n".join(ops))
