"""Importing bank statement files from the window: choose several files, import them in the
background (progress after 600 ms, cancel), ask for the columns of a CSV/XLSX the first time a
bank's layout is seen, and say per file what it brought. A file that can't be read is named with
the reason, never a traceback; it stores nothing, and the other files still import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.domain.column_mapping import ColumnMapping
from desktop.domain.errors import PaydeskError
from desktop.services.paydesk import Paydesk
from desktop.services.statements import ImportReport, NeedsMapping, read_file
from desktop.services.tasks import Cancelled, CancelToken, ProgressCallback
from desktop.ui import messages
from desktop.ui.formatting import number
from desktop.ui.statement_mapping_dialog import StatementMappingDialog
from desktop.ui.tasks import Task, TaskRunner

STATEMENT_PATTERNS = "*.xml *.053 *.052 *.054 *.camt *.sta *.mt940 *.940 *.942 *.txt *.ofx *.qfx *.csv *.tsv *.xlsx *.zip"


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatementImport", text)


@dataclass(slots=True)
class FileOutcome:
    """What became of one chosen file."""

    name: str
    reports: list[ImportReport] = field(default_factory=list)
    error: PaydeskError | None = None
    needs_mapping: NeedsMapping | None = None  # waiting for the user to map its columns
    skipped: bool = False  # the user closed the mapping dialog, or cancelled the import
    path: Path | None = None  # the file chosen (a zip, when the unmapped table is one of its members)


def report_text(report: ImportReport) -> str:
    """One file's result for the summary: what it held, what was new, what matching made of it."""
    lines = [
        _tr("{file} ({format}): {count} transactions, {new} new, {duplicates} already imported.").format(
            file=report.file, format=report.format, count=number(report.transactions), new=number(report.imported),
            duplicates=number(report.duplicates)),
    ]
    if report.imported:
        lines.append(_tr("Booked automatically: {matched} · to review: {review} · unmatched: {unmatched} · "
                         "ignored: {ignored}").format(matched=number(report.matched), review=number(report.review),
                                                      unmatched=number(report.unmatched), ignored=number(report.ignored)))
    lines += ["⚠ " + warning for warning in report.warnings]
    return "\n".join(lines)


