"""A first guess at a CSV/XLSX statement's column mapping, for the user to confirm in the mapping dialog.

Header row, delimiter, which column is the date, amount, counterparty, IBAN, text..., the date
format and the decimal separator are read from the file: header words in the languages Paydesk
ships, checked against what the column holds. The guess never fails; what it can't tell is left
empty and ``ColumnMapping.problems()`` says what the user still has to choose.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from desktop.domain.column_mapping import DATE_FORMATS, Column, ColumnMapping, SignConvention, normalize_header
from desktop.importers.tabular_read import Table, read_table
from desktop.importers.tabular_values import Cell, cell_text, is_blank, to_date
from desktop.importers.tabular_words import (
    COUNTRY_CURRENCY,
    CURRENCY_SYMBOLS,
    DEBIT_MARKERS,
    LANGUAGE_CURRENCY,
    ROLE_ORDER,
    header_score,
)

SAMPLE_ROWS = 40
HEADER_SEARCH_ROWS = 40
_IBAN = re.compile(r"\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b")
_ACCOUNT = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}$|^[0-9][0-9 .\-/]{5,30}[0-9]$")
_NUMBERISH = re.compile(r"^[-+(]?\s*(?:[A-Z]{3}\s*|[€$£₽])?[-+]?\d[\d.,' \u00a0]*\)?\s*(?:[A-Z]{3}|[€$£₽]|kr)?-?$")
_CODE_IN_HEADER = re.compile(r"[(\[]([A-Z]{3})[)\]]")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_LONG_NUMBER = re.compile(r"(?<![\d.,/-])\d{10,30}(?![\d.,/-])")
_LEGAL_FORM = re.compile(r"[\s,]+(?:PUBLIC LIMITED COMPANY|PLC|LIMITED|LTD|S\.?A\.?U?\.?|N\.?V\.?|B\.?V\.?|AG|SE|AB|"
                         r"\(PUBL\)|S\.?P\.?A\.?|GMBH|EG|OYJ|ASA|A/S)$", re.IGNORECASE)


@dataclass(slots=True)
class _Evidence:
    """What the guess has found so far."""

    header: tuple[str, ...] | None
    samples: list[tuple[Cell, ...]]
    roles: dict[str, int] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)


def guess_mapping(file_name: str, data: bytes) -> ColumnMapping:
    """A pre-filled mapping for the dialog. Raises ``UnreadableStatement`` only for a file that is no table at all."""
    table = _fullest_sheet(file_name, data, read_table(file_name, data))
    header_row = find_header_row(table)
    header = table.header(header_row)
    rows = [row for _, row in table.data_rows(header_row)]
    evidence = _Evidence(header, rows[:SAMPLE_ROWS])
    if header is not None:
        _assign_by_header(evidence)
    _assign_by_content(evidence, table.column_count())
    amount_columns = [evidence.roles[r] for r in ("amount", "debit", "credit") if r in evidence.roles]
    decimal_mark, thousands = guess_separators([row[i] for row in rows for i in amount_columns if i < len(row)],
                                               table.delimiter)
    date_format = guess_date_format([row[evidence.roles["date"]] for row in rows[:500]
                                     if "date" in evidence.roles and evidence.roles["date"] < len(row)])

    def column(role: str) -> Column | None:
        index = evidence.roles.get(role)
        if index is None:
            return None
        return Column(header[index] if header is not None and index < len(header) else "", index)

    sign = SignConvention.SIGNED
    debit_marker = "D"
    split = "debit" in evidence.roles and "credit" in evidence.roles
    if not split and "indicator" in evidence.roles:
        sign = SignConvention.INDICATOR
        debit_marker = _debit_marker([row[evidence.roles["indicator"]] for row in evidence.samples
                                      if evidence.roles["indicator"] < len(row)])
    account = column("account")
    fixed_account = "" if account is not None else _account_outside_table(file_name, table, header_row)
    currency = column("currency")
    fixed_currency = "" if currency is not None else _guess_currency(evidence, rows, fixed_account)
    text_columns = tuple(Column(header[i] if header is not None and i < len(header) else "", i)
                         for i in sorted(i for role, i in _text_roles(evidence)))
    date_column = column("date")
    footer = _footer_rows(table, header_row, evidence.roles.get("date"), date_format) if date_column else 0
    return ColumnMapping(
        name=_profile_name(file_name, table, fixed_account, rows, evidence.roles.get("account")),
        signature=table.signature(header_row),
        sheet=table.sheet,
        delimiter=table.delimiter,
        quote_char='"',
        header_row=header_row,
        skip_footer_rows=footer,
        date=date_column,
        date_format=date_format,
        value_date=column("value_date"),
        amount=None if split else column("amount"),
        sign=sign,
        indicator=column("indicator") if sign is SignConvention.INDICATOR else None,
        debit_marker=debit_marker,
        debit=column("debit") if split else None,
        credit=column("credit") if split else None,
        decimal_separator=decimal_mark,
        thousands_separator=thousands,
        currency=currency,
        fixed_currency=fixed_currency,
        counterparty_name=column("counterparty_name"),
        counterparty_iban=column("counterparty_iban"),
        text=text_columns,
        reference=column("reference"),
        bank_reference=column("bank_reference"),
        account=account,
        fixed_account=fixed_account,
    )


def _fullest_sheet(file_name: str, data: bytes, first: Table) -> Table:
    """The workbook's sheet with the most rows (statements often come after a cover sheet)."""
    best = first
    for sheet in first.sheets:
        if sheet != first.sheet:
            candidate = read_table(file_name, data, sheet=sheet)
            if len(candidate.data_rows(None)) > len(best.data_rows(None)):
                best = candidate
    return best


