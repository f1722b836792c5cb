"""The payment provider setting: validation, API keys in the keyring (or for this session only), and
the connection test against the local fake Stripe/Mollie server."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from desktop.domain.errors import ValidationError
from desktop.gateways.http_client import ProviderError
from desktop.services.provider_settings import ProviderKind, ProviderSettings, ProviderSettingsService
from desktop.services.secrets import SecretStore, SecretsUnavailable
from tests.fakes.payment_provider_server import MOLLIE_KEY, STRIPE_KEY, running


@pytest.fixture
def service(paydesk) -> ProviderSettingsService:
    return ProviderSettingsService(paydesk.db, SecretStore())


def test_defaults_to_no_provider(service) -> None:
    assert service.get() == ProviderSettings()


def test_settings_round_trip_and_are_audited(paydesk, service) -> None:
    value = ProviderSettings(ProviderKind.MOLLIE, mollie_base_url="https://api.mollie.example",
                             redirect_url="https://example.com/thanks", methods={"NL": ["ideal", "ideal"], "*": ["creditcard"]})
    service.save(value)

    loaded = service.get()
    assert loaded.provider is ProviderKind.MOLLIE and loaded.methods == {"NL": ["ideal"], "*": ["creditcard"]}
    assert loaded.methods_for("nl") == ("ideal",) and loaded.methods_for("BE") == ("creditcard",)
    assert [e.action for e in paydesk.audit.entries("settings")] == ["settings.pay_links"]


@pytest.mark.parametrize(("value", "field"), [
    (ProviderSettings(ProviderKind.URL_TEMPLATE, url_template=""), "url_template"),
    (ProviderSettings(ProviderKind.URL_TEMPLATE, url_template="https://pay.example.com/{invoice}"), "url_template"),
    (ProviderSettings(ProviderKind.URL_TEMPLATE, url_template="pay.example.com/{number}"), "url_template"),
    (ProviderSettings(ProviderKind.URL_TEMPLATE, url_template="https://pay.example.com/{number"), "url_template"),
    (ProviderSettings(ProviderKind.STRIPE, stripe_base_url="ftp://x"), "stripe_base_url"),
    (ProviderSettings(ProviderKind.STRIPE, stripe_base_url="http://api.stripe.example"), "stripe_base_url"),  # key in clear
    (ProviderSettings(ProviderKind.MOLLIE, mollie_base_url="http://api.mollie.example"), "mollie_base_url"),
    (ProviderSettings(ProviderKind.STRIPE, methods={"NL": ["ideal", "creditcard"]}), "methods[NL]"),
    (ProviderSettings(ProviderKind.MOLLIE, methods={"Netherlands": ["ideal"]}), "methods[Netherlands]"),
])
def test_invalid_settings_say_which_field(service, value, field) -> None:
    with pytest.raises(ValidationError) as caught:
        service.save(value)
    assert field in caught.value.fields


def test_api_key_goes_to_the_keyring(service, memory_keyring) -> None:
    service.put_api_key(ProviderKind.STRIPE, "  sk_test_abc  ")
    assert service.has_api_key(ProviderKind.STRIPE) and not service.has_api_key(ProviderKind.MOLLIE)
    assert memory_keyring.passwords[("Paydesk", "stripe:api_key")] == "sk_test_abc"
    with pytest.raises(ValidationError):
        service.put_api_key(ProviderKind.MOLLIE, " ")
    service.delete_api_key(ProviderKind.STRIPE)
    assert not service.has_api_key(ProviderKind.STRIPE)


def test_without_a_keyring_the_key_can_be_kept_for_this_session(service) -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretsUnavailable, match="this session only"):
        service.put_api_key(ProviderKind.MOLLIE, MOLLIE_KEY)

    service.put_api_key(ProviderKind.MOLLIE, MOLLIE_KEY, session_only=True)

    assert service.has_api_key(ProviderKind.MOLLIE) and service.api_key_is_session_only(ProviderKind.MOLLIE)


def test_connection_test_against_the_fake_providers(service) -> None:
    with running() as fake:
        service.put_api_key(ProviderKind.STRIPE, STRIPE_KEY)
        service.put_api_key(ProviderKind.MOLLIE, MOLLIE_KEY)
        stripe = ProviderSettings(ProviderKind.STRIPE, stripe_base_url=fake.base_url)
        mollie = ProviderSettings(ProviderKind.MOLLIE, mollie_base_url=fake.base_url)

        assert service.test_connection(stripe) == "Connected to Stripe (test mode)."
        assert service.test_connection(mollie).startswith("Connected to Mollie (test mode). Payment methods: ideal")
        service.put_api_key(ProviderKind.STRIPE, "sk_test_wrong")
        with pytest.raises(ProviderError, match="Invalid API Key"):
            service.test_connection(stripe)
        assert all(s.headers["authorization"].startswith("Bearer ") for s in fake.seen)


def test_connection_test_for_a_template_shows_a_sample(service) -> None:
    value = ProviderSettings(ProviderKind.URL_TEMPLATE, url_template="https://pay.example.com/{number}?eur={amount}")
    assert service.test_connection(value) == "A link would look like: https://pay.example.com/2026-0001?eur=123.45"
    assert service.test_connection(ProviderSettings()) == "Pay links are switched off."
