"""OFX as a tree of ``Node``: OFX 1.x SGML read by a small tokenizer, OFX 2.x XML converted from ``parse_xml``.

OFX 1.x is SGML without a DTD at hand: aggregates (``<STMTTRN>``) have end tags, leaf elements
(``<TRNAMT>-12.50``) usually do not, though some banks write them (``<NAME>x</NAME>``). An empty
start tag is an aggregate when OFX defines it as one or when the file closes it somewhere.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from desktop.domain.bank import UnreadableStatement
from desktop.importers.xml_safety import local_name

_OFX_START = re.compile(r"<OFX\s*>", re.IGNORECASE)
_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9_.]*)\s*>([^<]*)")
# Aggregates of the banking and credit card statement responses (OFX 1.6 / 2.2 specifications).
AGGREGATES = frozenset({
    "OFX", "SIGNONMSGSRSV1", "SONRS", "STATUS", "FI", "BANKMSGSRSV1", "STMTTRNRS", "STMTRS", "BANKACCTFROM",
    "BANKACCTTO", "BANKTRANLIST", "STMTTRN", "PAYEE", "LEDGERBAL", "AVAILBAL", "BALLIST", "BAL", "CURRENCY",
    "ORIGCURRENCY", "CREDITCARDMSGSRSV1", "CCSTMTTRNRS", "CCSTMTRS", "CCACCTFROM", "CCACCTTO", "SIGNUPMSGSRSV1",
    "MKTGINFO", "STMTENDTRNRS", "STMTENDRS", "CCSTMTENDTRNRS", "CCSTMTENDRS",
})


@dataclass(slots=True)
class Node:
    name: str  # upper case: "STMTTRN"
    text: str = ""
    line: int = 0  # 1-based line of the start tag in OFX 1.x; 0 for XML
    start: int = 0  # offset of the start tag in OFX 1.x
    children: list[Node] = field(default_factory=list)
    raw: str = ""  # the source of a STMTTRN

    def child(self, *names: str) -> Node | None:
        for child in self.children:
            if child.name in names:
                return child
        return None

    def texts(self) -> dict[str, str]:
        """The first text of each child element, by name."""
        found: dict[str, str] = {}
        for child in self.children:
            found.setdefault(child.name, child.text)
        return found

    def value(self, *path: str) -> str:
        """The text at a path of child names (``value("LEDGERBAL", "BALAMT")``), or ""."""
        node: Node | None = self
        for name in path:
            node = node.child(name) if node is not None else None
        return node.text if node is not None else ""

    def walk(self, into: Callable[[Node], bool]) -> Iterator[Node]:
        """This node and those below it, in document order, descending only where ``into`` says."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if into(node):
                stack.extend(reversed(node.children))

    def source(self) -> str:
        """The node as XML, for ``BankTransaction.raw``."""
        inner = "".join(child.source() for child in self.children) if self.children else html.escape(self.text, quote=False)
        return f"<{self.name}>{inner}</{self.name}>"


def parse_sgml(text: str, file_name: str) -> Node:
    """The ``<OFX>`` body of an OFX 1.x file (header lines before it are skipped)."""
    found = _OFX_START.search(text)
    start = found.start() if found else 0
    closers = {name.upper() for name in re.findall(r"</([A-Za-z][A-Za-z0-9_.]*)\s*>", text)}
    root = Node("#document")
    stack = [root]
    line, counted = 1, 0
    for token in _TOKEN.finditer(text, start):
        line += text.count("\n", counted, token.start())
        counted = token.start()
        closing, name, value = token.group(1), token.group(2).upper(), token.group(3).strip()
        if closing:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    for closed in stack[depth:]:
                        if closed.name == "STMTTRN":
                            closed.raw = text[closed.start:token.end() if closed is stack[depth] else token.start()].strip()
                    del stack[depth:]
                    break
            continue  # else the end tag of a leaf, or a stray one
        node = Node(name, html.unescape(value), line, token.start())
        stack[-1].children.append(node)
        if not value and (name in AGGREGATES or name in closers):
            stack.append(node)
    if len(stack) > 1:
        raise UnreadableStatement(f"the file ends inside <{stack[-1].name}> (opened at line {stack[-1].line}); "
                                  "it may be cut off: download it again from the bank", f"line {line}", file_name)
    return root


def from_xml(element: ET.Element) -> Node:
    """An OFX 2.x element tree as ``Node`` (namespaces dropped, names upper case)."""
    node = Node(local_name(element.tag).upper(), (element.text or "").strip())
    node.children = [from_xml(child) for child in element]
    if node.name == "STMTTRN":
        node.raw = node.source()
    return node
