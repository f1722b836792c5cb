"""The Stripe gateway against the local fake that speaks Stripe's documented endpoints."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from desktop.gateways.http_client import LinkRequest, ProviderError, ProviderUnavailable
from desktop.gateways.stripe import StripeGateway, form_fields
from tests.fakes.payment_provider_server import STRIPE_KEY, running

REQUEST = LinkRequest(Decimal("123.45"), "EUR", "Invoices 2026-0001, 2026-0002", "paydesk-1",
                      ("2026-0001", "2026-0002"), "1001", ("card", "ideal"), "https://example.com/thanks")


@pytest.fixture
def fake():
    with running() as state:
        yield state


@pytest.fixture
def stripe(fake):
    gateway = StripeGateway(STRIPE_KEY, fake.base_url, timeout=(1.0, 0.5))
    yield gateway
    gateway.close()


def test_form_fields_use_stripes_nested_keys() -> None:
    fields = dict(form_fields({"line_items": [{"price_data": {"currency": "eur", "unit_amount": 5}, "quantity": 1}],
                               "flag": True, "skip": None}))
    assert fields == {"line_items[0][price_data][currency]": "eur", "line_items[0][price_data][unit_amount]": "5",
                      "line_items[0][quantity]": "1", "flag": "true"}


def test_creates_a_payment_link_form_encoded_with_bearer_and_idempotency_key(fake, stripe) -> None:
    link = stripe.create_link(REQUEST, "key-1")

    assert link.provider_id.startswith("plink_") and link.url.startswith(fake.base_url)
    [seen] = [s for s in fake.seen if s.method == "POST"]
    assert seen.headers["authorization"] == f"Bearer {STRIPE_KEY}"
    assert seen.headers["idempotency-key"] == "key-1"
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    sent = dict(parse_qsl(seen.body))
    assert sent["line_items[0][price_data][currency]"] == "eur"
    assert sent["line_items[0][price_data][unit_amount]"] == "12345"
    assert sent["line_items[0][price_data][product_data][name]"] == "Invoices 2026-0001, 2026-0002"
    assert sent["metadata[invoices]"] == "2026-0001, 2026-0002"
    assert sent["payment_method_types[1]"] == "ideal"
    assert sent["restrictions[completed_sessions][limit]"] == "1"
    assert sent["after_completion[redirect][url]"] == "https://example.com/thanks"


def test_same_idempotency_key_replays_the_same_link(fake, stripe) -> None:
    first = stripe.create_link(REQUEST, "key-1")
    again = stripe.create_link(REQUEST, "key-1")

    assert again == first and fake.created("stripe") == 1


def test_a_4xx_shows_stripes_own_message(fake, stripe) -> None:
    fake.fail_next(400, "Invalid currency: xyz", "line_items[0][price_data][currency]")

    with pytest.raises(ProviderError) as caught:
        stripe.create_link(REQUEST, "key-1")

    assert caught.value.status == 400 and not caught.value.retriable
    assert "Invalid currency: xyz" in str(caught.value) and "Stripe" in str(caught.value)


def test_a_real_validation_error_from_the_fake_comes_through(stripe) -> None:
    tiny = LinkRequest(Decimal("0.10"), "EUR", "Invoice 1", "paydesk-2", ("1",), "1001")
    with pytest.raises(ProviderError, match="at least"):
        stripe.create_link(tiny, "key-2")


def test_wrong_key_says_to_check_the_key(fake) -> None:
    gateway = StripeGateway("sk_test_wrong", fake.base_url)
    with pytest.raises(ProviderError, match="API key") as caught:
        gateway.check()
    assert caught.value.status == 401
    gateway.close()


def test_500_is_retriable(fake, stripe) -> None:
    fake.fail_next(500, "An unknown error occurred")
    with pytest.raises(ProviderUnavailable) as caught:
        stripe.create_link(REQUEST, "key-1")
    assert caught.value.retriable and "HTTP 500" in str(caught.value)
    assert fake.created("stripe") == 0


def test_timeout_then_retry_with_the_same_key_gets_the_link_made_meanwhile(fake, stripe) -> None:
    fake.slow_next(1.5)
    with pytest.raises(ProviderUnavailable, match="no answer"):
        stripe.create_link(REQUEST, "key-1")
    assert fake.created("stripe") == 1  # the server made it, the client never heard

    again = stripe.create_link(REQUEST, "key-1")

    assert fake.created("stripe") == 1 and again.provider_id in fake.stripe_links


def test_server_down_is_retriable() -> None:
    with running() as state:
        url = state.base_url
    gateway = StripeGateway(STRIPE_KEY, url, timeout=(0.5, 0.5))
    with pytest.raises(ProviderUnavailable, match="cannot connect"):
        gateway.create_link(REQUEST, "key-1")
    gateway.close()


def test_link_state_is_paid_once_a_checkout_session_completes(fake, stripe) -> None:
    link = stripe.create_link(REQUEST, "key-1")
    assert stripe.link_state(link.provider_id).paid is False

    fake.pay(link.provider_id)
    state = stripe.link_state(link.provider_id)

    assert state.paid and state.amount == Decimal("123.45") and state.currency == "EUR"
    assert state.payment_ref.startswith("cs_test_") and isinstance(state.paid_on, date)


def test_check_reports_the_mode(stripe) -> None:
    assert stripe.check() == "Connected to Stripe (test mode)."



class _WebPage(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>Welcome</html>")

    def log_message(self, format, *args) -> None:
        pass


def test_an_address_that_is_not_the_api_is_explained() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    gateway = StripeGateway(STRIPE_KEY, f"http://127.0.0.1:{server.server_address[1]}", timeout=(1.0, 1.0))
    try:
        with pytest.raises(ProviderError, match="check the API address"):
            gateway.create_link(REQUEST, "key-9")
    finally:
        gateway.close()
        server.shutdown()
        server.server_close()
