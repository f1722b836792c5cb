"""``desktop.importers.xml_safety``: the safe XML parse shared by the camt and OFX 2 importers."""

from __future__ import annotations

import gc

import pytest

from desktop.domain.bank import UnreadableStatement
from desktop.importers.base import MAX_XML_DEPTH
from desktop.importers.xml_safety import gc_paused, local_name, namespace_of, parse_compact_xml, parse_xml

DTD_REFUSED = "the file declares a DTD; Paydesk refuses DTDs and entities in bank files for safety"


def refusal(data: bytes) -> UnreadableStatement:
    with pytest.raises(UnreadableStatement) as caught:
        parse_xml(data, "f.xml")
    return caught.value


def test_parses_to_an_element_with_namespaced_tags():
    root = parse_xml(b'<?xml version="1.0"?><Document xmlns="urn:x"><A b="1">t</A></Document>', "f.xml")
    assert root.tag == "{urn:x}Document"
    assert (namespace_of(root.tag), local_name(root.tag)) == ("urn:x", "Document")
    assert (namespace_of("OFX"), local_name("OFX")) == ("", "OFX")
    child = root.find("{urn:x}A")
    assert child is not None and (child.text, child.get("b")) == ("t", "1")


@pytest.mark.parametrize("data", [
    b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
    b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
    b'<?xml version="1.0"?>\n<!-- comment -->\n<!DOCTYPE a><a/>',
    b'<!DOCTYPE a [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><a/>',
])
def test_any_dtd_is_refused(data):
    error = refusal(data)
    assert (error.reason, error.where, error.file_name) == (DTD_REFUSED, "", "f.xml")


def test_entity_reference_without_declaration_is_broken_xml():
    error = refusal(b"<a>\n<b>&xxe;</b></a>")
    assert (error.where, error.reason) == ("line 2, column 4", "the XML is broken: undefined entity")


def test_depth_limit():
    assert parse_xml(b"<a>" * MAX_XML_DEPTH + b"</a>" * MAX_XML_DEPTH, "f.xml").tag == "a"
    wide_then_deep = b"<r>" + b"<x/>" * 1000 + b"<a>" * MAX_XML_DEPTH + b"</a>" * MAX_XML_DEPTH + b"</r>"
    assert "nested more than 64 levels deep" in refusal(wide_then_deep).reason
    assert "nested more than 64 levels deep" in refusal(b"<a>" * 100_000 + b"</a>" * 100_000).reason


def test_truncated_and_broken_positions_count_columns_from_one():
    assert refusal(b"<a>\n  <b>1</b>\n  <c>").where == "line 3, column 6"
    error = refusal(b"<a>\n<b></c></a>")
    assert (error.where, error.reason) == ("line 2, column 6", "the XML is broken: mismatched tag")


def test_empty_and_non_xml():
    assert refusal(b"  \n").reason == "the file is empty"
    assert refusal(b"Buchungstag;Betrag\n").reason == "the file is not XML"


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_parse_compact_xml_collapses_whitespace_and_places_errors_in_the_file_as_written():
    root, parsed = parse_compact_xml(b'<?xml version="1.0"?>\n<a>\n  <b x="1  2">  one   two </b>\n  <c/>\n</a>\n', "f.xml")
    assert parsed == b'<?xml version="1.0"?><a><b x="1 2"> one two </b><c/></a>'
    assert [(child.tag, child.text) for child in root] == [("b", " one two "), ("c", None)]
    with pytest.raises(UnreadableStatement) as caught:
        parse_compact_xml(b"<a>\n  <b>1</b>\n  <c>\n</a>\n", "f.xml")
    assert caught.value.where == "line 4, column 3"
    wide = '<?xml version="1.0" encoding="UTF-16"?>\n<a>\n <b>ü</b>\n</a>'.encode("utf-16")
    root, parsed = parse_compact_xml(wide, "f.xml")
    assert parsed is wide and root.find("b") is not None


def test_word_floods_are_parsed_as_they_are_rather_than_split_into_millions_of_words():
    flood = b"<a>" + b"x " * 1_000_000 + b"</a>"
    root, parsed = parse_compact_xml(flood, "f.xml")
    assert parsed is flood and root.text is not None and root.text.startswith("x x x")