# --- the header row ---------------------------------------------------------------------------
def find_header_row(table: Table) -> int | None:
    """The row holding column names: the first with two or more known header words, else the first
    row of text cells (as wide as the table) that has data below it; None when the data starts at once."""
    width = table.column_count()
    candidates = [(n, row) for n, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]) if sum(not is_blank(c) for c in row) >= 2]
    for n, row in candidates:
        known = sum(1 for cell in row if any(header_score(role, cell_text(cell))[0] for role in ROLE_ORDER))
        if known >= 2:
            return n
    for n, row in candidates:
        filled = [cell for cell in row if not is_blank(cell)]
        if len(filled) >= max(2, width - 1) and all(_texty(cell) for cell in filled):
            return n
        if len(filled) >= max(2, width - 1):
            return None  # the first full-width row is already data
    return 0 if candidates else None


def _texty(cell: Cell) -> bool:
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return bool(text) and _NUMBERISH.match(text) is None and not _looks_like_date(text)


def _looks_like_date(text: str) -> bool:
    return any(_parses(text, fmt) for fmt in DATE_FORMATS)


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text.strip(), fmt)
    except ValueError:
        return False
    return True


# --- columns ----------------------------------------------------------------------------------
def _assign_by_header(evidence: _Evidence) -> None:
    assert evidence.header is not None
    scored: list[tuple[int, int, int, str, frozenset[str]]] = []
    for index, name in enumerate(evidence.header):
        for rank, role in enumerate(ROLE_ORDER):
            score, languages = header_score(role, name)
            if score:
                scored.append((-score, rank, index, role, languages))
    taken: set[int] = set()
    for _, _, index, role, languages in sorted(scored):
        if index in taken or (role in evidence.roles and role != "text"):
            continue
        if not _content_fits(role, _column_samples(evidence.samples, index)):
            continue
        if role == "text":
            evidence.roles[f"text:{index}"] = index
        else:
            evidence.roles[role] = index
        taken.add(index)
        evidence.languages.update(languages)


def _text_roles(evidence: _Evidence) -> list[tuple[str, int]]:
    return [(role, index) for role, index in evidence.roles.items() if role.startswith("text:")]


def _column_samples(rows: Sequence[tuple[Cell, ...]], index: int) -> list[Cell]:
    return [row[index] for row in rows if index < len(row) and not is_blank(row[index])]


