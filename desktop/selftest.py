"""``paydesk --self-test``: proves that this installation works, on this computer, in a few seconds.

Runs the same code a user's work runs, in a temporary folder that is removed afterwards: bundled
resources (fonts, document texts, icon), the libraries that load data files or modules by name
(python-stdnum, schwifty, babel, keyring), a demo database, finalizing an invoice, its PDF read
back, PDF export in worker processes, the upgrade of a database from an older version (backup,
then migration), and the window (offscreen when there is no display). Prints one line per check,
``ok  name: what was found`` or ``FAIL name: why``, and returns 0 only when every check passed.

The installers' CI runs it on the frozen program (see packaging/ and tests/packaging/).
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from desktop import __version__
from desktop.domain.customer import Customer
from desktop.domain.ids import InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.domain.languages import LANGUAGES, locale_for
from desktop.domain.states import InvoiceStatus
from desktop.services.paydesk import Paydesk

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
ICON = ("icons", "paydesk.png")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DEMO_CUSTOMERS = 6
DEMO_INVOICES = 16
WORKER_PDFS = 10  # more than DocumentService renders in-process, so worker processes start
# The same account at the same bank gives these IBANs only when schwifty's national check-digit
# algorithms are loaded (it finds them by listing its own folder, which a bundle must ship).
IBAN_PARTS = ("ES", "0049", "0000000001")
IBAN_EXPECTED = "ES7200490000050000000001"
VAT_ID = "NL004495445B01"
MIN_MODULES = 50  # Paydesk has well over a hundred; fewer means the package could not be listed


class CheckFailed(Exception):
    """A check found something wrong; the message says what, for the person running the self-test."""


@dataclass
class Context:
    """What the checks share: the temporary folder and the demo database, once made."""

    folder: Path
    paydesk: Paydesk | None = None
    invoice: InvoiceId | None = None
    number: str = ""
    open_files: list[Paydesk] = field(default_factory=list)

    def demo(self) -> Paydesk:
        if self.paydesk is None:
            raise CheckFailed("no demo database (its check failed)")
        return self.paydesk

    def close(self) -> None:
        for paydesk in [*self.open_files, *([self.paydesk] if self.paydesk else [])]:
            paydesk.close()


Check = Callable[[Context], str]


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print one line each and a summary; 0 when all passed, else 1."""
    stream = out if out is not None else sys.stdout
    choose_qt_platform()
    started = time.perf_counter()
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="paydesk-self-test-", ignore_cleanup_errors=True) as folder:
        context = Context(Path(folder))
        try:
            for name, check in CHECKS:
                try:
                    line = f"ok  {name}: {check(context)}"
                except Exception as error:  # every failure is reported, and the other checks still run
                    failed.append(name)
                    line = f"FAIL {name}: {reason(error)}"
                _print(line, stream)
        finally:
            context.close()
    seconds = time.perf_counter() - started
    if failed:
        _print(f"self-test FAILED: {len(failed)} of {len(CHECKS)} checks ({', '.join(failed)}) in {seconds:.1f} s", stream)
        return 1
    _print(f"self-test passed: {len(CHECKS)} checks in {seconds:.1f} s", stream)
    return 0


def _print(line: str, stream: TextIO | None) -> None:
    if stream is None:  # a windowed program on Windows has no console: the exit code still tells
        return
    try:
        stream.write(line + "\n")
    except UnicodeEncodeError:  # a console or pipe in a legacy code page (Windows): keep the line readable
        stream.write(line.encode("ascii", "backslashreplace").decode("ascii") + "\n")
    stream.flush()


def reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, CheckFailed):
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def choose_qt_platform() -> None:
    """Without a display on Linux, draw offscreen (a server, a CI runner, an SSH session)."""
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"


# --- the checks, in the order they run -------------------------------------------------------------

def check_version(_: Context) -> str:
    kind = "installed program" if getattr(sys, "frozen", False) else "source"
    return (f"Paydesk {__version__} ({kind}, {sys.executable}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()} {platform.machine()}")


