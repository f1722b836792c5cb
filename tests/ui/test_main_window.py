"""The main window: navigation, menus, status bar, and views refreshing each other after changes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from desktop.ui.audit_view import AuditView
from desktop.ui.bank_view import BankView
from desktop.ui.customers_view import CustomersView
from desktop.ui.invoices_view import InvoicesView
from desktop.ui.main_window import MainWindow
from desktop.ui.payments_view import PaymentsView
from tests.ui.message_recorder import record_messages


@pytest.fixture
def window(qtbot, paydesk, monkeypatch):
    record_messages(monkeypatch)
    main = MainWindow(paydesk)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def test_default_size_title_and_database_in_the_status_bar(window, paydesk):
    assert (window.width(), window.height()) == (1200, 760)
    assert window.windowTitle() == "Paydesk Demo B.V. — Paydesk"
    assert window.path_label.text() == f"Database: {paydesk.path}"


def test_navigation_switches_views(window):
    assert [window.nav.item(row).text() for row in range(window.nav.count())] == [
        "Invoices", "Customers", "Payments", "Bank", "Audit log"]
    assert isinstance(window.stack.currentWidget(), InvoicesView)
    for row, kind in enumerate((CustomersView, PaymentsView, BankView, AuditView, InvoicesView), start=1):
        window.nav.setCurrentRow(row % 5)
        assert isinstance(window.stack.currentWidget(), kind)


def test_menus(window):
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert set(menus) == {"&File", "&Settings", "&Help"}
    file_menu = menus["&File"]
    assert isinstance(file_menu, QMenu)
    assert [a.text() for a in file_menu.actions() if not a.isSeparator()] == [
        "&Open database…", "&Import bank statements…", "&Company settings…", "&Quit"]


def test_a_change_refreshes_the_visible_views_now_and_the_hidden_ones_when_shown(window, monkeypatch):
    refreshed: list[str] = []
    for name in ("invoices", "customers", "payments", "bank", "audit"):
        view = getattr(window, name)
        monkeypatch.setattr(view, "refresh", lambda name=name: refreshed.append(name))

    window.customers.changed.emit()
    assert refreshed == ["invoices"]  # the others are hidden: refreshed when shown
    window.nav.setCurrentRow(2)
    assert refreshed == ["invoices", "payments"]
    window.nav.setCurrentRow(1)
    assert refreshed == ["invoices", "payments"]  # the one that changed is not refreshed
    window.invoices.changed.emit()
    assert refreshed == ["invoices", "payments", "customers"]
    window.nav.setCurrentRow(3)
    assert refreshed[-1] == "bank"
    window.nav.setCurrentRow(4)
    assert refreshed[-1] == "audit"


def test_invoice_messages_reach_the_status_bar(window):
    window.invoices.status_message.emit("Invoice 2026-00001 issued.")
    assert window.statusBar().currentMessage() == "Invoice 2026-00001 issued."


def test_open_database_asks_the_application(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    chosen = tmp_path / "other.sqlite"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(chosen), ""))
    requested: list[object] = []
    window.open_requested.connect(requested.append)
    window.open_action.trigger()
    assert requested == [chosen]


def test_company_settings_opens_the_company_dialog(window):
    from desktop.ui.company_dialog import CompanyDialog

    dialog = window.company_settings()
    assert isinstance(dialog, CompanyDialog)
    dialog.close()
