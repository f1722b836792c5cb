"""The seller's logo, prepared once per process for fast embedding in every PDF.

ReportLab re-compresses PNG pixels for each document (tens of milliseconds for a large logo),
but copies JPEG data as it is. So the logo is flattened onto white (the paper), scaled down to
300 dpi at the size it is printed, and kept as a high-quality JPEG.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from PIL import Image
from reportlab.lib.utils import ImageReader

from desktop.documents.style import LOGO_MAX_HEIGHT, LOGO_MAX_WIDTH

PRINT_DPI = 300
JPEG_QUALITY = 92


def logo_size(width: float, height: float) -> tuple[float, float]:
    """The printed size (points) of an image ``width`` x ``height``: as large as fits the logo box."""
    scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
    return width * scale, height * scale


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, (255, 255, 255))
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB") if image.mode != "RGB" else image


@lru_cache(maxsize=4)
def prepared_logo(data: bytes) -> ImageReader | None:
    """The logo ready to draw, or ``None`` when ``data`` is not an image (a broken logo must not stop invoicing)."""
    try:
        with Image.open(BytesIO(data)) as original:
            original.load()
            image = _flattened(original)
        printed_width, printed_height = logo_size(*image.size)
        target = (max(1, round(printed_width / 72 * PRINT_DPI)), max(1, round(printed_height / 72 * PRINT_DPI)))
        if image.width > target[0]:
            image = image.resize(target, Image.Resampling.LANCZOS)
        encoded = BytesIO()
        image.save(encoded, "JPEG", quality=JPEG_QUALITY, subsampling=0)
        return ImageReader(BytesIO(encoded.getvalue()))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