def check_modules(_: Context) -> str:
    """Every module of Paydesk imports: a library the bundle lacks fails here, not when a user clicks."""
    import importlib
    import pkgutil

    import desktop

    names = [module.name for module in pkgutil.walk_packages(desktop.__path__, "desktop.")]
    if len(names) < MIN_MODULES:
        raise CheckFailed(f"found only {len(names)} modules of Paydesk: the program is incomplete")
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:
            failed.append(f"{name} ({reason(error)})")
    if failed:
        raise CheckFailed(f"cannot import {len(failed)} modules: {'; '.join(failed[:3])}")
    return f"all {len(names)} modules of Paydesk import"


def check_resources(_: Context) -> str:
    from desktop.documents.resources import resources_root

    root = resources_root()
    if not root.is_dir():
        raise CheckFailed(f"the resources folder {root} is missing: reinstall Paydesk")
    return f"found at {root}"


def check_fonts(_: Context) -> str:
    from desktop.documents.fonts import REGULAR, register_fonts
    from desktop.documents.resources import resource_path

    missing = [name for name in FONT_FILES if not resource_path("fonts", name).is_file()]
    if missing:
        raise CheckFailed(f"{', '.join(missing)} missing in {resource_path('fonts')}: reinstall Paydesk")
    register_fonts()  # parses the TrueType files, as every PDF does
    from reportlab.pdfbase.pdfmetrics import getFont, stringWidth

    getFont(REGULAR)
    if stringWidth("Счёт", REGULAR, 10) <= 0:
        raise CheckFailed(f"{REGULAR} has no Cyrillic letters")
    return f"{', '.join(name.removesuffix('.ttf') for name in FONT_FILES)} found and loaded (Latin and Cyrillic)"


def check_document_texts(_: Context) -> str:
    from desktop.documents.texts import load_texts_file

    english = set(load_texts_file("en"))
    for language in LANGUAGES:
        keys = set(load_texts_file(language))
        if keys != english:
            raise CheckFailed(f"the {language} document texts lack {', '.join(sorted(english - keys)) or 'nothing'} "
                              f"and have extra {', '.join(sorted(keys - english)) or 'nothing'}")
    return f"{', '.join(LANGUAGES)} ({len(english)} texts each)"


def check_icon(_: Context) -> str:
    from desktop.documents.resources import resource_path

    path = resource_path(*ICON)
    if not path.is_file():
        raise CheckFailed(f"the app icon {path} is missing: reinstall Paydesk")
    if not path.read_bytes().startswith(PNG_MAGIC):
        raise CheckFailed(f"the app icon {path} is not a PNG image")
    return f"{path.name} found"


def check_vat_numbers(_: Context) -> str:
    from stdnum import vatin

    if vatin.validate(VAT_ID) != VAT_ID:
        raise CheckFailed(f"python-stdnum does not accept {VAT_ID}")
    if vatin.is_valid("NL004495446B01"):
        raise CheckFailed("python-stdnum accepts a VAT ID with a wrong check digit")
    return f"python-stdnum checks {VAT_ID} (per-country modules found)"


def check_ibans(_: Context) -> str:
    from schwifty import BIC, IBAN

    country, bank, account = IBAN_PARTS
    generated = str(IBAN.generate(country, bank_code=bank, account_code=account))
    if generated != IBAN_EXPECTED:
        raise CheckFailed(f"schwifty made {generated} instead of {IBAN_EXPECTED}: its national check-digit "
                          "algorithms are not bundled")
    BIC("ABNANL2A")
    return f"schwifty national check digits ({IBAN_EXPECTED}) and BIC registry"


def check_locale_data(_: Context) -> str:
    from babel.numbers import format_currency

    locales = [locale_for(language, None) for language in LANGUAGES]
    samples = {name: format_currency(Decimal("1234.5"), "EUR", locale=name) for name in locales}
    if len(set(samples.values())) < 2:
        raise CheckFailed("babel formats every locale the same way: its locale data is missing")
    return f"babel formats {', '.join(locales)} (nl_NL: {samples.get('nl_NL', '')})"


