"""The customer list and editor, on a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from desktop.domain.customer import Customer
from desktop.domain.ids import CustomerId
from desktop.services.paydesk import Paydesk
from desktop.ui import messages
from desktop.ui.customer_editor import CustomerEditor
from desktop.ui.customers_view import CustomersView
from desktop.ui.field_errors import FieldErrors
from desktop.ui.tasks import TaskRunner
from tests.ui.message_recorder import record_messages


@pytest.fixture
def tasks(qtbot) -> Iterator[TaskRunner]:
    owner = QWidget()
    qtbot.addWidget(owner)
    problems: list[BaseException] = []
    runner = TaskRunner(owner, problems.append)
    yield runner
    runner.wait()
    assert not problems


@pytest.fixture
def view(qtbot, paydesk: Paydesk, tasks: TaskRunner) -> CustomersView:
    widget = CustomersView(paydesk, tasks)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    return widget


def add(paydesk: Paydesk, number: str, name: str, city: str = "", **more: object) -> CustomerId:
    return paydesk.customers.save(Customer(number=number, name=name, city=city, **more))  # type: ignore[arg-type]


def names(view: CustomersView) -> list[str]:
    return [view.model.item(row).name for row in range(view.model.rowCount())]  # type: ignore[union-attr]


def open_new(view: CustomersView) -> CustomerEditor:
    editor = view.new_customer()
    assert editor is not None and editor.isVisible()
    return editor


def test_empty_list_shows_a_hint(view: CustomersView) -> None:
    assert view.stack.currentWidget() is view.hint
    assert "No customers yet" in view.hint.text()
    assert view.count.text() == "Customers: 0"


def test_create_customer_from_editor(qtbot, view: CustomersView, paydesk: Paydesk, qtmodeltester) -> None:
    editor = open_new(view)
    assert editor.number.text() == "1001"
    qtbot.keyClicks(editor.name, "Bakkerij Jansen B.V.")
    editor.emails.edits()[0].setText("info@jansen.example")
    editor.emails.add_row("boekhouding@jansen.example")
    editor.city.setText("Rotterdam")
    editor.country.setCurrentIndex(editor.country.findData("NL"))
    editor.language.setCurrentIndex(editor.language.findData("nl"))
    editor.vat_id.setText("NL004495445B01")
    editor.ibans.edits()[0].setText("NL91 ABNA 0417 1643 00")
    editor.payment_term.setValue(14)
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert editor.result() == CustomerEditor.DialogCode.Accepted
    assert editor.saved_id is not None
    saved = paydesk.customers.get(editor.saved_id)
    assert saved.emails == ["info@jansen.example", "boekhouding@jansen.example"]
    assert saved.ibans == ["NL91ABNA0417164300"]
    assert (saved.country, saved.language, saved.payment_term_days) == ("NL", "nl", 14)
    assert names(view) == ["Bakkerij Jansen B.V."]
    assert view.selected_id() == editor.saved_id
    assert view.count.text() == "Customers: 1"
    assert [e.action for e in paydesk.audit.entries("customer", editor.saved_id)] == ["customer.created"]
    qtmodeltester.check(view.model)


def test_edit_with_enter_keeps_the_company_default_term(qtbot, view: CustomersView, paydesk: Paydesk, customer) -> None:
    paydesk.customers.save(Customer(number="1002", name="Second"))
    view.refresh()
    view.show()
    view.activateWindow()
    qtbot.waitActive(view)
    view.select(customer)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    editor = view.findChild(CustomerEditor)
    assert editor is not None and editor.number.text() == "1001"
    assert editor.payment_term.value() == 30
    editor.payment_term.setValue(-1)  # "Company default"
    editor.name.setText("García Hermanos S.L.")
    with qtbot.waitSignal(view.changed):
        assert editor.save()
    assert paydesk.customers.get(customer).payment_term_days is None
    assert "García Hermanos S.L." in names(view)
    assert paydesk.audit.entries("customer", customer)[0].action == "customer.changed"


@pytest.mark.parametrize(("fill", "field"), [
    (lambda e: e.ibans.edits()[0].setText("ES91 2100 0418 4502 0005 1333"), "ibans[0]"),
    (lambda e: e.vat_id.setText("ESB58378432"), "vat_id"),
    (lambda e: e.emails.add_row("not-an-address"), "emails[1]"),
    (lambda e: e.name.setText("   "), "name"),
])
def test_invalid_input_is_shown_at_the_field_and_nothing_saved(qtbot, view: CustomersView, paydesk: Paydesk, fill,
                                                                field: str) -> None:
    editor = open_new(view)
    editor.name.setText("Café Olé S.L.")
    editor.emails.edits()[0].setText("hola@cafeole.example")
    editor.country.setCurrentIndex(editor.country.findData("ES"))
    fill(editor)

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert editor.isVisible() and editor.saved_id is None
    assert paydesk.customers.search() == []
    assert paydesk.audit.entries("customer") == []
    assert field in editor.errors.marked()
    widget = {"ibans[0]": lambda: editor.ibans.edits()[0], "vat_id": lambda: editor.vat_id,
              "emails[1]": lambda: editor.emails.edits()[1], "name": lambda: editor.name}[field]()
    assert FieldErrors.is_marked(widget)
    assert editor.errors.message(field)
    assert widget.toolTip() == editor.errors.message(field)
    assert editor.summary.isVisibleTo(editor)
    assert editor.errors.message(field) in editor.summary.text()

    widget.setText(widget.text() + "x")  # editing the field clears its mark
    assert not FieldErrors.is_marked(widget)
    assert field not in editor.errors.marked()


def test_search_as_you_type_narrows_the_list(qtbot, view: CustomersView, paydesk: Paydesk) -> None:
    add(paydesk, "1001", "García y Asociados S.L.", "Madrid")
    add(paydesk, "1002", "Rossi & Figli S.r.l.", "Milano")
    add(paydesk, "1003", "Café Olé S.L.", "Madrid", emails=["hola@cafeole.example"])
    view.refresh()
    assert view.model.rowCount() == 3

    qtbot.keyClicks(view.search, "madrid")
    assert view.model.rowCount() == 3  # debounced: nothing asked yet
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=2000)
    assert names(view) == ["Café Olé S.L.", "García y Asociados S.L."]
    assert "madrid" in view.count.text()

    view.search.setText("cafeole.example")
    qtbot.waitUntil(lambda: names(view) == ["Café Olé S.L."], timeout=2000)
    view.search.setText("nobody")
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.hint, timeout=2000)
    assert "nobody" in view.hint.text()


def test_sorting_by_header(qtbot, view: CustomersView, paydesk: Paydesk, qtmodeltester) -> None:
    add(paydesk, "1003", "beta", "Zaragoza")
    add(paydesk, "1001", "Gamma", "Amsterdam")
    add(paydesk, "1002", "Alpha", "Milano")
    view.refresh()
    view.show()
    qtbot.waitExposed(view)
    assert names(view) == ["Alpha", "beta", "Gamma"]  # by name, ignoring case

    header = view.table.horizontalHeader()

    def click(column: int) -> None:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(column) + 10, header.height() // 2))

    click(1)
    assert names(view) == ["Gamma", "beta", "Alpha"]
    click(2)
    assert names(view) == ["Gamma", "Alpha", "beta"]  # by city
    click(0)
    assert [view.model.item(r).number for r in range(3)] == ["1001", "1002", "1003"]  # type: ignore[union-attr]
    click(5)  # Language is not sortable: order and indicator stay
    assert header.sortIndicatorSection() == 0
    assert [view.model.item(r).number for r in range(3)] == ["1001", "1002", "1003"]  # type: ignore[union-attr]
    qtmodeltester.check(view.model)


def test_selection_follows_the_customer_when_sorting(qtbot, view: CustomersView, paydesk: Paydesk) -> None:
    add(paydesk, "1001", "Alpha")
    beta = add(paydesk, "1002", "Beta")
    add(paydesk, "1003", "Gamma")
    view.refresh()
    view.select(beta)
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert view.selected_id() == beta


def test_delete_customer_without_invoices(qtbot, view: CustomersView, paydesk: Paydesk, monkeypatch) -> None:
    gone = add(paydesk, "1009", "Short-lived Ltd")
    view.refresh()
    view.select(gone)
    monkeypatch.setattr(messages, "confirm", lambda parent, title, question, action: True)
    with qtbot.waitSignal(view.changed, timeout=5000):
        view.delete_action.trigger()
    assert paydesk.customers.search() == []
    assert view.stack.currentWidget() is view.hint
    assert paydesk.audit.entries("customer", gone)[0].action == "customer.deleted"


def test_delete_refused_for_a_customer_with_invoices(qtbot, view: CustomersView, paydesk: Paydesk, make_invoice,
                                                      customer, monkeypatch) -> None:
    make_invoice("100.00")
    view.refresh()
    view.select(customer)
    monkeypatch.setattr(messages, "confirm", lambda parent, title, question, action: True)
    changed: list[bool] = []
    view.changed.connect(lambda: changed.append(True))
    shown = record_messages(monkeypatch)
    view.delete_selected()
    qtbot.waitUntil(lambda: bool(shown.errors), timeout=5000)
    assert shown.errors == ["This customer has invoices and cannot be deleted."]
    assert paydesk.customers.search() == [customer] and not changed


def test_cancelled_delete_changes_nothing(view: CustomersView, paydesk: Paydesk, customer, monkeypatch) -> None:
    view.select(customer)
    monkeypatch.setattr(messages, "confirm", lambda parent, title, question, action: False)
    view.delete_selected()
    assert paydesk.customers.search() == [customer]


def test_open_cockpit_from_the_customer_list(qtbot, view: CustomersView, paydesk: Paydesk, customer) -> None:
    from desktop.ui.cockpit_dialog import CockpitDialog

    view.refresh()
    assert not view.cockpit_action.isEnabled()
    view.select(customer)
    assert view.cockpit_action.isEnabled()
    dialog = view.cockpit_selected()
    assert isinstance(dialog, CockpitDialog) and dialog.customer_id == customer
    dialog.close()
