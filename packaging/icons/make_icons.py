"""Draws Paydesk's app icon and writes it for each platform: paydesk.png (Linux, 512 px),
paydesk.ico (Windows, 16-256 px) and paydesk.icns (macOS, 16-1024 px), next to this file.

    .venv/bin/python packaging/icons/make_icons.py

The files are committed; run this again only to change the icon. The motif is the window icon's
(resources/icons/paydesk.png): an invoice on a blue tile, with a green "paid" tick. It is drawn at
4x the largest size and scaled down, so edges are smooth at every size.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 1024
SCALE = 4  # supersampling
BLUE_TOP, BLUE_BOTTOM = (43, 127, 230), (21, 82, 176)
PAPER, FOLD, LINES = (250, 252, 255), (200, 220, 245), (150, 165, 185)
GREEN, TICK = (46, 150, 80), (255, 255, 255)
ICO_SIZES = [(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]


def draw_icon() -> Image.Image:
    n = SIZE * SCALE

    def px(value: float) -> int:
        return round(value * n)

    image = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    # The tile: a vertical blue gradient inside a rounded square (macOS-style margin of 6%).
    gradient = Image.new("RGBA", (1, n))
    for y in range(n):
        t = y / (n - 1)
        gradient.putpixel((0, y), (*(round(a + (b - a) * t) for a, b in zip(BLUE_TOP, BLUE_BOTTOM, strict=True)), 255))
    gradient = gradient.resize((n, n))
    mask = Image.new("L", (n, n), 0)
    ImageDraw.Draw(mask).rounded_rectangle((px(0.06), px(0.06), px(0.94), px(0.94)), radius=px(0.19), fill=255)
    image.paste(gradient, (0, 0), mask)

    draw = ImageDraw.Draw(image)
    # The invoice: a sheet with a folded top-right corner and three lines of text.
    left, top, right, bottom, fold = 0.27, 0.17, 0.69, 0.80, 0.12
    draw.polygon([(px(left), px(top)), (px(right - fold), px(top)), (px(right), px(top + fold)), (px(right), px(bottom)),
                  (px(left), px(bottom))], fill=PAPER)
    draw.polygon([(px(right - fold), px(top)), (px(right), px(top + fold)), (px(right - fold), px(top + fold))], fill=FOLD)
    for k, length in enumerate((0.28, 0.30, 0.22)):
        y = top + 0.17 + k * 0.10
        draw.rounded_rectangle((px(left + 0.07), px(y), px(left + 0.07 + length), px(y + 0.035)), radius=px(0.017), fill=LINES)
    # Paid: a green disc with a white tick, overlapping the sheet's lower right corner.
    cx, cy, r = 0.69, 0.70, 0.175
    draw.ellipse((px(cx - r - 0.02), px(cy - r - 0.02), px(cx + r + 0.02), px(cy + r + 0.02)), fill=(*BLUE_BOTTOM, 255))
    draw.ellipse((px(cx - r), px(cy - r), px(cx + r), px(cy + r)), fill=GREEN)
    draw.line([(px(cx - 0.085), px(cy + 0.005)), (px(cx - 0.025), px(cy + 0.065)), (px(cx + 0.09), px(cy - 0.065))],
              fill=TICK, width=px(0.045), joint="curve")
    for x, y in ((cx - 0.085, cy + 0.005), (cx + 0.09, cy - 0.065)):  # round line ends
        draw.ellipse((px(x - 0.0225), px(y - 0.0225), px(x + 0.0225), px(y + 0.0225)), fill=TICK)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    icon = draw_icon()
    icon.resize((512, 512), Image.Resampling.LANCZOS).save(HERE / "paydesk.png", optimize=True)
    icon.save(HERE / "paydesk.ico", sizes=ICO_SIZES)
    icon.save(HERE / "paydesk.icns")
    for name in ("paydesk.png", "paydesk.ico", "paydesk.icns"):
        print(f"{HERE / name}: {(HERE / name).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
