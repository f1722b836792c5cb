"""The window's Settings menu: the email server, the payment provider, the reminder procedures, the
email templates, webhooks, and checking pay links for payments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu

from desktop.domain.errors import PaydeskError
from desktop.ui.pay_link_check import check_pay_links_action

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class SettingsMenu(QObject):
    """Adds "&Settings" to ``window``'s menu bar; ``dialog`` is the last dialog opened (for tests)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: QDialog | None = None
        self.menu: QMenu = window.menuBar().addMenu(self.tr("&Settings"))
        self.mail_action = QAction(self.tr("&Email server…"), window)
        self.mail_action.triggered.connect(self.mail_settings)
        self.provider_action = QAction(self.tr("&Payment provider…"), window)
        self.provider_action.triggered.connect(self.provider_settings)
        self.procedures_action = QAction(self.tr("&Reminder procedures…"), window)
        self.procedures_action.triggered.connect(self.procedures)
        self.templates_action = QAction(self.tr("Email &templates…"), window)
        self.templates_action.triggered.connect(self.templates)
        self.webhooks_action = QAction(self.tr("&Webhooks…"), window)
        self.webhooks_action.triggered.connect(self.webhooks)
        self.check_pay_links_action = check_pay_links_action(lambda: window.paydesk, window.tasks, window, window.refresh_all)
        self.menu.addAction(self.mail_action)
        self.menu.addAction(self.provider_action)
        self.menu.addAction(self.procedures_action)
        self.menu.addAction(self.templates_action)
        self.menu.addAction(self.webhooks_action)
        self.menu.addSeparator()
        self.menu.addAction(self.check_pay_links_action)

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def mail_settings(self) -> QDialog:
        from desktop.ui.mail_settings_dialog import MailSettingsDialog

        window = self._window
        return self._open(MailSettingsDialog(window.paydesk.mail_settings, window.tasks, window))

    def provider_settings(self) -> QDialog:
        from desktop.ui.provider_dialog import ProviderDialog

        window = self._window
        return self._open(ProviderDialog(window.paydesk.provider_settings, window.tasks, window))

    def templates(self) -> QDialog:
        from desktop.ui.template_editor import TemplateEditor

        window = self._window
        company = None
        try:
            company = window.paydesk.company.get()
        except PaydeskError:
            company = None
        return self._open(TemplateEditor(window.paydesk.templates, company, window))

    def webhooks(self) -> QDialog:
        from desktop.ui.webhooks_dialog import WebhooksDialog

        window = self._window
        return self._open(WebhooksDialog(window.paydesk.webhooks, window.tasks, window))

    def procedures(self) -> QDialog:
        from desktop.ui.procedure_dialog import ProcedureDialog

        return self._open(ProcedureDialog(self._window.paydesk, self._window))
