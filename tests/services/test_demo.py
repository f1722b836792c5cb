from pathlib import Path

from desktop.domain.states import InvoiceKind, InvoiceStatus
from desktop.services.demo import create_demo
from desktop.services.paydesk import Paydesk
from tests.conftest import TODAY


def _make(path: Path, seed: int) -> list[tuple[object, ...]]:
    paydesk = Paydesk.open(path, today=lambda: TODAY)
    create_demo(paydesk, customers=18, invoices=250, seed=seed)
    rows = [(s.number, s.customer_name, s.issue_date, s.total, s.open_amount, s.status, s.kind)
            for s in paydesk.invoices.all_summaries()]
    countries = {paydesk.customers.get(c).country for c, _, _ in paydesk.customers.choices()}
    paydesk.close()
    assert {"ES", "IT", "NL", "SE", "RU", "GB"} <= countries
    return rows


def test_demo_has_every_state_and_the_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    first = _make(tmp_path / "a.sqlite", seed=7)
    assert first == _make(tmp_path / "b.sqlite", seed=7)
    assert first != _make(tmp_path / "c.sqlite", seed=8)
    assert {row[5] for row in first} == set(InvoiceStatus)
    assert InvoiceKind.CREDIT_NOTE in {row[6] for row in first}
    dates = [row[2] for row in first]
    assert (max(dates) - min(dates)).days > 400