def check_keyring(_: Context) -> str:
    from importlib.metadata import entry_points

    import keyring

    backends = {entry.name: entry for entry in entry_points(group="keyring.backends")}
    native = {"win32": "Windows", "darwin": "macOS"}.get(sys.platform, "SecretService")
    if native not in backends:
        raise CheckFailed(f"keyring knows no {native} backend (found: {', '.join(sorted(backends)) or 'none'})")
    module = backends[native].load()
    active = keyring.get_keyring()
    in_use = [active, *getattr(active, "backends", [])]  # the chainer backend holds several
    if sys.platform in ("win32", "darwin"):
        if not any(type(backend).__module__ == module.__name__ for backend in in_use):
            raise CheckFailed(f"the {native} password store is not usable: keyring uses {type(active).__module__}")
    else:
        import secretstorage  # noqa: F401 - SecretService's own dependencies (jeepney, cryptography) are bundled
    return f"{native} backend bundled; in use here: {type(active).__module__}.{type(active).__name__}"


def check_data_folder(_: Context) -> str:
    from desktop.app import default_db_path

    path = default_db_path()
    program = Path(sys.executable).parent if getattr(sys, "frozen", False) else Path(__file__).resolve().parents[1]
    if path.resolve().is_relative_to(program.resolve()):
        raise CheckFailed(f"the database {path} would be inside the program folder and lost on upgrade")
    return f"databases live in {path.parent}, outside the program folder"


def check_database(context: Context) -> str:
    from desktop.app import open_paydesk
    from desktop.services.demo import create_demo

    paydesk = open_paydesk(context.folder / "demo.sqlite")
    context.paydesk = paydesk
    create_demo(paydesk, customers=DEMO_CUSTOMERS, invoices=DEMO_INVOICES, seed=1)
    issued = [s for s in paydesk.invoices.all_summaries() if s.status is not InvoiceStatus.DRAFT]
    return f"demo company with {DEMO_CUSTOMERS} customers and {DEMO_INVOICES} invoices ({len(issued)} issued)"


def check_finalize(context: Context) -> str:
    paydesk = context.demo()
    customer = paydesk.customers.save(Customer(
        number="SELFTEST", name="ООО «Проверка»", emails=["buh@proverka.example"], street="ул. Тверская, д. 7",
        postal_code="101000", city="Москва", country="RU", language="ru",
    ))
    today = paydesk.today()
    draft = InvoiceDraft(customer_id=customer, currency="EUR", issue_date=today, due_date=today + timedelta(days=14),
                         lines=[InvoiceLine("Проверка установки", Decimal(1), Decimal("100.00"), Decimal(21))])
    invoice = paydesk.invoices.save_draft(draft)
    paydesk.invoices.finalize_many([invoice])
    record = paydesk.invoices.get(invoice)
    if record.number is None or record.status is not InvoiceStatus.OPEN:
        raise CheckFailed(f"the invoice is {record.status.value} after finalizing")
    context.invoice, context.number = invoice, record.number
    return f"invoice {record.number} issued ({record.draft.totals().total} {record.draft.currency})"


def check_pdf(context: Context) -> str:
    paydesk = context.demo()
    if context.invoice is None:
        raise CheckFailed("no finalized invoice (its check failed)")
    (path,) = paydesk.documents.export([context.invoice], context.folder / "pdf", workers=1)
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        raise CheckFailed(f"{path.name} is not a complete PDF file")
    title = pdf_title(data)
    if context.number not in title:
        raise CheckFailed(f"{path.name} is titled {title!r}, without the invoice number {context.number}")
    if b"/FontFile2" not in data or b"DejaVuSans" not in data:
        raise CheckFailed(f"{path.name} does not embed the DejaVu fonts")
    return f"{path.name}, {len(data) // 1024} KiB, titled {title!r}, DejaVu fonts embedded"


def check_pdf_workers(context: Context) -> str:
    paydesk = context.demo()
    numbers = [s.number for s in paydesk.invoices.all_summaries() if s.number][:WORKER_PDFS]
    ids = paydesk.documents.ids_for_numbers(numbers)
    files = paydesk.documents.export(ids, context.folder / "batch", workers=2)
    broken = [path.name for path in files if not path.read_bytes().startswith(b"%PDF-")]
    if len(files) != len(ids) or broken:
        raise CheckFailed(f"{len(files)} of {len(ids)} PDFs written, broken: {', '.join(broken) or 'none'}")
    return f"{len(files)} PDFs from 2 worker processes"


