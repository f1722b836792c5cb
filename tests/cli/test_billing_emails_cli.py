"""``paydesk billing run`` sends what the run made: the renewal and invoice emails are queued after
the run and delivered to a real SMTP server on 127.0.0.1; the JSON on stdout stays the list of
invoices, the news about emails goes to stderr; a second run sends nothing again."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

from desktop.domain.customer import Customer
from desktop.domain.subscriptions import PlanLine, Subscription, Timing
from desktop.gateways.smtp import Security
from desktop.services.demo import DEMO_COMPANY
from desktop.services.mail_settings import MailSettings, MailSettingsService
from desktop.services.paydesk import Paydesk
from desktop.services.secrets import SecretStore
from desktop.services.subscriptions import SubscriptionService
from tests.mail_server import MailServer

RUN = date(2026, 11, 21)
KEYS = {"subscription", "customer_number", "period_start", "period_end", "number", "total", "currency"}


def paydesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *map(str, args)], capture_output=True, text=True, timeout=300,
                          check=False)


def make_db(path: Path, port: int | None) -> None:
    desk = Paydesk.open(path)
    try:
        desk.company.save(DEMO_COMPANY)
        subs = SubscriptionService(desk.db, desk.today)
        line = [PlanLine("Seat", D(3), D("20.00"), D(21))]
        with_mail = desk.customers.save(Customer(number="1", name="Acme B.V.", emails=["ap@acme.example"], language="nl",
                                                 country="NL"))
        without = desk.customers.save(Customer(number="2", name="Quiet Ltd", language="en", country="GB"))
        subs.save(Subscription.new(with_mail, "Backup", "EUR", RUN + timedelta(days=3), line))
        subs.save(Subscription.new(with_mail, "Support", "EUR", date(2026, 10, 1), line, timing=Timing.ARREARS))
        subs.save(Subscription.new(without, "Backup", "EUR", RUN + timedelta(days=3), line))
        if port is not None:
            MailSettingsService(desk.db, SecretStore()).save(MailSettings(
                host="127.0.0.1", port=port, security=Security.NONE, from_address="billing@paydesk-demo.example"))
    finally:
        desk.close()


def test_billing_run_queues_and_delivers_the_emails_once(tmp_path: Path) -> None:
    db = tmp_path / "billing.sqlite"
    with MailServer("none", tmp_path, login=False) as server:
        make_db(db, server.port)
        result = paydesk("billing", "run", "--db", db, "--date", RUN.isoformat(), "--json")
        assert result.returncode == 0, result.stderr
        made = json.loads(result.stdout)
        assert len(made) == 3 and all(set(m) == KEYS and m["number"] for m in made)
        assert "2 invoice email(s) queued" in result.stderr and "2 email(s) sent" in result.stderr
        assert "no email for invoice" in result.stderr and "has no email address" in result.stderr
        assert sorted(r.rcpt_tos[0] for r in server.received) == ["ap@acme.example", "ap@acme.example"]
        again = paydesk("billing", "run", "--db", db, "--date", RUN.isoformat(), "--json")
        assert again.returncode == 0 and json.loads(again.stdout) == []
        assert "queued" not in again.stderr and len(server.received) == 2


def test_without_email_set_up_the_run_succeeds_and_says_what_waits(tmp_path: Path) -> None:
    db = tmp_path / "billing.sqlite"
    make_db(db, None)
    result = paydesk("billing", "run", "--db", db, "--date", RUN.isoformat())
    assert result.returncode == 0, result.stderr
    assert "3 invoices made" in result.stdout
    assert "email is not set up" in result.stderr and "3 invoice email(s) wait" in result.stderr
