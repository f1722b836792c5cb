""":86: texts in the shapes banks write them (from public sample files), read into name, IBAN, remittance, references."""

from __future__ import annotations

from desktop.importers.mt940_fields import Details, find_rf, parse_details


def details(text: str) -> Details:
    return parse_details(text.split("\n"))


def test_ing_counterparty_with_empty_city_and_wrapped_code_word():
    # Mijn ING Zakelijk spec example: the line break falls inside "REMI" and inside the BIC
    found = details("/RTRN/MS03//EREF/20120501P0123478//MARF/MND-120123//CSID/NL32\n"
                    "ZZZ999999991234//CNTP/NL32INGB0000012345/INGBNL2A/J.Janssen///REM\n"
                    "I/USTD//CONTRIBUTIE FEB 2014/")
    assert (found.style, found.name, found.iban, found.bic) == ("slash", "J.Janssen", "NL32INGB0000012345", "INGBNL2A")
    assert (found.remittance, found.end_to_end_id) == ("CONTRIBUTIE FEB 2014", "20120501P0123478")


def test_ing_structured_remittance_and_no_counterparty():
    found = details("/EREF/15814016000676480//CNTP/NL32INGB0000012345/INGBNL2A/J.J\nanssen///REMI/STRD/CUR/9001123412341234/")
    assert (found.name, found.remittance, found.structured_reference) == ("J.Janssen", "", "9001123412341234")
    card = details("/REMI/USTD//20-08-14 05:52 BETAALAUTOMAAT   NHOW Aaaaa / BER\nLIN            008 52I9S8/")
    assert (card.name, card.iban, card.remittance) == ("", "", "20-08-14 05:52 BETAALAUTOMAAT NHOW Aaaaa / BERLIN 008 52I9S8")


def test_rabobank_values_may_hold_slashes():
    found = details("/EREF/REF17/22/4444 555555/DEC- 16/ORDP//NAME/AAAAAA RRRRRRRRRRR\n"
                    "BBBBB DFDFDFDFDFDFDF CCC/ADDR/Postbus 1111 2222 BB STADJES NL/REM\n"
                    "I/BETALINGSKENM.: 342157/DEC- 16, ONZE REF.: 12345678")
    assert found.end_to_end_id == "REF17/22/4444 555555/DEC- 16"
    assert found.name == "AAAAAA RRRRRRRRRRRBBBBB DFDFDFDFDFDFDF CCC"  # wrapped mid-word at 65
    assert found.remittance == "BETALINGSKENM.: 342157/DEC- 16, ONZE REF.: 12345678"
    assert details("/BENM//NAME/JOHN DOE/REMI/Reference 201301234/ISDT/2013-01-02").remittance == "Reference 201301234"


def test_abn_amro_sepa_codes():
    found = details("/TRTP/SEPA OVERBOEKING/IBAN/NL25ABNA0987654321/BIC/ABNANL2A/NAME/\n"
                    "FOOBAR/REMI/SAVINGS/EREF/NOTPROVIDED/ORDP//ID/20\n3798473")
    assert (found.name, found.iban, found.bic, found.remittance, found.end_to_end_id) == (
        "FOOBAR", "NL25ABNA0987654321", "ABNANL2A", "SAVINGS", "")


def test_german_keywords_may_straddle_subfields():
    # a keyword split over ?24/?25 ("S" + "VWZ+") and one in the middle of a subfield ("CRED+")
    found = details("835?20Cie., S.C.A.?21SEPA-BASISLASTSCHRIFT?22EREF+ 1234567890123 PAYPAL?23MREF+ 12AB234CD6E7F "
                    "CRED+ A?24B12CDE0000000000000000034 S?25VWZ+ . SPOTIFY, Ihr Einkauf?26bei SPOTIFY?32PayPal (Europe) "
                    "S.a.r.l. et")
    assert found.style == "subfields"
    # ?25 is full (27 characters), so ?26 continues it without a space, as the German standard has it
    assert (found.remittance, found.end_to_end_id) == (". SPOTIFY, Ihr Einkaufbei SPOTIFY", "1234567890123 PAYPAL")
    assert found.name == "PayPal (Europe) S.a.r.l. et"


