"""Fast text and box drawing on a ReportLab canvas, and measured line wrapping.

``canvas.drawString`` opens a text object per string and measures every string again; an invoice
draws about a hundred strings. Here a page's text is collected as PDF operators and added as one
text object when the page ends, encoded the way ReportLab documents for TrueType fonts
(``font.splitString`` / ``font.getSubsetInternalName``, see ``reportlab.pdfbase.ttfonts``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desktop.documents.fonts import REGULAR
from desktop.documents.style import BLACK, Rgb


@lru_cache(maxsize=8192)
def text_width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def _split_word(word: str, font: str, size: float, width: float) -> list[str]:
    """Cut a word wider than ``width`` into pieces that fit (at least one character each).

    ReportLab does not kern, so a string is as wide as its characters together.
    """
    pieces: list[str] = []
    start, used = 0, 0.0
    for index, char in enumerate(word):
        char_width = text_width(char, font, size)
        if used + char_width > width and index > start:
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += char_width
    pieces.append(word[start:])
    return pieces


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap to ``width``; keeps the text's own line breaks, cuts over-long words."""
    space = text_width(" ", font, size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current: list[str] = []
        current_width = 0.0
        for word in paragraph.split():
            word_width = text_width(word, font, size)
            if current and current_width + space + word_width <= width:
                current.append(word)
                current_width += space + word_width
                continue
            if current:
                lines.append(" ".join(current))
            if word_width > width:
                *full, word = _split_word(word, font, size, width)
                lines.extend(full)
                word_width = text_width(word, font, size)
            current, current_width = [word], word_width
        lines.append(" ".join(current))
    return lines


def fit_size(text: str, font: str, size: float, width: float, smallest: float = 5.0) -> float:
    """The font size, at most ``size``, at which ``text`` fits in ``width`` (for numbers that must not wrap)."""
    natural = text_width(text, font, size)
    if natural <= width:
        return size
    return max(smallest, size * width / natural)


@contextmanager
def _binary_image_data() -> Iterator[None]:
    """Embed image data as it is rather than ASCII85-encoded (4/5 larger, and slow in pure Python).

    ReportLab reads this setting when an image is first drawn in a document; it is put back after.
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


class PageWriter:
    """Draws one page after another on ``canvas``; text goes on top of the boxes and lines."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self._doc = canvas._doc  # TrueType subsets are tracked per ReportLab document
        self._fonts: dict[str, TTFont] = {}
        self._ops: list[str] = []
        self._font: tuple[str, float] | None = None
        self._color: Rgb | None = None

    def _ttf(self, name: str) -> TTFont:
        font = self._fonts.get(name)
        if font is None:
            found = getFont(name)
            if not isinstance(found, TTFont):
                raise TypeError(f"{name} is not a registered TrueType font")
            font = self._fonts[name] = found
        return font

    def text(self, x: float, y: float, value: str, font: str = REGULAR, size: float = 9.0, color: Rgb = BLACK) -> None:
        if not value:
            return
        ops = self._ops
        if color != self._color:
            ops.append(f"{color[0]:.3f} {color[1]:.3f} {color[2]:.3f} rg")
            self._color = color
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        ttf = self._ttf(font)
        doc = self._doc
        for subset, chunk in ttf.splitString(value, doc):
            name = ttf.getSubsetInternalName(subset, doc)
            if self._font != (name, size):
                ops.append(f"{name} {size:.2f} Tf")
                self._font = (name, size)
            ops.append(f"<{chunk.hex()}> Tj")  # hex strings need no escaping

    def text_right(
        self, right: float, y: float, value: str, font: str = REGULAR, size: float = 9.0, color: Rgb = BLACK
    ) -> None:
        self.text(right - text_width(value, font, size), y, value, font, size, color)

    def text_center(
        self, center: float, y: float, value: str, font: str = REGULAR, size: float = 9.0, color: Rgb = BLACK
    ) -> None:
        self.text(center - text_width(value, font, size) / 2, y, value, font, size, color)

    # Boxes and rules are written as PDF operators too, each in its own q/Q so that ReportLab's
    # idea of the graphics state stays true for what it draws itself (images).
    def fill_rect(self, x: float, y: float, width: float, height: float, color: Rgb) -> None:
        r, g, b = color
        self.canvas.addLiteral(f"q {r:.3f} {g:.3f} {b:.3f} rg {x:.2f} {y:.2f} {width:.2f} {height:.2f} re f Q")

    def stroke_rect(self, x: float, y: float, width: float, height: float, color: Rgb, line_width: float = 0.6) -> None:
        r, g, b = color
        self.canvas.addLiteral(
            f"q {r:.3f} {g:.3f} {b:.3f} RG {line_width:.2f} w {x:.2f} {y:.2f} {width:.2f} {height:.2f} re S Q"
        )

    def hline(self, x1: float, x2: float, y: float, color: Rgb, line_width: float = 0.5) -> None:
        r, g, b = color
        self.canvas.addLiteral(f"q {r:.3f} {g:.3f} {b:.3f} RG {line_width:.2f} w {x1:.2f} {y:.2f} m {x2:.2f} {y:.2f} l S Q")

    def image(self, image: ImageReader, x: float, y: float, width: float, height: float) -> None:
        with _binary_image_data():
            self.canvas.drawImage(image, x, y, width, height, mask="auto", preserveAspectRatio=True)

    def end_page(self) -> None:
        """Put the page's text on top of its graphics and start a new page."""
        if self._ops:
            self.canvas.addLiteral("q BT\n" + "\n".join(self._ops) + "\nET Q")
        self._ops = []
        self._font = self._color = None
        self.canvas.showPage()
