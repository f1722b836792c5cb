"""The fixed texts printed on documents ("Invoice", "Due date" ...), one JSON file per language."""

from __future__ import annotations

import json
from functools import cache
from string import Formatter

from desktop.documents.resources import resource_path
from desktop.domain.languages import DEFAULT_LANGUAGE, LANGUAGES

TEXTS_FOLDER = ("i18n", "documents")


class DocumentTexts:
    """The texts of one language; ``texts["total"]`` or ``texts.format("page_of", page=1, pages=2)``."""

    __slots__ = ("_texts", "language")

    def __init__(self, language: str, texts: dict[str, str]) -> None:
        self.language = language
        self._texts = texts

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def format(self, key: str, **values: str | int) -> str:
        return self._texts[key].format(**values)

    def keys(self) -> frozenset[str]:
        return frozenset(self._texts)


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a text uses."""
    return frozenset(name for _, name, _, _ in Formatter().parse(text) if name is not None)


def load_texts_file(language: str) -> dict[str, str]:
    path = resource_path(*TEXTS_FOLDER, f"{language}.json")
    with path.open(encoding="utf-8") as file:
        data = json.load(file)
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path} must map text keys to strings")
    return data


@cache
def document_texts(language: str) -> DocumentTexts:
    """The texts for ``language``; unknown languages get the default language's texts."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    return DocumentTexts(language, load_texts_file(language))
