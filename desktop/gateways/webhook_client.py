"""Posting one webhook: a JSON body with its signature headers, over HTTPS, with explicit timeouts.

- HTTPS is required; plain ``http://`` is accepted only for ``localhost``/``127.0.0.1``/``::1``
  (a receiver on the same machine, and the tests).
- Redirects are not followed (a 3xx is an answer like any other, and not a success): the signed
  event goes only to the URL the user entered.
- No proxy or .netrc from the environment; ``User-Agent: Paydesk/<version>``.
- The answer is read up to ``MAX_READ`` bytes; only its start is kept for the delivery log.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

from desktop import __version__
from desktop.domain.errors import ValidationError

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
MAX_READ = 64 * 1024
EXCERPT = 500
LOCAL_HOSTS = frozenset(("localhost", "127.0.0.1", "::1"))
USER_AGENT = f"Paydesk/{__version__}"


def check_url(url: str) -> str:
    """The URL, trimmed, if Paydesk may post to it; ``ValidationError`` saying why not otherwise."""
    text = url.strip()
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError({"url": "Enter the full address of the receiver, starting with https://."})
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise ValidationError({"url": "Webhooks are sent over https:// only (plain http:// is allowed for localhost)."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Leave the user name and password out of the address; each event is signed instead."})
    return text


@dataclass(frozen=True, slots=True)
class PostResult:
    """What the receiver answered, or why there was no answer (``status`` None)."""

    status: int | None
    excerpt: str = ""
    error: str = ""
    unreachable: bool = False  # could not connect at all (the other deliveries to it can wait too)


class WebhookClient:
    def __init__(self, timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)) -> None:
        self._timeout = timeout
        self._session = requests.Session()
        self._session.trust_env = False
        self._session.headers.update({"User-Agent": USER_AGENT, "Content-Type": "application/json"})

    def close(self) -> None:
        self._session.close()

    def post(self, url: str, body: str, headers: dict[str, str]) -> PostResult:
        check_url(url)
        try:
            with self._session.post(url, data=body.encode("utf-8"), headers=headers, timeout=self._timeout,
                                    allow_redirects=False, stream=True) as response:
                try:
                    raw = response.raw.read(MAX_READ, decode_content=True) or b""
                except urllib3.exceptions.HTTPError:  # the answer's status came, its body did not: the status counts
                    raw = b""
                return PostResult(response.status_code, _excerpt(raw))
        except requests.Timeout:
            return PostResult(None, error=f"no answer within {self._timeout[1]:g} seconds")
        except requests.ConnectionError as error:
            return PostResult(None, error=f"cannot connect to {urlsplit(url).netloc}: {_reason(error)}", unreachable=True)
        except requests.RequestException as error:
            return PostResult(None, error=type(error).__name__)


def _excerpt(raw: bytes) -> str:
    text = raw[:EXCERPT * 4].decode("utf-8", errors="replace")
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)[:EXCERPT]


def _reason(error: Exception) -> str:
    text = str(error)
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text:
        return "timed out"
    if "Name or service not known" in text or "getaddrinfo" in text:
        return "unknown host"
    return type(error).__name__
