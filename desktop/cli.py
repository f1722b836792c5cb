"""The command line: ``paydesk`` opens the window; subcommands do headless work for scripts.

Output with ``--json`` is a contract that scripts rely on: keep the keys stable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from desktop import __version__
from desktop.domain.errors import PaydeskError
from desktop.domain.invoice import InvoiceSummary
from desktop.domain.listing import InvoiceFilter
from desktop.domain.money import as_text
from desktop.domain.states import InvoiceStatus


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, metavar="PATH", help="database file (default: the one in your data folder)")
    parser = argparse.ArgumentParser(
        prog="paydesk", parents=[common], description="Paydesk gets small businesses paid. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"paydesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", parents=[common], help="create a demo company with customers and invoices")
    demo.add_argument("--customers", type=_positive, default=40, metavar="N")
    demo.add_argument("--invoices", type=_positive, default=300, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)

    invoices = commands.add_parser("invoices", parents=[common], help="list invoices")
    invoices.add_argument("--json", action="store_true", help="print one JSON array")
    invoices.add_argument("--status", choices=[s.value for s in InvoiceStatus], help="only invoices in this state")

    pdf = commands.add_parser("pdf", parents=[common], help="export invoices as PDF files")
    pdf.add_argument("numbers", nargs="+", metavar="NUMBER")
    pdf.add_argument("--out", type=Path, required=True, metavar="DIR")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from desktop.app import run_gui

        return run_gui(args.db)
    try:
        return COMMANDS[args.command](args)
    except PaydeskError as error:
        print(f"paydesk: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("paydesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head or less, which stopped reading
        sys.stderr.close()
        return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk
    from desktop.services.demo import create_demo

    paydesk = open_paydesk(args.db, args.today)
    try:
        create_demo(paydesk, customers=args.customers, invoices=args.invoices, seed=args.seed)
    finally:
        paydesk.close()
    print(f"Demo company with {args.customers} customers and {args.invoices} invoices written to {paydesk.path}")
    return 0


def invoice_json(s: InvoiceSummary) -> dict[str, object]:
    return {
        "number": s.number, "customer_number": s.customer_number, "customer_name": s.customer_name,
        "issue_date": s.issue_date.isoformat(), "due_date": s.due_date.isoformat(), "currency": s.currency,
        "total": as_text(s.total, s.currency), "open_amount": as_text(s.open_amount, s.currency),
        "status": s.status.value, "reference": s.reference, "kind": s.kind.value,
    }


def cmd_invoices(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk

    paydesk = open_paydesk(args.db)
    try:
        f = InvoiceFilter(statuses=frozenset({InvoiceStatus(args.status)}) if args.status else frozenset())
        rows = paydesk.invoices.all_summaries(f)
    finally:
        paydesk.close()
    if args.json:
        json.dump([invoice_json(s) for s in rows], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for s in rows:
        print(f"{s.number or '(draft)':<14} {s.issue_date} {s.due_date} {s.customer_number:>6} {s.customer_name[:28]:<28} "
              f"{as_text(s.total, s.currency):>12} {as_text(s.open_amount, s.currency):>12} {s.currency} {s.status.value}")
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk

    paydesk = open_paydesk(args.db)
    try:
        ids = paydesk.documents.ids_for_numbers(args.numbers)
        files = paydesk.documents.export(ids, args.out)
    finally:
        paydesk.close()
    for path in files:
        print(path)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


COMMANDS = {"demo": cmd_demo, "invoices": cmd_invoices, "pdf": cmd_pdf}
