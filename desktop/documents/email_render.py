"""Email templates: the shipped files, and rendering a template's three parts (subject, plain
text, HTML) in a jinja2 sandbox.

Templates can be edited by the user, so they run in ``SandboxedEnvironment`` (no access to Python
internals), with ``StrictUndefined`` (a misspelt placeholder is an error, not an empty gap) and
autoescaping in HTML. Any problem becomes a ``TemplateProblem`` naming the part and the line.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.environment import Template
from jinja2.sandbox import SandboxedEnvironment

from desktop.documents.resources import resource_path
from desktop.domain.errors import PaydeskError
from desktop.domain.languages import DEFAULT_LANGUAGE, LANGUAGES

TEMPLATES_FOLDER = ("templates", "email")
SHIPPED_TEMPLATES = ("friendly", "reminder_1", "reminder_2", "final")
PARTS = ("subject", "text", "html")
PART_FILES = {"subject": "subject", "text": "txt", "html": "html"}
PART_NAMES = {"subject": "subject", "text": "plain text", "html": "HTML"}
MAX_SUBJECT = 250
_TEMPLATE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


@dataclass(frozen=True, slots=True)
class TemplateSources:
    """The source of one template in one language: subject, plain text and HTML."""

    template: str
    language: str
    subject: str
    text: str
    html: str

    def part(self, name: str) -> str:
        return str(getattr(self, name))


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class TemplateProblem(PaydeskError):
    """A template that cannot be rendered; nothing is sent with it. ``line`` is 1-based or None."""

    def __init__(self, template: str, language: str, part: str, line: int | None, detail: str) -> None:
        where = f"line {line} of the {PART_NAMES.get(part, part)}" if line else f"the {PART_NAMES.get(part, part)}"
        language_name = LANGUAGES.get(language, language)
        super().__init__(f"The email template \u201c{template}\u201d ({language_name}) has a problem in {where}: {detail}. "
                         "Correct the template; nothing is sent with it until then.")
        self.template = template
        self.language = language
        self.part = part
        self.line = line
        self.detail = detail


def valid_template_key(key: str) -> bool:
    """Template keys are short lower-case identifiers (``reminder_1``, ``my_final``)."""
    return bool(_TEMPLATE_KEY.match(key))


def shipped_languages(template: str) -> list[str]:
    return [language for language in LANGUAGES if resource_path(*TEMPLATES_FOLDER, language, f"{template}.html").exists()]


@lru_cache(maxsize=128)
def shipped_sources(template: str, language: str) -> TemplateSources | None:
    """The template as shipped, or ``None`` when Paydesk ships none for this key and language."""
    if not valid_template_key(template) or language not in LANGUAGES:
        return None
    folder = resource_path(*TEMPLATES_FOLDER, language)
    parts: dict[str, str] = {}
    for part in PARTS:
        path = folder / f"{template}.{PART_FILES[part]}"
        if not path.exists():
            return None
        parts[part] = path.read_text(encoding="utf-8")
    return TemplateSources(template, language, parts["subject"].strip(), parts["text"], parts["html"])


def fallback_language(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


_TEXT_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                                 keep_trailing_newline=True)
_HTML_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=512)
def _compiled(part: str, source: str) -> Template:
    """Compiling is the slow part of rendering: each distinct source is compiled once per process."""
    return (_HTML_ENV if part == "html" else _TEXT_ENV).from_string(source)


def _template_line(tb: TracebackType | None) -> int | None:
    """The template line an exception was raised on: jinja rewrites tracebacks to template frames."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _detail(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return message.rstrip(".")


def check_syntax(sources: TemplateSources) -> None:
    """Raise ``TemplateProblem`` when a part does not compile (for saving an edited template)."""
    for part in PARTS:
        try:
            _compiled(part, sources.part(part))
        except TemplateSyntaxError as error:
            raise TemplateProblem(sources.template, sources.language, part, error.lineno, _detail(error)) from None


def render(sources: TemplateSources, context: Mapping[str, Any]) -> RenderedEmail:
    """The three parts rendered with ``context``; raises ``TemplateProblem``."""
    done: dict[str, str] = {}
    for part in PARTS:
        try:
            done[part] = _compiled(part, sources.part(part)).render(context)
        except TemplateSyntaxError as error:
            raise TemplateProblem(sources.template, sources.language, part, error.lineno, _detail(error)) from None
        except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
            line = _template_line(sys.exc_info()[2])
            raise TemplateProblem(sources.template, sources.language, part, line, _detail(error)) from None
    subject = " ".join(done["subject"].split())
    if not subject:
        raise TemplateProblem(sources.template, sources.language, "subject", None, "the subject is empty")
    if len(subject) > MAX_SUBJECT:
        raise TemplateProblem(sources.template, sources.language, "subject", None,
                              f"the subject is longer than {MAX_SUBJECT} characters")
    if not done["text"].strip():
        raise TemplateProblem(sources.template, sources.language, "text", None, "the plain text is empty")
    return RenderedEmail(subject, done["text"].strip() + "\n", done["html"])


def render_string(source: str, context: Mapping[str, Any], template: str, language: str, part: str) -> str:
    """One plain-text jinja string (the reminder letter's texts) in the same sandbox."""
    try:
        return _compiled("text", source).render(context)
    except TemplateSyntaxError as error:
        raise TemplateProblem(template, language, part, error.lineno, _detail(error)) from None
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
        raise TemplateProblem(template, language, part, _template_line(sys.exc_info()[2]), _detail(error)) from None