def check_upgrade(context: Context) -> str:
    from desktop.app import open_paydesk
    from desktop.store import migrate
    from desktop.store.old_schema import MARKER_CUSTOMER, OLDEST, create_database_at

    path = context.folder / "from-an-older-version.sqlite"
    create_database_at(path, OLDEST)
    paydesk = open_paydesk(path)
    context.open_files.append(paydesk)
    report = paydesk.open_report
    if report.migrated_from != OLDEST or report.backup is None or not report.backup.is_file():
        raise CheckFailed(f"opening a schema {OLDEST} database did not back it up and migrate it ({report})")
    if not paydesk.customers.search(MARKER_CUSTOMER):
        raise CheckFailed("the customer in the old database is gone after migrating")
    return (f"schema {OLDEST} -> {migrate.head()} ({len(migrate.known_revisions())} migrations found), "
            f"backup {report.backup.name}, data kept")


def check_window(context: Context) -> str:
    from desktop.ui import self_check

    problem = self_check.missing_platform()
    if problem:
        raise CheckFailed(problem)
    report = self_check.show_main_window(context.demo())
    context.paydesk = None  # closing the window closed the database
    if report.width < 200 or report.height < 150:
        raise CheckFailed(f"the window painted only {report.width}x{report.height} pixels")
    if not report.icon_found:
        raise CheckFailed("Qt cannot load the app icon (PNG image format plugin missing?)")
    languages = self_check.qt_translations()
    return (f"shown on Qt platform {report.platform!r} ({report.width}x{report.height}, {report.title!r}); "
            f"platform plugins: {', '.join(self_check.platform_plugins())}; "
            f"Qt's own texts in {len(languages)} languages")


CHECKS: list[tuple[str, Check]] = [
    ("version", check_version),
    ("modules", check_modules),
    ("resources", check_resources),
    ("fonts", check_fonts),
    ("document texts", check_document_texts),
    ("icon", check_icon),
    ("vat numbers", check_vat_numbers),
    ("ibans", check_ibans),
    ("locale data", check_locale_data),
    ("keyring", check_keyring),
    ("data folder", check_data_folder),
    ("database", check_database),
    ("finalize", check_finalize),
    ("pdf", check_pdf),
    ("pdf workers", check_pdf_workers),
    ("upgrade", check_upgrade),
    ("window", check_window),
]


def pdf_title(data: bytes) -> str:
    """The /Title of a PDF written by ReportLab (a literal string, UTF-16 when not Latin-1)."""
    start = data.find(b"/Title")
    if start < 0:
        return ""
    position = data.find(b"(", start)
    raw = bytearray()
    depth = 0
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while position + 1 < len(data):
        position += 1
        byte = data[position]
        if byte == ord("\\"):
            position += 1
            following = data[position]
            digits = data[position:position + 3]
            octal = len(digits) - len(digits.lstrip(b"01234567"))
            if octal:
                raw.append(int(digits[:octal], 8) & 0xFF)
                position += octal - 1
            else:
                raw += escapes.get(following, bytes([following]))
        elif byte == ord("("):
            depth += 1
            raw.append(byte)
        elif byte == ord(")"):
            if depth == 0:
                break
            depth -= 1
            raw.append(byte)
        else:
            raw.append(byte)
    if raw.startswith(b"\xfe\xff"):
        return bytes(raw[2:]).decode("utf-16-be", errors="replace")
    return "".join(PDF_DOC_ENCODING.get(byte, chr(byte)) for byte in raw)


# PDFDocEncoding, where it differs from Latin-1 (PDF 1.7, annex D.2): typographic punctuation and a few letters.
PDF_DOC_ENCODING = dict(enumerate("•†‡…—–ƒ⁄‹›−‰„“”‘’‚™ﬁﬂŁŒŠŸŽıłœšž", start=0x80)) | {0xA0: "€"}
