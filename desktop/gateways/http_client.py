"""HTTP for the payment providers' REST APIs (requests, explicit timeouts), the errors a credit
manager sees when a provider refuses or cannot be reached, and the provider-neutral shapes of a
pay link request and its state that the Stripe and Mollie gateways share."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import requests

from desktop.domain.errors import PaydeskError

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 20.0


class ProviderError(PaydeskError):
    """The provider refused the request (4xx); the message is the provider's own, with what to do."""

    retriable = False

    def __init__(self, provider: str, status: int, detail: str) -> None:
        self.provider = provider
        self.status = status
        self.detail = detail
        hint = "Check the API key in Settings → Payment provider." if status in (401, 403) else (
            "Check the provider settings and the amount, then try again.")
        super().__init__(f"{provider} refused the pay link (HTTP {status}): {detail} {hint}")


class ProviderUnavailable(PaydeskError):
    """The provider could not be reached, timed out or failed on its side (5xx): try again later.
    Nothing is half-stored: a retry reuses the same idempotency key and gets the same link."""

    retriable = True

    def __init__(self, provider: str, detail: str) -> None:
        self.provider = provider
        self.detail = detail
        super().__init__(f"{provider} could not be reached ({detail}). Paydesk will try again with the same "
                         "request later; no link is created twice.")


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """What a pay link asks for: one amount for one or more invoices of one customer."""

    amount: Decimal
    currency: str
    description: str  # shown to the customer on the payment page
    reference: str  # ours, e.g. "paydesk-17": goes into the provider's metadata
    invoice_numbers: tuple[str, ...]
    customer_number: str
    methods: tuple[str, ...] = ()  # provider method names; empty: whatever the account has enabled
    redirect_url: str = ""  # where the customer lands after paying; "" for the provider's own page


@dataclass(frozen=True, slots=True)
class ProviderLink:
    provider_id: str
    url: str


@dataclass(frozen=True, slots=True)
class LinkState:
    """What the provider says about a link now."""

    paid: bool
    amount: Decimal | None = None  # what was paid, when paid
    currency: str = ""
    paid_on: date | None = None
    payment_ref: str = ""  # the provider's id of the payment (a Checkout Session, a Mollie payment)
    closed: bool = False  # expired or deactivated without payment


@dataclass(slots=True)
class Response:
    status: int
    body: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)


ErrorReader = Callable[[int, dict[str, Any]], str]


class HttpClient:
    """One provider's base URL and credentials; every call has a connect and a read timeout."""

    def __init__(self, provider: str, base_url: str, headers: Mapping[str, str], read_error: ErrorReader,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._read_error = read_error
        self._timeout = timeout
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy or .netrc from the environment: only the configured host
        self._session.headers.update(headers)

    def close(self) -> None:
        self._session.close()

    def request(self, method: str, path: str, *, params: Any = None, data: Any = None, json_body: Any = None,
                headers: Mapping[str, str] | None = None) -> Response:
        url = f"{self.base_url}{path}"
        try:
            raw = self._session.request(method, url, params=params, data=data, json=json_body, headers=dict(headers or {}),
                                        timeout=self._timeout, allow_redirects=False)
        except requests.Timeout:
            raise ProviderUnavailable(self.provider, f"no answer within {self._timeout[1]:g} seconds") from None
        except requests.ConnectionError:
            raise ProviderUnavailable(self.provider, f"cannot connect to {self.base_url}") from None
        except requests.RequestException as error:
            raise ProviderUnavailable(self.provider, type(error).__name__) from None
        body = _json(raw)
        if raw.status_code >= 500 or raw.status_code == 429:
            detail = self._read_error(raw.status_code, body) or raw.reason or "server error"
            raise ProviderUnavailable(self.provider, f"HTTP {raw.status_code}: {detail}")
        if raw.status_code >= 400:
            raise ProviderError(self.provider, raw.status_code, self._read_error(raw.status_code, body) or raw.reason or "")
        if raw.status_code >= 300 or not body:
            raise ProviderError(self.provider, raw.status_code,
                                f"the answer from {self.base_url} was not the provider's API (check the API address)")
        return Response(raw.status_code, body, raw.headers)

    def require(self, response: Response, *keys: str) -> None:
        """Refuse an answer that lacks what the API documents (a wrong base URL, a proxy's page)."""
        missing = [k for k in keys if not response.body.get(k)]
        if missing:
            raise ProviderError(self.provider, response.status,
                                f"the answer lacks {', '.join(missing)} (check the API address)")


def _json(raw: requests.Response) -> dict[str, Any]:
    try:
        value = raw.json()
    except (ValueError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}
