"""Runs Qt's ICU-backed APIs (collation, time zone names, text codecs by name) in a subprocess, with
PySide6's own ICU data or with another ``libicudata.so`` preloaded in its place, and returns what
they answered, so a trimmed data library can be compared with the full one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import PySide6

QT_LIB = Path(PySide6.__file__).parent / "Qt" / "lib"
# Words whose order differs between languages: umlauts (de: a < ä, sv: z < å < ä < ö), Turkish dotless i,
# Czech ch after h, Spanish ñ, Lithuanian y = i, Danish aa, and Greek and Cyrillic letters.
WORDS = ("Äpfel", "apfel", "Zebra", "Ölung", "ölung", "Ångström", "aa", "ch", "cz", "hz", "Č", "I", "ı", "İ", "y", "j",
         "niño", "nz", "straße", "STRASSE", "Ελλάδα", "Москва", "Ёлка", "10", "9", "a-b", "ab")
CODECS = ("windows-1250", "windows-1251", "windows-1252", "ISO-8859-2", "ISO-8859-15", "KOI8-R", "IBM850", "Shift_JIS",
          "GB18030", "Big5")
SCRIPT = f"""
import functools, sys
from PySide6.QtCore import QCollator, QCoreApplication, QLocale, QStringDecoder, QTimeZone
app = QCoreApplication([])
for name in sys.argv[1:]:
    locale = QLocale(name)
    collator = QCollator(locale)
    order = sorted({WORDS!r}, key=functools.cmp_to_key(collator.compare))
    zones = [QTimeZone(zone).displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, locale)
             for zone in (b"Europe/Berlin", b"America/New_York")]
    print(name, "|", " ".join(order), "|", " / ".join(zones))
print("codecs", " ".join(codec for codec in {CODECS!r} if QStringDecoder(codec).isValid()))
"""


def icu_answers(locales: list[str], library: Path | None = None) -> tuple[dict[str, str], str]:
    """({locale or "codecs": the answer line}, stderr), using ``library`` as ICU's data when given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QT_", "ICU_", "LD_PRELOAD"))}
    if library is not None:
        env["LD_PRELOAD"] = str(library)  # matched by its soname, libicudata.so.73 replaces PySide6's
    result = subprocess.run([sys.executable, "-c", SCRIPT, *locales], env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    answers = {line.split(" ", 1)[0]: line for line in result.stdout.splitlines()}
    return answers, result.stderr


def full_icu_data() -> Path:
    """PySide6's own ICU data library."""
    return next(QT_LIB.glob("libicudata.so.*"))
