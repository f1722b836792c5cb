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
from typing import TYPE_CHECKING

from desktop import __version__
from desktop.domain.errors import PaydeskError
from desktop.domain.invoice import InvoiceSummary
from desktop.domain.listing import InvoiceFilter
from desktop.domain.money import as_text
from desktop.domain.states import InvoiceStatus

if TYPE_CHECKING:
    from desktop.domain.debtors import DebtorRow
    from desktop.services.billing import BilledInvoice
    from desktop.services.paydesk import Paydesk
    from desktop.services.reminder_run import PreparedMessage
    from desktop.services.statements import TransactionDetail


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, metavar="PATH", help="database file (default: the one in your data folder)")
    parser = argparse.ArgumentParser(
        prog="paydesk", parents=[common], description="Paydesk gets small businesses paid. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"paydesk {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check that Paydesk works on this computer (window, database, PDFs, fonts, upgrades) and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", parents=[common], help="create a demo company with customers and invoices")
    demo.add_argument("--customers", type=_positive, default=40, metavar="N")
    demo.add_argument("--invoices", type=_positive, default=300, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    demo.add_argument("--no-history", dest="history", action="store_false",
                      help="only customers, invoices and payments: no reminders sent, pauses, notes or bank statement")

    invoices = commands.add_parser("invoices", parents=[common], help="list invoices")
    invoices.add_argument("--json", action="store_true", help="print one JSON array")
    invoices.add_argument("--status", choices=[s.value for s in InvoiceStatus], help="only invoices in this state")

    pdf = commands.add_parser("pdf", parents=[common], help="export invoices as PDF files")
    pdf.add_argument("numbers", nargs="+", metavar="NUMBER")
    pdf.add_argument("--out", type=Path, required=True, metavar="DIR")

    statement = commands.add_parser("statement", help="import bank statements and list their transactions")
    statement_commands = statement.add_subparsers(dest="statement_command", metavar="ACTION", required=True)
    statement_import = statement_commands.add_parser(
        "import", parents=[common], help="import statement files (camt.05x, MT940/942, OFX/QFX, CSV/XLSX, zip) and match them",
    )
    statement_import.add_argument("files", nargs="+", type=Path, metavar="FILE")
    statement_import.add_argument("--json", action="store_true", help="print one JSON array, an object per file")
    statement_list = statement_commands.add_parser("list", parents=[common], help="list every imported transaction")
    statement_list.add_argument("--json", action="store_true", help="print one JSON array")

    dunning = commands.add_parser("dunning", help="reminders: what is due, and sending it")
    dunning_commands = dunning.add_subparsers(dest="dunning_command", metavar="ACTION", required=True)
    dunning_run = dunning_commands.add_parser(
        "run", parents=[common], help="compute the reminders due on a date; print them (--dry-run, the default) or send them",
    )
    dunning_run.add_argument("--date", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                             help="the run date (default: today)")
    mode = dunning_run.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print what would be sent; write and send nothing (the default)")
    mode.add_argument("--send", action="store_true", help="record the reminders and send them through the outbox")
    dunning_run.add_argument("--json", action="store_true", help="print one JSON array, an object per message")

    billing = commands.add_parser("billing", help="subscriptions: make the invoices that have fallen due")
    billing_commands = billing.add_subparsers(dest="billing_command", metavar="ACTION", required=True)
    billing_run = billing_commands.add_parser(
        "run", parents=[common], help="make every subscription invoice due up to a date, missed periods included",
    )
    billing_run.add_argument("--date", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                             help="the run date (default: today)")
    billing_run.add_argument("--dry-run", action="store_true", help="print the invoices that would be made; write nothing")
    billing_run.add_argument("--json", action="store_true", help="print one JSON array, an object per invoice")

    report = commands.add_parser("report", parents=[common],
                                 help="write a report (aged receivables, DSO, cash collected) to a file")
    report.add_argument("report", choices=["aging", "dso", "collected"], metavar="REPORT", help="aging, dso or collected")
    report.add_argument("--as-of", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD", help="the date (default: today)")
    report.add_argument("--format", choices=["csv", "json", "xlsx", "pdf"], required=True)
    report.add_argument("--out", type=Path, required=True, metavar="FILE", help="the file to write (- for standard output)")
    debtors = commands.add_parser("debtors", parents=[common],
                                  help="where every customer stands: open, overdue and aged amounts, per currency")
    debtors.add_argument("--json", action="store_true", help="print one JSON array, an object per customer and currency")
    debtors.add_argument("--as-of", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD", help="the date (default: today)")
    _import_parser(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from desktop.selftest import run_self_test

        return run_self_test()
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
        create_demo(paydesk, customers=args.customers, invoices=args.invoices, seed=args.seed, history=args.history)
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


def cmd_statement(args: argparse.Namespace) -> int:
    return STATEMENT_COMMANDS[args.statement_command](args)


def cmd_statement_import(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk
    from desktop.services.statements import NeedsMapping

    paydesk = open_paydesk(args.db)
    reports = []
    failed = False
    try:
        for path in args.files:
            try:
                reports.extend(paydesk.statements.import_paths([path]))
            except NeedsMapping:
                failed = True
                print(f"paydesk: error: {path.name}: no saved column profile fits this file; import it once in the window "
                      "(Bank › Import statement) to teach Paydesk its columns", file=sys.stderr)
            except PaydeskError as error:
                failed = True
                print(f"paydesk: error: {error}", file=sys.stderr)
    finally:
        paydesk.close()
    if args.json:
        json.dump([r.as_json() for r in reports], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for r in reports:
            print(f"{r.file}: {r.format}, {r.transactions} transactions, {r.imported} new, {r.duplicates} duplicates; "
                  f"{r.matched} booked, {r.review} to review, {r.unmatched} unmatched, {r.ignored} ignored")
            for warning in r.warnings:
                print(f"  warning: {warning}")
    return 1 if failed else 0


def transaction_json(d: TransactionDetail) -> dict[str, object]:
    t = d.tx
    return {
        "booking_date": t.booking_date.isoformat(), "value_date": t.value_date.isoformat() if t.value_date else None,
        "amount": as_text(t.amount, t.currency), "currency": t.currency, "counterparty_name": t.counterparty_name,
        "counterparty_iban": t.counterparty_iban, "remittance": t.remittance, "bank_reference": t.bank_reference,
        "state": d.row.state.value, "invoices": list(d.row.invoices),
    }


def cmd_statement_list(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk

    paydesk = open_paydesk(args.db)
    try:
        details = paydesk.statements.transactions()
    finally:
        paydesk.close()
    if args.json:
        json.dump([transaction_json(d) for d in details], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for d in details:
        t = d.tx
        print(f"{t.booking_date} {as_text(t.amount, t.currency):>12} {t.currency} {d.row.state.value:<9} "
              f"{t.counterparty_name[:30]:<30} {t.remittance[:40]:<40} {', '.join(d.row.invoices)}")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def reminder_json(m: PreparedMessage) -> dict[str, object]:
    p = m.plan
    return {
        "customer_number": p.customer_number, "level": p.level.name, "invoices": p.invoice_numbers,
        "amount": as_text(p.amount, p.currency), "currency": p.currency, "to": m.to, "subject": m.subject,
        "status": p.status.value, "reason": p.reason or None,
    }


def cmd_dunning(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk
    from desktop.domain.dunning.model import PlanStatus
    from desktop.services.reminder_run import reminder_run_for

    paydesk = open_paydesk(args.db)
    try:
        run = reminder_run_for(paydesk)
        if args.send:  # pay links paid online are booked first, so they get no reminder
            webhooks_before(paydesk, args.date)
            prepared = run.prepare(args.date, poll_pay_links=True)
            report = run.send(prepared)
            stopped = getattr(report.delivery, "stopped", "")
            webhooks_after(paydesk)
        else:
            prepared = run.prepare(args.date, complete=False, pay_links=False)
            stopped = ""
    finally:
        paydesk.close()
    for warning in prepared.warnings:
        print(f"paydesk: warning: {warning}", file=sys.stderr)
    if stopped:
        print(f"paydesk: warning: delivery stopped: {stopped}", file=sys.stderr)
    if args.json:
        json.dump([reminder_json(m) for m in prepared.messages], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for m in prepared.messages:
            p = m.plan
            print(f"{p.customer_number:>6} {p.customer_name[:28]:<28} {p.level.name[:20]:<20} "
                  f"{as_text(p.amount, p.currency):>12} {p.currency} {p.status.value:<9} {', '.join(p.invoice_numbers)}"
                  + (f"  ({p.reason})" if p.reason else ""))
        for h in prepared.preview.handovers:
            action = "handed over to collection" if args.send else "would be handed over to collection"
            print(f"{h.customer_number:>6} {h.customer_name[:28]:<28} {action}: {', '.join(h.numbers)} "
                  f"({as_text(h.open_amount, h.currency)} {h.currency})")
    return 1 if any(m.plan.status is PlanStatus.FAILED for m in prepared.messages) else 0


def billed_json(b: BilledInvoice, dry_run: bool) -> dict[str, object]:
    return {
        "subscription": b.subscription_id, "customer_number": b.customer_number,
        "period_start": b.period_start.isoformat(), "period_end": b.period_end.isoformat(),
        "number": None if dry_run else b.number, "total": as_text(b.total, b.currency), "currency": b.currency,
    }


def cmd_billing(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk

    paydesk = open_paydesk(args.db)
    try:
        if not args.dry_run:
            webhooks_before(paydesk, args.date)
        report = paydesk.billing.run(args.date, dry_run=args.dry_run)
        if not args.dry_run:
            billing_emails(paydesk)
            webhooks_after(paydesk)
    finally:
        paydesk.close()
    if args.json:
        json.dump([billed_json(b, args.dry_run) for b in report.invoices], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for b in report.invoices:
            made = "(would be made)" if args.dry_run else b.number or "draft"
            print(f"{b.customer_number:>6} {b.subscription[:28]:<28} {b.period_start.isoformat()} – {b.period_end.isoformat()} "
                  f"{as_text(b.total, b.currency):>12} {b.currency} {made}")
        verb = "would be made" if args.dry_run else "made"
        print(f"{report.count} invoices {verb} for {report.subscriptions} subscriptions (run date {report.run_date.isoformat()})")
    return 0


def billing_emails(paydesk: Paydesk) -> None:
    """Queue the renewal and invoice emails of the billed periods, then deliver the outbox when email
    is set up; what happened goes to stderr (the JSON on stdout stays the list of invoices)."""
    mail = paydesk.invoice_mail
    waiting = mail.pending_count()
    if not paydesk.mail_settings.load().configured:
        if waiting:
            print(f"paydesk: warning: email is not set up (Settings › Email): {waiting} invoice email(s) wait and go out "
                  "with the next run after it is", file=sys.stderr)
        return
    try:
        if waiting:
            notices = mail.queue_subscription_notices()
            for skipped in notices.skipped:
                number = skipped.invoice_number or "-"
                print(f"paydesk: warning: no email for invoice {number}: {skipped.reason}", file=sys.stderr)
            for problem in notices.errors + notices.warnings:
                print(f"paydesk: warning: {problem}", file=sys.stderr)
            print(f"paydesk: {notices.queued} invoice email(s) queued", file=sys.stderr)
        delivery = paydesk.outbox.deliver()
    except PaydeskError as error:  # the invoices are made; their emails wait in the outbox
        print(f"paydesk: warning: {error}", file=sys.stderr)
        return
    if delivery.sent or delivery.retrying or delivery.failed:
        print(f"paydesk: {delivery.sent} email(s) sent, {delivery.retrying} to retry, {delivery.failed} failed", file=sys.stderr)
    if delivery.stopped:
        print(f"paydesk: warning: delivery stopped: {delivery.stopped}", file=sys.stderr)


def webhooks_before(paydesk: Paydesk, day: date | None) -> None:
    """Announce the invoices that fell overdue (``invoice.overdue``); a problem is a warning, never the exit code."""
    try:
        paydesk.webhooks.emit_overdue(day or paydesk.today())
    except Exception as error:  # a webhook problem must not fail the run
        print(f"paydesk: warning: webhooks: {error}", file=sys.stderr)


def webhooks_after(paydesk: Paydesk) -> None:
    """Send the webhook deliveries that are due (the run's events among them); problems go to stderr."""
    try:
        if not paydesk.webhooks.endpoints():
            return
        report = paydesk.webhooks.deliver()
    except Exception as error:  # a webhook problem must not fail the run
        print(f"paydesk: warning: webhooks: {error}", file=sys.stderr)
        return
    for problem in report.errors[:5]:
        print(f"paydesk: warning: webhook: {problem}", file=sys.stderr)
    if report.retrying or report.failed:
        print(f"paydesk: warning: webhooks: {report.delivered} delivered, {report.retrying} to retry, "
              f"{report.failed} failed", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk

    paydesk = open_paydesk(args.db)
    try:
        data = paydesk.reports.export(args.report, args.format, args.as_of)
    finally:
        paydesk.close()
    if str(args.out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        args.out.write_bytes(data)
    except OSError as error:
        raise PaydeskError(f"Could not write {args.out}: {error.strerror or error}") from error
    print(args.out)
    return 0


def debtor_json(r: DebtorRow) -> dict[str, object]:
    money = {k: as_text(getattr(r, k), r.currency) for k in (
        "open_balance", "overdue", "not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "credit")}
    return {
        "customer_number": r.customer_number, "customer_name": r.customer_name, "currency": r.currency, **money,
        "level": r.level, "on_hold": r.on_hold, "disputed": r.disputed,
        "next_action": r.next_action.value if r.next_action else None,
        "next_action_date": r.next_action_on.isoformat() if r.next_action_on else None,
    }


def cmd_debtors(args: argparse.Namespace) -> int:
    from desktop.app import open_paydesk
    from desktop.domain.debtors import DebtorColumn, DebtorSort

    paydesk = open_paydesk(args.db)
    try:
        page = paydesk.debtors.overview(
            as_of=args.as_of, sort=DebtorSort(DebtorColumn.CUSTOMER_NUMBER, descending=False), limit=None)
    finally:
        paydesk.close()
    if args.json:
        json.dump([debtor_json(r) for r in page.rows], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for r in page.rows:
        print(f"{r.customer_number:>8} {r.customer_name[:28]:<28} {r.currency} {as_text(r.open_balance, r.currency):>12} "
              f"{as_text(r.overdue, r.currency):>12} {r.level_name or '-':<16} "
              f"{(r.next_action.value + ' ' + r.next_action_on.isoformat()) if r.next_action and r.next_action_on else ''}")
    for t in page.totals:
        print(f"{'total':>8} {t.customers:>6} customers{'':<12} {t.currency} {as_text(t.open_balance, t.currency):>12} "
              f"{as_text(t.overdue, t.currency):>12}")
    return 0


def _import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    imports = commands.add_parser("import", help="import data from another system")
    import_commands = imports.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    invoices = import_commands.add_parser(
        "invoices", parents=[common],
        help="import customers and open invoices from an accounting export (CSV/XLSX) with a saved import profile",
    )
    invoices.add_argument("file", type=Path, metavar="FILE")
    invoices.add_argument("--profile", required=True, metavar="NAME",
                          help="the import profile (the source) saved in the window: File › Import customers and invoices…")
    invoices.add_argument("--dry-run", action="store_true", help="print what would be imported; write nothing")
    invoices.add_argument("--json", action="store_true", help="print one JSON object: the counts and the errors")


def cmd_import(args: argparse.Namespace) -> int:
    return {"invoices": cmd_import_invoices}[args.import_command](args)


def cmd_import_invoices(args: argparse.Namespace) -> int:
    """Preview the file with the profile; without errors (and without --dry-run) import it. Exit 1 when the file has errors."""
    from desktop.app import open_paydesk

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise PaydeskError(f"Cannot read {args.file}: {error.strerror}.") from None
    paydesk = open_paydesk(args.db)
    try:
        service = paydesk.ledger_import
        plan = service.preview(args.file.name, data, service.profile(args.profile))
        if not plan.errors and not args.dry_run:
            plan = service.apply(plan).plan
    finally:
        paydesk.close()
    counts = plan.counts()
    if args.json:
        json.dump({**counts, "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in plan.errors],
                   "dry_run": bool(args.dry_run), "skipped": len(plan.skipped), "warnings": plan.warnings},
                  sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        c, i = counts["customers"], counts["invoices"]
        verb = "would be" if args.dry_run or plan.errors else "were"
        print(f"Customers: {c['created']} new, {c['changed']} changed, {c['unchanged']} unchanged; invoices: {i['created']} new, "
              f"{i['changed']} changed, {i['closed']} closed, {i['unchanged']} unchanged, {len(plan.skipped)} skipped "
              f"({verb} imported from {plan.source})")
        for warning in plan.warnings:
            print(f"  warning: {warning}")
    for error in plan.errors:
        print(f"paydesk: error: {args.file.name}: {error}", file=sys.stderr)
    if plan.errors:
        print(f"paydesk: error: {len(plan.errors)} problem(s) in {args.file.name}; nothing was imported", file=sys.stderr)
    return 1 if plan.errors else 0


COMMANDS = {"demo": cmd_demo, "invoices": cmd_invoices, "pdf": cmd_pdf, "statement": cmd_statement, "dunning": cmd_dunning,
            "billing": cmd_billing, "report": cmd_report, "debtors": cmd_debtors,
            "import": cmd_import}
STATEMENT_COMMANDS = {"import": cmd_statement_import, "list": cmd_statement_list}
