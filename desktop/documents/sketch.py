"""A block drawn from recorded operations placed relative to its top edge (y grows downwards).

Building a sketch measures it; drawing replays it wherever the page flow put the block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from reportlab.lib.utils import ImageReader

from desktop.documents.fonts import REGULAR
from desktop.documents.page_writer import PageWriter, text_width, wrap_text
from desktop.documents.style import LEADING, TEXT, Rgb

Align = Literal["left", "right", "center"]
Op = Callable[[PageWriter, float], None]


class Sketch:
    """Operations at offsets below the block's top; ``height`` grows to cover what was added."""

    def __init__(self) -> None:
        self.height = 0.0
        self._ops: list[Op] = []

    def _extend(self, bottom: float) -> None:
        self.height = max(self.height, bottom)

    def text(
        self,
        x: float,
        line_top: float,
        value: str,
        font: str = REGULAR,
        size: float = 9.0,
        color: Rgb = TEXT,
        align: Align = "left",
    ) -> float:
        """One line of text in the line box starting ``line_top`` below the top; returns the box's bottom."""
        leading = size * LEADING
        drop = line_top + (leading - size) / 2 + 0.8 * size
        if align == "right":
            x -= text_width(value, font, size)
        elif align == "center":
            x -= text_width(value, font, size) / 2
        self._ops.append(lambda writer, top: writer.text(x, top - drop, value, font, size, color))
        self._extend(line_top + leading)
        return line_top + leading

    def paragraph(
        self,
        x: float,
        line_top: float,
        value: str,
        width: float,
        font: str = REGULAR,
        size: float = 9.0,
        color: Rgb = TEXT,
        align: Align = "left",
    ) -> float:
        """``value`` wrapped to ``width``; returns the bottom of its last line."""
        for line in wrap_text(value, font, size, width):
            line_top = self.text(x, line_top, line, font, size, color, align)
        return line_top

    def fill_rect(self, x: float, offset: float, width: float, height: float, color: Rgb) -> None:
        """A filled box whose top edge is ``offset`` below the block's top."""
        self._ops.append(lambda writer, top: writer.fill_rect(x, top - offset - height, width, height, color))
        self._extend(offset + height)

    def stroke_rect(self, x: float, offset: float, width: float, height: float, color: Rgb) -> None:
        self._ops.append(lambda writer, top: writer.stroke_rect(x, top - offset - height, width, height, color))
        self._extend(offset + height)

    def hline(self, x1: float, x2: float, offset: float, color: Rgb, line_width: float = 0.5) -> None:
        self._ops.append(lambda writer, top: writer.hline(x1, x2, top - offset, color, line_width))
        self._extend(offset)

    def image(self, image: ImageReader, x: float, offset: float, width: float, height: float) -> None:
        self._ops.append(lambda writer, top: writer.image(image, x, top - offset - height, width, height))
        self._extend(offset + height)

    def custom(self, op: Op, bottom: float) -> None:
        """Any drawing (``op(writer, top)``) reaching down to ``bottom``."""
        self._ops.append(op)
        self._extend(bottom)

    def pad(self, bottom: float) -> None:
        """Make the block at least ``bottom`` tall."""
        self._extend(bottom)

    def draw(self, writer: PageWriter, top: float) -> None:
        for op in self._ops:
            op(writer, top)
