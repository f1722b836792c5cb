"""Importing bank statement files: one database transaction per file (a zip is one file),
duplicates recognized, statements checked, and matching run on what is new.

A file that cannot be read whole raises ``UnreadableStatement`` (nothing stored). A CSV/XLSX
file with no saved column profile raises ``NeedsMapping``; the window then asks for a mapping
and imports again with it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desktop.domain.bank import (
    BankTransaction,
    ParsedFile,
    Statement,
    TransactionState,
    UnreadableStatement,
    check_balance,
    dedupe_keys,
)
from desktop.domain.column_mapping import ColumnMapping
from desktop.domain.errors import NotFound
from desktop.domain.money import round_money
from desktop.importers.base import MAX_FILE_BYTES
from desktop.importers.registry import NeedsMapping, read_statement_file
from desktop.services.bank_matching import decide, load_context
from desktop.services.tasks import CancelToken, ProgressCallback
from desktop.store import audit, bank_queries, statement_profiles
from desktop.store import bank_records as records
from desktop.store.bank_checkpoint import checkpoint_after_commit
from desktop.store.bank_queries import StoredTransaction, TransactionDetail
from desktop.store.bank_records import Outcome, StatementSummary
from desktop.store.bank_writer import BulkWriter
from desktop.store.database import Connection, Database

__all__ = ["ImportReport", "NeedsMapping", "StatementService", "StatementSummary", "TransactionDetail", "UnreadableStatement"]


@dataclass(slots=True)
class ImportReport:
    """What one file brought: the keys of ``paydesk statement import --json``."""

    file: str
    format: str
    transactions: int = 0
    imported: int = 0
    duplicates: int = 0
    matched: int = 0
    review: int = 0
    unmatched: int = 0
    ignored: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "format": self.format, "transactions": self.transactions, "imported": self.imported,
                "duplicates": self.duplicates, "matched": self.matched, "review": self.review,
                "unmatched": self.unmatched, "ignored": self.ignored, "warnings": list(self.warnings)}


class StatementService:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- import -----------------------------------------------------------------------------
    def import_paths(
        self, paths: Sequence[Path], progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
    ) -> list[ImportReport]:
        """Import files one after the other, each in its own transaction; stops at the first
        unreadable file (earlier files stay imported) by raising its error."""
        reports: list[ImportReport] = []
        for path in paths:
            reports.extend(self.import_file(path.name, read_file(path), progress=progress, cancel=cancel))
        return reports

    def import_file(
        self, file_name: str, data: bytes, mapping: ColumnMapping | None = None, save_profile: bool = False,
        progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
    ) -> list[ImportReport]:
        with self._db.reading() as conn:
            profiles = statement_profiles.load(conn)
        digest = _Sha256(data)
        parsed_files = read_statement_file(file_name, data, profiles, mapping)
        for name, parsed in parsed_files:
            _check_amounts(name, parsed)
        sha = digest.hexdigest()
        with self._db.transaction() as conn:
            if mapping is not None and save_profile:
                statement_profiles.save(conn, mapping)
            stored = [_store_file(conn, name, sha, parsed) for name, parsed in parsed_files]
            if cancel is not None:
                cancel.check()
            new_rows = [r for _, rows, _ in stored for r in rows]
            fresh = [StoredTransaction(r.id, r.tx, TransactionState.UNMATCHED, ()) for r in new_rows]
            outcomes = decide(conn, fresh, load_context(conn), progress, cancel, _Inserter(new_rows))
            states = {o.transaction_id: o.state for o in outcomes}
            reports = []
            for report, rows, import_id in stored:
                _count_states(report, [r.id for r in rows], states)
                reports.append(report)
                audit.record(conn, "statement.imported", "bank_import", import_id,
                             f"{report.file} ({report.format}): {report.imported} new, {report.duplicates} already imported, "
                             f"{report.matched} booked automatically, {report.review} to review")
            checkpoint_after_commit(conn)
            return reports

    # --- statements ---------------------------------------------------------------------------
    def statements(self, only_unaccepted_problems: bool = False) -> list[StatementSummary]:
        with self._db.reading() as conn:
            return records.statement_summaries(conn, only_unaccepted_problems)

    def accept_statement(self, statement_id: int) -> None:
        """The user has seen that the statement does not add up and accepts it as the bank sent it."""
        with self._db.transaction() as conn:
            summary = records.accept_statement(conn, statement_id)
            if summary is None:
                raise NotFound(f"Statement {statement_id} does not exist.")
            audit.record(conn, "statement.accepted", "bank_statement", statement_id,
                         f"Statement {summary.statement_id or statement_id} of {summary.account} accepted although "
                         f"{summary.problem}")

    def last_import(self) -> date | None:
        with self._db.reading() as conn:
            return records.last_import_date(conn)

    def profiles(self) -> list[ColumnMapping]:
        with self._db.reading() as conn:
            return statement_profiles.load(conn)

    def transactions(self) -> list[TransactionDetail]:
        """Every imported transaction, oldest import first."""
        with self._db.reading() as conn:
            return bank_queries.all_details(conn)


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableStatement(f"the file is {size // 1_048_576} MB; Paydesk reads statements up to "
                                      f"{MAX_FILE_BYTES // 1_048_576} MB", file_name=path.name)
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableStatement("there is no such file", file_name=str(path)) from None
    except IsADirectoryError:
        raise UnreadableStatement("this is a folder, not a statement file", file_name=str(path)) from None
    except PermissionError:
        raise UnreadableStatement("Paydesk may not read this file (permission denied)", file_name=str(path)) from None


class _Sha256:
    """The SHA-256 of a file, worked out on a thread while the file is parsed: ``hashlib`` lets go of the
    GIL for large data, so the ~0.04 s a 20 MB statement takes overlap the parse."""

    def __init__(self, data: bytes) -> None:
        self._hex = ""
        self._thread = threading.Thread(target=self._run, args=(data,), name="paydesk-sha256", daemon=True)
        self._thread.start()

    def _run(self, data: bytes) -> None:
        self._hex = hashlib.sha256(data).hexdigest()

    def hexdigest(self) -> str:
        self._thread.join()
        return self._hex


def _check_amounts(name: str, parsed: ParsedFile) -> None:
    """Amounts with more decimals than their currency has are not a bank's; refuse the file."""
    for statement in parsed.statements:
        for index, tx in enumerate(statement.transactions, start=1):
            try:
                exact = round_money(tx.amount, tx.currency) == tx.amount
            except (KeyError, ValueError):
                exact = False
            if not exact or len(tx.currency) != 3:
                raise UnreadableStatement(f"the amount {tx.amount} {tx.currency} is not a valid amount in that currency",
                                          where=f"transaction {index}", file_name=name)


