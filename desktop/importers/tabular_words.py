"""Header words banks use for each kind of column, in the languages Paydesk ships (en, es, it, nl, sv, de, ru).

The guess compares a header cell with these after ``normalize_header`` (case and accents ignored),
so "Währung" is written here as it is and matches "WAHRUNG". A word can mean different things in
different languages ("Valuta" is the currency in Dutch and Swedish, the value date in Italian and
German): the guess settles that by looking at the column's content.
"""

from __future__ import annotations

from functools import cache

from desktop.domain.column_mapping import normalize_header

# role -> language -> header texts
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "value_date": {
        "en": ("value date", "value", "valuation date"),
        "es": ("fecha valor", "f. valor", "fecha de valor", "valor"),
        "it": ("data valuta", "valuta", "data di valuta"),
        "nl": ("valutadatum", "rentedatum", "valuta datum"),
        "sv": ("valutadag", "valutadatum"),
        "de": ("valuta", "wertstellung", "valutadatum", "wertstellungsdatum", "wertstellungstag"),
        "ru": ("дата валютирования", "дата зачисления"),
    },
    "date": {
        "en": ("date", "booking date", "transaction date", "posting date", "posted date", "entry date", "trans. date"),
        "es": ("fecha", "fecha operacion", "fecha de operacion", "f. operacion", "fecha contable", "fecha movimiento"),
        "it": ("data", "data operazione", "data contabile", "data registrazione", "data movimento"),
        "nl": ("datum", "boekdatum", "boekingsdatum", "transactiedatum", "rentedatum boeking"),
        "sv": ("datum", "bokforingsdatum", "bokforingsdag", "transaktionsdatum", "bokford", "reskontradatum"),
        "de": ("datum", "buchungstag", "buchungsdatum", "buchung"),
        "ru": ("дата", "дата операции", "дата проводки", "дата документа"),
    },
    "indicator": {
        "en": ("d/c", "dc", "debit/credit", "credit/debit", "dr/cr", "cr/dr", "type d/c", "direction"),
        "es": ("cargo/abono", "debe/haber", "d/h", "signo"),
        "it": ("dare/avere", "d/a", "segno"),
        "nl": ("af bij", "af/bij", "bij/af", "debet/credit", "credit/debet"),
        "sv": ("debet/kredit",),
        "de": ("s/h", "soll/haben", "soll haben"),
        "ru": ("дебет/кредит", "д/к", "признак"),
    },
    "debit": {
        "en": ("debit", "debit amount", "debits", "withdrawal", "withdrawals", "money out", "paid out", "out", "outflow"),
        "es": ("cargo", "cargos", "debe", "importe cargo", "salidas"),
        "it": ("addebiti", "addebito", "dare", "uscite"),
        "nl": ("af", "debet", "bedrag af"),
        "sv": ("uttag", "debet"),
        "de": ("soll", "ausgang", "belastung", "ausgaben"),
        "ru": ("дебет", "расход", "списание", "списано", "сумма по дебету"),
    },
    "credit": {
        "en": ("credit", "credit amount", "credits", "deposit", "deposits", "money in", "paid in", "in", "inflow"),
        "es": ("abono", "abonos", "haber", "importe abono", "ingresos", "entradas"),
        "it": ("accrediti", "accredito", "avere", "entrate"),
        "nl": ("bij", "credit", "bedrag bij"),
        "sv": ("insattning", "insattningar", "kredit"),
        "de": ("haben", "eingang", "gutschrift", "einnahmen"),
        "ru": ("кредит", "приход", "зачисление", "зачислено", "поступление", "сумма по кредиту"),
    },
    "amount": {
        "en": ("amount", "transaction amount", "sum", "value amount", "net amount"),
        "es": ("importe", "cantidad", "monto", "importe eur"),
        "it": ("importo", "importo eur", "ammontare"),
        "nl": ("bedrag", "transactiebedrag", "bedrag eur"),
        "sv": ("belopp", "summa", "transaktionsbelopp"),
        "de": ("betrag", "umsatz", "betrag eur", "buchungsbetrag"),
        "ru": ("сумма", "сумма операции", "сумма в валюте счета"),
    },
    "balance": {
        "en": ("balance", "running balance", "balance after"),
        "es": ("saldo", "saldo disponible", "saldo contable"),
        "it": ("saldo", "saldo contabile", "saldo disponibile"),
        "nl": ("saldo", "saldo na mutatie", "saldo na trn"),
        "sv": ("saldo", "behallning", "bokfort saldo"),
        "de": ("saldo", "kontostand", "saldo nach buchung"),
        "ru": ("остаток", "баланс", "исходящий остаток"),
    },
    "currency": {
        "en": ("currency", "ccy", "cur", "curr"),
        "es": ("divisa", "moneda"),
        "it": ("divisa", "valuta"),
        "nl": ("munt", "valuta", "muntsoort", "valutacode"),
        "sv": ("valuta",),
        "de": ("wahrung", "waehrung", "whrg"),
        "ru": ("валюта", "код валюты"),
    },
    "counterparty_iban": {
        "en": ("counterparty iban", "counterparty account", "iban counterparty", "payee account", "payer account",
               "to account", "from account", "other account"),
        "es": ("cuenta contraparte", "iban contraparte", "cuenta ordenante", "cuenta beneficiario", "cuenta destino"),
        "it": ("iban controparte", "conto controparte", "iban ordinante", "iban beneficiario"),
        "nl": ("tegenrekening", "tegenrekening iban/bban", "iban tegenpartij", "rekening tegenpartij"),
        "sv": ("motkonto", "mottagarkonto", "avsandarkonto"),
        "de": ("kontonummer/iban", "gegenkonto", "iban zahlungspflichtiger", "iban empfanger",
               "iban auftraggeber", "iban des empfangers"),
        "ru": ("счет контрагента", "счёт контрагента", "счет получателя", "счет плательщика", "счет корреспондента"),
    },
    "account": {
        "en": ("account", "account number", "own account", "my account", "account iban", "iban"),
        "es": ("cuenta", "numero de cuenta", "iban", "cuenta iban"),
        "it": ("conto", "numero conto", "iban", "conto corrente"),
        "nl": ("rekening", "rekeningnummer", "iban/bban", "iban", "eigen rekening"),
        "sv": ("konto", "kontonummer", "iban"),
        "de": ("auftragskonto", "konto", "iban", "kontonummer"),
        "ru": ("счет", "счёт", "номер счета", "номер счёта"),
    },
    "counterparty_name": {
        "en": ("counterparty", "counterparty name", "name", "payee", "payer", "beneficiary", "payee/payer",
               "from/to", "party", "merchant", "other party"),
        "es": ("beneficiario", "ordenante", "nombre", "contraparte", "beneficiario/ordenante", "emisor"),
        "it": ("controparte", "beneficiario", "ordinante", "nominativo", "beneficiario/ordinante"),
        "nl": ("naam / omschrijving", "naam/omschrijving", "naam", "tegenpartij", "naam tegenpartij", "begunstigde",
               "naam tegenrekening"),
        "sv": ("mottagare", "avsandare", "namn", "motpart", "betalningsmottagare"),
        "de": ("empfanger", "auftraggeber/empfanger", "beguenstigter/zahlungspflichtiger", "begunstigter/zahlungspflichtiger",
               "name", "zahlungspflichtiger", "begunstigter", "auftraggeber", "zahlungsempfanger"),
        "ru": ("контрагент", "получатель", "плательщик", "наименование контрагента", "корреспондент"),
    },
    "bank_reference": {
        "en": ("transaction id", "bank reference", "transaction reference", "id", "reference number", "transaction number"),
        "es": ("referencia banco", "numero de operacion", "no operacion", "num. operacion", "id operacion"),
        "it": ("riferimento banca", "numero operazione", "id operazione", "cro"),
        "nl": ("transactiereferentie", "volgnr", "volgnummer", "transactie id"),
        "sv": ("verifikationsnummer", "lopnummer", "transaktions-id", "verifikation"),
        "de": ("bankreferenz", "transaktions-id", "buchungsreferenz", "primanota"),
        "ru": ("номер операции", "номер документа", "№ документа", "id операции"),
    },
    "reference": {
        "en": ("reference", "payment reference", "customer reference", "ref", "ref.", "creditor reference"),
        "es": ("referencia", "referencia cliente", "referencia 1"),
        "it": ("riferimento", "riferimento cliente"),
        "nl": ("betalingskenmerk", "kenmerk", "referentie", "omschrijving kenmerk"),
        "sv": ("referens", "ocr", "ocr-nummer", "ocr/referens"),
        "de": ("kundenreferenz", "referenz", "end-to-end-referenz", "mandatsreferenz"),
        "ru": ("референс", "код платежа", "уин"),
    },
    "text": {
        "en": ("description", "details", "memo", "narrative", "remittance information", "text", "payment details",
               "message", "transaction details", "additional information", "particulars"),
        "es": ("concepto", "descripcion", "observaciones", "detalle", "mas datos", "concepto comun", "concepto propio"),
        "it": ("descrizione", "causale", "dettagli", "descrizione operazione", "descrizione estesa"),
        "nl": ("mededelingen", "omschrijving", "omschrijving-1", "omschrijving-2", "omschrijving-3", "beschrijving",
               "mededeling"),
        "sv": ("meddelande", "text", "beskrivning", "transaktionstext", "specifikation", "rubrik"),
        "de": ("verwendungszweck", "buchungstext", "beschreibung", "vorgang", "info"),
        "ru": ("назначение платежа", "назначение", "описание", "комментарий", "основание", "детали"),
    },
}

