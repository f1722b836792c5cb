"""The Mollie gateway against the local fake that speaks Mollie's documented endpoints."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from desktop.gateways.http_client import LinkRequest, ProviderError, ProviderUnavailable
from desktop.gateways.mollie import MollieGateway
from tests.fakes.payment_provider_server import MOLLIE_KEY, running

REQUEST = LinkRequest(Decimal("12.3"), "EUR", "Invoice 2026-0001", "paydesk-1", ("2026-0001",), "1001",
                      ("ideal",), "https://example.com/thanks")


@pytest.fixture
def fake():
    with running() as state:
        yield state


@pytest.fixture
def mollie(fake):
    gateway = MollieGateway(MOLLIE_KEY, fake.base_url, timeout=(1.0, 0.5))
    yield gateway
    gateway.close()


def test_creates_a_payment_link_as_json_with_a_two_decimal_value(fake, mollie) -> None:
    link = mollie.create_link(REQUEST, "key-1")

    assert link.provider_id.startswith("pl_") and link.url.endswith(f"/payment/{link.provider_id}/")
    [seen] = [s for s in fake.seen if s.method == "POST"]
    assert seen.headers["authorization"] == f"Bearer {MOLLIE_KEY}" and seen.headers["idempotency-key"] == "key-1"
    sent = json.loads(seen.body)
    assert sent["amount"] == {"currency": "EUR", "value": "12.30"}
    assert sent["description"] == "Invoice 2026-0001" and sent["allowedMethods"] == ["ideal"]
    assert sent["redirectUrl"] == "https://example.com/thanks"


def test_same_idempotency_key_replays_the_same_link(fake, mollie) -> None:
    assert mollie.create_link(REQUEST, "key-1") == mollie.create_link(REQUEST, "key-1")
    assert fake.created("mollie") == 1


def test_a_4xx_shows_mollies_detail_and_field(fake, mollie) -> None:
    fake.fail_next(422, "The amount is lower than the minimum", "amount")
    with pytest.raises(ProviderError) as caught:
        mollie.create_link(REQUEST, "key-1")
    assert caught.value.status == 422
    assert "The amount is lower than the minimum (field: amount)" in str(caught.value)
    fake_error = [s for s in fake.seen if s.method == "POST"]
    assert len(fake_error) == 1


def test_wrong_key_is_refused(fake) -> None:
    gateway = MollieGateway("test_wrong", fake.base_url)
    with pytest.raises(ProviderError, match="failed to authenticate"):
        gateway.check()
    gateway.close()


def test_500_and_timeout_are_retriable_and_the_retry_gets_the_same_link(fake, mollie) -> None:
    fake.fail_next(500, "Internal error")
    with pytest.raises(ProviderUnavailable, match="HTTP 500"):
        mollie.create_link(REQUEST, "key-1")
    fake.slow_next(1.5)
    with pytest.raises(ProviderUnavailable, match="no answer"):
        mollie.create_link(REQUEST, "key-1")

    link = mollie.create_link(REQUEST, "key-1")

    assert fake.created("mollie") == 1 and link.provider_id in fake.mollie_links


def test_paid_at_makes_the_link_paid(fake, mollie) -> None:
    link = mollie.create_link(REQUEST, "key-1")
    assert mollie.link_state(link.provider_id).paid is False

    fake.pay(link.provider_id)
    state = mollie.link_state(link.provider_id)

    assert state.paid and state.amount == Decimal("12.30") and state.currency == "EUR"
    assert str(state.paid_on) == "2026-11-22"


def test_check_lists_the_enabled_methods(mollie) -> None:
    assert mollie.check() == "Connected to Mollie (test mode). Payment methods: ideal, creditcard, bancontact."
