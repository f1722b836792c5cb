"""The database itself refuses changes to issued invoices and to the audit log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.services.paydesk import Paydesk
from tests.conftest import MakeInvoice


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


@pytest.mark.parametrize("statement", [
    "UPDATE invoices SET total_minor = 1 WHERE number IS NOT NULL",
    "UPDATE invoices SET number = 'X-1' WHERE number IS NOT NULL",
    "UPDATE invoices SET due_date = '2099-01-01' WHERE number IS NOT NULL",
    "UPDATE invoices SET status = 'draft' WHERE number IS NOT NULL",
    "UPDATE invoices SET bill_name = 'Someone else' WHERE number IS NOT NULL",
    "DELETE FROM invoices WHERE number IS NOT NULL",
    "UPDATE invoice_lines SET unit_price_minor = 1",
    "DELETE FROM invoice_lines",
    "INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit, unit_price_minor, discount_bp,"
    " vat_rate_bp, net_minor) SELECT id, 9, 'extra', 1000, '', 100, 0, 0, 100 FROM invoices WHERE number IS NOT NULL",
    "UPDATE audit_log SET summary = 'nothing happened'",
    "DELETE FROM audit_log",
])
def test_database_refuses_changes_to_issued_invoices(paydesk: Paydesk, make_invoice: MakeInvoice, statement: str) -> None:
    make_invoice("100.00")
    with _raw(paydesk.path) as conn, pytest.raises(sqlite3.IntegrityError, match=r"cannot be|append-only"):
        conn.execute(statement)


def test_drafts_and_issued_states_can_still_change(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    draft = make_invoice("10.00", finalize=False)
    issued = make_invoice("10.00")
    with _raw(paydesk.path) as conn:
        conn.execute("UPDATE invoice_lines SET unit_price_minor = 2000 WHERE invoice_id = ?", (draft,))
        conn.execute("UPDATE invoices SET status = 'void', status_reason = 'error' WHERE id = ?", (issued,))
        conn.execute("DELETE FROM invoice_lines WHERE invoice_id = ?", (draft,))
        conn.execute("DELETE FROM invoices WHERE id = ?", (draft,))