ROLE_ORDER = tuple(WORDS)
"""Roles in the order the guess hands out columns when two fit equally well."""


@cache
def normalized_words() -> dict[str, dict[str, frozenset[str]]]:
    return {role: {lang: frozenset(normalize_header(w) for w in words) for lang, words in langs.items()}
            for role, langs in WORDS.items()}


def header_score(role: str, header: str) -> tuple[int, frozenset[str]]:
    """How well ``header`` names ``role`` (3 exact, 2 a listed phrase inside it, 0 no) and in which languages."""
    cell = normalize_header(header)
    if not cell:
        return 0, frozenset()
    exact = frozenset(lang for lang, words in normalized_words()[role].items() if cell in words)
    if exact:
        return 3, exact
    padded = f" {''.join(ch if ch.isalnum() else ' ' for ch in cell)} "
    inside: set[str] = set()
    for lang, words in normalized_words()[role].items():
        for word in words:
            if len(word) < 4:
                continue
            spaced = f" {''.join(ch if ch.isalnum() else ' ' for ch in word)} "
            if spaced in padded:
                inside.add(lang)
    return (2, frozenset(inside)) if inside else (0, frozenset())


DEBIT_MARKERS = ("d", "af", "s", "debit", "dr", "debet", "db", "cargo", "-", "uttag", "дебет", "д", "out", "dare")
"""Indicator values meaning money out, most specific first (matched after ``normalize_header``)."""

LANGUAGE_CURRENCY = {"sv": "SEK", "ru": "RUB"}
COUNTRY_CURRENCY = {
    "SE": "SEK", "GB": "GBP", "CH": "CHF", "LI": "CHF", "DK": "DKK", "NO": "NOK", "PL": "PLN", "CZ": "CZK", "HU": "HUF",
    "RO": "RON", "BG": "BGN", "RU": "RUB", "IS": "ISK", "TR": "TRY", "GI": "GBP", "RS": "RSD", "BA": "BAM", "MK": "MKD",
    "AL": "ALL", "MD": "MDL", "UA": "UAH", "GE": "GEL", "AZ": "AZN", "KZ": "KZT", "IL": "ILS", "AE": "AED", "SA": "SAR",
}
CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₽": "RUB", "руб": "RUB", "руб.": "RUB", "р.": "RUB", "RUR": "RUB",
                    "¥": "JPY", "CHF": "CHF", "FR.": "CHF"}
