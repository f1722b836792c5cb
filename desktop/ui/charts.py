"""A small chart drawn with QPainter: bars (grouped when there are several series) or lines, with
axes, value labels in the user's locale, and the exact value as a tooltip under the mouse.

No chart library: the reports need three simple pictures (aging buckets, DSO trend, cash collected),
and a hundred lines of painting are smaller than any of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLocale, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

PALETTE = ("#2F6DB5", "#E08A1E", "#3C9D5D", "#B5475A", "#7A5CB8", "#5E8C99")
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64.0, 16.0, 28.0, 40.0


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None: no value (a gap in a line, no bar)


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` grid lines over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


class ChartWidget(QWidget):
    """``set_data("bar" | "line", labels, series, title)``; ``clear()`` shows nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = "bar"
        self.title = ""
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.value_text: Callable[[float], str] = self._number
        self._hits: list[tuple[QRectF, str]] = []
        self.setMouseTracking(True)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(520, 260)

    def set_data(self, kind: str, labels: Sequence[str], series: Sequence[Series], title: str = "",
                 value_text: Callable[[float], str] | None = None) -> None:
        self.kind = kind
        self.labels = list(labels)
        self.series = list(series)
        self.title = title
        self.value_text = value_text or self._number
        self.update()

    def clear(self) -> None:
        self.set_data(self.kind, [], [], "")

    @property
    def has_data(self) -> bool:
        return any(v is not None for s in self.series for v in s.values)

    def _number(self, value: float) -> str:
        return QLocale().toString(float(value), "f", 0 if abs(value) >= 100 else 1)

    # --- painting -----------------------------------------------------------------------------------------------
    def _range(self) -> tuple[float, float, float]:
        values = [v for s in self.series for v in s.values if v is not None]
        low, high = min([0.0, *values]), max([0.0, *values])
        step = nice_step(high - low or 1.0)
        return float(math.floor(low / step) * step), float(math.ceil(high / step) * step or step), step

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.windowText().color()
        muted = QColor(text_color)
        muted.setAlpha(150)
        painter.fillRect(self.rect(), palette.base())
        metrics = QFontMetrics(self.font())
        if self.title:
            painter.setPen(text_color)
            painter.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self.title)
        self._hits = []
        if not self.has_data:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Nothing to show for this date"))
            painter.end()
            return
        plot = QRectF(MARGIN_LEFT, MARGIN_TOP, max(10.0, self.width() - MARGIN_LEFT - MARGIN_RIGHT),
                      max(10.0, self.height() - MARGIN_TOP - MARGIN_BOTTOM))
        low, high, step = self._range()

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        grid = QPen(muted, 0.5, Qt.PenStyle.DotLine)
        tick = low
        while tick <= high + step / 2:
            y = y_of(tick)
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            painter.drawText(QRectF(0, y - 8, MARGIN_LEFT - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             QLocale().toString(float(tick), "f", 0 if step >= 1 else 1))
            tick += step
        painter.setPen(QPen(text_color, 1))
        painter.drawLine(QPointF(plot.left(), y_of(0)), QPointF(plot.right(), y_of(0)))
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        count = max(1, len(self.labels))
        slot = plot.width() / count
        every = max(1, math.ceil(max((metrics.horizontalAdvance(label) + 8 for label in self.labels), default=1) / slot))
        painter.setPen(muted)
        for index, label in enumerate(self.labels):
            if index % every == 0:
                painter.drawText(QRectF(plot.left() + index * slot, plot.bottom() + 4, slot * every, 18),
                                 Qt.AlignmentFlag.AlignHCenter if every == 1 else Qt.AlignmentFlag.AlignLeft, label)
        if self.kind == "line":
            self._lines(painter, plot, slot, y_of)
        else:
            self._bars(painter, plot, slot, y_of)
        self._legend(painter, metrics, plot)
        painter.end()

    def _bars(self, painter: QPainter, plot: QRectF, slot: float, y_of: Callable[[float], float]) -> None:
        groups = max(1, len(self.series))
        width = slot * 0.7 / groups
        for s_index, series in enumerate(self.series):
            color = QColor(PALETTE[s_index % len(PALETTE)])
            for index, value in enumerate(series.values):
                if value is None:
                    continue
                x = plot.left() + index * slot + slot * 0.15 + s_index * width
                top, bottom = sorted((y_of(value), y_of(0)))
                rect = QRectF(x, top, width, max(1.0, bottom - top))
                painter.fillRect(rect, color)
                self._hits.append((rect.adjusted(-1, -4, 1, 4), self._tip(series, index, value)))

    def _lines(self, painter: QPainter, plot: QRectF, slot: float, y_of: Callable[[float], float]) -> None:
        for s_index, series in enumerate(self.series):
            color = QColor(PALETTE[s_index % len(PALETTE)])
            painter.setPen(QPen(color, 2))
            previous: QPointF | None = None
            for index, value in enumerate(series.values):
                if value is None:
                    previous = None
                    continue
                point = QPointF(plot.left() + (index + 0.5) * slot, y_of(value))
                if previous is not None:
                    painter.drawLine(previous, point)
                painter.setBrush(color)
                painter.drawEllipse(point, 3, 3)
                self._hits.append((QRectF(point.x() - 6, point.y() - 6, 12, 12), self._tip(series, index, value)))
                previous = point

    def _legend(self, painter: QPainter, metrics: QFontMetrics, plot: QRectF) -> None:
        if len(self.series) < 2 and not (self.series and self.series[0].name):
            return
        x = plot.right()
        for s_index, series in reversed(list(enumerate(self.series))):
            width = metrics.horizontalAdvance(series.name) + 18
            x -= width
            painter.fillRect(QRectF(x, 10, 10, 10), QColor(PALETTE[s_index % len(PALETTE)]))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QRectF(x + 13, 5, width, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             series.name)

    def _tip(self, series: Series, index: int, value: float) -> str:
        name = f"{series.name} · " if series.name else ""
        return f"{self.labels[index]}: {name}{self.value_text(value)}"

    def tooltip_at(self, x: float, y: float) -> str:
        """The tooltip for the point ``x, y`` (empty when nothing is under it); valid after a paint."""
        for rect, text in self._hits:
            if rect.contains(QPointF(x, y)):
                return text
        return ""

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        text = self.tooltip_at(event.position().x(), event.position().y())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)
