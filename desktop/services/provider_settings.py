"""The payment provider setting for pay links: none, Stripe, Mollie, or a URL template for any other
provider; an overridable API base URL (test hosts, the local fake in tests); payment methods per
customer country; the API keys in the OS keyring (``stripe:api_key``, ``mollie:api_key``)."""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from desktop.domain.errors import PaydeskError, ValidationError
from desktop.gateways import mollie, stripe
from desktop.gateways.http_client import LinkRequest, LinkState, ProviderLink
from desktop.services.secrets import SecretStore
from desktop.store import audit, settings
from desktop.store.database import Database

SETTING = "paylinks.settings"
PLACEHOLDERS = ("number", "amount", "currency", "reference", "customer")
ANY_COUNTRY = "*"


class ProviderKind(enum.StrEnum):
    NONE = "none"
    STRIPE = "stripe"
    MOLLIE = "mollie"
    URL_TEMPLATE = "url_template"


API_PROVIDERS = (ProviderKind.STRIPE, ProviderKind.MOLLIE)
METHODS = {ProviderKind.STRIPE: stripe.METHODS, ProviderKind.MOLLIE: mollie.METHODS}


class Gateway(Protocol):
    def check(self) -> str: ...
    def create_link(self, request: LinkRequest, idempotency_key: str) -> ProviderLink: ...
    def link_state(self, provider_id: str) -> LinkState: ...
    def close(self) -> None: ...


class NotConfigured(PaydeskError):
    """Pay links are switched on but something they need is missing."""


@dataclass(slots=True)
class ProviderSettings:
    provider: ProviderKind = ProviderKind.NONE
    stripe_base_url: str = ""  # "" for https://api.stripe.com
    mollie_base_url: str = ""  # "" for https://api.mollie.com
    url_template: str = ""  # e.g. https://pay.example.com/?inv={number}&amount={amount}&cur={currency}
    redirect_url: str = ""  # where the customer lands after paying; "" for the provider's own page
    # Payment methods per customer country (ISO code, or "*" for every other country); none: the account's defaults.
    methods: dict[str, list[str]] = field(default_factory=dict)

    def methods_for(self, country: str) -> tuple[str, ...]:
        chosen = self.methods.get((country or "").upper(), self.methods.get(ANY_COUNTRY, []))
        return tuple(chosen)

    def to_json(self) -> dict[str, object]:
        return {"provider": self.provider.value, "stripe_base_url": self.stripe_base_url,
                "mollie_base_url": self.mollie_base_url, "url_template": self.url_template,
                "redirect_url": self.redirect_url, "methods": self.methods}

    @classmethod
    def from_json(cls, value: dict[str, object] | None) -> ProviderSettings:
        value = value or {}
        methods = value.get("methods") or {}
        return cls(
            ProviderKind(str(value.get("provider") or "none")), str(value.get("stripe_base_url") or ""),
            str(value.get("mollie_base_url") or ""), str(value.get("url_template") or ""),
            str(value.get("redirect_url") or ""),
            {str(k): [str(m) for m in v] for k, v in methods.items()} if isinstance(methods, dict) else {},
        )


def secret_name(provider: ProviderKind) -> str:
    return f"{provider.value}:api_key"


def render_template(template: str, values: dict[str, str]) -> str:
    from urllib.parse import quote

    return template.format_map({k: quote(v, safe="") for k, v in values.items()})


