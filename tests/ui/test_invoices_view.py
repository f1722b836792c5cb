"""The invoice list: filters and sorting in SQL, actions by state, background finalize/export."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QWidget

from desktop.domain.payment import Allocation, PaymentInput
from desktop.domain.states import InvoiceStatus
from desktop.services.mail_settings import MailSettings, Security
from desktop.ui.credit_note_dialog import CreditNoteDialog
from desktop.ui.invoice_editor import InvoiceEditor
from desktop.ui.invoice_table import OVERDUE
from desktop.ui.invoice_viewer import InvoiceViewer
from desktop.ui.invoices_view import InvoicesView
from desktop.ui.reason_dialog import ReasonDialog
from desktop.ui.tasks import TaskRunner
from tests.conftest import TODAY
from tests.ui.message_recorder import Messages, record_messages

NUMBER, CUSTOMER, ISSUED, DUE, TOTAL, OPEN, CURRENCY, STATUS = range(8)


@pytest.fixture
def shown(monkeypatch):
    return record_messages(monkeypatch)


@pytest.fixture
def invoices(paydesk, customer, russian_customer, make_invoice) -> dict[str, int]:
    """Created in issue-date order (numbers follow dates): paid, overdue, due today, recent, draft."""
    paid = make_invoice("300.00", issue=TODAY - timedelta(days=60))
    paydesk.payments.record(PaymentInput(customer, TODAY - timedelta(days=1), Decimal("363.00"), "EUR",
                                         allocations=[Allocation(paid, Decimal("363.00"))]))
    return {
        "paid": paid,
        "overdue": make_invoice("100.00", issue=TODAY - timedelta(days=40)),
        "russian": make_invoice("75.00", issue=TODAY - timedelta(days=30), customer_id=russian_customer),
        "recent": make_invoice("250.00", issue=TODAY - timedelta(days=5)),
        "draft": make_invoice("50.00", finalize=False, issue=TODAY - timedelta(days=2)),
    }


@pytest.fixture
def make_view(qtbot, shown):
    reports: list[BaseException] = []
    made: list[tuple[QWidget, TaskRunner]] = []  # strong references: the host owns the view

    def make(paydesk) -> InvoicesView:
        host = QWidget()
        qtbot.addWidget(host)
        tasks = TaskRunner(host, reports.append)
        made.append((host, tasks))
        view = InvoicesView(paydesk, tasks, host)
        host.resize(1100, 600)
        return view

    yield make
    for _host, tasks in made:
        tasks.wait()
    assert reports == []


@pytest.fixture
def view(make_view, paydesk, invoices) -> InvoicesView:
    return make_view(paydesk)


def column(view: InvoicesView, col: int) -> list[str]:
    return [view.model.data(view.model.index(row, col)) for row in range(view.model.rowCount())]


def select(view: InvoicesView, *ids: int) -> None:
    view.table.selectionModel().clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for invoice_id in ids:
        row = view.model.row_of(invoice_id)
        assert row is not None
        view.table.selectionModel().select(view.model.index(row, 0), flags)


def test_lists_every_invoice_newest_first(view, invoices):
    assert column(view, NUMBER) == ["(draft)", "2026-00004", "2026-00003", "2026-00002", "2026-00001"]
    assert column(view, TOTAL) == ["60.50", "302.50", "90.75", "121.00", "363.00"]
    assert column(view, OPEN) == ["", "302.50", "90.75", "121.00", ""]
    assert column(view, STATUS) == ["Draft", "Open", "Open", "Open, 10 days overdue", "Paid"]
    assert view.count_label.text() == "5 invoices"
    assert view.model.data(view.model.index(0, TOTAL), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_overdue_is_red(view, invoices):
    row = view.model.row_of(invoices["overdue"])
    assert view.model.data(view.model.index(row, STATUS), Qt.ItemDataRole.ForegroundRole) == OVERDUE
    assert view.model.data(view.model.index(row, DUE), Qt.ItemDataRole.ForegroundRole) == OVERDUE
    recent = view.model.row_of(invoices["recent"])
    assert view.model.data(view.model.index(recent, STATUS), Qt.ItemDataRole.ForegroundRole) is None


@pytest.mark.parametrize(("status", "expected"), [
    ("Drafts", ["(draft)"]),
    ("Unpaid", ["2026-00004", "2026-00003", "2026-00002"]),
    ("Overdue", ["2026-00002"]),
    ("Paid", ["2026-00001"]),
    ("Void", []),
])
def test_filter_by_status(view, status, expected):
    view.filters.select_status(status)
    assert column(view, NUMBER) == expected
    assert view.count_label.text() == ("1 invoice" if len(expected) == 1 else f"{len(expected)} invoices")


def test_free_text_waits_for_typing_to_pause(qtbot, view):
    view.filters.text.setText("Северный")
    assert view.model.rowCount() == 5  # not yet: typing may go on
    with qtbot.waitSignal(view.filters.changed, timeout=2000):
        pass
    assert column(view, NUMBER) == ["2026-00003"]
    view.filters.text.setText("2026-0000")
    view.filters.flush()
    assert len(column(view, NUMBER)) == 4


def test_filter_by_customer_and_issue_dates(qtbot, view, russian_customer):
    view.filters.customer.set_customer_id(russian_customer)
    assert column(view, NUMBER) == ["2026-00003"]
    view.filters.customer.set_customer_id(None)
    view.filters.issued_from.set_value(TODAY - timedelta(days=10))
    assert column(view, NUMBER) == ["(draft)", "2026-00004"]
    view.filters.issued_to.set_value(TODAY - timedelta(days=3))
    assert column(view, NUMBER) == ["2026-00004"]
    qtbot.keyClick(view.filters.issued_from, Qt.Key.Key_Delete)  # one date cleared
    assert view.filters.issued_from.value() is None
    assert column(view, NUMBER)[0] == "2026-00004"
    assert len(column(view, NUMBER)) == 4
    view.filters.clear()
    assert view.model.rowCount() == 5


def test_sorting_by_header_is_done_in_sql_and_keeps_the_selection(view, invoices):
    select(view, invoices["russian"])
    view.table.sortByColumn(TOTAL, Qt.SortOrder.AscendingOrder)
    assert column(view, TOTAL) == ["60.50", "90.75", "121.00", "302.50", "363.00"]
    assert view.selected_ids() == [invoices["russian"]]
    view.table.sortByColumn(TOTAL, Qt.SortOrder.DescendingOrder)
    assert column(view, TOTAL) == ["363.00", "302.50", "121.00", "90.75", "60.50"]
    view.table.sortByColumn(CUSTOMER, Qt.SortOrder.AscendingOrder)
    assert column(view, CUSTOMER)[0] == "García y Asociados S.L."
    assert column(view, CUSTOMER)[-1] == "ООО «Северный ветер»"
    assert view.selected_ids() == [invoices["russian"]]


def test_the_list_model_passes_the_model_tester(qtmodeltester, view):
    qtmodeltester.check(view.model)
    view.table.sortByColumn(DUE, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(view.model)


def test_empty_list_says_how_to_start(make_view, paydesk, customer, shown: Messages):
    view = make_view(paydesk)
    assert view.pages.currentIndex() == 1
    assert "No invoices yet" in view.hint.text()
    assert "New invoice" in view.hint.text()
    view.hint_button.click()  # opens the editor for a new invoice
    editor = view.findChild(InvoiceEditor)
    assert editor is not None and editor.isVisible()
    editor.close()


def test_no_matches_offers_to_clear_the_filters(view):
    view.filters.select_status("Void")
    assert view.pages.currentIndex() == 1
    assert view.hint.text() == "No invoices match these filters."
    view.hint_button.click()
    assert view.pages.currentIndex() == 0
    assert view.model.rowCount() == 5


def enabled(view: InvoicesView) -> set[str]:
    actions = {"open": view.open_action, "finalize": view.finalize_action, "delete": view.delete_action,
               "pay": view.payment_action, "credit": view.credit_action, "void": view.void_action,
               "write_off": view.write_off_action, "pdf": view.pdf_action, "export": view.export_action}
    return {name for name, action in actions.items() if action.isEnabled()}


def test_actions_follow_the_selected_states(view, invoices):
    assert enabled(view) == set()
    select(view, invoices["draft"])
    assert enabled(view) == {"open", "finalize", "delete"}
    assert view.open_action.text() == "Edit draft"
    select(view, invoices["overdue"])
    assert enabled(view) == {"open", "pay", "credit", "void", "write_off", "pdf", "export"}
    assert view.open_action.text() == "View invoice"
    select(view, invoices["paid"])
    assert enabled(view) == {"open", "credit", "pdf", "export"}
    select(view, invoices["draft"], invoices["recent"])
    assert enabled(view) == {"export"}
    assert view.count_label.text() == "5 invoices · 2 selected"


def test_finalize_selected_drafts_in_the_background(qtbot, view, paydesk, invoices, shown: Messages):
    select(view, invoices["draft"])
    with qtbot.waitSignal(view.changed, timeout=5000), qtbot.waitSignal(view.status_message) as message:
        view.finalize_action.trigger()
    assert message.args == ["Invoice 2026-00005 issued."]
    assert paydesk.invoices.get(invoices["draft"]).status is InvoiceStatus.OPEN
    assert "can't be changed" in shown.questions[0]
    assert view.selected_ids() == [invoices["draft"]]
    assert "finalize" not in enabled(view)


def test_delete_draft_after_asking(view, paydesk, invoices, shown: Messages):
    select(view, invoices["draft"])
    shown.answer = False
    view.delete_action.trigger()
    assert view.model.rowCount() == 5
    shown.answer = True
    view.delete_action.trigger()
    assert view.model.rowCount() == 4
    assert invoices["draft"] not in paydesk.invoices.search(view.filters.current())


def test_export_the_selection_as_pdfs(qtbot, view, invoices, tmp_path, monkeypatch, shown: Messages):
    out = tmp_path / "out"
    monkeypatch.setattr(view, "choose_export_folder", lambda: out)
    select(view, invoices["overdue"], invoices["recent"], invoices["draft"])
    view.export_action.trigger()
    qtbot.waitUntil(lambda: bool(shown.infos), timeout=30_000)
    assert shown.infos == [f"2 PDFs written to {out}. 1 draft was skipped: drafts have no PDF yet."]
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["2026-00002.pdf", "2026-00004.pdf"]
    assert all(f.read_bytes().startswith(b"%PDF") for f in files)


def test_export_to_a_folder_that_cannot_be_written(qtbot, view, invoices, tmp_path, monkeypatch, shown: Messages):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    monkeypatch.setattr(view, "choose_export_folder", lambda: blocker / "sub")
    select(view, invoices["overdue"])
    view.export_action.trigger()
    qtbot.waitUntil(lambda: bool(shown.errors), timeout=10_000)
    assert shown.errors[0].startswith(f"Cannot write PDFs to {blocker / 'sub'}")
    assert shown.infos == []


def test_open_pdf_renders_in_the_background(qtbot, view, invoices, monkeypatch):
    opened: list[Path] = []
    monkeypatch.setattr(view, "show_file", opened.append)
    select(view, invoices["recent"])
    view.pdf_action.trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert opened[0].name == "2026-00004.pdf"
    assert opened[0].read_bytes().startswith(b"%PDF")


def test_void_asks_for_a_reason(qtbot, view, paydesk, invoices):
    select(view, invoices["recent"])
    dialog = view.void_selected()
    assert isinstance(dialog, ReasonDialog)
    assert not dialog.confirm_button.isEnabled()
    dialog.reason.setPlainText("Sent to the wrong customer")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert paydesk.invoices.get(invoices["recent"]).status is InvoiceStatus.VOID
    assert "Sent to the wrong customer" in paydesk.invoices.audit_trail(invoices["recent"])[0].summary
    assert column(view, STATUS)[1] == "Void"


def test_write_off_shows_a_refusal_in_the_dialog(qtbot, view, paydesk, invoices):
    select(view, invoices["overdue"])
    dialog = view.write_off_selected()
    assert isinstance(dialog, ReasonDialog)
    paydesk.invoices.void(invoices["overdue"], "meanwhile, elsewhere")
    dialog.reason.setPlainText("Customer went bankrupt")
    dialog.confirm()
    assert dialog.isVisible()
    assert dialog.error.text() == "Cannot write off invoice 2026-00002: it is void."


def test_view_an_issued_invoice_read_only(qtmodeltester, view, invoices):
    select(view, invoices["paid"])
    viewer = view.open_selected()
    assert isinstance(viewer, InvoiceViewer)
    assert viewer.windowTitle() == "Invoice 2026-00001"
    assert viewer.trail.topLevelItemCount() >= 2  # issued, payment allocated
    assert not viewer.lines.flags(viewer.lines.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    qtmodeltester.check(viewer.lines)
    viewer.close()


def test_edit_a_draft_from_the_list(qtbot, view, invoices):
    select(view, invoices["draft"])
    editor = view.open_selected()
    assert isinstance(editor, InvoiceEditor)
    editor.notes.setPlainText("Changed")
    with qtbot.waitSignal(view.changed):
        editor.save_draft()
    assert view.selected_ids() == [invoices["draft"]]


def test_credit_the_whole_invoice(qtbot, view, paydesk, invoices, shown: Messages):
    select(view, invoices["overdue"])
    dialog = view.credit_note()
    assert isinstance(dialog, CreditNoteDialog)
    assert dialog.whole.isChecked()
    with qtbot.waitSignal(view.status_message) as message:
        dialog.issue()
    assert message.args == ["Credit note CN2026-00001 issued."]
    assert paydesk.invoices.get(invoices["overdue"]).open_amount == 0
    assert column(view, NUMBER)[0] == "CN2026-00001"


def test_credit_lines_needs_a_ticked_line(view, paydesk, invoices, shown: Messages):
    select(view, invoices["recent"])
    dialog = view.credit_note()
    assert isinstance(dialog, CreditNoteDialog)
    dialog.by_lines.setChecked(True)
    dialog.issue()
    assert dialog.errors.message("lines") == "Tick at least one line to credit."
    assert shown.questions == []
    dialog.lines.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.issue()
    assert dialog.number == "CN2026-00001"


def test_credit_an_amount_above_what_is_left_is_refused(view, paydesk, invoices, shown: Messages):
    select(view, invoices["recent"])
    dialog = view.credit_note()
    assert isinstance(dialog, CreditNoteDialog)
    dialog.by_amount.setChecked(True)
    dialog.amount.setText("1.000,00")
    dialog.issue()
    assert dialog.errors.message("amount") == "Only 302.50 EUR of invoice 2026-00004 is left to credit."
    dialog.amount.setText("20,50")
    dialog.issue()
    assert dialog.number == "CN2026-00001"
    assert paydesk.invoices.get(invoices["recent"]).open_amount == Decimal("282.00")


def test_record_payment_opens_the_payment_dialog_for_the_invoice(view, invoices):
    from desktop.ui.payment_dialog import PaymentDialog

    select(view, invoices["overdue"])
    dialog = view.record_payment()
    assert isinstance(dialog, PaymentDialog)
    assert dialog.isVisible()
    dialog.close()


def test_new_invoice_is_selected_after_saving(qtbot, view, customer):
    editor = view.new_invoice()
    assert isinstance(editor, InvoiceEditor)
    editor.customer.set_customer_id(customer)
    editor.lines.setData(editor.lines.index(0, 0), "Consulting")
    editor.lines.setData(editor.lines.index(0, 3), "10")
    with qtbot.waitSignal(view.changed):
        editor.save_draft()
    assert view.model.rowCount() == 6
    assert view.selected_ids() == [editor.invoice_id]


def test_new_invoice_without_customers_adds_the_first_customer_then_opens_the_invoice(qtbot, make_view, paydesk, shown):
    from desktop.ui.customer_editor import CustomerEditor

    view = make_view(paydesk)
    first = view.new_invoice()
    assert isinstance(first, CustomerEditor)
    assert shown.infos and "there are none yet" in shown.infos[0]
    first.name.setText("Bakkerij Jansen")
    with qtbot.waitSignal(view.changed):
        assert first.save()
    editor = view.findChild(InvoiceEditor)
    assert editor is not None and editor.isVisible()
    assert editor.current_draft().customer_id == paydesk.customers.search()[0]


def test_email_invoice_queues_it_in_the_outbox(qtbot, view, paydesk, invoices, shown: Messages):
    select(view, invoices["draft"])
    assert not view.email_action.isEnabled()  # drafts are never emailed
    select(view, invoices["overdue"])
    assert view.email_action.isEnabled()
    view.email_action.trigger()  # email not set up: said so, nothing queued
    qtbot.waitUntil(lambda: bool(shown.errors), timeout=10_000)
    assert "Email is not set up" in shown.errors[0] and paydesk.outbox.list() == []
    paydesk.mail_settings.save(MailSettings(host="127.0.0.1", port=2525, security=Security.NONE,
                                            from_address="billing@paydesk-demo.example"))
    with qtbot.waitSignal(view.status_message, timeout=10_000) as said:
        view.email_action.trigger()
    assert "queued for email" in said.args[0]
    [entry] = paydesk.outbox.list()
    assert entry.state == "queued" and entry.to == ["cuentas@garcia.example"] and entry.kind == "invoice"
