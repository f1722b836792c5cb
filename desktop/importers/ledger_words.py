"""Header words accounting packages use for customer and invoice columns, in the languages Paydesk ships
(en, es, it, nl, sv, de, ru), and the status words that mean an invoice is settled or cancelled.

Compared after ``normalize_header`` (case and accents ignored), as the bank import does.
"""

from __future__ import annotations

from functools import cache

from desktop.domain.column_mapping import normalize_header
from desktop.importers.tabular_words import WORDS as BANK_WORDS

# field -> header texts (all languages together: a ledger's words rarely mean two things)
WORDS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer id", "customer code", "customer no", "customer no.", "customer number", "customer", "debtor", "debtor id",
        "debtor number", "debtor code", "account code", "client id", "client code",
        "debiteur", "debiteurnummer", "debiteurnr", "debiteurcode", "klantnummer", "klantnr", "klantcode", "relatiecode",
        "relatienummer", "kundennummer", "kundennr", "kunden-nr", "kunden-nr.", "debitor", "debitorennummer", "debitor-nr",
        "codigo cliente", "cod. cliente", "id cliente", "numero de cliente", "n cliente", "cliente n", "codice cliente",
        "cod. cliente", "kundnummer", "kundnr", "kund-id", "kundid", "код клиента", "код контрагента", "id клиента",
        "код покупателя",
    ),
    "customer_number": ("customer number (paydesk)",),
    "name": (
        "customer name", "name", "company", "company name", "debtor name", "client name", "naam", "klantnaam",
        "debiteurnaam", "bedrijfsnaam", "relatienaam", "kundenname", "firma", "firmenname", "debitorname", "nombre",
        "nombre cliente", "razon social", "cliente", "ragione sociale", "nome", "nome cliente", "denominazione", "namn",
        "kundnamn", "kund", "foretag", "företagsnamn", "наименование", "клиент", "контрагент", "название", "покупатель",
        "наименование контрагента",
    ),
    "email": (
        "email", "e-mail", "mail", "email address", "e-mail address", "e-mailadres", "emailadres", "e-mail-adresse",
        "correo", "correo electronico", "posta elettronica", "indirizzo email", "e-post", "e-postadress", "почта",
        "электронная почта", "эл. почта",
    ),
    "street": (
        "address", "street", "street address", "address line 1", "adres", "straat", "strasse", "straße", "anschrift",
        "direccion", "calle", "domicilio", "indirizzo", "via", "adress", "gatuadress", "utdelningsadress", "адрес", "улица",
    ),
    "postal_code": (
        "postal code", "postcode", "zip", "zip code", "post code", "plz", "postleitzahl", "codigo postal", "cp", "c.p.",
        "cap", "codice postale", "postnummer", "postnr", "индекс", "почтовый индекс",
    ),
    "city": (
        "city", "town", "plaats", "woonplaats", "vestigingsplaats", "ort", "stadt", "ciudad", "poblacion", "localidad",
        "citta", "comune", "localita", "postort", "stad", "город", "населенный пункт",
    ),
    "country": ("country", "country code", "land", "landcode", "pais", "paese", "nazione", "страна", "код страны"),
    "language": ("language", "taal", "sprache", "idioma", "lingua", "sprak", "språk", "язык"),
    "vat_id": (
        "vat", "vat id", "vat number", "vat no", "vat no.", "vat reg no", "tax id", "btw", "btw-nummer", "btw nummer",
        "btw-nr", "btw nr", "btw-id", "ust-idnr", "ust-idnr.", "ust-id", "ustid", "umsatzsteuer-id", "nif", "cif", "nif/cif",
        "partita iva", "p.iva", "p. iva", "piva", "momsnummer", "momsreg.nr", "vat-nummer", "инн", "ндс номер",
    ),
    "iban": ("iban", "bank account", "iban-nummer", "bankrekening", "bankverbindung", "iban cliente", "bankkonto", "р/с",
             "расчетный счет"),
    "invoice_id": (
        "invoice id", "document id", "entry id", "entry number", "id", "transaction id", "boekstuk", "boekstuknummer",
        "boekstuknr", "factuur id", "beleg-id", "buchungs-id", "id factura", "id fattura", "verifikation", "verifikationsnummer",
        "id документа", "id счета",
    ),
    "number": (
        "invoice number", "invoice no", "invoice no.", "invoice #", "invoice", "number", "document number", "your reference",
        "factuurnummer", "factuurnr", "factuurnr.", "factuur", "rechnungsnummer", "rechnungsnr", "rechnungsnr.", "rechnung",
        "belegnummer", "beleg-nr", "numero factura", "n factura", "no factura", "factura", "numero fattura", "n fattura",
        "fattura", "fakturanummer", "fakturanr", "faktura", "номер счета", "номер счёта", "номер", "номер документа",
        "счет", "счёт",
    ),
    "issue_date": (
        "invoice date", "date", "issue date", "document date", "doc date", "factuurdatum", "datum", "boekdatum",
        "rechnungsdatum", "belegdatum", "fecha", "fecha factura", "fecha emision", "fecha de emision", "data",
        "data fattura", "data documento", "data emissione", "fakturadatum", "dokumentdatum", "дата", "дата счета",
        "дата счёта", "дата документа",
    ),
    "due_date": (
        "due date", "due", "payment due", "due on", "vervaldatum", "vervaldag", "uiterste betaaldatum", "fällig", "falligkeit",
        "fälligkeit", "fälligkeitsdatum", "fallig am", "fällig am", "fecha vencimiento", "fecha de vencimiento", "vencimiento",
        "scadenza", "data scadenza", "forfallodatum", "forfallodag", "förfallodag", "förfallodatum", "срок оплаты",
        "оплатить до", "дата оплаты",
    ),
    "currency": tuple(word for words in BANK_WORDS["currency"].values() for word in words),
    "total": (
        "total", "amount", "invoice amount", "invoice total", "gross amount", "total amount", "amount incl. vat",
        "total incl. vat", "bedrag", "factuurbedrag", "totaal", "totaalbedrag", "bedrag incl. btw", "bedrag incl btw",
        "betrag", "rechnungsbetrag", "brutto", "bruttobetrag", "gesamtbetrag", "importe", "total factura", "importe total",
        "importo", "totale", "importo totale", "totale fattura", "belopp", "totalt", "summa", "fakturabelopp", "сумма",
        "итого", "сумма счета", "сумма счёта", "сумма документа",
    ),
    "open_amount": (
        "open", "open amount", "outstanding", "outstanding amount", "balance", "amount due", "balance due", "remaining",
        "openstaand", "openstaand bedrag", "saldo", "open bedrag", "offen", "offener betrag", "offener posten", "restbetrag",
        "pendiente", "importe pendiente", "saldo pendiente", "residuo", "importo residuo", "da pagare", "aterstar",
        "återstår", "restbelopp", "obetalt", "остаток", "задолженность", "к оплате", "остаток долга",
    ),
    "paid_amount": ("paid", "amount paid", "paid amount", "betaald", "betaald bedrag", "bezahlt", "gezahlt", "pagado",
                    "importe pagado", "pagato", "importo pagato", "betalt", "оплачено", "сумма оплаты"),
    "status": ("status", "state", "payment status", "staat", "betaalstatus", "zahlungsstatus", "estado", "stato",
               "статус", "состояние"),
}

