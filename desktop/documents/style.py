"""Page geometry, type sizes and colours shared by the document renderers (units: PDF points)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 18 * mm
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 15 * mm
CONTENT_LEFT = MARGIN_LEFT
CONTENT_RIGHT = PAGE_WIDTH - MARGIN_RIGHT
CONTENT_WIDTH = CONTENT_RIGHT - CONTENT_LEFT
CONTENT_TOP = PAGE_HEIGHT - MARGIN_TOP
FOOTER_Y = 10 * mm  # baseline of the footer text
CONTENT_BOTTOM = 20 * mm  # nothing of the flow goes below this

LOGO_MAX_WIDTH = 60 * mm
LOGO_MAX_HEIGHT = 22 * mm
QR_SIZE = 36 * mm  # with its quiet zone; EPC asks for a code phones read easily

Rgb = tuple[float, float, float]
BLACK: Rgb = (0.0, 0.0, 0.0)
TEXT: Rgb = (0.12, 0.12, 0.14)
MUTED: Rgb = (0.38, 0.40, 0.44)
ACCENT: Rgb = (0.10, 0.27, 0.47)
RULE: Rgb = (0.80, 0.82, 0.86)
SHADE: Rgb = (0.93, 0.95, 0.97)
WHITE: Rgb = (1.0, 1.0, 1.0)

SIZE_TITLE = 20.0
SIZE_NAME = 10.5
SIZE_BODY = 9.0
SIZE_TABLE = 8.5
SIZE_SMALL = 7.5
LEADING = 1.25  # line height as a multiple of the font size
