"""The main window: navigation, menus, status bar, and views refreshing each other after changes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from desktop.ui.audit_view import AuditView
from desktop.ui.bank_view import BankView
from desktop.ui.customers_view import CustomersView
from desktop.ui.debtors_view import DebtorsView
from desktop.ui.invoices_view import InvoicesView
from desktop.ui.main_window import MainWindow
from desktop.ui.payments_view import PaymentsView
from desktop.ui.reminders_view import RemindersView
from desktop.ui.subscriptions_view import SubscriptionsView
from desktop.ui.today_view import TodayView
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
    titles = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert titles[:6] == ["Today", "Invoices", "Customers", "Debtors", "Payments", "Bank"]
    assert "Reminders" in titles
    assert titles[titles.index("Reminders") + 1] == "Subscriptions"
    assert titles[-1] == "Audit log"
    assert isinstance(window.stack.currentWidget(), TodayView)  # the day starts with its work queue
    kinds = {"Today": TodayView, "Debtors": DebtorsView,
             "Customers": CustomersView, "Payments": PaymentsView, "Bank": BankView, "Reminders": RemindersView,
             "Subscriptions": SubscriptionsView, "Audit log": AuditView, "Invoices": InvoicesView}
    for row in [*range(1, len(titles)), 0]:
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is window.views[row]
        if titles[row] in kinds:
            assert isinstance(window.stack.currentWidget(), kinds[titles[row]])


def test_menus(window):
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert set(menus) == {"&File", "&Settings", "&Help"}
    file_menu = menus["&File"]
    assert isinstance(file_menu, QMenu)
    assert [a.text() for a in file_menu.actions() if not a.isSeparator()] == [
        "&Open database…", "&Import bank statements…", "Import c&ustomers and invoices…", "&Company settings…", "&Quit"]


def test_a_change_refreshes_the_visible_views_now_and_the_hidden_ones_when_shown(window, monkeypatch):
    refreshed: list[str] = []
    names = {}
    for view in window.views:
        name = next(n for n, value in vars(window).items() if value is view and not n.startswith("_"))
        names[name] = window.views.index(view)
        monkeypatch.setattr(view, "refresh", lambda name=name: refreshed.append(name))

    window.customers.changed.emit()
    assert refreshed == ["today"]  # the others are hidden: refreshed when shown
    window.nav.setCurrentRow(names["payments"])
    assert refreshed == ["today", "payments"]
    window.nav.setCurrentRow(names["customers"])
    assert refreshed == ["today", "payments"]  # the one that changed is not refreshed
    window.invoices.changed.emit()
    assert refreshed == ["today", "payments", "customers"]
    window.nav.setCurrentRow(names["bank"])
    assert refreshed[-1] == "bank"
    window.nav.setCurrentRow(names["audit"])
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
