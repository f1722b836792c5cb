"""A minimal page flow: blocks of known height stacked down the page, broken across pages.

Every block knows its height before anything is drawn, so the page count is known before the
first page is drawn ("Page 1 of 3" without a second rendering pass).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Protocol

from desktop.documents.page_writer import PageWriter


class Block(Protocol):
    @property
    def height(self) -> float: ...

    def draw(self, writer: PageWriter, top: float) -> None: ...


class SplittableBlock(Block, Protocol):
    def split(self, height: float) -> tuple[Block, Block] | None:
        """A first part at most ``height`` tall and the rest, or ``None`` if nothing useful fits."""
        ...


@dataclass(frozen=True, slots=True)
class FlowItem:
    block: Block
    gap_before: float = 0.0  # dropped at the top of a page
    header: Block | None = None  # drawn above this item where its group starts on a page (table header)


@dataclass(frozen=True, slots=True)
class Placed:
    block: Block
    top: float


def paginate(items: list[FlowItem], first_top: float, next_top: float, bottom: float) -> list[list[Placed]]:
    """Place ``items`` from ``first_top`` down to ``bottom`` on the first page, then from ``next_top``."""
    pages: list[list[Placed]] = [[]]
    y = first_top
    page_start = True
    last_header: Block | None = None
    queue = deque(items)
    while queue:
        item = queue.popleft()
        header = item.header if item.header is not None and (page_start or item.header is not last_header) else None
        gap = 0.0 if page_start else item.gap_before
        header_height = header.height if header is not None else 0.0
        room = y - gap - header_height - bottom
        block = item.block
        rest: Block | None = None
        if block.height > room:
            split = getattr(block, "split", None)
            parts = split(room) if split is not None else None
            if parts is None and not page_start:
                pages.append([])
                y, page_start = next_top, True
                queue.appendleft(item)
                continue
            if parts is not None:
                block, rest = parts
        y -= gap
        if header is not None:
            pages[-1].append(Placed(header, y))
            y -= header_height
        pages[-1].append(Placed(block, y))
        y -= block.height
        page_start = False
        last_header = item.header
        if rest is not None:
            queue.appendleft(FlowItem(rest, item.gap_before, item.header))
            pages.append([])
            y, page_start = next_top, True
    return pages
