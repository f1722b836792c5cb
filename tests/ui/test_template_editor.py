"""Settings › Email templates: the list marks edited templates, edits preview live (debounced), a
template error is shown with its line and never saved, Save keeps an override, Reset goes back to
the shipped version."""

from __future__ import annotations

import time

import pytest

from desktop.services.templates import TemplateService
from desktop.ui.template_editor import PREVIEW_DELAY_MS, TemplateEditor
from tests.ui.message_recorder import record_messages


@pytest.fixture
def service(paydesk) -> TemplateService:
    return TemplateService(paydesk.db, paydesk.today)


@pytest.fixture
def editor(qtbot, service, paydesk, monkeypatch) -> TemplateEditor:
    record_messages(monkeypatch)
    dialog = TemplateEditor(service, paydesk.company.get())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select("reminder_1", "en")
    return dialog


def titles(editor: TemplateEditor) -> list[str]:
    return [editor.list.item(row).text() for row in range(editor.list.count())]


def test_lists_every_template_and_language_and_previews_the_chosen_one(editor) -> None:
    assert len(titles(editor)) == 7 * 6 and "First reminder — English" in titles(editor)
    assert editor.current_key() == ("reminder_1", "en")
    assert "{{" in editor.text.toPlainText() and "<html" in editor.html.toPlainText().lower()
    assert editor.preview_subject.text().startswith("Payment reminder")
    assert "Harbour Lights Ltd" in editor.preview_text.toPlainText()
    assert "Harbour Lights Ltd" in editor.preview_html.toPlainText()
    assert not editor.error.isVisible() and not editor.save_button.isEnabled() and not editor.reset_button.isEnabled()
    editor.select("final", "ru")
    assert editor.current_key() == ("final", "ru") and "{{" in editor.subject.text() + editor.text.toPlainText()


def test_the_preview_follows_edits_after_a_pause(qtbot, editor) -> None:
    editor.subject.setText("Still open: {{ invoice_numbers }}")
    html = editor.html.toPlainText()
    editor.html.setPlainText(html.replace("</body>", "<p>Hello from the editor</p></body>", 1))
    started = time.monotonic()
    assert editor.timer.isActive() and not editor.preview_subject.text().startswith("Still open")
    qtbot.waitUntil(lambda: editor.preview_subject.text().startswith("Still open"), timeout=3_000)
    assert time.monotonic() - started >= PREVIEW_DELAY_MS / 1000 * 0.9
    assert "Hello from the editor" in editor.preview_html.toPlainText()
    assert editor.state.text() == "Changed, not saved yet." and editor.save_button.isEnabled()


def test_a_template_error_is_shown_with_its_line_and_not_saved(qtbot, editor, service) -> None:
    lines = editor.text.toPlainText().splitlines()
    lines[2] = "{{ customer.nmae }}"
    editor.text.setPlainText("\n".join(lines))
    qtbot.waitUntil(editor.error.isVisible, timeout=3_000)
    assert "line 3 of the plain text" in editor.error.text() and "nmae" in editor.error.text()
    assert "Traceback" not in editor.error.text() and editor.problem is not None and editor.problem.line == 3

    assert not editor.save()

    assert editor.error.isVisible() and not any(i.edited for i in service.list())
    assert "nmae" not in service.source("reminder_1", "en").text


def test_a_syntax_error_in_the_html_is_shown(qtbot, editor) -> None:
    editor.html.setPlainText("<p>\n{% if fee %}\n<b>fee</b>\n")
    editor.update_preview()
    assert "HTML" in editor.error.text() and editor.problem is not None and editor.problem.part == "html"
    editor.html.setPlainText("<p>{{ customer.name }}</p>")
    editor.update_preview()
    assert not editor.error.isVisible() and editor.problem is None


def test_save_keeps_an_override_and_reset_brings_back_the_shipped_one(qtbot, editor, service, monkeypatch) -> None:
    shipped = service.shipped("reminder_1", "en")
    editor.subject.setText("Our invoices {{ invoice_numbers }} are still open")

    assert editor.save()

    assert service.source("reminder_1", "en").subject == "Our invoices {{ invoice_numbers }} are still open"
    assert "First reminder — English (edited)" in titles(editor) and editor.current_key() == ("reminder_1", "en")
    assert editor.reset_button.isEnabled() and not editor.save_button.isEnabled()
    assert editor.state.text().startswith("Your version")

    shown = record_messages(monkeypatch)
    assert editor.reset()

    assert len(shown.questions) == 1
    assert service.source("reminder_1", "en") == shipped
    assert editor.subject.text() == shipped.subject and "First reminder — English" in titles(editor)
    assert not any(i.edited for i in service.list()) and not editor.reset_button.isEnabled()


def test_leaving_an_edited_template_asks_first(qtbot, editor, monkeypatch) -> None:
    shown = record_messages(monkeypatch)
    shown.answer = False
    editor.subject.setText("Changed")
    editor.select("final", "en")
    assert editor.current_key() == ("reminder_1", "en") and editor.subject.text() == "Changed"
    shown.answer = True
    editor.select("final", "en")
    assert editor.current_key() == ("final", "en") and len(shown.questions) == 2