def validate(value: ProviderSettings) -> None:
    problems: dict[str, str] = {}
    for name in ("stripe_base_url", "mollie_base_url", "redirect_url"):
        url = getattr(value, name)
        if url and not _is_web_url(url):
            problems[name] = "Enter a full web address starting with https:// (or leave it empty)."
        elif url and name != "redirect_url" and not _is_safe_for_keys(url):
            problems[name] = ("The API key travels with every call: use an https:// address "
                              "(plain http:// is allowed for localhost only).")
    if value.provider is ProviderKind.URL_TEMPLATE:
        problem = _template_problem(value.url_template)
        if problem:
            problems["url_template"] = problem
    if value.provider in API_PROVIDERS:
        known = set(METHODS[value.provider])
        for country, methods in value.methods.items():
            if country != ANY_COUNTRY and (len(country) != 2 or not country.isalpha() or not country.isupper()):
                problems[f"methods[{country}]"] = "Use a two-letter country code such as NL, or * for all other countries."
            unknown = [m for m in methods if m not in known]
            if unknown:
                problems[f"methods[{country}]"] = (f"{', '.join(unknown)} is not a {value.provider.value.title()} payment "
                                                   f"method; choose from {', '.join(sorted(known))}.")
    if problems:
        raise ValidationError(problems)


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def _is_safe_for_keys(url: str) -> bool:
    """An API address the key may be sent to: https, or http on this machine (a test or local proxy)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.hostname or "").lower() in ("localhost", "127.0.0.1", "::1")


def _template_problem(template: str) -> str:
    if not template:
        return "Enter the payment page address, with placeholders such as {number} and {amount}."
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return "The template has an unmatched { or }."
    unknown = sorted(n for n in names if n not in PLACEHOLDERS)
    if unknown:
        return f"Unknown placeholder {{{unknown[0]}}}; use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}."
    sample = render_template(template, {p: "x" for p in PLACEHOLDERS})
    if not _is_web_url(sample):
        return "The template must be a full web address starting with https://."
    return ""


class ProviderSettingsService:
    def __init__(self, db: Database, secrets: SecretStore) -> None:
        self._db = db
        self._secrets = secrets

    def get(self) -> ProviderSettings:
        with self._db.reading() as conn:
            return ProviderSettings.from_json(settings.get(conn, SETTING))

    def save(self, value: ProviderSettings) -> None:
        validate(value)
        value.methods = {k: list(dict.fromkeys(v)) for k, v in value.methods.items() if v}
        with self._db.transaction() as conn:
            old = ProviderSettings.from_json(settings.get(conn, SETTING))
            settings.put(conn, SETTING, value.to_json())
            audit.record(conn, "settings.pay_links", "settings", 0, f"Pay link provider set to {value.provider.value}",
                         {"provider": (old.provider.value, value.provider.value)})

    @staticmethod
    def available_methods(provider: ProviderKind) -> tuple[str, ...]:
        return tuple(METHODS.get(provider, ()))

    def put_api_key(self, provider: ProviderKind, api_key: str, *, session_only: bool = False) -> None:
        """Keep the key in the OS keyring; raises ``SecretsUnavailable`` when there is none (then offer session only)."""
        if provider not in API_PROVIDERS:
            raise ValidationError({"provider": "Only Stripe and Mollie use an API key."})
        api_key = api_key.strip()
        if not api_key:
            raise ValidationError({"api_key": "Paste the secret API key from the provider's dashboard."})
        self._secrets.put(secret_name(provider), api_key, session_only=session_only)

    def has_api_key(self, provider: ProviderKind) -> bool:
        return provider in API_PROVIDERS and bool(self._secrets.get(secret_name(provider)))

    def api_key_is_session_only(self, provider: ProviderKind) -> bool:
        return self._secrets.is_session_only(secret_name(provider))

    def delete_api_key(self, provider: ProviderKind) -> None:
        self._secrets.delete(secret_name(provider))

    def gateway(self, value: ProviderSettings | None = None,
                timeout: tuple[float, float] | None = None) -> Gateway | None:
        """The gateway of the chosen API provider; None for none or a URL template. Raises ``NotConfigured``."""
        value = value or self.get()
        if value.provider not in API_PROVIDERS:
            return None
        key = self._secrets.get(secret_name(value.provider))
        if not key:
            raise NotConfigured(f"Pay links use {value.provider.value.title()}, but no API key is saved. Enter it in "
                                "Settings → Payment provider.")
        if value.provider is ProviderKind.STRIPE:
            return stripe.StripeGateway(key, value.stripe_base_url, timeout)
        return mollie.MollieGateway(key, value.mollie_base_url, timeout)

    def test_connection(self, value: ProviderSettings | None = None) -> str:
        """A message saying what works (or raises a ``PaydeskError`` saying what does not)."""
        value = value or self.get()
        validate(value)
        if value.provider is ProviderKind.NONE:
            return "Pay links are switched off."
        if value.provider is ProviderKind.URL_TEMPLATE:
            sample = render_template(value.url_template, {"number": "2026-0001", "amount": "123.45", "currency": "EUR",
                                                          "reference": "RF18539007547034", "customer": "1001"})
            return f"A link would look like: {sample}"
        gateway = self.gateway(value)
        assert gateway is not None
        try:
            return gateway.check()
        finally:
            gateway.close()
