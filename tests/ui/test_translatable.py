"""Every text the window shows goes through Qt's translation (``self.tr`` / ``QCoreApplication.translate``).

An AST scan of ``desktop/ui/*.py`` fails on a string literal (or f-string, or ``"...".format``) with
letters in it passed straight to a Qt text setter or constructor.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "desktop" / "ui"

SETTERS: dict[str, tuple[int, ...]] = {
    "setText": (0,), "setWindowTitle": (0,), "setToolTip": (0,), "setPlaceholderText": (0,), "setStatusTip": (0,),
    "setWhatsThis": (0,), "showMessage": (0,), "setLabelText": (0,), "setSpecialValueText": (0,), "setTitle": (0,),
    "setInformativeText": (0,), "setDetailedText": (0,), "setCancelButtonText": (0,), "setPrefix": (0,),
    "setSuffix": (0,), "addAction": (0, 1), "addMenu": (0, 1), "addItem": (0, 1), "insertItem": (1, 2),
    "setItemText": (1,), "addTab": (1, 2), "setTabText": (1,), "addRow": (0,), "addButton": (0,),
    "setHeaderLabels": (0,), "addItems": (0,), "setHorizontalHeaderLabels": (0,),
}
CONSTRUCTORS: dict[str, tuple[int, ...]] = {
    "QLabel": (0,), "QPushButton": (0, 1), "QAction": (0, 1), "QCheckBox": (0,), "QRadioButton": (0,),
    "QGroupBox": (0,), "QCommandLinkButton": (0, 1), "QMessageBox": (1, 2), "QProgressDialog": (0, 1),
    "QListWidgetItem": (0, 1), "QMenu": (0,),
}
MESSAGE_BOX_STATICS = {"information": (1, 2), "warning": (1, 2), "critical": (1, 2), "question": (1, 2), "about": (1, 2)}
TEXT_KEYWORDS = {"text", "title", "windowTitle", "toolTip", "placeholderText", "labelText"}


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def untranslated(node: ast.AST) -> bool:
    """A literal with words in it that did not go through a translation call."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _has_letters(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(untranslated(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return untranslated(node.left) or untranslated(node.right)
    if isinstance(node, ast.List | ast.Tuple):
        return any(untranslated(item) for item in node.elts)
    if isinstance(node, ast.IfExp):
        return untranslated(node.body) or untranslated(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return untranslated(node.func.value)
    return False


def _positions(call: ast.Call) -> tuple[int, ...]:
    func = call.func
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "QMessageBox" and func.attr in MESSAGE_BOX_STATICS:
            return MESSAGE_BOX_STATICS[func.attr]
        return SETTERS.get(func.attr, ())
    if isinstance(func, ast.Name):
        return CONSTRUCTORS.get(func.id, ())
    return ()


def problems_in(source: str, name: str = "<source>") -> list[str]:
    found: list[str] = []
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        positions = _positions(call)
        if not positions and not (isinstance(call.func, ast.Name) and call.func.id in CONSTRUCTORS):
            continue
        args = [arg for n, arg in enumerate(call.args) if n in positions]
        args += [kw.value for kw in call.keywords if kw.arg in TEXT_KEYWORDS]
        for arg in args:
            if untranslated(arg):
                found.append(f"{name}:{call.lineno}: {ast.unparse(call)[:100]}")
    return found


@pytest.mark.parametrize("path", sorted(UI.glob("*.py")), ids=lambda p: p.name)
def test_ui_texts_go_through_translation(path: Path):
    assert problems_in(path.read_text(encoding="utf-8"), path.name) == []


@pytest.mark.parametrize("code", [
    'label.setText("Saved")',
    'self.setWindowTitle(f"Invoice {number}")',
    'QPushButton("Cancel", self)',
    'QMessageBox.warning(self, "Paydesk", text)',
    'box.setToolTip("Total: {}".format(total))',
    'combo.addItem("All customers", None)',
    'menu.addAction(icon, "Open PDF")',
    'QLabel(text="Name")',
    'self.statusBar().showMessage("Done " + name)',
])
def test_the_scan_finds_untranslated_texts(code: str):
    assert problems_in(code)


@pytest.mark.parametrize("code", [
    'label.setText(self.tr("Saved"))',
    'self.setWindowTitle(self.tr("Invoice {number}").format(number=number))',
    'QPushButton(QCoreApplication.translate("Dialog", "Cancel"), self)',
    'label.setText(name)',
    'label.setText("")',
    'label.setText(f"{amount} {currency}")',
    'QLabel("—", self)',
    'combo.addItem(f"{name} ({number})", customer_id)',
])
def test_the_scan_lets_translated_texts_and_data_through(code: str):
    assert problems_in(code) == []
