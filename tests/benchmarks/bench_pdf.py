"""PDF export throughput: invoices per second with worker processes, against one process.

Run from the repository root:  python tests/benchmarks/bench_pdf.py [--count 2000] [--workers 2]

Builds sample invoices (5 lines, EUR with an EPC QR code, languages mixed including Russian),
renders them in a ``ProcessPoolExecutor`` the way the export does (spawned workers, chunks),
then renders some in this process for a single-process baseline. The pool time includes
starting the workers, as an export pays for it too.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reportlab.lib import rl_accel

from desktop.documents.invoice_pdf import render_invoice
from desktop.domain.document import InvoiceDocument
from desktop.domain.invoice import InvoiceLine, compute_totals
from desktop.domain.reference import creditor_reference
from tests.documents.sample_documents import make_document

TARGET_PER_SECOND = 200

CUSTOMERS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    # language: (locale, customer name, address, line descriptions)
    "en": ("en_GB", "Blackwood & Sons Ltd", ("14 Harbour Street", "Bristol BS1 4QA", "United Kingdom"),
           ("Website maintenance", "Hosting, 12 months", "Design workshop", "Travel expenses", "Support hours")),
    "es": ("es_ES", "García y Asociados S.L.", ("Calle Mayor 12", "28013 Madrid", "España"),
           ("Consultoría de software", "Licencia anual", "Formación presencial", "Gastos de viaje", "Soporte técnico")),
    "it": ("it_IT", "Rossi & Figli S.r.l.", ("Via Garibaldi 8", "20121 Milano", "Italia"),
           ("Consulenza software", "Licenza annuale", "Formazione in sede", "Spese di viaggio", "Assistenza tecnica")),
    "nl": ("nl_NL", "De Vries Techniek B.V.", ("Keizersgracht 120", "1015 CX Amsterdam", "Nederland"),
           ("Softwareadvies", "Jaarlicentie", "Training op locatie", "Reiskosten", "Technische ondersteuning")),
    "sv": ("sv_SE", "Lindqvist Bygg AB", ("Storgatan 5", "111 23 Stockholm", "Sverige"),
           ("Mjukvarukonsultation", "Årslicens", "Utbildning på plats", "Resekostnader", "Teknisk support")),
    "ru": ("ru_RU", "ООО «Северный ветер»", ("ул. Тверская, д. 7", "101000 Москва", "Россия"),
           ("Консультация по внедрению", "Годовая лицензия", "Обучение сотрудников", "Командировочные расходы",
            "Техническая поддержка")),
}


def build_documents(count: int) -> list[InvoiceDocument]:
    base = make_document()
    languages = list(CUSTOMERS)
    documents = []
    for n in range(count):
        language = languages[n % len(languages)]
        locale, name, address, descriptions = CUSTOMERS[language]
        lines = tuple(
            InvoiceLine(f"{text} #{n % 97 + k}", Decimal(k + 1 + n % 3), Decimal(40 + (n * 7 + k * 13) % 400) + Decimal("0.50"),
                        Decimal("21") if k != 3 else Decimal("10"), Decimal("5") if k == 1 and n % 4 == 0 else Decimal(0))
            for k, text in enumerate(descriptions)
        )
        totals = compute_totals(lines, "EUR")
        number = f"2026-{n + 1:05}"
        issue = date(2026, 1, 1) + timedelta(days=n % 300)
        documents.append(replace(
            base, number=number, issue_date=issue, due_date=issue + timedelta(days=30), language=language,
            locale=locale, bill_name=name, bill_address_lines=address, customer_number=str(1000 + n % 250),
            lines=lines, totals=totals, reference=creditor_reference(number), amount_due=totals.total, notes=f"PO {n:06}",
        ))
    return documents


def render_chunk(documents: list[InvoiceDocument]) -> tuple[list[bytes], float]:
    """The PDFs (sent back to the parent, as the export does) and the worker's CPU seconds for them."""
    started = time.process_time()
    pdfs = [render_invoice(doc) for doc in documents]
    return pdfs, time.process_time() - started


def chunks(documents: list[InvoiceDocument], size: int) -> list[list[InvoiceDocument]]:
    return [documents[start:start + size] for start in range(0, len(documents), size)]


def busy_before(seconds: float = 1.0) -> float | None:
    """How busy the CPUs were (0..1) over a moment before the run: other work there lowers the rates."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    try:
        busy1, total1 = sample()
        time.sleep(seconds)
        busy2, total2 = sample()
    except OSError:
        return None
    return (busy2 - busy1) / max(1, total2 - total1)


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=25)
    parser.add_argument("--baseline", type=int, default=500, help="invoices rendered in this process")
    args = parser.parse_args()

    documents = build_documents(args.count)
    busy = busy_before()

    sizes: list[int] = []
    worker_cpu = 0.0
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for pdfs, cpu in pool.map(render_chunk, chunks(documents, args.chunk)):
            sizes.extend(len(pdf) for pdf in pdfs)
            worker_cpu += cpu
    pool_seconds = time.perf_counter() - start
    pool_rate = len(sizes) / pool_seconds
    cpu_ms = worker_cpu / len(sizes) * 1000

    sample = documents[: args.baseline]
    render_invoice(sample[0])  # fonts registered and modules warm, as in a worker after its first invoice
    start = time.perf_counter()
    for doc in sample:
        render_invoice(doc)
    single_seconds = time.perf_counter() - start
    single_rate = len(sample) / single_seconds

    verdict = "ok" if pool_rate >= TARGET_PER_SECOND else "BELOW TARGET"
    print(f"pdf export: {len(sizes)} invoices in {pool_seconds:.1f} s = {pool_rate:.0f}/s "
          f"(target >= {TARGET_PER_SECOND}/s, {args.workers} workers, chunks of {args.chunk}, incl. worker start) {verdict}")
    print(f"single process: {len(sample)} invoices in {single_seconds:.1f} s = {single_rate:.0f}/s "
          f"({1000 / single_rate:.1f} ms per invoice)")
    print(f"speed-up with {args.workers} workers: {pool_rate / single_rate:.2f}x")
    busy_note = "unknown" if busy is None else f"{busy:.0%}"
    if busy is not None and busy > 0.2:
        busy_note += ": other processes were running, the rates above are lower than on an idle machine"
    print(f"worker CPU: {cpu_ms:.1f} ms per invoice, so {args.workers} idle cores could do "
          f"{args.workers * 1000 / cpu_ms:.0f}/s (CPU busy before the run: {busy_note})")
    print(f"mean PDF size: {sum(sizes) / len(sizes) / 1024:.1f} KiB")
    accelerated = bool(rl_accel._c_funcs)
    print(f"ReportLab C accelerator (rl-accel): {'installed' if accelerated else 'not installed (pure Python)'}")
    print(f"peak memory: main process {peak_mb(resource.RUSAGE_SELF):.0f} MiB, "
          f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):.0f} MiB")


if __name__ == "__main__":
    main()