CLOSED_STATUS_WORDS = frozenset(normalize_header(w) for w in (
    "paid", "closed", "settled", "cancelled", "canceled", "void", "credited", "betaald", "gesloten", "vereffend",
    "geannuleerd", "bezahlt", "beglichen", "ausgeglichen", "storniert", "pagado", "pagada", "cerrado", "cerrada", "anulado",
    "anulada", "pagato", "pagata", "chiuso", "chiusa", "annullato", "annullata", "betald", "betalad", "stängd", "makulerad",
    "оплачен", "оплачено", "оплачена", "закрыт", "закрыто", "отменен", "отменён", "аннулирован",
))
"""Status texts that say the source expects nothing more on the invoice."""


@cache
def normalized_words() -> dict[str, frozenset[str]]:
    return {name: frozenset(normalize_header(w) for w in words) for name, words in WORDS.items()}


def best_field(header: str, taken: set[str]) -> tuple[int, str | None]:
    """The field ``header`` names best, not yet ``taken``: (score, field); exact words score above a longest phrase inside."""
    cell = normalize_header(header)
    if not cell:
        return 0, None
    for name, words in normalized_words().items():
        if name not in taken and cell in words:
            return 1000, name
    padded = f" {''.join(ch if ch.isalnum() else ' ' for ch in cell)} "
    best: tuple[int, str | None] = (0, None)
    for name, words in normalized_words().items():
        if name in taken:
            continue
        for word in words:
            spaced = f" {''.join(ch if ch.isalnum() else ' ' for ch in word)} "
            if len(word) >= 4 and spaced in padded and len(word) > best[0]:
                best = (len(word), name)
    return best
