"""``paydesk dunning run``, run as a scheduled task runs it: a separate process, a real database,
and for ``--send`` a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.gateways.smtp import Security
from desktop.services.mail_settings import MailSettings, MailSettingsService
from desktop.services.paydesk import Paydesk
from desktop.services.secrets import SecretStore
from tests.mail_server import MailServer

KEYS = {"customer_number", "level", "invoices", "amount", "currency", "to", "subject", "status", "reason"}


def paydesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    result = paydesk("demo", "--db", path, "--customers", "10", "--invoices", "60", "--seed", "3", "--today", "2026-11-21",
                     "--no-history")
    assert result.returncode == 0, result.stderr
    return path


def count(path: Path, table: str) -> int:
    desk = Paydesk.open(path)
    try:
        with desk.db.reading() as conn:
            return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    finally:
        desk.close()


def test_dry_run_json_is_the_contract_and_writes_nothing(demo_db: Path) -> None:
    result = paydesk("dunning", "run", "--db", demo_db, "--date", "2026-11-21", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stdout)
    assert messages and all(set(m) == KEYS for m in messages)
    assert {m["status"] for m in messages} <= {"planned", "held_back"}
    first = messages[0]
    assert isinstance(first["invoices"], list) and "." in first["amount"] and "@" in first["to"] and first["subject"]
    assert "No bank statement" in result.stderr  # the warning goes to stderr, the JSON stays clean
    assert count(demo_db, "reminders") == 0 and count(demo_db, "outbox") == 0
    plain = paydesk("dunning", "run", "--db", demo_db, "--date", "2026-11-21")
    assert plain.returncode == 0 and len(plain.stdout.splitlines()) >= len(messages)


def test_send_records_delivers_and_never_twice(demo_db: Path, tmp_path: Path) -> None:
    with MailServer("none", tmp_path, login=False) as server:
        desk = Paydesk.open(demo_db)
        MailSettingsService(desk.db, SecretStore()).save(MailSettings(
            host="127.0.0.1", port=server.port, security=Security.NONE, from_address="billing@paydesk-demo.example"))
        desk.close()
        result = paydesk("dunning", "run", "--db", demo_db, "--date", "2026-11-21", "--send", "--json")
        assert result.returncode == 0, result.stderr
        messages = json.loads(result.stdout)
        sent = [m for m in messages if m["status"] == "sent"]
        assert sent and {m["status"] for m in messages} <= {"sent", "held_back"}
        assert len(server.received) == len(sent)
        again = paydesk("dunning", "run", "--db", demo_db, "--date", "2026-11-21", "--send", "--json")
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout) == [m for m in messages if m["status"] == "held_back"]
        assert len(server.received) == len(sent)
    assert count(demo_db, "reminders") == len(sent) == count(demo_db, "outbox")


def test_send_without_an_email_server_is_a_clear_error(demo_db: Path) -> None:
    result = paydesk("dunning", "run", "--db", demo_db, "--date", "2026-11-21", "--send")
    assert result.returncode == 1
    assert result.stderr.startswith("paydesk: error: Set up the email server")
    assert count(demo_db, "reminders") == 0


def test_wrong_arguments_exit_2(demo_db: Path) -> None:
    assert paydesk("dunning", "run", "--db", demo_db, "--send", "--dry-run").returncode == 2
    assert paydesk("dunning", "run", "--db", demo_db, "--date", "21.11.2026").returncode == 2
