"""The window's Settings menu opens the email server, payment provider and template dialogs, and
checks pay links."""

from __future__ import annotations

import pytest

from desktop.ui.mail_settings_dialog import MailSettingsDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.provider_dialog import ProviderDialog
from desktop.ui.template_editor import TemplateEditor
from tests.ui.message_recorder import record_messages


@pytest.fixture
def window(qtbot, paydesk, monkeypatch):
    shown = record_messages(monkeypatch)
    main = MainWindow(paydesk)
    qtbot.addWidget(main)
    main.show()
    main.shown = shown
    yield main
    main.close()


def test_the_settings_menu_comes_after_file(window) -> None:
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles.index("&Settings") == titles.index("&File") + 1
    menu = window.settings_menu.menu
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "&Email server…", "&Payment provider…", "&Reminder procedures…", "Email &templates…", "&Webhooks…", "Check &pay links"]


@pytest.mark.parametrize(("action", "kind"), [
    ("mail_action", MailSettingsDialog), ("provider_action", ProviderDialog), ("templates_action", TemplateEditor),
])
def test_each_action_opens_its_dialog(qtbot, window, action, kind) -> None:
    getattr(window.settings_menu, action).trigger()
    dialog = window.settings_menu.dialog
    assert isinstance(dialog, kind) and dialog.isVisible() and dialog.parent() is window
    dialog.reject()


def test_check_pay_links_without_links_says_so(qtbot, window) -> None:
    window.settings_menu.check_pay_links_action.trigger()
    qtbot.waitUntil(lambda: bool(window.shown.infos), timeout=10_000)
    assert window.shown.infos == ["0 open pay links checked.\nNo new payments."]
