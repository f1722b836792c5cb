"""The Reports page: switching report, date and currency; the chart's data and tooltip; export in the background."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QWidget

from desktop.services.reports import ReportKind
from desktop.ui.charts import ChartWidget, Series, nice_step
from desktop.ui.reports_view import ReportsView
from desktop.ui.tasks import TaskRunner
from tests.services.report_scenario import build


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    owner = QWidget()
    qtbot.addWidget(owner)
    runner = TaskRunner(owner, lambda error: pytest.fail(str(error)))
    yield runner
    runner.wait()


@pytest.fixture
def view(qtbot, paydesk, customer, make_invoice, tasks) -> ReportsView:
    build(paydesk, customer, make_invoice)
    page = ReportsView(paydesk, tasks)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def cells(view: ReportsView, column: int) -> list[str]:
    return [view.model.index(r, column).data() for r in range(view.model.rowCount())]


def test_aging_table_and_bars(view) -> None:
    assert view.kind is ReportKind.AGING and view.chart.isVisible()
    assert cells(view, 2) == ["EUR", "USD", "EUR", "USD"]  # two customers, then a total row per currency
    assert view.chart.kind == "bar" and view.chart.has_data
    assert list(view.chart.series[0].values) == [200.0, 0.0, 100.0, 0.0, 0.0] and view.chart.series[0].name == "EUR"
    view.currency.setCurrentIndex(view.currency.findData("USD"))
    assert cells(view, 2) == ["USD", "USD"] and list(view.chart.series[0].values) == [0.0, 0.0, 0.0, 100.0, 0.0]


def test_switching_report_and_date(view) -> None:
    view.set_kind(ReportKind.DSO)
    assert view.chart.kind == "line" and len(view.chart.labels) == 12 and view.chart.series[0].values[-1] == 66.3
    view.set_kind(ReportKind.COLLECTED)
    assert view.chart.kind == "bar" and view.chart.series[0].values[-1] == 142.0
    view.as_of.setDate(QDate(2026, 11, 10))
    assert view.chart.series[0].values[-1] == 21.0
    view.set_kind(ReportKind.AGING_INVOICES)
    assert not view.chart.isVisible() and view.model.rowCount() > 0
    view.set_kind(ReportKind.TOP_DEBTORS)
    assert view.model.headerData(2, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal) == "Customer"


def test_export_writes_the_file_in_the_background(qtbot, view, tmp_path) -> None:
    path = tmp_path / "aging.xlsx"
    with qtbot.waitSignal(view.status_message, timeout=10_000) as blocker:
        view.export_to(path, "xlsx")
    assert str(path) in blocker.args[0]
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "Aged receivables" and sheet["J5"].value == 300
    pdf = tmp_path / "aging.pdf"
    with qtbot.waitSignal(view.status_message, timeout=10_000):
        view.export_to(pdf, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_chart_tooltip_and_scale(qtbot) -> None:
    chart = ChartWidget()
    qtbot.addWidget(chart)
    chart.resize(500, 300)
    chart.set_data("bar", ["Jan", "Feb"], [Series("EUR", [10.0, 40.0])], "Collected")
    chart.grab()  # paints, placing the bars
    tips = [chart.tooltip_at(rect.center().x(), rect.center().y()) for rect, _ in chart._hits]
    assert tips[0].startswith("Jan: EUR · ") and tips[1].startswith("Feb: EUR · ")
    assert chart.tooltip_at(1, 1) == ""
    assert nice_step(100) == 20 and nice_step(7) == 2 and nice_step(0) == 1
    chart.clear()
    assert not chart.has_data


def test_the_main_window_has_a_reports_page(qtbot, paydesk) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow(paydesk)
    qtbot.addWidget(window)
    titles = [window.nav.item(r).text() for r in range(window.nav.count())]
    assert titles.index("Reports") == titles.index("Audit log") - 1
    window.nav.setCurrentRow(titles.index("Reports"))
    assert window.stack.currentWidget() is window.reports
    assert date(2026, 11, 21) == window.reports.day