def _store_file(
    conn: Connection, name: str, sha: str, parsed: ParsedFile,
) -> tuple[ImportReport, list[records.NewTransaction], int]:
    report = ImportReport(name, parsed.format, transactions=parsed.transaction_count, warnings=list(parsed.warnings))
    plans: list[tuple[Statement, list[tuple[BankTransaction, str]]]] = []
    for statement in parsed.statements:
        keys = dedupe_keys(statement.account, statement.transactions)
        seen = records.existing_keys(conn, keys)
        fresh: list[tuple[BankTransaction, str]] = []
        for tx, key in zip(statement.transactions, keys, strict=True):
            if key in seen:
                report.duplicates += 1
            else:
                seen.add(key)
                fresh.append((tx, key))
        plans.append((statement, fresh))
    report.imported = sum(len(fresh) for _, fresh in plans)
    import_id = records.insert_import(conn, name, sha, parsed, report.imported, report.duplicates)
    next_tx = records.next_id(conn, "bank_transactions")
    rows: list[records.NewTransaction] = []
    for statement, fresh in plans:
        check = check_balance(statement)
        if not check.ok:
            label = statement.statement_id or statement.account
            report.warnings.append(f"Statement {label}: {'; '.join(check.problems())}. It stays marked until you accept it.")
        known = records.known_statement(conn, statement)
        if known is not None and not fresh:
            continue
        statement_row = known if known is not None else records.insert_statement(conn, import_id, statement, check)
        for tx, key in fresh:
            rows.append(records.NewTransaction(next_tx, statement_row, statement.account, tx, key))
            next_tx += 1
    return report, rows, import_id


class _Inserter:
    """Stores new transactions with their outcomes as matching hands them over, run by run, in order."""

    def __init__(self, rows: list[records.NewTransaction]) -> None:
        self._rows = rows
        self._done = 0

    def __call__(self, writer: BulkWriter, outcomes: list[Outcome], now: str) -> None:
        rows = self._rows[self._done:self._done + len(outcomes)]
        self._done += len(outcomes)
        records.queue_transactions(writer, rows, outcomes, now)


def _count_states(report: ImportReport, ids: list[int], states: dict[int, TransactionState]) -> None:
    for transaction_id in ids:
        state = states.get(transaction_id, TransactionState.UNMATCHED)
        setattr(report, state.value, getattr(report, state.value) + 1)
