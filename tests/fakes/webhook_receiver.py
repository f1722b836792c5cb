"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 (random port, a thread) that
records every request, checks its signature with ``desktop.domain.events.verify``, and can be
told to answer 500 (or any status), to hang past the client's timeout, or to be down (stopped,
then started again on the same port)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from desktop.domain.events import EVENT_ID_HEADER, SIGNATURE_HEADER, verify


@dataclass(slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: str
    signature_ok: bool

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        return self.headers.get(EVENT_ID_HEADER, "")


@dataclass
class WebhookReceiver:
    """Start with ``start()``; ``url`` is where to post. Script answers with ``answers`` (statuses
    used in order, then 200) and ``hang`` (seconds to wait before answering)."""

    secret: str = ""
    answers: list[int] = field(default_factory=list)
    hang: float = 0.0
    body: str = "ok"
    received: list[Received] = field(default_factory=list)
    port: int = 0
    clock: Callable[[], float] | None = None  # the receiver's time for the signature's age (the tests' clock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/paydesk"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("utf-8")
                headers = {k: v for k, v in self.headers.items()}
                ok = bool(receiver.secret) and verify(receiver.secret, body, headers.get(SIGNATURE_HEADER, ""),
                                                            now=receiver.clock() if receiver.clock else None)
                with receiver._lock:
                    receiver.received.append(Received(self.path, headers, body, ok))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    wait = receiver.hang
                if wait:
                    time.sleep(wait)
                data = receiver.body.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections until ``start()`` again (same port)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def event_ids(self) -> list[str]:
        return [r.event_id for r in self.received]
