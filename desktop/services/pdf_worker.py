"""Runs in PDF worker processes: imports only the renderer, not the database layers.

The renderer (ReportLab, fonts) is imported on first use, so starting the app does not pay for it.
"""

from __future__ import annotations

from desktop.domain.document import InvoiceDocument


def render_batch(documents: list[InvoiceDocument], pay_link: str | None = None) -> list[bytes]:
    """Each document's PDF; ``pay_link`` shown on each (they go with an email that has it)."""
    from desktop.documents.invoice_pdf import render_invoice

    return [render_invoice(doc, pay_link) for doc in documents]
