"""Importing customers and open invoices from another system: plan, apply, idempotency, updates, closing, errors."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.customer import Customer
from desktop.domain.errors import NotFound, PaydeskError
from desktop.domain.states import InvoiceStatus
from desktop.importers.ledger_mapping import LedgerMapping
from desktop.services.ledger_import import LedgerImportService
from desktop.services.paydesk import Paydesk
from tests.conftest import MakeInvoice

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"
DUTCH = FIXTURES / "exact_openstaande_posten.csv"
ENGLISH = FIXTURES / "xero_aged_receivables.xlsx"
HEADER = "Debiteurnummer;Naam;E-mail;Land;Factuurnummer;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand\n"


@pytest.fixture
def service(paydesk: Paydesk) -> LedgerImportService:
    return LedgerImportService(paydesk.db, paydesk.today)


def profile(service: LedgerImportService, name: str, data: bytes, source: str = "Exact") -> LedgerMapping:
    from dataclasses import replace

    mapping = replace(service.guess(name, data), name=source)
    service.save_profile(mapping)
    return mapping


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def summaries(paydesk: Paydesk) -> dict[str, tuple[str, Decimal, Decimal, InvoiceStatus]]:
    return {s.number: (s.customer_name, s.total, s.open_amount, s.status) for s in paydesk.invoices.all_summaries()
            if s.number}


def test_dutch_csv_creates_customers_and_invoices_then_a_second_import_changes_nothing(paydesk, service):
    data = DUTCH.read_bytes()
    mapping = profile(service, DUTCH.name, data)
    plan = service.preview(DUTCH.name, data, mapping)
    assert plan.errors == []
    assert plan.counts() == {"customers": {"created": 4, "changed": 0, "unchanged": 0},
                             "invoices": {"created": 5, "changed": 0, "closed": 0, "unchanged": 0}}
    assert summaries(paydesk) == {}  # the preview writes nothing
    service.apply(plan)

    found = summaries(paydesk)
    assert found["VF26-0412"] == ("Bakkerij De Molen B.V.", Decimal("1210.00"), Decimal("1210.00"), InvoiceStatus.OPEN)
    assert found["VF26-0455"] == ("Bakkerij De Molen B.V.", Decimal("2450.50"), Decimal("450.50"),
                                  InvoiceStatus.PARTIALLY_PAID)
    assert found["VF26-0471"][0] == "ООО «Северный ветер»"
    assert found["VF26-0480"][1:3] == (Decimal("12500.00"), Decimal("12500.00"))
    russian = paydesk.customers.get(paydesk.customers.id_by_number("10047"))
    assert (russian.name, russian.city, russian.language, russian.emails) == (
        "ООО «Северный ветер»", "Москва", "ru", ["buh@veter.example"])
    dutch = paydesk.customers.get(paydesk.customers.id_by_number("10023"))
    assert (dutch.vat_id, dutch.ibans, dutch.postal_code, dutch.language) == (
        "NL004495445B01", ["NL91ABNA0417164300"], "1505 AB", "nl")
    record = paydesk.invoices.get(paydesk.invoices.id_by_number("VF26-0455"))
    assert [(line.description, line.unit_price, line.vat_rate) for line in record.draft.lines] == [
        ("Imported from Exact", Decimal("2450.50"), Decimal(0))]

    again = service.preview(DUTCH.name, data, service.matching_profile(DUTCH.name, data))
    assert again.empty and again.errors == []
    assert again.counts() == {"customers": {"created": 0, "changed": 0, "unchanged": 4},
                              "invoices": {"created": 0, "changed": 0, "closed": 0, "unchanged": 5}}
    audit_before = paydesk.audit.entries()
    assert {"customer.imported", "invoice.imported", "invoice.settled_externally"} <= {e.action for e in audit_before}
    service.apply(again)
    assert summaries(paydesk) == found
    assert paydesk.audit.entries() == audit_before


def test_english_xlsx_with_paid_amounts_and_a_paid_invoice(paydesk, service):
    data = ENGLISH.read_bytes()
    mapping = profile(service, ENGLISH.name, data, "Xero")
    assert mapping.header_row == 3 and mapping.delimiter == ""
    plan = service.preview(ENGLISH.name, data, mapping)
    assert [s.external_id for s in plan.skipped] == ["INV-1031"]  # paid in full: nothing to collect
    service.apply(plan)
    found = summaries(paydesk)
    assert found["INV-1017"] == ("Acme Widgets Ltd", Decimal("960.00"), Decimal("560.00"), InvoiceStatus.PARTIALLY_PAID)
    assert found["INV-1022"][1:] == (Decimal("2299.99"), Decimal("2299.99"), InvoiceStatus.OPEN)
    assert found["INV-1030"][0] == "Ольга Смирнова ИП"
    assert "INV-1031" not in found
    assert service.preview(ENGLISH.name, data, mapping).empty


def test_changed_fields_and_lower_open_amounts_update_and_missing_invoices_close(paydesk, service):
    first = csv("501;Alfa BV;a@alfa.example;NL;A-1;01-10-2026;31-10-2026;EUR;100,00;100,00",
                "501;Alfa BV;a@alfa.example;NL;A-2;02-10-2026;01-11-2026;EUR;200,00;200,00",
                "502;Beta AB;b@beta.example;SE;A-3;03-10-2026;02-11-2026;SEK;300,00;300,00")
    mapping = profile(service, "export.csv", first)
    service.apply(service.preview("export.csv", first, mapping))

    second = csv("501;Alfa Holding BV;billing@alfa.example;NL;A-1;01-10-2026;31-10-2026;EUR;100,00;40,00",
                 "502;Beta AB;b@beta.example;SE;A-3;03-10-2026;02-11-2026;SEK;300,00;300,00")
    plan = service.preview("export.csv", second, mapping)
    assert plan.counts() == {"customers": {"created": 0, "changed": 1, "unchanged": 1},
                             "invoices": {"created": 0, "changed": 1, "closed": 1, "unchanged": 1}}
    changes = {c.field: (c.old, c.new) for c in plan.customers_changed[0].changes}
    assert changes == {"name": ("Alfa BV", "Alfa Holding BV"),
                       "emails": ("a@alfa.example", "billing@alfa.example, a@alfa.example")}
    assert [(i.number, i.open_before, i.open_after) for i in plan.invoices_changed] == [("A-1", Decimal("100.00"),
                                                                                         Decimal("40.00"))]
    assert [(i.number, i.settle, i.row) for i in plan.invoices_closed] == [("A-2", Decimal("200.00"), None)]
    service.apply(plan)

    found = summaries(paydesk)
    assert found["A-1"] == ("Alfa Holding BV", Decimal("100.00"), Decimal("40.00"), InvoiceStatus.PARTIALLY_PAID)
    assert found["A-2"][2:] == (Decimal("0.00"), InvoiceStatus.PAID)
    assert paydesk.customers.get(paydesk.customers.id_by_number("501")).name == "Alfa Holding BV"
    with sqlite3.connect(paydesk.path) as conn:
        reasons = conn.execute("SELECT reason, amount_minor, payment_id FROM write_offs ORDER BY id").fetchall()
        payments = conn.execute("SELECT count(*) FROM payments").fetchone()[0]
    assert reasons == [("Settled in Exact", 6000, None), ("Settled in Exact (missing from the file)", 20000, None)]
    assert payments == 0  # settled outside Paydesk: no cash recorded
    assert service.preview("export.csv", second, mapping).empty


def test_reduced_total_is_settled_and_higher_open_amount_is_a_warning(paydesk, service):
    first = csv("601;Gamma SL;g@gamma.example;ES;G-1;01-10-2026;31-10-2026;EUR;500,00;500,00",
                "601;Gamma SL;g@gamma.example;ES;G-2;01-10-2026;31-10-2026;EUR;80,00;50,00")
    mapping = profile(service, "export.csv", first)
    service.apply(service.preview("export.csv", first, mapping))
    second = csv("601;Gamma SL;g@gamma.example;ES;G-1;01-10-2026;15-11-2026;EUR;450,00;450,00",
                 "601;Gamma SL;g@gamma.example;ES;G-2;01-10-2026;31-10-2026;EUR;80,00;80,00")
    plan = service.preview("export.csv", second, mapping)
    assert [(i.number, i.settle, i.note) for i in plan.invoices_changed] == [
        ("G-1", Decimal("50.00"), "total reduced in the source from 500.00 to 450.00")]
    assert any("moved the due date" in w for w in plan.warnings)
    assert any("G-2" in w and "Paydesk recorded payments" in w for w in plan.warnings)
    service.apply(plan)
    assert summaries(paydesk)["G-1"][1:3] == (Decimal("500.00"), Decimal("450.00"))


def test_row_errors_are_listed_with_row_and_column_and_nothing_is_written(paydesk, service):
    good = "701;Delta BV;d@delta.example;NL;D-1;01-10-2026;31-10-2026;EUR;10,00;10,00"
    mapping = profile(service, "export.csv", csv(good))
    bad = csv(good,
              "702;Epsilon BV;e@eps.example;NL;D-2;31-02-2026;31-10-2026;EUR;10,00;10,00",
              "703;Zeta BV;z@zeta.example;NL;D-3;01-10-2026;31-10-2026;XYZ;10,00;10,00",
              ";Eta BV;e@eta.example;NL;D-4;01-10-2026;31-10-2026;EUR;10,00;10,00",
              "705;Theta BV;not-an-email;NL;D-5;01-10-2026;31-10-2026;EUR;10,00;10,00")
    plan = service.preview("export.csv", bad, mapping)
    found = [(e.row, e.column) for e in plan.errors]
    assert found == [(3, "Factuurdatum"), (4, "Valuta"), (5, "Debiteurnummer"), (6, "E-mail")]
    assert "'31-02-2026' is not a date in the format dd-mm-yyyy" in plan.errors[0].message
    assert "'XYZ' is not a currency code" in plan.errors[1].message
    with pytest.raises(PaydeskError, match="4 problem"):
        service.apply(plan)
    assert summaries(paydesk) == {}
    assert paydesk.customers.search() == []


def test_number_clash_with_a_paydesk_invoice_is_a_row_error(paydesk, service, make_invoice: MakeInvoice):
    make_invoice("100.00")
    taken = paydesk.invoices.all_summaries()[0].number
    assert taken == "2026-00001"
    data = csv(f"801;Iota BV;i@iota.example;NL;{taken};01-10-2026;31-10-2026;EUR;10,00;10,00",
               "801;Iota BV;i@iota.example;NL;2025-00077;01-10-2026;31-10-2026;EUR;10,00;10,00")
    plan = service.preview("export.csv", data, profile(service, "export.csv", data))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Factuurnummer"), (3, "Factuurnummer")]
    assert "already used by another Paydesk invoice" in plan.errors[0].message
    assert "looks like Paydesk's own numbering" in plan.errors[1].message


def test_existing_customer_with_the_same_number_is_linked_not_duplicated(paydesk, service):
    existing = paydesk.customers.save(Customer(number="901", name="Kappa BV", emails=["old@kappa.example"], country="NL"))
    data = csv("901;Kappa BV;old@kappa.example;NL;K-1;01-10-2026;31-10-2026;EUR;10,00;10,00")
    plan = service.preview("export.csv", data, profile(service, "export.csv", data))
    assert plan.counts()["customers"] == {"created": 0, "changed": 1, "unchanged": 0}
    assert plan.customers_changed[0].changes[0].field == "link"
    service.apply(plan)
    assert paydesk.customers.search() == [existing]
    assert service.preview("export.csv", data, profile(service, "export.csv", data)).counts()["customers"]["unchanged"] == 1


def test_a_stale_preview_is_refused(paydesk, service):
    data = csv("911;Lambda BV;l@lambda.example;NL;L-1;01-10-2026;31-10-2026;EUR;10,00;10,00")
    mapping = profile(service, "export.csv", data)
    plan = service.preview("export.csv", data, mapping)
    service.apply(service.preview("export.csv", data, mapping))
    with pytest.raises(PaydeskError, match="changed since the preview"):
        service.apply(plan)
    assert len(summaries(paydesk)) == 1


def test_profiles_are_saved_per_source_and_recognized(service):
    data = DUTCH.read_bytes()
    mapping = profile(service, DUTCH.name, data, "Exact Online")
    assert [m.name for m in service.profiles()] == ["Exact Online"]
    assert service.profile("Exact Online") == mapping
    assert service.matching_profile("next-week.csv", data) == mapping
    assert service.matching_profile(ENGLISH.name, ENGLISH.read_bytes()) is None
    with pytest.raises(NotFound, match="File › Import customers and invoices"):
        service.profile("Twinfield")