def _content_fits(role: str, samples: list[Cell]) -> bool:
    """Whether what a column holds fits the role its header suggests (empty columns fit nothing but text)."""
    if not samples:
        return role in ("text", "reference", "bank_reference", "counterparty_name", "counterparty_iban", "value_date")
    texts = [cell_text(cell) for cell in samples]
    if role in ("date", "value_date"):
        return _share(samples, _is_date) >= 0.8
    if role in ("amount", "debit", "credit", "balance"):
        return _share(samples, _is_number) >= 0.8
    if role == "currency":
        return _share(texts, lambda t: bool(_CURRENCY_CODE.match(t.upper())) or t in CURRENCY_SYMBOLS) >= 0.8
    if role == "indicator":
        return len(set(texts)) <= 4 and all(len(t) <= 10 for t in texts)
    if role in ("account", "counterparty_iban"):
        return _share(texts, lambda t: bool(_ACCOUNT.match(t.replace(" ", "").upper()))) >= 0.6
    return True


def _share(values: Sequence[Any], test: Callable[[Any], bool]) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _is_date(cell: Cell) -> bool:
    return isinstance(cell, date) or (isinstance(cell, str) and _looks_like_date(cell))


def _is_number(cell: Cell) -> bool:
    if not isinstance(cell, str):
        return isinstance(cell, Decimal)
    return bool(_NUMBERISH.match(cell.strip())) and any(ch.isdigit() for ch in cell) and not _looks_like_date(cell)


def _assign_by_content(evidence: _Evidence, width: int) -> None:
    """Fill the roles headers did not name from what the columns hold."""
    taken = set(evidence.roles.values())
    free = [i for i in range(width) if i not in taken]
    samples = {i: _column_samples(evidence.samples, i) for i in free}
    if "date" not in evidence.roles:
        dates = [i for i in free if samples[i] and _share(samples[i], _is_date) >= 0.9]
        if dates:
            evidence.roles["date"] = dates[0]
            if len(dates) > 1 and "value_date" not in evidence.roles:
                evidence.roles["value_date"] = dates[1]
    if not {"amount", "debit", "credit"} & set(evidence.roles):
        numbers = [i for i in free if i not in evidence.roles.values() and samples[i]
                   and _share(samples[i], _is_number) >= 0.9 and any(_has_fraction(c) for c in samples[i])]
        if numbers:
            evidence.roles["amount"] = numbers[0]
    ibans = [i for i in free if i not in evidence.roles.values() and samples[i]
             and _share([cell_text(c) for c in samples[i]], _is_iban) >= 0.6]
    for index in ibans:
        constant = len({cell_text(c).replace(" ", "") for c in samples[index]}) == 1 and len(samples[index]) > 1
        role = "account" if constant else "counterparty_iban"
        evidence.roles.setdefault(role, index)
    if not _text_roles(evidence):
        lengths = {i: sum(len(cell_text(c)) for c in samples[i]) / max(len(samples[i]), 1)
                   for i in free if i not in evidence.roles.values() and samples[i]
                   and _share(samples[i], _is_number) < 0.5 and _share(samples[i], _is_date) < 0.5}
        if lengths:
            best = max(lengths, key=lambda i: lengths[i])
            if lengths[best] >= 4:
                evidence.roles[f"text:{best}"] = best


def _has_fraction(cell: Cell) -> bool:
    return not isinstance(cell, str) or bool(re.search(r"[.,]\d{1,2}\b", cell))


def _is_iban(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}", compact):
        return False
    try:
        IBAN(compact)
    except SchwiftyException:
        return False
    return True


# --- formats ----------------------------------------------------------------------------------
def guess_date_format(cells: Sequence[Cell]) -> str:
    """The first common format that reads every text date in ``cells``; day-first wins a tie."""
    texts = [cell.strip() for cell in cells if isinstance(cell, str) and cell.strip()]
    if not texts:
        return DATE_FORMATS[0]
    for fmt in DATE_FORMATS:
        if all(_date_ok(text, fmt) for text in texts):
            return fmt
    counts = Counter({fmt: sum(_date_ok(text, fmt) for text in texts) for fmt in DATE_FORMATS})
    return counts.most_common(1)[0][0]


def _date_ok(cell: Cell, fmt: str) -> bool:
    try:
        to_date(cell, fmt)
    except ValueError:
        return False
    return True


