"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a void Qt method, until
None is freed and the interpreter crashes. We pin PySide6 below 6.12 on 3.11 (pyproject.toml); this
test fails if an installed version has the bug."""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QLabel

CALLS = 10_000
SLACK = 10  # a handful of references may come and go for unrelated reasons


def test_void_qt_setters_keep_the_references_to_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
        label.setEnabled(True)
    after = sys.getrefcount(None)
    assert after >= before - SLACK, f"{before - after} references to None lost in {2 * CALLS} void Qt calls"
