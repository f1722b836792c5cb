"""The exact email of a reminder: recipients and subject, the HTML body (with its inline QR code
image), the plain text, and the attachments, each of which can be opened."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.email_parts import AttachedFile, EmailParts, size_text
from desktop.ui.list_widgets import HINT_STYLE

_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


class HtmlBody(QTextBrowser):
    """An HTML mail body; ``cid:`` images come from the message itself, remote images are not fetched."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: dict[str, bytes] = {}
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._open_link)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        url = QUrl(url)
        if kind == QTextDocument.ResourceType.ImageResource.value and url.scheme() == "cid":
            data = self.images.get(url.path())
            return QImage.fromData(data) if data else QImage()
        if url.scheme() in ("http", "https", "cid"):
            return None
        return super().loadResource(kind, url)

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


class EmailPreview(QWidget):
    """Shows one ``EmailParts``, or a note (``show_note``) while there is none to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts: EmailParts | None = None
        self.opened: list[Path] = []  # attachments written out for opening (tests read them)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl  # tests keep files from opening
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(HINT_STYLE)
        self.to = QLabel(self)
        self.subject = QLabel(self)
        for label in (self.to, self.subject):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subject.setStyleSheet("font-weight: bold;")
        self.html = HtmlBody(self)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.attachments = QTableWidget(0, 2, self)
        self.attachments.setHorizontalHeaderLabels([self.tr("File"), self.tr("Size")])
        self.attachments.verticalHeader().setVisible(False)
        self.attachments.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attachments.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attachments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attachments.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.attachments.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.attachments.doubleClicked.connect(lambda _index: self.open_selected())
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.setToolTip(self.tr("Open the attachment in the program your system uses for it"))
        self.open_button.clicked.connect(self.open_selected)
        attachments_page = QWidget(self)
        attachments_layout = QVBoxLayout(attachments_page)
        attachments_layout.addWidget(self.attachments, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        attachments_layout.addLayout(row)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.html, self.tr("Email"))
        self.tabs.addTab(self.text, self.tr("Plain text"))
        self.tabs.addTab(attachments_page, self.tr("Attachments"))

        content = QWidget(self)
        header = QFormLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addRow(self.tr("To:"), self.to)
        header.addRow(self.tr("Subject:"), self.subject)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(header)
        content_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.note)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.show_note(self.tr("Select a message to see its email."))

    def show_note(self, text: str) -> None:
        self.parts = None
        self.note.setText(text)
        self.stack.setCurrentIndex(0)

    def show_email(self, parts: EmailParts) -> None:
        self.parts = parts
        self.to.setText(parts.to)
        self.subject.setText(parts.subject)
        self.html.images = parts.images
        self.html.document().clear()  # forget images cached from the previous message
        if parts.html:
            self.html.setHtml(parts.html)
        else:
            self.html.setPlainText(parts.text)
        self.text.setPlainText(parts.text)
        self.attachments.setRowCount(len(parts.attachments))
        for row, attached in enumerate(parts.attachments):
            self.attachments.setItem(row, 0, QTableWidgetItem(attached.name))
            size = QTableWidgetItem(size_text(attached.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.attachments.setItem(row, 1, size)
        if parts.attachments:
            self.attachments.selectRow(0)
        self.open_button.setEnabled(bool(parts.attachments))
        self.tabs.setTabText(2, self.tr("Attachments ({count})").format(count=len(parts.attachments)))
        self.stack.setCurrentIndex(1)

    def selected_attachment(self) -> AttachedFile | None:
        if self.parts is None:
            return None
        row = self.attachments.currentRow()
        return self.parts.attachments[row] if 0 <= row < len(self.parts.attachments) else None

    def open_selected(self) -> Path | None:
        """Write the attachment to a temporary file and open it with the system's program."""
        attached = self.selected_attachment()
        if attached is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix="paydesk-attachment-"))
        path = folder / (_UNSAFE_NAME.sub("_", attached.name).strip() or "attachment")
        path.write_bytes(attached.data)
        self.opened.append(path)
        self.open_url(QUrl.fromLocalFile(str(path)))
        return path
