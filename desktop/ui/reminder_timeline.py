"""A customer's reminder timeline as a read-only table, newest first: reminders with their delivery
state, pauses with their reasons, payment plans, collection, and pay links with state and amount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from desktop.services.dunning_pauses import TimelineEntry
from desktop.services.pay_links import PayLinkInfo
from desktop.ui.formatting import date_text, money

DAY, WHAT, TITLE, DETAIL, STATE = range(5)
WIDEST_TITLE = 480  # pixels; longer titles are cut, their tooltip shows them whole


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReminderTimeline", text)


def kind_text(kind: str) -> str:
    texts = {"reminder": _tr("Reminder"), "pause": _tr("Pause"), "pause_ended": _tr("Pause ended"),
             "plan": _tr("Payment plan"), "collection": _tr("Collection"), "pay_link": _tr("Pay link")}
    return texts.get(kind, kind)


def state_text(state: str) -> str:
    texts = {"queued": _tr("Queued"), "sending": _tr("Sending"), "sent": _tr("Sent"), "failed": _tr("Failed"),
             "active": _tr("Active"), "ended": _tr("Ended"), "open": _tr("Open"), "closed": _tr("Closed"),
             "paid": _tr("Paid"), "creating": _tr("Being created"), "held_back": _tr("Held back")}
    return texts.get(state, state)


@dataclass(frozen=True, slots=True)
class TimelineRow:
    day: date
    kind: str
    title: str
    detail: str
    state: str


def pay_link_row(link: PayLinkInfo) -> TimelineRow:
    numbers = ", ".join(link.invoice_numbers)
    title = _tr("{provider} pay link for {invoices}").format(provider=link.provider.replace("_", " ").title(),
                                                              invoices=numbers)
    detail = f"{money(link.amount, link.currency)} {link.currency}"
    if link.paid_on is not None:
        detail += " · " + _tr("paid on {day}").format(day=date_text(link.paid_on))
    if link.last_error:
        detail += " · " + link.last_error
    if link.url:
        detail += " · " + link.url
    return TimelineRow(link.created_at.date(), "pay_link", title, detail, link.state)


def timeline_rows(entries: list[TimelineEntry], links: list[PayLinkInfo]) -> list[TimelineRow]:
    """Both lists in one, newest first (a stable sort keeps the service's order within a day)."""
    rows = [TimelineRow(e.day, e.kind, e.title, e.detail, e.state) for e in entries]
    rows += [pay_link_row(link) for link in links]
    rows.sort(key=lambda r: r.day, reverse=True)
    return rows


def timeline_table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, 5, parent)
    table.setHorizontalHeaderLabels([_tr("Date"), _tr("What"), _tr("Event"), _tr("Details"), _tr("State")])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(DETAIL, QHeaderView.ResizeMode.Stretch)
    table.setColumnWidth(TITLE, 360)
    return table


def fill_timeline(table: QTableWidget, rows: list[TimelineRow]) -> None:
    table.setRowCount(len(rows))
    for n, row in enumerate(rows):
        cells = (date_text(row.day), kind_text(row.kind), row.title, row.detail, state_text(row.state))
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(n, column, item)
    for column in (DAY, WHAT, STATE, TITLE):
        table.resizeColumnToContents(column)
    table.setColumnWidth(TITLE, min(table.columnWidth(TITLE), WIDEST_TITLE))
