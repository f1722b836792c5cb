"""The company settings dialog: first start, editing, validation at the fields, number pattern preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from desktop.ui.company_dialog import CompanyDialog
from desktop.ui.field_errors import FieldErrors


@pytest.fixture
def dialog(qtbot, paydesk: Paydesk) -> CompanyDialog:
    widget = CompanyDialog(paydesk)
    qtbot.addWidget(widget)
    return widget


def test_first_start_sets_up_the_company(qtbot, empty_paydesk: Paydesk) -> None:
    dialog = CompanyDialog(empty_paydesk)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Set up your company"
    assert dialog.invoice_pattern.text() == "{year}-{seq:05}"
    qtbot.keyClicks(dialog.name, "Nordlicht GmbH")
    dialog.country.setCurrentIndex(dialog.country.findData("DE"))
    dialog.iban.setText("DE89 3704 0044 0532 0130 00")
    dialog.currency.setCurrentIndex(dialog.currency.findData("EUR"))
    dialog.payment_term.setValue(14)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == CompanyDialog.DialogCode.Accepted
    company = empty_paydesk.company.get()
    assert company is not None
    assert (company.name, company.country, company.iban, company.payment_term_days) == (
        "Nordlicht GmbH", "DE", "DE89370400440532013000", 14)
    assert empty_paydesk.audit.entries("company")[0].action == "company.created"


def test_prefilled_from_the_saved_company(dialog: CompanyDialog) -> None:
    assert dialog.windowTitle() == "Company settings"
    assert dialog.name.text() == DEMO_COMPANY.name
    assert dialog.vat_id.text() == DEMO_COMPANY.vat_id
    assert dialog.country.currentData() == "NL"
    assert dialog.currency.currentData() == "EUR"
    assert dialog.company() == DEMO_COMPANY


def test_bad_iban_is_shown_at_the_field_and_nothing_saved(qtbot, empty_paydesk: Paydesk) -> None:
    dialog = CompanyDialog(empty_paydesk)
    qtbot.addWidget(dialog)
    dialog.name.setText("Nordlicht GmbH")
    dialog.iban.setText("DE89 3704 0044 0532 0130 01")
    dialog.bic.setText("NOTABIC")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() != CompanyDialog.DialogCode.Accepted
    assert not empty_paydesk.company.is_set_up()
    assert FieldErrors.is_marked(dialog.iban) and FieldErrors.is_marked(dialog.bic)
    assert "IBAN" in (dialog.errors.message("iban") or "")
    assert dialog.summary.isVisibleTo(dialog) and "IBAN" in dialog.summary.text()
    dialog.iban.setText("DE89 3704 0044 0532 0130 00")
    assert not FieldErrors.is_marked(dialog.iban)


def test_editing_keeps_old_values_when_invalid(qtbot, dialog: CompanyDialog, paydesk: Paydesk) -> None:
    dialog.name.clear()
    dialog.email.setText("billing at example")
    assert not dialog.save()
    assert set(dialog.errors.marked()) == {"name", "email"}
    assert paydesk.company.get() == DEMO_COMPANY


@pytest.mark.parametrize(("pattern", "example"), [
    ("{year}-{seq:05}", "Example: 2026-00001"),
    ("INV{yy}{month}-{seq:04}", "Example: INV2611-0001"),
    ("{year}-{foo}", "Cannot be used: unknown field {foo}"),
    ("{year}", "Cannot be used: the pattern needs {seq}"),
])
def test_pattern_preview(dialog: CompanyDialog, pattern: str, example: str) -> None:
    dialog.invoice_pattern.setText(pattern)
    assert dialog.invoice_example.text().startswith(example)


def test_credit_note_pattern_must_differ(dialog: CompanyDialog, paydesk: Paydesk) -> None:
    dialog.credit_note_pattern.setText("{year}-{seq:05}")
    assert "pattern of their own" in dialog.credit_note_example.text()
    assert not dialog.save()
    assert dialog.errors.marked() == ["credit_note_pattern"]
    assert paydesk.company.get() == DEMO_COMPANY


def test_bad_pattern_is_refused(dialog: CompanyDialog, paydesk: Paydesk) -> None:
    dialog.invoice_pattern.setText("{year}-{foo}")
    assert not dialog.save()
    assert FieldErrors.is_marked(dialog.invoice_pattern)
    assert paydesk.company.get() == DEMO_COMPANY


def test_logo_choose_preview_save_and_remove(qtbot, dialog: CompanyDialog, paydesk: Paydesk, tmp_path: Path,
                                             monkeypatch) -> None:
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    monkeypatch.setattr(dialog, "_ask_logo_file", lambda: logo)

    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert not dialog.logo_preview.pixmap().isNull()
    assert dialog.remove_logo_button.isEnabled()
    assert dialog.save()
    saved = paydesk.company.get()
    assert saved is not None and saved.logo == logo.read_bytes()

    again = CompanyDialog(paydesk)
    qtbot.addWidget(again)
    assert not again.logo_preview.pixmap().isNull()
    qtbot.mouseClick(again.remove_logo_button, Qt.MouseButton.LeftButton)
    assert again.logo_preview.pixmap().isNull() and again.logo_preview.text() == "No logo"
    assert again.save()
    assert paydesk.company.get().logo is None  # type: ignore[union-attr]


def test_not_an_image_is_refused_at_the_logo(dialog: CompanyDialog, tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("not an image")
    monkeypatch.setattr(dialog, "_ask_logo_file", lambda: fake)
    dialog.choose_logo()
    assert FieldErrors.is_marked(dialog.logo_preview)
    assert "PNG or JPEG" in (dialog.errors.message("logo") or "")
    assert not dialog.remove_logo_button.isEnabled()
