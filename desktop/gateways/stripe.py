"""Stripe's REST API as Paydesk uses it: a Payment Link per reminder (POST /v1/payment_links,
form-encoded with nested keys, one line with inline price_data, paid at most once), its state from
the Checkout Sessions it produced (GET /v1/checkout/sessions?payment_link=...), and a connection test.

Payment Links, not bare Checkout Sessions: a Session expires within 24 hours, a reminder's link must
still work when the customer opens the email days later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from desktop.domain.money import from_minor, round_money, to_minor
from desktop.gateways.http_client import HttpClient, LinkRequest, LinkState, ProviderLink

DEFAULT_BASE_URL = "https://api.stripe.com"
NAME = "Stripe"
METHODS = ("card", "ideal", "bancontact", "eps", "klarna", "sepa_debit", "link", "paypal", "twint", "blik", "p24")


def form_fields(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Stripe's form encoding of nested values: ``{"a": [{"b": 1}]}`` -> ``("a[0][b]", "1")``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from form_fields(item, f"{prefix}[{key}]" if prefix else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from form_fields(item, f"{prefix}[{index}]")
    elif isinstance(value, bool):
        yield prefix, "true" if value else "false"
    elif value is not None:
        yield prefix, str(value)


def _error(status: int, body: dict[str, Any]) -> str:
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("type") or "")
    return ""


class StripeGateway:
    def __init__(self, api_key: str, base_url: str = "", timeout: tuple[float, float] | None = None) -> None:
        headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
        extra = {"timeout": timeout} if timeout else {}
        self.http = HttpClient(NAME, base_url or DEFAULT_BASE_URL, headers, _error, **extra)

    def close(self) -> None:
        self.http.close()

    def check(self) -> str:
        """Test the key: reads the account's balance (needs a secret or restricted key)."""
        body = self.http.request("GET", "/v1/balance").body
        mode = "live" if body.get("livemode") else "test"
        return f"Connected to Stripe ({mode} mode)."

    def create_link(self, request: LinkRequest, idempotency_key: str) -> ProviderLink:
        amount = round_money(request.amount, request.currency)
        params: dict[str, Any] = {
            "line_items": [{
                "price_data": {
                    "currency": request.currency.lower(),
                    "unit_amount": to_minor(amount, request.currency),
                    "product_data": {"name": request.description[:250]},
                },
                "quantity": 1,
            }],
            "metadata": {
                "paydesk_reference": request.reference,
                "invoices": ", ".join(request.invoice_numbers)[:500],
                "customer_number": request.customer_number,
            },
            "payment_intent_data": {"description": request.description[:250],
                                    "metadata": {"paydesk_reference": request.reference}},
            "restrictions": {"completed_sessions": {"limit": 1}},  # paid once, then the link closes
        }
        if request.methods:
            params["payment_method_types"] = list(request.methods)
        if request.redirect_url:
            params["after_completion"] = {"type": "redirect", "redirect": {"url": request.redirect_url}}
        response = self.http.request("POST", "/v1/payment_links", data=list(form_fields(params)),
                                     headers={"Idempotency-Key": idempotency_key})
        self.http.require(response, "id", "url")
        return ProviderLink(str(response.body["id"]), str(response.body["url"]))

    def link_state(self, provider_id: str) -> LinkState:
        body = self.http.request("GET", "/v1/checkout/sessions",
                                 params={"payment_link": provider_id, "status": "complete", "limit": 10}).body
        for session in body.get("data") or []:
            if session.get("payment_status") == "paid":
                currency = str(session.get("currency") or "").upper()
                amount = from_minor(int(session.get("amount_total") or 0), currency) if currency else None
                created = session.get("created")
                paid_on = datetime.fromtimestamp(int(created), UTC).date() if created else None
                return LinkState(True, amount, currency, paid_on, str(session.get("id") or ""))
        link = self.http.request("GET", f"/v1/payment_links/{provider_id}").body
        return LinkState(False, closed=link.get("active") is False)