class StatementImport(QObject):
    """One import run over the chosen files.

    A CSV/XLSX of a layout Paydesk doesn't know opens ``StatementMappingDialog`` (``mapping_dialog``
    while it is open); the file is imported again with the answer, which is saved as the bank's profile.

    Signals:
        finished: the outcomes (a list of ``FileOutcome``), after the summary was shown.
        imported: something was stored (other pages may show stale data).
    """

    finished = Signal(object)
    imported = Signal()

    def __init__(self, paydesk: Paydesk, tasks: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._paydesk = paydesk
        self._tasks = tasks
        self._parent = parent
        self.outcomes: list[FileOutcome] = []
        self.mapping_dialog: StatementMappingDialog | None = None
        self.task: Task[list[FileOutcome]] | None = None

    # --- starting ---------------------------------------------------------------------------
    def choose_files(self) -> list[Path]:
        """Ask for statement files and import them; returns the chosen paths (empty when cancelled)."""
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
        if not Path(start).is_dir():
            start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.HomeLocation)
        names, _filter = QFileDialog.getOpenFileNames(
            self._parent, self.tr("Import bank statements"), start,
            self.tr("Bank statements ({patterns});;All files (*)").format(patterns=STATEMENT_PATTERNS))
        paths = [Path(name) for name in names]
        if paths:
            self.start(paths)
        return paths

    def start(self, paths: list[Path]) -> Task[list[FileOutcome]]:
        """Import ``paths`` one by one in the background, each file in its own transaction."""
        paydesk = self._paydesk

        def work(progress: ProgressCallback, token: CancelToken) -> list[FileOutcome]:
            outcomes = [FileOutcome(path.name, path=path) for path in paths]
            for index, (path, outcome) in enumerate(zip(paths, outcomes, strict=True)):
                if token.cancelled:
                    outcome.skipped = True
                    continue
                progress(index, len(paths))
                try:
                    outcome.reports = paydesk.statements.import_file(path.name, read_file(path), cancel=token)
                except NeedsMapping as needs:
                    outcome.needs_mapping = needs
                except Cancelled:
                    outcome.skipped = True
                except PaydeskError as error:
                    outcome.error = error
            progress(len(paths), len(paths))
            return outcomes

        title = (self.tr("Importing {name}…").format(name=paths[0].name) if len(paths) == 1
                 else self.tr("Importing {count} statement files…").format(count=number(len(paths))))
        self.task = self._tasks.run(work, self._imported, title=title, dialog_parent=self._parent)
        return self.task

    # --- after the files were read ----------------------------------------------------------
    def _imported(self, outcomes: list[FileOutcome]) -> None:
        self.outcomes = outcomes
        if any(o.reports for o in outcomes):
            self.imported.emit()
        self._next_mapping()

    def _next_mapping(self) -> None:
        """Ask for the columns of the next CSV/XLSX nobody mapped yet; summarize when none is left."""
        pending = next((o for o in self.outcomes if o.needs_mapping is not None), None)
        if pending is None:
            self._summarize()
            return
        needs = pending.needs_mapping
        assert needs is not None
        dialog = StatementMappingDialog(needs.file_name, needs.data, needs.guess, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.mapping_dialog = dialog

        def accepted() -> None:
            mapping = dialog.mapping()
            remember = dialog.save_profile()
            self.mapping_dialog = None
            self._import_mapped(pending, needs, mapping, remember)

        def rejected() -> None:
            self.mapping_dialog = None
            pending.needs_mapping = None
            pending.skipped = True
            self._next_mapping()

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(rejected)
        dialog.open()


    def _import_mapped(self, outcome: FileOutcome, needs: NeedsMapping, mapping: ColumnMapping, remember: bool) -> None:
        paydesk = self._paydesk

        def work(_progress: ProgressCallback, token: CancelToken) -> list[ImportReport]:
            if outcome.path is not None and needs.file_name != outcome.path.name:
                # A table inside a zip: import the whole zip again, its table read with the new mapping.
                return paydesk.statements.import_file(outcome.path.name, read_file(outcome.path), mapping=mapping,
                                                      save_profile=remember, cancel=token)
            return paydesk.statements.import_file(needs.file_name, needs.data, mapping=mapping, save_profile=remember,
                                                  cancel=token)

        def done(reports: list[ImportReport]) -> None:
            outcome.needs_mapping = None
            outcome.reports = reports
            if reports:
                self.imported.emit()
            self._next_mapping()

        def failed(error: BaseException) -> None:
            outcome.needs_mapping = None
            if isinstance(error, Cancelled):
                outcome.skipped = True
            else:
                outcome.error = error if isinstance(error, PaydeskError) else PaydeskError(str(error))
            self._next_mapping()

        self.task = None
        self._tasks.run(work, done, title=self.tr("Importing {name}…").format(name=needs.file_name),
                        on_failure=failed, dialog_parent=self._parent)

    def _summarize(self) -> None:
        done = [o for o in self.outcomes if o.reports]
        failed = [o for o in self.outcomes if o.error is not None]
        skipped = [o for o in self.outcomes if o.skipped]
        if done or skipped:
            parts = [report_text(r) for o in done for r in o.reports]
            if skipped:
                parts.append(self.tr("Not imported: {files}").format(files=", ".join(o.name for o in skipped)))
            title = self.tr("Statement imported") if len(done) == 1 and not skipped else self.tr("Statements imported")
            messages.inform(self._parent, title, "\n\n".join(parts))
        if failed:
            lines = [self.tr("{file}: {reason}").format(file=o.name, reason=_reason(o)) for o in failed]
            intro = (self.tr("This file could not be imported; nothing of it was stored:") if len(failed) == 1
                     else self.tr("These files could not be imported; nothing of them was stored:"))
            messages.show_error(self._parent, intro + "\n\n" + "\n".join(lines), self.tr("Import bank statements"))
        self.finished.emit(self.outcomes)


def _reason(outcome: FileOutcome) -> str:
    """The error's message without the file name it already starts with."""
    text = messages.error_text(outcome.error) if outcome.error is not None else ""
    prefix = outcome.name + ": "
    return text[len(prefix):] if text.startswith(prefix) else text
