"""Mollie's REST API as Paydesk uses it: a Payment Link per reminder (POST /v2/payment-links, JSON,
amount {currency, value "12.30"}), its state (GET /v2/payment-links/{id}: paid once ``paidAt`` is
set), and a connection test (GET /v2/methods). Errors come as application/hal+json
``{"status", "title", "detail", "field"}``.

Payment Links, not bare payments: an unpaid Mollie payment expires within minutes to hours, a
reminder's link must still work days later."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from desktop.domain.money import round_money
from desktop.gateways.http_client import HttpClient, LinkRequest, LinkState, ProviderError, ProviderLink

DEFAULT_BASE_URL = "https://api.mollie.com"
NAME = "Mollie"
METHODS = ("creditcard", "ideal", "bancontact", "eps", "klarna", "banktransfer", "paypal", "przelewy24", "twint",
           "belfius", "kbc", "applepay")


def _error(status: int, body: dict[str, Any]) -> str:
    detail = str(body.get("detail") or body.get("title") or "")
    field = body.get("field")
    return f"{detail} (field: {field})" if field and detail else detail


class MollieGateway:
    def __init__(self, api_key: str, base_url: str = "", timeout: tuple[float, float] | None = None) -> None:
        headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/hal+json"}
        extra = {"timeout": timeout} if timeout else {}
        self.http = HttpClient(NAME, base_url or DEFAULT_BASE_URL, headers, _error, **extra)
        self.test_mode = api_key.startswith("test_")

    def close(self) -> None:
        self.http.close()

    def check(self) -> str:
        """Test the key: lists the payment methods enabled for the account."""
        body = self.http.request("GET", "/v2/methods").body
        methods = [str(m.get("id")) for m in (body.get("_embedded") or {}).get("methods") or []]
        mode = "test" if self.test_mode else "live"
        enabled = ", ".join(methods) if methods else "none enabled yet"
        return f"Connected to Mollie ({mode} mode). Payment methods: {enabled}."

    def create_link(self, request: LinkRequest, idempotency_key: str) -> ProviderLink:
        value = round_money(request.amount, request.currency)
        payload: dict[str, Any] = {
            "description": request.description[:255],
            "amount": {"currency": request.currency.upper(), "value": f"{value:f}"},
        }
        if request.redirect_url:
            payload["redirectUrl"] = request.redirect_url
        if request.methods:
            payload["allowedMethods"] = list(request.methods)
        response = self.http.request("POST", "/v2/payment-links", json_body=payload,
                                     headers={"Idempotency-Key": idempotency_key})
        self.http.require(response, "id")
        href = ((response.body.get("_links") or {}).get("paymentLink") or {}).get("href")
        if not href:
            raise ProviderError(NAME, response.status, "the answer has no payment link address (_links.paymentLink)")
        return ProviderLink(str(response.body["id"]), str(href))

    def link_state(self, provider_id: str) -> LinkState:
        body = self.http.request("GET", f"/v2/payment-links/{provider_id}").body
        paid_at = body.get("paidAt")
        if not paid_at:
            expires = body.get("expiresAt")
            closed = bool(expires) and datetime.fromisoformat(str(expires)) < datetime.now().astimezone()
            return LinkState(False, closed=closed or body.get("archived") is True)
        amount = body.get("amount") or {}
        currency = str(amount.get("currency") or "")
        return LinkState(True, Decimal(str(amount["value"])) if "value" in amount else None, currency,
                         datetime.fromisoformat(str(paid_at)).date(), provider_id)
