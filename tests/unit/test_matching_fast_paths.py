"""The fast paths of a large import give exactly what the plain ones give: ``suggestions_json`` writes what
``json.dumps`` of the suggestions' ``to_json`` writes, ``make_open_invoice`` makes what ``OpenInvoice(...)`` makes."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching import OpenInvoice, Reason, Signal, Suggestion, make_open_invoice, suggestions_json
from desktop.domain.payment import Allocation


def dumps(suggestions: list[Suggestion]) -> str:
    return json.dumps([s.to_json() for s in suggestions], ensure_ascii=False)


def test_same_text_as_json_dumps_for_awkward_texts_and_amounts() -> None:
    texts = ['name "García & Hijos" resembles \\ "Garcia"', "line\nbreak\ttab \x01 control", "ООО «Северный ветер» ✓ 💶",
             "", "quote ' and </script>"]
    suggestions = [
        Suggestion(CustomerId(7), (Allocation(InvoiceId(1), Decimal("100.00")), Allocation(InvoiceId(22), Decimal("0.5"))),
                   88, tuple(Reason(signal, 10 * n, text) for n, (signal, text) in enumerate(zip(Signal, texts, strict=False))),
                   credit=Decimal("12.30"), shortfall=Decimal("-0"), currency="EUR"),
        Suggestion(CustomerId(8), (), 0, (), credit=Decimal("1E+2"), currency=""),
        Suggestion(CustomerId(9), (Allocation(InvoiceId(3), Decimal("1234567.891")),), 100, (Reason(Signal.IBAN, 45, "x"),)),
    ]
    for chosen in ([], suggestions[:1], suggestions):
        assert suggestions_json(chosen) == dumps(chosen)
        assert json.loads(suggestions_json(chosen)) == [s.to_json() for s in chosen]


def test_make_open_invoice_is_an_open_invoice_like_any_other() -> None:
    fields = (InvoiceId(4), "2026-0004", "RF18539007547034", CustomerId(2), "EUR", Decimal("12.50"), date(2026, 1, 2),
              date(2026, 2, 1))
    made = make_open_invoice(*fields)
    plain = OpenInvoice(*fields)
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert dataclasses.replace(made, open_amount=Decimal("2.50")) == dataclasses.replace(plain, open_amount=Decimal("2.50"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.open_amount = Decimal(0)  # type: ignore[misc]
