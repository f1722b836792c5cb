"""The main window: navigation on the left, one view at a time on the right, the database in the status bar."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QWidget,
)

from desktop import __version__
from desktop.domain.errors import PaydeskError
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.ui import crash, messages
from desktop.ui.audit_view import AuditView
from desktop.ui.bank_view import BankView
from desktop.ui.customers_view import CustomersView
from desktop.ui.debtors_view import DebtorsView
from desktop.ui.invoices_view import InvoicesView
from desktop.ui.payments_view import PaymentsView
from desktop.ui.reminders_view import RemindersView
from desktop.ui.reports_view import ReportsView
from desktop.ui.subscriptions_view import SubscriptionsView
from desktop.ui.tasks import TaskRunner
from desktop.ui.today_view import TodayView

DemoMaker = Callable[..., None]
"""``create_demo(paydesk, progress=...)``."""

DATABASE_FILTER = "*.sqlite *.db *.paydesk"
View = (TodayView | InvoicesView | CustomersView | DebtorsView | PaymentsView | BankView | RemindersView | SubscriptionsView
        | ReportsView | AuditView)


class MainWindow(QMainWindow):
    """The window over one open database; closing the window closes the database.

    Signals:
        open_requested: the user chose another database file (a ``Path``); the application opens it.
    """

    open_requested = Signal(object)

    def __init__(self, paydesk: Paydesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paydesk = paydesk
        self.tasks = TaskRunner(self, self.report)
        self.resize(1200, 760)
        self.setMinimumSize(QSize(800, 500))

        self.today = TodayView(paydesk, self.tasks, self)
        self.invoices = InvoicesView(paydesk, self.tasks, self)
        self.customers = CustomersView(paydesk, self.tasks, self)
        self.debtors = DebtorsView(paydesk, self.tasks, self)
        self.payments = PaymentsView(paydesk, self.tasks, self)
        self.bank = BankView(paydesk, self.tasks, self)
        self.reminders = RemindersView(paydesk, self.tasks, self)
        self.subscriptions = SubscriptionsView(paydesk, self.tasks, self)
        self.reports = ReportsView(paydesk, self.tasks, self)
        self.audit = AuditView(paydesk, self.tasks, self)
        self.views: list[View] = [self.today, self.invoices, self.customers, self.debtors, self.payments, self.bank,
                                  self.reminders, self.subscriptions, self.reports, self.audit]
        self._stale: set[int] = set()

        self.stack = QStackedWidget(self)
        self.nav = QListWidget(self)
        sp = QStyle.StandardPixmap
        pages = ((self.tr("Today"), sp.SP_DialogYesButton), (self.tr("Invoices"), sp.SP_FileIcon),
                 (self.tr("Customers"), sp.SP_DirHomeIcon), (self.tr("Debtors"), sp.SP_FileDialogListView),
                 (self.tr("Payments"), sp.SP_DialogApplyButton), (self.tr("Bank"), sp.SP_DriveNetIcon),
                 (self.tr("Reminders"), sp.SP_MessageBoxWarning), (self.tr("Subscriptions"), sp.SP_BrowserReload),
                 (self.tr("Reports"), sp.SP_FileDialogInfoView), (self.tr("Audit log"), sp.SP_FileDialogDetailedView))
        for view, (title, icon) in zip(self.views, pages, strict=True):
            self.stack.addWidget(view)
            QListWidgetItem(self.style().standardIcon(icon), title, self.nav)
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 36, 170))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setStyleSheet("QListWidget { background: palette(window); padding-top: 8px; }"
                               "QListWidget::item { padding: 6px 4px; }")
        self.nav.currentRowChanged.connect(self.show_page)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._make_menus()
        self.path_label = QLabel(self)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.path_label)
        self.invoices.status_message.connect(self.show_message)
        self.today.status_message.connect(self.show_message)
        self.debtors.status_message.connect(self.show_message)
        self.today.open_bank_review.connect(self.show_bank_review)
        self.today.open_reminders.connect(self._open_reminder_run)
        self.bank.status_message.connect(self.show_message)
        self.reminders.status_message.connect(self.show_message)
        self.subscriptions.status_message.connect(self.show_message)
        self.reports.status_message.connect(self.show_message)
        self.reminders.jobs.billed.connect(self.subscriptions.after_background_run)  # the start-up billing run
        for view in self.views:
            view.changed.connect(self._view_changed)
        self.nav.setCurrentRow(0)
        self._update_title()
        self._show_open_report()

    def _make_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.open_action = QAction(self.tr("&Open database…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        self.import_statements_action = QAction(self.tr("&Import bank statements…"), self)
        self.import_statements_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.import_statements_action.setStatusTip(self.tr("Import statement files and match their payments to open invoices"))
        self.import_statements_action.triggered.connect(self.import_statements)
        from desktop.ui.ledger_import_dialog import open_ledger_import

        self.import_ledger_action = QAction(self.tr("Import c&ustomers and invoices…"), self)
        self.import_ledger_action.setStatusTip(self.tr("Import customers and open invoices from your accounting package "
                                                       "(CSV or Excel export)"))
        self.import_ledger_action.triggered.connect(lambda: open_ledger_import(self, self.paydesk, self.tasks))
        self.company_action = QAction(self.tr("&Company settings…"), self)
        self.company_action.triggered.connect(self.company_settings)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.import_statements_action)
        file_menu.addAction(self.import_ledger_action)
        file_menu.addAction(self.company_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        from desktop.ui.settings_menu import SettingsMenu

        self.settings_menu = SettingsMenu(self)  # Settings: email server, payment provider, templates, check pay links
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.about_action = QAction(self.tr("&About Paydesk"), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.about)
        help_menu.addAction(self.about_action)

    # --- pages and refreshing ------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        if index in self._stale:
            self._stale.discard(index)
            self.views[index].refresh()
        self.nav.setCurrentRow(index)

    def show_view(self, view: View) -> None:
        """Switch to ``view`` (one of ``views``), as a click in the navigation does."""
        self.show_page(self.views.index(view))

    def show_bank_review(self) -> None:
        """The Bank page, on the transactions waiting for review."""
        from desktop.domain.bank import TransactionState

        self.show_view(self.bank)
        self.bank.set_state_filter(TransactionState.REVIEW)

    def _view_changed(self) -> None:
        """One view changed data: the visible others refresh now, hidden ones when next shown."""
        source = self.sender()
        for index, view in enumerate(self.views):
            if view is source:
                continue
            if view.isVisible():
                view.refresh()
            else:
                self._stale.add(index)

    def refresh_all(self) -> None:
        for view in self.views:
            view.refresh()
        self._stale.clear()
        self._update_title()

    def _open_reminder_run(self) -> None:
        """From Today's "reminders are due": the Reminders page with today's run already previewed."""
        self.show_view(self.reminders)
        if not self.reminders.run.sending:
            self.reminders.run.preview_run()

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _update_title(self) -> None:
        company = None
        with contextlib.suppress(PaydeskError):
            company = self.paydesk.company.get()
        name = company.name if company else self.paydesk.path.name
        self.setWindowTitle(self.tr("{name} — Paydesk").format(name=name))
        self.path_label.setText(self.tr("Database: {path}").format(path=self.paydesk.path))

    def _show_open_report(self) -> None:
        backup = self.paydesk.open_report.backup
        if backup is not None:
            self.statusBar().showMessage(self.tr(
                "The database was upgraded to this version of Paydesk. A copy of the old one is at {path}").format(path=backup))

    # --- errors ----------------------------------------------------------------------------------
    def report(self, error: BaseException) -> None:
        """Where background work sends what its caller did not handle."""
        if isinstance(error, PaydeskError):
            messages.show_error(self, error)
        else:
            crash.report_bug(error)

    # --- menu actions -------------------------------------------------------------------------
    def choose_database(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Open database"), str(self.paydesk.path.parent),
            self.tr("Paydesk databases ({patterns});;All files (*)").format(patterns=DATABASE_FILTER))
        if path:
            self.open_requested.emit(Path(path))

    def import_statements(self) -> None:
        """Show the Bank page and import statement files there."""
        self.show_page(self.views.index(self.bank))
        self.bank.import_statements()

    def company_settings(self) -> QWidget:
        from desktop.ui.company_dialog import CompanyDialog

        dialog = CompanyDialog(self.paydesk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh_all)
        dialog.open()
        return dialog

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About Paydesk"), self.tr(
            "<h3>Paydesk {version}</h3><p>Gets small businesses paid: invoices, PDFs and payments, "
            "in a database file you own.</p><p>Database: {path}</p>").format(version=__version__, path=self.paydesk.path))

    def run_demo(self, create_demo: DemoMaker) -> None:
        """Fill this (empty) database with the demo company in the background."""
        paydesk = self.paydesk

        def work(progress: ProgressCallback, _token: CancelToken) -> None:
            create_demo(paydesk, progress=progress)

        def done(_result: None) -> None:
            self.refresh_all()
            self.show_message(self.tr("The demo company is ready to explore."))

        self.tasks.run(work, done, title=self.tr("Creating the demo company…"), dialog_parent=self, cancellable=False)

    # --- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.reminders.shutdown()
        self.today.shutdown()
        self.debtors.shutdown()
        if self.tasks.busy():
            self.tasks.cancel_all()
            self.tasks.wait()
        self.paydesk.close()
        super().closeEvent(event)
