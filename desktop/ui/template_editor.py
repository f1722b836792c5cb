"""Settings › Email templates: each reminder template in each language, its subject, plain text and
HTML edited side by side with a live preview on sample data. A template that does not render is
shown with its line and is never saved; Reset goes back to the version Paydesk ships."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.company import Company
from desktop.domain.errors import PaydeskError
from desktop.domain.languages import LANGUAGES
from desktop.services.templates import TemplateInfo, TemplateProblem, TemplateService, TemplateSources
from desktop.ui import messages
from desktop.ui.field_errors import ERROR_COLOR

PREVIEW_DELAY_MS = 300
ROLE_KEY = Qt.ItemDataRole.UserRole


class TemplateEditor(QDialog):
    """``select(template, language)`` loads one; edits preview after ``PREVIEW_DELAY_MS`` of quiet."""

    def __init__(self, service: TemplateService, company: Company | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._company = company
        self._loaded: TemplateSources | None = None
        self.problem: TemplateProblem | None = None
        self.setWindowTitle(self.tr("Email templates"))
        self.resize(1180, 720)

        self.list = QListWidget(self)
        self.list.setMinimumWidth(210)
        self.subject = QLineEdit(self)
        self.text = self._code_editor()
        self.html = self._code_editor()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.text, self.tr("Plain text"))
        self.tabs.addTab(self.html, self.tr("HTML"))
        self.tabs.addTab(self._placeholders(), self.tr("Placeholders"))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel(self)
        self.state.setStyleSheet("color: palette(placeholder-text);")
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(self.tr("&Reset to shipped"), self)
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        editor = QWidget(self)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(QLabel(self.tr("Subject"), self))
        editor_layout.addWidget(self.subject)
        editor_layout.addWidget(self.tabs, 1)
        editor_layout.addWidget(self.error)
        editor_layout.addLayout(buttons)

        self.preview_subject = QLabel(self)
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.preview_subject.font()
        bold.setBold(True)
        self.preview_subject.setFont(bold)
        self.preview_html = QTextBrowser(self)
        self.preview_html.setOpenLinks(False)
        self.preview_text = QPlainTextEdit(self)
        self.preview_text.setReadOnly(True)
        self.preview_tabs = QTabWidget(self)
        self.preview_tabs.addTab(self.preview_html, self.tr("HTML"))
        self.preview_tabs.addTab(self.preview_text, self.tr("Plain text"))
        preview = QWidget(self)
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel(self.tr("Preview with sample data"), self))
        preview_layout.addWidget(self.preview_subject)
        preview_layout.addWidget(self.preview_tabs, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        splitter.addWidget(editor)
        splitter.addWidget(preview)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([220, 480, 480])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)

        self.timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.update_preview)
        for signal in (self.subject.textChanged, self.text.textChanged, self.html.textChanged):
            signal.connect(self._edited)
        self.fill_list()
        self.list.currentItemChanged.connect(self._item_changed)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _code_editor(self) -> QPlainTextEdit:
        editor = QPlainTextEdit(self)
        editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        editor.setTabChangesFocus(True)
        return editor

    def _placeholders(self) -> QWidget:
        help_text = QTextBrowser(self)
        help_text.setFont(QFont(help_text.font()))
        help_text.setMarkdown(self.tr(
            "Placeholders are written `{{ customer.name }}`; a test is written `{% if fee %}…{% endif %}`.\n\n"
            "- `customer.name`, `customer.number`\n"
            "- `invoices`: a list (`{% for invoice in invoices %}`); each has `number`, `issue_date`, `due_date`, "
            "`total`, `open`, `interest` and `days_overdue`\n"
            "- `invoice_numbers`: the numbers joined with commas\n"
            "- `amount`: what the customer is asked to pay (open amounts less credits, plus fee and interest)\n"
            "- `open_total`; `credits`, `fee`, `interest`: empty when there are none\n"
            "- `currency`; `today` and `pay_by` (the date to pay by)\n"
            "- `pay_link`: the link to pay online, empty when there is none\n"
            "- `reference`: what to write on a bank transfer\n"
            "- `qr`: the payment QR code (EUR only, HTML), empty when there is none\n"
            "- `company.name`, `company.email`, `company.phone`, `company.iban`, `company.bic`, `company.address`\n"
            "- `level.name`, `level.position`, `level.final`; `sender_name`\n\n"
            "Amounts and dates come formatted in the customer's language."))
        return help_text

    # --- the list ---------------------------------------------------------------------------------
    def _title(self, info: TemplateInfo) -> str:
        names = {"friendly": self.tr("Friendly notice"), "reminder_1": self.tr("First reminder"),
                 "reminder_2": self.tr("Second reminder"), "final": self.tr("Final notice"),
                 "renewal": self.tr("Renewal notice"), "invoice": self.tr("Invoice email"),
                 "statement": self.tr("Statement of account")}
        title = f"{names.get(info.template, info.template)} — {LANGUAGES.get(info.language, info.language)}"
        return self.tr("{title} (edited)").format(title=title) if info.edited else title

    def fill_list(self) -> None:
        """(Re)fill the list, keeping the selection; edited templates are marked."""
        current = self.current_key()
        self.list.blockSignals(True)
        self.list.clear()
        for info in self._service.list():
            item = QListWidgetItem(self._title(info), self.list)
            item.setData(ROLE_KEY, (info.template, info.language))
            if info.edited:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            if (info.template, info.language) == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def current_key(self) -> tuple[str, str] | None:
        item = self.list.currentItem()
        return tuple(item.data(ROLE_KEY)) if item is not None else None  # type: ignore[return-value]

    def select(self, template: str, language: str) -> None:
        for row in range(self.list.count()):
            if tuple(self.list.item(row).data(ROLE_KEY)) == (template, language):
                self.list.setCurrentRow(row)
                return

    def _item_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        if previous is not None and self.dirty() and not messages.confirm(
                self, self.tr("Unsaved changes"), self.tr("Discard your changes to this template?"), self.tr("Discard")):
            self.list.blockSignals(True)
            self.list.setCurrentItem(previous)
            self.list.blockSignals(False)
            return
        template, language = current.data(ROLE_KEY)
        try:
            self.load(self._service.source(template, language))
        except PaydeskError as error:
            self._show_problem(str(error))

    # --- editing ----------------------------------------------------------------------------------
    def load(self, sources: TemplateSources) -> None:
        self._loaded = sources
        for editor, value in ((self.subject, sources.subject), (self.text, sources.text), (self.html, sources.html)):
            editor.blockSignals(True)
            editor.setText(value) if isinstance(editor, QLineEdit) else editor.setPlainText(value)
            editor.blockSignals(False)
        self.subject.setCursorPosition(0)
        self._update_state()
        self.update_preview()

    def sources(self) -> TemplateSources | None:
        if self._loaded is None:
            return None
        return TemplateSources(self._loaded.template, self._loaded.language, self.subject.text(), self.text.toPlainText(),
                               self.html.toPlainText())

    def dirty(self) -> bool:
        return self._loaded is not None and self.sources() != self._loaded

    def _edited(self) -> None:
        self._update_state()
        self.timer.start()

    def _update_state(self) -> None:
        key = self.current_key()
        info = next((i for i in self._service.list() if (i.template, i.language) == key), None) if key else None
        edited = info is not None and info.edited
        self.reset_button.setEnabled(edited and info is not None and info.shipped)
        self.save_button.setEnabled(self.dirty())
        if self.dirty():
            self.state.setText(self.tr("Changed, not saved yet."))
        elif edited:
            self.state.setText(self.tr("Your version is used instead of the one Paydesk ships."))
        else:
            self.state.setText(self.tr("As shipped with Paydesk."))

    def update_preview(self) -> None:
        self.timer.stop()
        sources = self.sources()
        if sources is None:
            return
        try:
            rendered = self._service.preview(sources, self._company)
        except TemplateProblem as problem:
            self.problem = problem
            self._show_problem(str(problem))
            return
        except PaydeskError as error:
            self._show_problem(str(error))
            return
        self.problem = None
        self._show_problem("")
        self.preview_subject.setText(rendered.subject)
        self.preview_html.setHtml(rendered.html)
        self.preview_text.setPlainText(rendered.text)

    def _show_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- saving -----------------------------------------------------------------------------------
    def save(self) -> bool:
        sources = self.sources()
        if sources is None:
            return False
        try:
            self._service.save(sources)
        except TemplateProblem as problem:
            self.problem = problem
            self._show_problem(str(problem))
            return False
        except PaydeskError as error:
            self._show_problem(messages.error_text(error))
            return False
        self._loaded = self._service.source(sources.template, sources.language)
        self.fill_list()
        self._update_state()
        self.update_preview()
        return True

    def reset(self) -> bool:
        key = self.current_key()
        if key is None or not messages.confirm(
                self, self.tr("Reset template"),
                self.tr("Replace your version of this template with the one Paydesk ships? Your changes are lost."),
                self.tr("Reset")):
            return False
        self._service.reset(*key)
        self._loaded = None
        self.fill_list()
        self.load(self._service.source(*key))
        return True

    def reject(self) -> None:
        if self.dirty() and not messages.confirm(
                self, self.tr("Unsaved changes"), self.tr("Close and discard your changes to this template?"),
                self.tr("Discard")):
            return
        super().reject()
