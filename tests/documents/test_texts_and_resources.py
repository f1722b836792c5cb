"""The document texts in every language, the resources they come from, the fonts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from desktop.documents import fonts
from desktop.documents.resources import resource_path
from desktop.documents.texts import document_texts, load_texts_file, placeholders
from desktop.domain.languages import LANGUAGES

ENGLISH = load_texts_file("en")


def test_there_is_a_texts_file_for_each_language_and_no_other() -> None:
    files = {path.stem for path in resource_path("i18n", "documents").glob("*.json")}
    assert files == set(LANGUAGES)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_language_has_the_same_keys_and_placeholders(language: str) -> None:
    texts = load_texts_file(language)
    assert set(texts) == set(ENGLISH)
    for key, text in texts.items():
        assert text.strip(), f"{language}.{key} is empty"
        assert placeholders(text) == placeholders(ENGLISH[key]), f"{language}.{key}"


def test_texts_are_filled_in() -> None:
    texts = document_texts("nl")
    assert texts["invoice"] == "Factuur"
    assert texts.format("page_of", page=2, pages=3) == "Pagina 2 van 3"
    assert document_texts("xx").language == "en"


def test_resources_are_found_in_the_source_tree() -> None:
    assert resource_path("fonts", "DejaVuSans.ttf").is_file()
    assert resource_path("i18n", "documents", "ru.json").is_file()


def test_resources_are_found_in_a_frozen_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts", "DejaVuSans.ttf") == tmp_path / "resources" / "fonts" / "DejaVuSans.ttf"


def test_fonts_register_once() -> None:
    fonts.register_fonts()
    regular = pdfmetrics.getFont(fonts.REGULAR)
    fonts.register_fonts()
    assert pdfmetrics.getFont(fonts.REGULAR) is regular
    assert pdfmetrics.getFont(fonts.BOLD).face.name != regular.face.name