def guess_separators(cells: Sequence[Cell], delimiter: str) -> tuple[str, str]:
    """``(decimal separator, thousands separator)`` from how amounts are written."""
    votes: Counter[str] = Counter()
    grouping: Counter[str] = Counter()
    for cell in cells:
        if not isinstance(cell, str):
            continue
        text = re.sub(r"[^\d.,' \u00a0]", "", cell).strip()
        commas, points = text.count(","), text.count(".")
        if commas and points:
            decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
            votes[decimal_mark] += 3
            grouping["." if decimal_mark == "," else ","] += 1
        elif commas > 1:
            votes["."] += 2
            grouping[","] += 1
        elif points > 1:
            votes[","] += 2
            grouping["."] += 1
        elif commas or points:
            mark = "," if commas else "."
            digits_after = len(text) - text.rfind(mark) - 1
            votes[mark if digits_after != 3 else ("." if mark == "," else ",")] += 2 if digits_after != 3 else 1
        if re.search(r"\d[ \u00a0]\d{3}\b", text):
            grouping[" "] += 1
        if re.search(r"\d'\d{3}\b", text):
            grouping["'"] += 1
    fallback = "," if delimiter in (";", "\t") else "."
    decimal_mark = votes.most_common(1)[0][0] if votes else fallback
    other = "." if decimal_mark == "," else ","
    spaced = [mark for mark in (" ", "'") if grouping[mark]]
    thousands = spaced[0] if spaced and not grouping[other] else other
    return decimal_mark, thousands


def _debit_marker(cells: Sequence[Cell]) -> str:
    seen = {normalize_header(cell_text(cell)): cell_text(cell) for cell in cells if not is_blank(cell)}
    for marker in DEBIT_MARKERS:
        for normalized, original in seen.items():
            if normalized == marker:
                return original
    return "D"


# --- currency, account, name ------------------------------------------------------------------
def _guess_currency(evidence: _Evidence, rows: Sequence[tuple[Cell, ...]], account: str) -> str:
    for role in ("amount", "debit", "credit"):
        index = evidence.roles.get(role)
        if index is None:
            continue
        if evidence.header is not None and index < len(evidence.header):
            found = _CODE_IN_HEADER.search(evidence.header[index].upper())
            if found:
                return found.group(1)
        for row in rows[:SAMPLE_ROWS]:
            text = cell_text(row[index]) if index < len(row) else ""
            code = re.search(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])", text)
            if code:
                return code.group(1)
            for symbol, currency in CURRENCY_SYMBOLS.items():
                if symbol in text:
                    return currency
    country = account[:2] if _is_iban(account) else ""
    if country in COUNTRY_CURRENCY:
        return COUNTRY_CURRENCY[country]
    if country:
        return "EUR"
    ranked = evidence.languages.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return LANGUAGE_CURRENCY.get(ranked[0][0], "EUR")
    return "EUR"


def _account_outside_table(file_name: str, table: Table, header_row: int | None) -> str:
    """An IBAN (else a long account number) written above the header, as many banks do, or in the file name."""
    above = table.rows[: header_row or 0]
    texts = [cell_text(cell).upper() for row in above for cell in row] + [PurePath(file_name).stem.upper()]
    for text in texts:
        for found in _IBAN.finditer(text.replace("_", " ")):
            if _is_iban(found.group(1)):
                return found.group(1).replace(" ", "")
    for text in texts:
        number = _LONG_NUMBER.search(text)
        if number:
            return number.group(0)
    return ""


def _profile_name(file_name: str, table: Table, account: str, rows: Sequence[tuple[Cell, ...]], column: int | None) -> str:
    iban = account
    if not iban and column is not None:
        iban = next((cell_text(row[column]).replace(" ", "") for row in rows[:SAMPLE_ROWS] if column < len(row)), "")
    bank = ""
    if _is_iban(iban):
        try:
            bank = (IBAN(iban).bank_name or "").split(",")[0].strip()
            while _LEGAL_FORM.search(bank):
                bank = _LEGAL_FORM.sub("", bank).strip()
        except SchwiftyException:
            bank = ""
    return f"{bank or PurePath(file_name).stem} {table.kind.upper()}"


def _footer_rows(table: Table, header_row: int | None, date_index: int | None, date_format: str) -> int:
    """Rows at the end whose date cell is no date (totals, notes), at most five."""
    if date_index is None:
        return 0
    rows = table.data_rows(header_row)
    count = 0
    for _, row in reversed(rows[-5:]):
        cell = row[date_index] if date_index < len(row) else None
        if _date_ok(cell, date_format):
            break
        count += 1
    return count if count < len(rows) else 0

