"""The Debtors page: hand-made customers with the right figures, sorting by a header (in SQL),
filters, the as-of day, totals per currency, the empty state and opening the cockpit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from desktop.domain.debtors import DebtorColumn
from desktop.ui.cockpit_dialog import CockpitDialog
from desktop.ui.debtors_view import DebtorsView
from desktop.ui.formatting import to_qdate
from desktop.ui.tasks import TaskRunner
from tests.ui.debtor_fixtures import D, days, make_book
from tests.ui.message_recorder import record_messages


@pytest.fixture
def book(paydesk, make_invoice, customer):
    return make_book(paydesk, make_invoice, customer)


@pytest.fixture
def view(qtbot, paydesk, book, monkeypatch):
    record_messages(monkeypatch)
    page = DebtorsView(paydesk, TaskRunner(None, lambda e: (_ for _ in ()).throw(e)))
    qtbot.addWidget(page)
    page.resize(1400, 600)
    page.show()
    wait_loaded(qtbot, page)
    yield page
    page.shutdown()


def wait_loaded(qtbot, view: DebtorsView) -> None:
    qtbot.waitUntil(lambda: not view.reader.busy() and view.model.page is not None, timeout=5000)


def reload(qtbot, view: DebtorsView, change) -> None:
    before = view.model.page
    change()
    qtbot.waitUntil(lambda: view.model.page is not before and not view.reader.busy(), timeout=5000)


def shown(view: DebtorsView, column: int = 1) -> list[str]:
    return [view.model.index(r, column).data() for r in range(view.model.rowCount())]


def column_of(view: DebtorsView, key: DebtorColumn) -> int:
    return next(n for n in range(view.model.columnCount()) if view.model._columns[n].sort_key == key)


def test_rows_have_the_hand_computed_figures_right_aligned_and_overdue_in_red(view, book):
    rows = {(r.customer_name, r.currency): r for r in (view.model.item(n) for n in range(view.model.rowCount()))}
    assert len(rows) == 4
    eur = rows[("García y Asociados S.L.", "EUR")]
    assert (eur.open_balance, eur.overdue, eur.days_1_30, eur.days_over_90) == (D("302.50"), D("302.50"), D("60.50"),
                                                                                D("242.00"))
    assert rows[("García y Asociados S.L.", "USD")].not_due == D("50.00")
    row = next(n for n in range(view.model.rowCount()) if view.model.item(n).customer_id == book.garcia
               and view.model.item(n).currency == "EUR")
    overdue = view.model.index(row, column_of(view, DebtorColumn.OVERDUE))
    assert overdue.data() == "302.50"
    assert overdue.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert overdue.data(Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    berg = next(n for n in range(view.model.rowCount()) if view.model.item(n).customer_id == book.berg)
    assert view.model.index(berg, column_of(view, DebtorColumn.OVERDUE)).data(Qt.ItemDataRole.ForegroundRole) is None
    assert view.count_label.text() == "4 debtors"


def test_default_order_is_most_overdue_first_and_a_header_click_sorts_in_sql(qtbot, view):
    assert shown(view)[0] == "García y Asociados S.L."
    header = view.table.horizontalHeader()

    def click(column: int) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    reload(qtbot, view, lambda: click(1))  # Customer
    names = shown(view)
    assert view.model.debtor_sort.column is DebtorColumn.CUSTOMER_NAME
    assert names == sorted(names, key=str.lower) or names == sorted(names, key=str.lower, reverse=True)
    first = names
    reload(qtbot, view, lambda: click(1))
    assert shown(view) == list(reversed(first))  # García's two rows keep currency order; names reverse
    reload(qtbot, view, lambda: view.table.sortByColumn(column_of(view, DebtorColumn.OPEN_BALANCE),
                                                        Qt.SortOrder.DescendingOrder))
    assert shown(view)[0] == "Berg Handel GmbH"


def test_filters_and_totals_per_currency(qtbot, view):
    assert "<b>EUR</b> (3)" in view.totals.text() and "<b>USD</b> (1)" in view.totals.text()
    assert "1,602.50" in view.totals.text()  # 302.50 + 1,000 + 300
    reload(qtbot, view, lambda: view.filters.overdue.setChecked(True))
    assert sorted(shown(view)) == ["García y Asociados S.L.", "Zorro Trading"]
    assert "602.50" in view.totals.text() and "USD" not in view.totals.text()
    reload(qtbot, view, lambda: view.filters.overdue.setChecked(False))
    reload(qtbot, view, lambda: view.filters.currency.setCurrentIndex(view.filters.currency.findData("USD")))
    assert shown(view, 2) == ["USD"]
    reload(qtbot, view, lambda: view.filters.currency.setCurrentIndex(0))
    reload(qtbot, view, lambda: view.filters.text.setText("zorro"))
    assert shown(view) == ["Zorro Trading"]
    reload(qtbot, view, lambda: view.filters.text.setText("nobody"))
    assert view.pages.currentIndex() == 1 and view.hint.text() == "No debtors match these filters."
    reload(qtbot, view, view.filters.clear)
    assert view.model.rowCount() == 4


def test_as_of_a_past_day(qtbot, view):
    reload(qtbot, view, lambda: view.filters.as_of.setDate(to_qdate(days(20))))
    names = sorted(set(shown(view)))
    assert names == ["García y Asociados S.L.", "Zorro Trading"]  # Berg's and the USD invoice came later
    garcia = next(view.model.item(n) for n in range(view.model.rowCount()) if view.model.item(n).currency == "EUR"
                  and view.model.item(n).customer_name.startswith("García"))
    assert garcia.open_balance == D("363.00")  # the payment of T-2 had not come yet
    assert garcia.not_due == D("121.00")  # due T-10 was still ahead on T-20


def test_pages_are_read_when_scrolled(qtbot, paydesk, view, monkeypatch):
    import desktop.ui.debtors_view as module

    monkeypatch.setattr(module, "PAGE", 2)
    view.refresh()  # the first page has 2 rows; the table has room for more and asks for the next page itself
    qtbot.waitUntil(lambda: view.model.rowCount() == 4 and not view.reader.busy(), timeout=5000)
    assert len(view.model.page.rows) == 2 and view.model.page.total_count == 4
    assert not view.model.canFetchMore()
    assert len({(view.model.item(n).customer_id, view.model.item(n).currency) for n in range(4)}) == 4


def test_enter_and_double_click_open_the_cockpit(qtbot, view, book):
    view.table.selectRow(0)
    view.table.setFocus()
    dialog = view.open_selected()
    assert isinstance(dialog, CockpitDialog) and dialog.customer_id == book.garcia
    dialog.close()
    assert view.cockpit_action.shortcut().toString() == "Return"


def test_empty_state(qtbot, paydesk, monkeypatch):
    record_messages(monkeypatch)
    page = DebtorsView(paydesk, TaskRunner(None, print))
    qtbot.addWidget(page)
    wait_loaded(qtbot, page)
    assert page.pages.currentIndex() == 1
    assert "Nobody owes you anything" in page.hint.text()
    assert not page.hint_button.isVisibleTo(page)
    page.shutdown()
