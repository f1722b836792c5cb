"""Replaces the window's message boxes in tests: what would have been shown is recorded instead."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.domain.errors import PaydeskError
from desktop.ui import messages


@dataclass
class Messages:
    errors: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    answer: bool = True  # what confirm() says


def record_messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    shown = Messages()

    def show_error(_parent: QWidget | None, error: PaydeskError | str, _title: str | None = None) -> None:
        shown.errors.append(messages.error_text(error))

    def inform(_parent: QWidget | None, _title: str, text: str) -> None:
        shown.infos.append(text)

    def confirm(_parent: QWidget | None, _title: str, text: str, _action: str) -> bool:
        shown.questions.append(text)
        return shown.answer

    def no_modal_box(box: QMessageBox) -> int:
        raise AssertionError(f"a message box would block the test: {box.text()}")

    monkeypatch.setattr(messages, "show_error", show_error)
    monkeypatch.setattr(messages, "inform", inform)
    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(QMessageBox, "exec", no_modal_box)
    return shown
