"""PDF documents: invoices and credit notes with their EPC payment QR code.

``render_invoice`` is imported lazily so that ``desktop.documents.resources`` can be used
without loading ReportLab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.documents.invoice_pdf import render_invoice

__all__ = ["render_invoice"]


def __getattr__(name: str) -> Any:
    if name == "render_invoice":
        from desktop.documents.invoice_pdf import render_invoice

        return render_invoice
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