def test_german_subfields_over_lines_and_without_keywords():
    found = details("166?00SEPA-GUTSCHRIFT?101717/682?20EREF+NOTPROVIDED?21SVWZ+DE38XX\n"
                    "Z76536723768 335?30GENODE61KA1?31DE42\n2938944551657098369?32PETRA TESTER")
    assert (found.name, found.iban, found.bic) == ("PETRA TESTER", "DE422938944551657098369", "GENODE61KA1")
    assert (found.remittance, found.end_to_end_id) == ("DE38XXZ76536723768 335", "")
    assert details("079?00SAMMLER?109800?200904059001").remittance == "0904059001"
    # Triodos writes the same subfields with ">"
    triodos = details("000>100987654321\n>20ALGEMENE TUSSENREKENING KOS>21TEN VAN 01-10-2010 TOT EN M\n"
                      ">22ET 31-12-2010>310390123456")
    assert triodos.remittance == "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010"
    assert triodos.iban == "0390123456"


def test_abn_amro_labelled_free_text():
    found = details("SEPA IDEAL                       IBAN: NL70ABNA0888888888\n"
                    "BIC: ABNANL2A                    NAAM: NS GROEP INZAKE NSR IDEA\n"
                    "OMSCHRIJVING: 4851430136 0030000 735822580 NS E-TICKET(S)\n"
                    "KENMERK: 26-01-2014 18:14 003000 0735822580")
    assert found.style == "labels"
    assert (found.name, found.iban, found.bic) == ("NS GROEP INZAKE NSR IDEA", "NL70ABNA0888888888", "ABNANL2A")
    assert found.remittance == "4851430136 0030000 735822580 NS E-TICKET(S)"
    assert found.end_to_end_id == "26-01-2014 18:14 003000 0735822580"
    giro = details("SEPA ACCEPTGIROBETALING          IBAN: NL86INGB0002445588\n"
                   "BIC: INGBNL2A                    NAAM: BELASTINGDIENST\n"
                   "BETALINGSKENM.: 1234567890098876 ID DEBITEUR: 777777777")
    assert (giro.name, giro.structured_reference) == ("BELASTINGDIENST", "1234567890098876")
    assert giro.remittance == "SEPA ACCEPTGIROBETALING"  # the text before the labels


def test_knab_free_text_with_account_and_name():
    found = details("BLA BLA BLA EEN OMSCHRIJVING IN HET OMSCHRIJVING VELD\nREK: NL76INB05555555555/NAAM: NAAM REKENINGHOUDER")
    assert (found.name, found.iban, found.remittance) == (
        "NAAM REKENINGHOUDER", "NL76INB05555555555", "BLA BLA BLA EEN OMSCHRIJVING IN HET OMSCHRIJVING VELD")


def test_plain_text_keeps_everything_as_remittance():
    found = details("Europese Incasso, doorlopend NL91ABNA0417164300 INGBNL2A JAAPJAAP\n FIETS PAPIER NV Premie")
    assert found.style == "text"
    assert found.iban == "NL91ABNA0417164300"  # a valid IBAN in the text
    assert found.remittance == "Europese Incasso, doorlopend NL91ABNA0417164300 INGBNL2A JAAPJAAP FIETS PAPIER NV Premie"
    assert details("Order 4711 NL00ABNA0000000000 not an IBAN").iban == ""


def test_creditor_references_are_found_in_text():
    assert find_rf("Betaling RF18 5390 0754 7034 dank") == "RF18539007547034"
    assert find_rf("rf18539007547034") == "RF18539007547034"
    assert find_rf("RF18 5390 0754 7034 12 stuks") == "RF18539007547034"  # trailing numbers are not part of it
    assert find_rf("RF19539007547034") == ""  # wrong check digits
    assert find_rf("REFERENCE 42") == ""
