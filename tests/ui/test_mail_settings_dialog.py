"""Settings › Email server: saving, errors at their fields, the port following the security choice,
the password in the keyring or (without one) for this session only, and the connection test in the
background against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QWidget

from desktop.services.mail_settings import MailSettingsService, Security
from desktop.ui.mail_settings_dialog import MailSettingsDialog
from desktop.ui.tasks import TaskRunner
from tests.mail_server import PASSWORD, USER, MailServer
from tests.ui.message_recorder import record_messages


@pytest.fixture
def tasks(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    reports: list[BaseException] = []
    runner = TaskRunner(host, reports.append)
    yield runner
    runner.wait()
    assert reports == []


def open_dialog(qtbot, service, tasks) -> MailSettingsDialog:
    dialog = MailSettingsDialog(service, tasks)
    qtbot.addWidget(dialog)
    return dialog


def fill(dialog: MailSettingsDialog, host="smtp.example.com", security=Security.STARTTLS, user=USER, password="",
         from_address="billing@example.com") -> None:
    dialog.host.setText(host)
    dialog.security.setCurrentIndex(dialog.security.findData(security.value))
    dialog.username.setText(user)
    dialog.password.setText(password)
    dialog.from_name.setText("Paydesk Demo B.V.")
    dialog.from_address.setText(from_address)
    dialog.reply_to.setText("accounts@example.com")


def test_saves_the_settings_and_the_password_in_the_keyring(qtbot, paydesk, tasks, memory_keyring) -> None:
    service = MailSettingsService(paydesk.db, paydesk.secrets)
    dialog = open_dialog(qtbot, service, tasks)
    assert dialog.password_state.text() == "Not saved yet."
    fill(dialog, security=Security.SSL, password="hunter2")
    assert dialog.port.value() == 465

    assert dialog.save()

    saved = service.load()
    assert (saved.host, saved.port, saved.security, saved.username) == ("smtp.example.com", 465, Security.SSL, USER)
    assert (saved.from_name, saved.from_address, saved.reply_to) == ("Paydesk Demo B.V.", "billing@example.com",
                                                                     "accounts@example.com")
    assert memory_keyring.passwords[("Paydesk", f"smtp:{USER}@smtp.example.com")] == "hunter2"
    again = open_dialog(qtbot, service, tasks)
    assert again.password.text() == "" and again.password_state.text() == "Saved in the system keyring."
    assert again.security.currentData() == "ssl" and again.port.value() == 465
    again.from_name.setText("Accounts")
    assert again.save()  # an empty password field keeps the saved password
    assert service.has_password() and memory_keyring.passwords[("Paydesk", f"smtp:{USER}@smtp.example.com")] == "hunter2"


def test_the_port_follows_the_security_unless_typed(qtbot, paydesk, tasks) -> None:
    dialog = open_dialog(qtbot, MailSettingsService(paydesk.db, paydesk.secrets), tasks)
    for security, port in ((Security.SSL, 465), (Security.NONE, 25), (Security.STARTTLS, 587)):
        dialog.security.setCurrentIndex(dialog.security.findData(security.value))
        assert dialog.port.value() == port
    dialog.port.setValue(2525)
    dialog.security.setCurrentIndex(dialog.security.findData(Security.SSL.value))
    assert dialog.port.value() == 2525


def test_errors_are_shown_at_their_fields_and_nothing_is_saved(qtbot, paydesk, tasks) -> None:
    service = MailSettingsService(paydesk.db, paydesk.secrets)
    dialog = open_dialog(qtbot, service, tasks)
    fill(dialog, host="smtp example", from_address="not an address")

    assert not dialog.save()

    assert set(dialog.errors.marked()) == {"host", "from_address"}
    assert "SMTP server" in dialog.errors.message("host")
    assert dialog.summary.isVisibleTo(dialog) and not service.load().configured


def test_without_a_keyring_the_password_is_kept_for_this_session_only(qtbot, paydesk, tasks, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())
    shown = record_messages(monkeypatch)
    service = MailSettingsService(paydesk.db, paydesk.secrets)
    dialog = open_dialog(qtbot, service, tasks)
    fill(dialog, password="hunter2")

    assert dialog.save()

    assert len(shown.questions) == 1 and "this session only" in shown.questions[0]
    assert service.has_password() and service.password_is_session_only()
    assert paydesk.secrets.get(f"smtp:{USER}@smtp.example.com") == "hunter2"
    assert b"hunter2" not in paydesk.path.read_bytes()
    again = open_dialog(qtbot, service, tasks)
    assert again.password_state.text().startswith("Kept for this session only")


def test_without_a_keyring_cancel_keeps_no_password(qtbot, paydesk, tasks, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())
    shown = record_messages(monkeypatch)
    shown.answer = False
    service = MailSettingsService(paydesk.db, paydesk.secrets)
    dialog = open_dialog(qtbot, service, tasks)
    fill(dialog, password="hunter2")

    assert not dialog.save()

    assert not service.has_password() and service.load().host == "smtp.example.com"
    assert "not the password" in dialog.summary.text()
    assert dialog.result() == 0


def test_connection_test_runs_against_a_real_server(qtbot, paydesk, tasks, tmp_path) -> None:
    with MailServer("starttls", tmp_path) as server:
        service = MailSettingsService(paydesk.db, paydesk.secrets, context=server.client_context)
        dialog = open_dialog(qtbot, service, tasks)
        fill(dialog, host="127.0.0.1", password=PASSWORD)
        dialog.port.setValue(server.port)

        dialog.test_connection()
        assert not dialog.test_button.isEnabled()
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        assert dialog.test_result.text().startswith("Connected and logged in.")

        dialog.password.setText("wrong password")
        dialog.test_connection()
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        problem = dialog.test_result.text()
        assert problem and not problem.startswith("Connected") and "Traceback" not in problem
        assert "password" in problem.lower() or "log in" in problem.lower()
    assert server.received == []  # a test sends nothing
    assert not service.has_password()  # and saves nothing


def test_connection_test_to_a_server_that_is_down_says_so(qtbot, paydesk, tasks) -> None:
    from tests.mail_server import free_port

    dialog = open_dialog(qtbot, MailSettingsService(paydesk.db, paydesk.secrets), tasks)
    fill(dialog, host="127.0.0.1", security=Security.NONE, user="")
    dialog.port.setValue(free_port())
    dialog.test_connection()
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=15_000)
    assert "127.0.0.1" in dialog.test_result.text()


def test_connection_test_with_invalid_settings_marks_the_fields(qtbot, paydesk, tasks) -> None:
    dialog = open_dialog(qtbot, MailSettingsService(paydesk.db, paydesk.secrets), tasks)
    fill(dialog, host="")
    dialog.test_connection()
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
    assert "host" in dialog.errors.marked()
