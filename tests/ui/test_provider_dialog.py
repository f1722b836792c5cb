"""Settings › Payment provider: choosing the provider, the API key in the keyring or for this session
only, the URL template's live sample, payment methods per country with errors at the table, and the
connection test in the background against the local fake Stripe/Mollie server."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QWidget

from desktop.services.provider_settings import ProviderKind, ProviderSettingsService
from desktop.ui.provider_dialog import ProviderDialog
from desktop.ui.tasks import TaskRunner
from tests.fakes.payment_provider_server import MOLLIE_KEY, STRIPE_KEY, running
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


@pytest.fixture
def service(paydesk) -> ProviderSettingsService:
    return ProviderSettingsService(paydesk.db, paydesk.secrets)


def open_dialog(qtbot, service, tasks) -> ProviderDialog:
    dialog = ProviderDialog(service, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(dialog: ProviderDialog, kind: ProviderKind) -> None:
    dialog.provider.setCurrentIndex(dialog.provider.findData(kind.value))


def test_only_the_chosen_provider_s_fields_are_shown(qtbot, service, tasks) -> None:
    dialog = open_dialog(qtbot, service, tasks)
    assert dialog.kind() is ProviderKind.NONE
    assert not dialog.api_group.isVisible() and not dialog.template_group.isVisible() and not dialog.test_button.isEnabled()
    choose(dialog, ProviderKind.MOLLIE)
    assert dialog.api_group.isVisible() and not dialog.template_group.isVisible()
    assert "ideal" in dialog.methods.available.text() and "creditcard" in dialog.methods.available.text()
    choose(dialog, ProviderKind.URL_TEMPLATE)
    assert dialog.template_group.isVisible() and not dialog.api_group.isVisible()


def test_url_template_shows_a_live_sample_and_saves(qtbot, service, tasks) -> None:
    dialog = open_dialog(qtbot, service, tasks)
    choose(dialog, ProviderKind.URL_TEMPLATE)
    dialog.url_template.setText("https://pay.example.com/{invoice}")
    assert "Unknown placeholder {invoice}" in dialog.sample.text()
    assert not dialog.save() and dialog.errors.marked() == ["url_template"]
    assert service.get().provider is ProviderKind.NONE

    dialog.url_template.setText("https://pay.example.com/?n={number}&a={amount}&c={currency}")
    assert dialog.sample.text() == "https://pay.example.com/?n=2026-0001&a=123.45&c=EUR"
    assert dialog.save()
    saved = service.get()
    assert saved.provider is ProviderKind.URL_TEMPLATE and saved.url_template.endswith("c={currency}")


def test_stripe_settings_key_and_methods_are_saved(qtbot, service, tasks, memory_keyring) -> None:
    dialog = open_dialog(qtbot, service, tasks)
    choose(dialog, ProviderKind.STRIPE)
    assert dialog.key_state.text() == "Not saved yet."
    dialog.api_key.setText(STRIPE_KEY)
    dialog.redirect_url.setText("https://example.com/thanks")
    dialog.methods.set_methods({"nl": ["iDEAL", "card"]})
    dialog.methods.add_row("*", ["card"])

    assert dialog.save()

    saved = service.get()
    assert saved.provider is ProviderKind.STRIPE and saved.redirect_url == "https://example.com/thanks"
    assert saved.methods == {"NL": ["ideal", "card"], "*": ["card"]}
    assert memory_keyring.passwords[("Paydesk", "stripe:api_key")] == STRIPE_KEY
    again = open_dialog(qtbot, service, tasks)
    assert again.key_state.text() == "Saved in the system keyring." and again.forget_key.isVisible()
    assert again.methods.methods() == {"NL": ["ideal", "card"], "*": ["card"]}
    again.forget_api_key()
    assert not service.has_api_key(ProviderKind.STRIPE) and again.key_state.text() == "Not saved yet."


def test_an_unknown_method_is_shown_at_the_table(qtbot, service, tasks) -> None:
    dialog = open_dialog(qtbot, service, tasks)
    choose(dialog, ProviderKind.MOLLIE)
    dialog.methods.set_methods({"NL": ["ideal", "card"]})

    assert not dialog.save()

    assert dialog.errors.marked() == ["methods[NL]"]
    assert "card is not a Mollie payment method" in dialog.methods.error.text()
    assert service.get().provider is ProviderKind.NONE


def test_a_bad_api_address_is_shown_at_its_field(qtbot, service, tasks) -> None:
    dialog = open_dialog(qtbot, service, tasks)
    choose(dialog, ProviderKind.STRIPE)
    dialog.base_url.setText("ftp://files.example.com")
    assert not dialog.save()
    assert dialog.errors.marked() == ["stripe_base_url"] and dialog.errors.is_marked(dialog.base_url)


def test_without_a_keyring_the_key_is_kept_for_this_session_only(qtbot, service, tasks, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())
    shown = record_messages(monkeypatch)
    dialog = open_dialog(qtbot, service, tasks)
    choose(dialog, ProviderKind.MOLLIE)
    dialog.api_key.setText(MOLLIE_KEY)

    assert dialog.save()

    assert len(shown.questions) == 1 and "this session only" in shown.questions[0]
    assert service.has_api_key(ProviderKind.MOLLIE) and service.api_key_is_session_only(ProviderKind.MOLLIE)


def test_without_a_keyring_cancel_keeps_no_key(qtbot, service, tasks, monkeypatch, paydesk) -> None:
    keyring.set_keyring(fail.Keyring())
    shown = record_messages(monkeypatch)
    shown.answer = False
    dialog = open_dialog(qtbot, service, tasks)
    choose(dialog, ProviderKind.MOLLIE)
    dialog.api_key.setText(MOLLIE_KEY)

    assert not dialog.save()

    assert not service.has_api_key(ProviderKind.MOLLIE) and "not the API key" in dialog.summary.text()
    assert MOLLIE_KEY.encode() not in paydesk.path.read_bytes()


@pytest.mark.parametrize(("kind", "key", "expected"), [
    (ProviderKind.STRIPE, STRIPE_KEY, "Connected to Stripe (test mode)."),
    (ProviderKind.MOLLIE, MOLLIE_KEY, "Connected to Mollie (test mode)."),
])
def test_connection_test_against_the_fake_provider(qtbot, service, tasks, kind, key, expected) -> None:
    with running() as fake:
        dialog = open_dialog(qtbot, service, tasks)
        choose(dialog, kind)
        dialog.base_url.setText(fake.base_url)
        dialog.api_key.setText(key)

        dialog.test_connection()
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        assert dialog.test_result.text().startswith(expected)
        assert service.has_api_key(kind)  # the typed key is kept for the test

        dialog.api_key.setText(key[:-3] + "bad")
        dialog.test_connection()
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        problem = dialog.test_result.text()
        assert problem and not problem.startswith("Connected") and "Traceback" not in problem
        assert all(s.headers["authorization"].startswith("Bearer ") for s in fake.seen)


def test_connection_test_shows_the_provider_s_error(qtbot, service, tasks) -> None:
    with running() as fake:
        dialog = open_dialog(qtbot, service, tasks)
        choose(dialog, ProviderKind.STRIPE)
        dialog.base_url.setText(fake.base_url)
        dialog.api_key.setText("sk_test_wrong")
        dialog.test_connection()
        qtbot.waitUntil(dialog.test_button.isEnabled, timeout=10_000)
        assert "Invalid API Key" in dialog.test_result.text()
